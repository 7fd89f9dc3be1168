import { BENEFITS, CASE_STATUSES, HOUSING_DECISIONS } from './agency-data.js';
import {
  createAgencyRegister,
  insertPeople,
  insertRows,
  jsonList,
  personTableDdl,
  type AgencyRegister,
} from './register-store.js';

const list = (values: readonly string[]): string => values.map((v) => `'${v}'`).join(', ');

/** Försäkringskassan: payments, open cases, housing allowance decisions and medical certificates. */
export const fkRegister: AgencyRegister = createAgencyRegister({
  agency: 'fk',
  tables: ['payment', 'open_case', 'housing_allowance', 'medical_certificate', 'person'],

  tablesDdl: (s) => `${personTableDdl(s)}
  CREATE TABLE IF NOT EXISTS ${s}.payment (
    subject  text     NOT NULL REFERENCES ${s}.person,
    ordinal  smallint NOT NULL,
    benefit  text     NOT NULL CHECK (benefit IN (${list(BENEFITS)})),
    amount   integer  NOT NULL CHECK (amount > 0),
    period   text     NOT NULL CHECK (period ~ '^[0-9]{4}-(0[1-9]|1[0-2])$'),
    paid_on  date     NOT NULL,
    PRIMARY KEY (subject, ordinal)
  );
  CREATE TABLE IF NOT EXISTS ${s}.open_case (
    subject  text     NOT NULL REFERENCES ${s}.person,
    ordinal  smallint NOT NULL,
    type     text     NOT NULL,
    status   text     NOT NULL CHECK (status IN (${list(CASE_STATUSES)})),
    received date     NOT NULL,
    PRIMARY KEY (subject, ordinal)
  );
  CREATE TABLE IF NOT EXISTS ${s}.housing_allowance (
    subject          text     NOT NULL REFERENCES ${s}.person,
    ordinal          smallint NOT NULL,
    decision         text     NOT NULL CHECK (decision IN (${list(HOUSING_DECISIONS)})),
    amount           integer  NOT NULL CHECK (amount >= 0),
    decided_at       date     NOT NULL,
    dwelling_address text     NOT NULL,
    PRIMARY KEY (subject, ordinal)
  );
  CREATE TABLE IF NOT EXISTS ${s}.medical_certificate (
    subject     text     NOT NULL REFERENCES ${s}.person,
    ordinal     smallint NOT NULL,
    certificate text     NOT NULL,
    issued_at   date     NOT NULL,
    PRIMARY KEY (subject, ordinal)
  );`,

  async insert(client, s, data) {
    const people = [...data.bySubject.values()];
    await insertPeople(client, s, data);
    await insertRows(
      client,
      `${s}.payment`,
      [
        ['subject', 'text'],
        ['ordinal', 'smallint'],
        ['benefit', 'text'],
        ['amount', 'integer'],
        ['period', 'text'],
        ['paid_on', 'date'],
      ],
      people.flatMap((d) =>
        d.fk.payments.map((p, i) => [d.person.subject, i, p.benefit, p.amount, p.period, p.paidOn]),
      ),
    );
    await insertRows(
      client,
      `${s}.open_case`,
      [
        ['subject', 'text'],
        ['ordinal', 'smallint'],
        ['type', 'text'],
        ['status', 'text'],
        ['received', 'date'],
      ],
      people.flatMap((d) => d.fk.openCases.map((c, i) => [d.person.subject, i, c.type, c.status, c.received])),
    );
    await insertRows(
      client,
      `${s}.housing_allowance`,
      [
        ['subject', 'text'],
        ['ordinal', 'smallint'],
        ['decision', 'text'],
        ['amount', 'integer'],
        ['decided_at', 'date'],
        ['dwelling_address', 'text'],
      ],
      people.flatMap((d) =>
        d.fk.housingAllowance.map((h, i) => [
          d.person.subject,
          i,
          h.decision,
          h.amount,
          h.decidedAt,
          h.dwellingAddress,
        ]),
      ),
    );
    await insertRows(
      client,
      `${s}.medical_certificate`,
      [
        ['subject', 'text'],
        ['ordinal', 'smallint'],
        ['certificate', 'text'],
        ['issued_at', 'date'],
      ],
      people.flatMap((d) => d.fk.medicalCertificates.map((m, i) => [d.person.subject, i, m.certificate, m.issuedAt])),
    );
  },

  lookupSql: (s) => `
  SELECT p.subject, p.protected_identity,
    ${jsonList(
      'fk.utbetalningar',
      { benefit: 'x.benefit', amount: 'x.amount', period: 'x.period', paidOn: 'x.paid_on' },
      `FROM ${s}.payment x WHERE x.subject = p.subject`,
      'x.ordinal',
    )},
    ${jsonList(
      'fk.pagaende-arenden',
      { type: 'x.type', status: 'x.status', received: 'x.received' },
      `FROM ${s}.open_case x WHERE x.subject = p.subject`,
      'x.ordinal',
    )},
    ${jsonList(
      'fk.bostadsbidrag',
      { decision: 'x.decision', amount: 'x.amount', decidedAt: 'x.decided_at', dwellingAddress: 'x.dwelling_address' },
      `FROM ${s}.housing_allowance x WHERE x.subject = p.subject`,
      'x.ordinal',
    )},
    ${jsonList(
      'fk.medicinskt-underlag',
      { certificate: 'x.certificate', issuedAt: 'x.issued_at' },
      `FROM ${s}.medical_certificate x WHERE x.subject = p.subject`,
      'x.ordinal',
    )}
  FROM ${s}.person p
  WHERE p.subject = ANY($1::text[])`,
});
