import {
  CASE_STATUSES,
  createAgencyRegister,
  insertPeople,
  insertRows,
  jsonList,
  personTableDdl,
  type AgencyRegister,
} from '@hub/registers';
import { MEANS_TESTED_DECISIONS, PENSION_KINDS, derivePensionData, type PensionData } from './pension-data.js';
import { PM_CATEGORIES, PM_FIELDS } from './pm-catalogue.js';

const list = (values: readonly string[]): string => values.map((v) => `'${v}'`).join(', ');

const ordinalTable = (s: string, table: string, columns: string) => `
  CREATE TABLE IF NOT EXISTS ${s}.${table} (
    subject  text     NOT NULL REFERENCES ${s}.person,
    ordinal  smallint NOT NULL,
    ${columns},
    PRIMARY KEY (subject, ordinal)
  );`;

/** Pensionsmyndigheten's register: pension payments, means-tested decisions and open cases, in the adapter's schema. */
export const pmRegister: AgencyRegister = createAgencyRegister({
  agency: 'pm',
  categories: PM_CATEGORIES.map((c) => c.code),
  tables: ['pension_payment', 'housing_supplement', 'maintenance_support', 'open_case', 'person'],

  tablesDdl: (s) => `${personTableDdl(s)}
  ${ordinalTable(
    s,
    'pension_payment',
    `benefit text NOT NULL CHECK (benefit IN (${list(PENSION_KINDS)})),
    amount   integer NOT NULL CHECK (amount > 0),
    period   text    NOT NULL CHECK (period ~ '^[0-9]{4}-(0[1-9]|1[0-2])$'),
    paid_on  date    NOT NULL`,
  )}
  ${ordinalTable(
    s,
    'housing_supplement',
    `decision text NOT NULL CHECK (decision IN (${list(MEANS_TESTED_DECISIONS)})),
    amount           integer NOT NULL CHECK (amount >= 0),
    decided_at       date    NOT NULL,
    dwelling_address text    NOT NULL`,
  )}
  ${ordinalTable(
    s,
    'maintenance_support',
    `decision text NOT NULL CHECK (decision IN (${list(MEANS_TESTED_DECISIONS)})),
    amount     integer NOT NULL CHECK (amount >= 0),
    decided_at date    NOT NULL`,
  )}
  ${ordinalTable(
    s,
    'open_case',
    `type text NOT NULL,
    status   text NOT NULL CHECK (status IN (${list(CASE_STATUSES)})),
    received date NOT NULL`,
  )}`,

  async insert(client, s, data) {
    await insertPeople(client, s, data);
    const pension = [...derivePensionData(data)];
    const rows = <T>(records: (p: PensionData) => readonly T[], columns: (x: T) => unknown[]) =>
      pension.flatMap(([subject, p]) => records(p).map((x, i) => [subject, i, ...columns(x)]));
    const key: Array<[string, string]> = [
      ['subject', 'text'],
      ['ordinal', 'smallint'],
    ];
    await insertRows(
      client,
      `${s}.pension_payment`,
      [...key, ['benefit', 'text'], ['amount', 'integer'], ['period', 'text'], ['paid_on', 'date']],
      rows(
        (p) => p.payments,
        (x) => [x.benefit, x.amount, x.period, x.paidOn],
      ),
    );
    await insertRows(
      client,
      `${s}.housing_supplement`,
      [...key, ['decision', 'text'], ['amount', 'integer'], ['decided_at', 'date'], ['dwelling_address', 'text']],
      rows(
        (p) => p.housingSupplement,
        (x) => [x.decision, x.amount, x.decidedAt, x.dwellingAddress],
      ),
    );
    await insertRows(
      client,
      `${s}.maintenance_support`,
      [...key, ['decision', 'text'], ['amount', 'integer'], ['decided_at', 'date']],
      rows(
        (p) => p.maintenanceSupport,
        (x) => [x.decision, x.amount, x.decidedAt],
      ),
    );
    await insertRows(
      client,
      `${s}.open_case`,
      [...key, ['type', 'text'], ['status', 'text'], ['received', 'date']],
      rows(
        (p) => p.openCases,
        (x) => [x.type, x.status, x.received],
      ),
    );
  },

  lookupSql: (s) => `
  SELECT p.subject, p.protected_identity,
    ${jsonList(
      'pm.allman-pension',
      { benefit: 'x.benefit', amount: 'x.amount', period: 'x.period', paidOn: 'x.paid_on' },
      `FROM ${s}.pension_payment x WHERE x.subject = p.subject`,
      'x.ordinal',
      PM_FIELDS['pm.allman-pension'],
    )},
    ${jsonList(
      'pm.bostadstillagg',
      { decision: 'x.decision', amount: 'x.amount', decidedAt: 'x.decided_at', dwellingAddress: 'x.dwelling_address' },
      `FROM ${s}.housing_supplement x WHERE x.subject = p.subject`,
      'x.ordinal',
      PM_FIELDS['pm.bostadstillagg'],
    )},
    ${jsonList(
      'pm.aldersforsorjningsstod',
      { decision: 'x.decision', amount: 'x.amount', decidedAt: 'x.decided_at' },
      `FROM ${s}.maintenance_support x WHERE x.subject = p.subject`,
      'x.ordinal',
      PM_FIELDS['pm.aldersforsorjningsstod'],
    )},
    ${jsonList(
      'pm.pagaende-arenden',
      { type: 'x.type', status: 'x.status', received: 'x.received' },
      `FROM ${s}.open_case x WHERE x.subject = p.subject`,
      'x.ordinal',
      PM_FIELDS['pm.pagaende-arenden'],
    )}
  FROM ${s}.person p
  WHERE p.subject = ANY($1::text[])`,
});
