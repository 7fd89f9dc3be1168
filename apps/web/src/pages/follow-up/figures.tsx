import type { ContactChannel, ContactOutcome } from '@contracts/codes';
import type { HubSchemas } from '../../api/hub.js';
import { formatDate, formatNumber } from '../../format.js';
import { agencyName, PURPOSE_TEXT } from '../../texts.js';
import { CHANNEL_TEXT, OUTCOME_TEXT } from '../guide/contact-texts.js';

type Figures = HubSchemas['FollowUpFigures'];
type TargetFigure = HubSchemas['TargetFigure'];
type Cell = { count: number | null; suppressed: boolean; secondary?: boolean };

export const SUPPRESSED_TEXT = 'färre än 5';
/** A count of 5 or more hidden so that a total minus the counts shown cannot give back a suppressed one. */
export const SECONDARY_TEXT = 'dold';
const WEEKDAYS = ['måndag', 'tisdag', 'onsdag', 'torsdag', 'fredag', 'lördag', 'söndag'];

export const MEASURE_TEXT: Record<TargetFigure['measure'], string> = {
  'first-contact-resolved': 'Lösta vid första kontakten',
  nki: 'Nöjd-Kund-Index (NKI)',
  'errands-in-time': 'Ärenden besvarade inom svarstiden',
  'referrals-in-time': 'Remisser besvarade inom avtalad svarstid',
};

const STATUS_TEXT: Record<TargetFigure['status'], string> = {
  met: 'Målet uppfyllt',
  missed: 'Målet inte uppfyllt',
  'no-target': 'Inget mål satt',
  'no-figure': 'Utfall saknas',
};

function count(cell: Cell): string {
  if (cell.secondary) return SECONDARY_TEXT;
  return cell.suppressed || cell.count === null ? SUPPRESSED_TEXT : formatNumber(cell.count);
}

function share(s: HubSchemas['ShareFigure']): string {
  if (s.secondary) return SECONDARY_TEXT;
  if (s.suppressed) return SUPPRESSED_TEXT;
  return s.percent === null ? '–' : `${formatNumber(s.percent, 1)} %`;
}

const unitOf = (measure: TargetFigure['measure']) => (measure === 'nki' ? '' : ' %');

function value(v: number | null, measure: TargetFigure['measure'], missing: string): string {
  return v === null ? missing : `${formatNumber(v, 1)}${unitOf(measure)}`;
}

function change(t: TargetFigure): string {
  if (t.change === null) return '–';
  const points = measureIsPercent(t.measure) ? ' procentenheter' : '';
  if (t.change === 0) return 'oförändrat';
  return `${t.change > 0 ? 'upp' : 'ned'} ${formatNumber(Math.abs(t.change), 1)}${points}`;
}

const measureIsPercent = (m: TargetFigure['measure']) => m !== 'nki';

function hours(v: number | null, suppressed: boolean): string {
  if (v === null) return suppressed ? SUPPRESSED_TEXT : '–';
  return `${formatNumber(v, 1)} h`;
}

function seconds(v: number | null): string {
  if (v === null) return SUPPRESSED_TEXT;
  return v < 120 ? `${formatNumber(v)} s` : `${formatNumber(v / 60, 1)} min`;
}

function CountTable<T extends Cell>({
  caption,
  label,
  rows,
  name,
}: {
  caption: string;
  label: string;
  rows: T[];
  name: (row: T) => string;
}) {
  return (
    <table>
      <caption>{caption}</caption>
      <thead>
        <tr>
          <th scope="col">{label}</th>
          <th scope="col">Antal</th>
        </tr>
      </thead>
      <tbody>
        {rows.length === 0 && (
          <tr>
            <td colSpan={2}>Inga under perioden.</td>
          </tr>
        )}
        {rows.map((row) => (
          <tr key={name(row)}>
            <th scope="row">{name(row)}</th>
            <td className="number">{count(row)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function TargetTable({ figures }: { figures: Figures }) {
  return (
    <table className="targets">
      <caption>
        Mål och utfall, jämfört med föregående period ({formatDate(figures.previousPeriod.from)} –{' '}
        {formatDate(figures.previousPeriod.to)})
      </caption>
      <thead>
        <tr>
          <th scope="col">Mått</th>
          <th scope="col">Mål</th>
          <th scope="col">Utfall</th>
          <th scope="col">Föregående period</th>
          <th scope="col">Förändring</th>
          <th scope="col">Bedömning</th>
        </tr>
      </thead>
      <tbody>
        {figures.targets.map((t) => (
          <tr key={t.measure} data-measure={t.measure}>
            <th scope="row">{MEASURE_TEXT[t.measure]}</th>
            <td className="number">
              {t.target === null ? '–' : `minst ${formatNumber(t.target, 1)}${unitOf(t.measure)}`}
              {t.targetOf === 'municipality' && <span className="muted"> (kommunens)</span>}
            </td>
            <td className="number">{value(t.value, t.measure, 'saknas')}</td>
            <td className="number">{value(t.previous, t.measure, '–')}</td>
            <td className="number">{change(t)}</td>
            <td className={`target-${t.status}`}>{STATUS_TEXT[t.status]}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** The weekday × hour heat map, as a table: every cell has its number as text, the shade only repeats it. */
function HeatMap({ cells }: { cells: HubSchemas['HeatCell'][] }) {
  const hoursShown = [...new Set(cells.filter((c) => c.suppressed || (c.count ?? 0) > 0).map((c) => c.hour))].sort(
    (a, b) => a - b,
  );
  const max = Math.max(1, ...cells.map((c) => c.count ?? 0));
  const at = (weekday: number, hour: number) => cells.find((c) => c.weekday === weekday && c.hour === hour)!;
  if (hoursShown.length === 0) return <p>Inga kontakter under perioden.</p>;
  return (
    <div className="table-scroll">
      <table className="heat-map">
        <caption>Kontakter per veckodag och timme (svensk tid)</caption>
        <thead>
          <tr>
            <th scope="col">Veckodag</th>
            {hoursShown.map((h) => (
              <th scope="col" key={h}>
                {String(h).padStart(2, '0')}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {WEEKDAYS.map((day, i) => (
            <tr key={day}>
              <th scope="row">{day}</th>
              {hoursShown.map((h) => {
                const cell = at(i + 1, h);
                const level = cell.count === null ? 1 : Math.ceil((cell.count / max) * 4);
                return (
                  <td key={h} className={`number heat-${level}`}>
                    {cell.secondary ? SECONDARY_TEXT : cell.suppressed ? '<5' : formatNumber(cell.count ?? 0)}
                  </td>
                );
              })}
            </tr>
          ))}
        </tbody>
      </table>
      <p className="muted">
        &lt;5: {SUPPRESSED_TEXT}, visas inte; {SECONDARY_TEXT}: visas inte, eftersom summan annars skulle avslöja ett
        antal under 5.
      </p>
    </div>
  );
}

export function FiguresSection({ figures }: { figures: Figures }) {
  const { contacts, errands, referrals, queries } = figures;
  return (
    <section aria-labelledby="figures-heading">
      <h2 id="figures-heading">Kontakter, ärenden och mål</h2>
      <p className="muted">
        Antal under {figures.smallNumberThreshold} visas som ”{SUPPRESSED_TEXT}”, och andelar och tider räknas inte på
        färre än {figures.smallNumberThreshold}, så att ingen enskild person kan pekas ut.
      </p>
      <TargetTable figures={figures} />
      <ul className="key-figures">
        <li>
          <span className="figure">{count(contacts.total)}</span> kontakter
        </li>
        <li>
          <span className="figure">{share(contacts.resolvedAtFirstContact)}</span> lösta vid första kontakten
        </li>
        <li>
          <span className="figure">{count(errands.total.forwarded)}</span> vidarebefordrade ärenden
        </li>
        <li>
          <span className="figure">{count(errands.total.overdue)}</span> försenade ärenden
        </li>
      </ul>
      <h3>Kontakter</h3>
      <CountTable
        caption="Kontakter per kanal"
        label="Kanal"
        rows={contacts.byChannel}
        name={(r) => CHANNEL_TEXT[r.channel as ContactChannel] ?? r.channel}
      />
      <table>
        <caption>Kontakter per ämne</caption>
        <thead>
          <tr>
            <th scope="col">Ämne</th>
            <th scope="col">Kategori</th>
            <th scope="col">Antal</th>
          </tr>
        </thead>
        <tbody>
          {contacts.byTopic.map((t) => (
            <tr key={t.topic}>
              <th scope="row">{t.topicName}</th>
              <td>{t.categoryName}</td>
              <td className="number">{count(t)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <CountTable
        caption="Kontakter per ROSA-nivå"
        label="ROSA-nivå"
        rows={contacts.byRosa}
        name={(r) => `Nivå ${r.rosa}`}
      />
      <CountTable
        caption="Kontakter per utfall"
        label="Utfall"
        rows={contacts.byOutcome}
        name={(r) => OUTCOME_TEXT[r.outcome as ContactOutcome] ?? r.outcome}
      />
      <h3>Toppar</h3>
      <HeatMap cells={contacts.heatMap} />
      <table>
        <caption>Väntetid och handläggningstid, där kontakten registrerade dem</caption>
        <thead>
          <tr>
            <th scope="col">Tid</th>
            <th scope="col">Kontakter</th>
            <th scope="col">Median</th>
            <th scope="col">90:e percentilen</th>
          </tr>
        </thead>
        <tbody>
          {(
            [
              ['Väntetid', contacts.waiting],
              ['Handläggningstid', contacts.handling],
            ] as const
          ).map(([name, d]) => (
            <tr key={name}>
              <th scope="row">{name}</th>
              <td className="number">{count(d.samples)}</td>
              <td className="number">{d.samples.count === 0 ? '–' : seconds(d.medianSeconds)}</td>
              <td className="number">{d.samples.count === 0 ? '–' : seconds(d.p90Seconds)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <h3>Skriv härnäst i kunskapsbanken</h3>
      {contacts.unresolvedWithoutArticle.length === 0 ? (
        <p>Alla ämnen som inte löstes vid första kontakten har en artikel.</p>
      ) : (
        <table>
          <caption>Ämnen som ofta inte löses vid första kontakten och saknar artikel</caption>
          <thead>
            <tr>
              <th scope="col">Ämne</th>
              <th scope="col">Kategori</th>
              <th scope="col">Ej lösta vid första kontakten</th>
            </tr>
          </thead>
          <tbody>
            {contacts.unresolvedWithoutArticle.map((t) => (
              <tr key={t.topic}>
                <th scope="row">{t.topicName}</th>
                <td>{t.categoryName}</td>
                <td className="number">{count(t)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <h3>Ärenden till förvaltningar</h3>
      <table>
        <caption>Vidarebefordrade ärenden per förvaltning</caption>
        <thead>
          <tr>
            <th scope="col">Förvaltning</th>
            <th scope="col">Vidarebefordrade</th>
            <th scope="col">Besvarade</th>
            <th scope="col">Ledtid, median</th>
            <th scope="col">Ledtid, 90:e percentilen</th>
            <th scope="col">Försenade nu</th>
            <th scope="col">Besvarade inom svarstiden</th>
          </tr>
        </thead>
        <tbody>
          {[...errands.byDepartment, { ...errands.total, department: 'Totalt' }].map((d) => (
            <tr key={d.department}>
              <th scope="row">{d.department}</th>
              <td className="number">{count(d.forwarded)}</td>
              <td className="number">{count(d.answered)}</td>
              <td className="number">{hours(d.medianHours, d.answered.suppressed)}</td>
              <td className="number">{hours(d.p90Hours, d.answered.suppressed)}</td>
              <td className="number">{count(d.overdue)}</td>
              <td className="number">{share(d.answeredInTime)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <h3>Remisser och frågor per myndighet och ändamål</h3>
      {(
        [
          ['Remisser per myndighet och ändamål', referrals.byAgencyAndPurpose],
          ['Myndighetssvar per myndighet och ändamål', queries.byAgencyAndPurpose],
        ] as const
      ).map(([caption, rows]) => (
        <table key={caption}>
          <caption>{caption}</caption>
          <thead>
            <tr>
              <th scope="col">Myndighet</th>
              <th scope="col">Ändamål</th>
              <th scope="col">Antal</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={`${r.agency}/${r.purpose}`}>
                <th scope="row">{agencyName(r.agency)}</th>
                <td>{PURPOSE_TEXT[r.purpose as keyof typeof PURPOSE_TEXT] ?? r.purpose}</td>
                <td className="number">{count(r)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ))}
      <p>Remisser besvarade inom avtalad svarstid: {share(referrals.answeredInTime)}.</p>
    </section>
  );
}
