import { useId } from 'react';
import { formatNumber, formatShortDate } from '../../format.js';

/** Series colours: each at least 3:1 against white (WCAG 1.4.11), told apart by the legend's text as well. */
export const SERIES_COLOURS = ['#0b4f8a', '#a04a00', '#1e6b34', '#6a3d9a', '#8a1c3c'];

export interface Series {
  name: string;
  values: number[];
}

/**
 * Columns per day, stacked by series, as an SVG picture with its data as a table beside it: the picture is for the
 * eye, the table for everyone (screen readers, print, exact numbers).
 */
export function StackedColumns({ title, days, series }: { title: string; days: string[]; series: Series[] }) {
  const id = useId();
  const totals = days.map((_, i) => series.reduce((sum, s) => sum + (s.values[i] ?? 0), 0));
  const max = Math.max(1, ...totals);
  const width = 640;
  const height = 200;
  const barWidth = width / Math.max(1, days.length);
  return (
    <figure className="chart">
      <figcaption id={`${id}-caption`}>{title}</figcaption>
      <Legend series={series} />
      <svg viewBox={`0 0 ${width} ${height + 20}`} role="img" aria-labelledby={`${id}-caption`} className="chart-svg">
        <line x1={0} y1={height} x2={width} y2={height} stroke="#6b6b6b" />
        {days.map((day, i) => {
          let y = height;
          return (
            <g key={day}>
              {series.map((s, k) => {
                const value = s.values[i] ?? 0;
                const h = (value / max) * (height - 10);
                y -= h;
                return value > 0 ? (
                  <rect
                    key={s.name}
                    x={i * barWidth + 1}
                    y={y}
                    width={Math.max(1, barWidth - 2)}
                    height={h}
                    fill={SERIES_COLOURS[k % SERIES_COLOURS.length]}
                  />
                ) : null;
              })}
            </g>
          );
        })}
        <text x={0} y={height + 16} fontSize={12} fill="#1b1b1b">
          {days.length ? formatShortDate(days[0]) : ''}
        </text>
        <text x={width} y={height + 16} fontSize={12} fill="#1b1b1b" textAnchor="end">
          {days.length ? formatShortDate(days[days.length - 1]) : ''}
        </text>
        <text x={4} y={12} fontSize={12} fill="#1b1b1b">
          {formatNumber(max)}
        </text>
      </svg>
      <details>
        <summary>Visa som tabell: {title.toLowerCase()}</summary>
        <table>
          <thead>
            <tr>
              <th scope="col">Dag</th>
              {series.map((s) => (
                <th scope="col" key={s.name}>
                  {s.name}
                </th>
              ))}
              <th scope="col">Totalt</th>
            </tr>
          </thead>
          <tbody>
            {days.map((day, i) =>
              totals[i] === 0 ? null : (
                <tr key={day}>
                  <th scope="row">{formatShortDate(day)}</th>
                  {series.map((s) => (
                    <td key={s.name} className="number">
                      {formatNumber(s.values[i] ?? 0)}
                    </td>
                  ))}
                  <td className="number">{formatNumber(totals[i])}</td>
                </tr>
              ),
            )}
          </tbody>
        </table>
      </details>
    </figure>
  );
}

/** Horizontal bars grouped by category (a purpose, an agency), one bar per series, with the same numbers as a table. */
export function GroupedBars({
  title,
  groups,
  series,
  unit = '',
  tableCaption,
  groupLabel,
}: {
  title: string;
  groups: string[];
  series: Series[];
  unit?: string;
  tableCaption: string;
  /** the heading of the table's first column: what a group is */
  groupLabel: string;
}) {
  const id = useId();
  const max = Math.max(1, ...series.flatMap((s) => s.values));
  const barHeight = 14;
  const groupHeight = series.length * (barHeight + 2) + 10;
  const labelWidth = 170;
  const width = 640;
  const height = Math.max(groupHeight * groups.length, 20);
  return (
    <figure className="chart">
      <figcaption id={`${id}-caption`}>{title}</figcaption>
      {series.length > 1 && <Legend series={series} />}
      <svg viewBox={`0 0 ${width} ${height}`} role="img" aria-labelledby={`${id}-caption`} className="chart-svg">
        {groups.map((group, g) => (
          <g key={group} transform={`translate(0 ${g * groupHeight})`}>
            <text x={0} y={barHeight} fontSize={12} fill="#1b1b1b">
              {shortLabel(group)}
            </text>
            {series.map((s, k) => {
              const value = s.values[g] ?? 0;
              const w = (value / max) * (width - labelWidth - 60);
              return (
                <g key={s.name}>
                  <rect
                    x={labelWidth}
                    y={k * (barHeight + 2)}
                    width={Math.max(value > 0 ? 1 : 0, w)}
                    height={barHeight}
                    fill={SERIES_COLOURS[k % SERIES_COLOURS.length]}
                  />
                  <text x={labelWidth + w + 4} y={k * (barHeight + 2) + barHeight - 3} fontSize={11} fill="#1b1b1b">
                    {formatNumber(value, unit ? 1 : 0)}
                    {unit}
                  </text>
                </g>
              );
            })}
          </g>
        ))}
      </svg>
      <table>
        <caption>{tableCaption}</caption>
        <thead>
          <tr>
            <th scope="col">{groupLabel}</th>
            {series.map((s) => (
              <th scope="col" key={s.name}>
                {s.name}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {groups.map((group, g) => (
            <tr key={group}>
              <th scope="row">{group}</th>
              {series.map((s) => (
                <td key={s.name} className="number">
                  {formatNumber(s.values[g] ?? 0, unit ? 1 : 0)}
                  {unit}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </figure>
  );
}

/** Long labels (a denial reason) are cut in the picture; the table beside it has them whole. */
function shortLabel(label: string): string {
  return label.length > 26 ? `${label.slice(0, 25)}…` : label;
}

function Legend({ series }: { series: Series[] }) {
  return (
    <ul className="legend">
      {series.map((s, k) => (
        <li key={s.name}>
          <span
            className="swatch"
            style={{ background: SERIES_COLOURS[k % SERIES_COLOURS.length] }}
            aria-hidden="true"
          />
          {s.name}
        </li>
      ))}
    </ul>
  );
}
