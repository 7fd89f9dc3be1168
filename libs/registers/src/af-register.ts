import { JOB_SEEKER_CATEGORIES, REGISTRATION_STATUSES } from './agency-data.js';
import {
  createAgencyRegister,
  insertPeople,
  insertRows,
  jsonList,
  personTableDdl,
  type AgencyRegister,
} from './register-store.js';

/** Arbetsförmedlingen: job-seeker registrations with their sökandekategori, programmes and assigned officers. */
export const afRegister: AgencyRegister = createAgencyRegister({
  agency: 'af',
  tables: ['registration', 'programme', 'officer', 'job_seeker_category', 'person'],

  tablesDdl: (s) => `${personTableDdl(s)}
  CREATE TABLE IF NOT EXISTS ${s}.job_seeker_category (
    code smallint PRIMARY KEY,
    text text     NOT NULL
  );
  CREATE TABLE IF NOT EXISTS ${s}.registration (
    subject       text     PRIMARY KEY REFERENCES ${s}.person,
    status        text     NOT NULL CHECK (status IN (${REGISTRATION_STATUSES.map((v) => `'${v}'`).join(', ')})),
    since         date     NOT NULL,
    category_code smallint NOT NULL REFERENCES ${s}.job_seeker_category
  );
  CREATE TABLE IF NOT EXISTS ${s}.programme (
    subject   text     NOT NULL REFERENCES ${s}.person,
    ordinal   smallint NOT NULL,
    name      text     NOT NULL,
    from_date date     NOT NULL,
    to_date   date     NOT NULL CHECK (to_date >= from_date),
    PRIMARY KEY (subject, ordinal)
  );
  CREATE TABLE IF NOT EXISTS ${s}.officer (
    subject text PRIMARY KEY REFERENCES ${s}.person,
    office  text NOT NULL,
    phone   text NOT NULL
  );`,

  async insert(client, s, data) {
    const people = [...data.bySubject.values()];
    await insertPeople(client, s, data);
    await insertRows(
      client,
      `${s}.job_seeker_category`,
      [
        ['code', 'smallint'],
        ['text', 'text'],
      ],
      Object.entries(JOB_SEEKER_CATEGORIES).map(([code, text]) => [Number(code), text]),
    );
    await insertRows(
      client,
      `${s}.registration`,
      [
        ['subject', 'text'],
        ['status', 'text'],
        ['since', 'date'],
        ['category_code', 'smallint'],
      ],
      // One registration at a time: the register keeps the current one.
      people.flatMap((d) =>
        d.af.registration
          .slice(0, 1)
          .map((r) => [d.person.subject, r.status, r.since, Number(r.category.split(' ')[0])]),
      ),
    );
    await insertRows(
      client,
      `${s}.programme`,
      [
        ['subject', 'text'],
        ['ordinal', 'smallint'],
        ['name', 'text'],
        ['from_date', 'date'],
        ['to_date', 'date'],
      ],
      people.flatMap((d) => d.af.programmes.map((p, i) => [d.person.subject, i, p.name, p.from, p.to])),
    );
    await insertRows(
      client,
      `${s}.officer`,
      [
        ['subject', 'text'],
        ['office', 'text'],
        ['phone', 'text'],
      ],
      people.flatMap((d) => d.af.officer.slice(0, 1).map((o) => [d.person.subject, o.office, o.phone])),
    );
  },

  lookupSql: (s) => `
  SELECT p.subject, p.protected_identity,
    ${jsonList(
      'af.inskrivning',
      { status: 'r.status', since: 'r.since', category: `c.code || ' ' || c.text` },
      `FROM ${s}.registration r JOIN ${s}.job_seeker_category c ON c.code = r.category_code WHERE r.subject = p.subject`,
      'r.since',
    )},
    ${jsonList(
      'af.program',
      { name: 'x.name', from: 'x.from_date', to: 'x.to_date' },
      `FROM ${s}.programme x WHERE x.subject = p.subject`,
      'x.ordinal',
    )},
    ${jsonList(
      'af.handlaggare',
      { office: 'x.office', phone: 'x.phone' },
      `FROM ${s}.officer x WHERE x.subject = p.subject`,
      'x.office',
    )}
  FROM ${s}.person p
  WHERE p.subject = ANY($1::text[])`,
});
