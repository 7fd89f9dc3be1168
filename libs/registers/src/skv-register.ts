import { CIVIL_STATUSES } from './population.js';
import { MUNICIPALITIES } from './municipalities.js';
import {
  createAgencyRegister,
  insertRows,
  jsonList,
  PROTECTED_IDENTITY_CHECK,
  type AgencyRegister,
} from './register-store.js';

/**
 * Skatteverket: folkbokföring (a household's members share one address row), taxed income per year and F-skatt.
 * Someone with a samordningsnummer is known but not folkbokförd: no address.
 */
export const skvRegister: AgencyRegister = createAgencyRegister({
  agency: 'skv',
  tables: ['income', 'f_tax', 'person', 'address', 'municipality'],

  tablesDdl: (s) => `
  CREATE TABLE IF NOT EXISTS ${s}.municipality (
    code   text PRIMARY KEY CHECK (code ~ '^[0-9]{4}$'),
    name   text NOT NULL,
    county text NOT NULL
  );
  CREATE TABLE IF NOT EXISTS ${s}.address (
    id                integer PRIMARY KEY,
    street            text    NOT NULL,
    postal_code       text    NOT NULL CHECK (postal_code ~ '^[0-9]{3} [0-9]{2}$'),
    city              text    NOT NULL,
    municipality_code text    NOT NULL REFERENCES ${s}.municipality
  );
  CREATE TABLE IF NOT EXISTS ${s}.person (
    subject            text    PRIMARY KEY CHECK (subject ~ '^[0-9]{12}$'),
    protected_identity text    ${PROTECTED_IDENTITY_CHECK},
    civil_status       text    NOT NULL CHECK (civil_status IN (${CIVIL_STATUSES.map((c) => `'${c}'`).join(', ')})),
    address_id         integer REFERENCES ${s}.address
  );
  CREATE TABLE IF NOT EXISTS ${s}.income (
    subject text     NOT NULL REFERENCES ${s}.person,
    year    smallint NOT NULL,
    income  integer  NOT NULL CHECK (income >= 0),
    PRIMARY KEY (subject, year)
  );
  CREATE TABLE IF NOT EXISTS ${s}.f_tax (
    subject text PRIMARY KEY REFERENCES ${s}.person,
    since   date NOT NULL
  );`,

  async insert(client, s, data) {
    const people = [...data.bySubject.values()];
    const { households, bySubject } = data.population;
    await insertRows(
      client,
      `${s}.municipality`,
      [
        ['code', 'text'],
        ['name', 'text'],
        ['county', 'text'],
      ],
      MUNICIPALITIES.map((m) => [m.code, m.name, m.county]),
    );
    const addressIds = new Map<string, number>();
    const addressRows: unknown[][] = [];
    for (const household of households) {
      if (bySubject.get(household.adults[0]!)!.coordinationNumber) continue;
      const id = addressRows.length + 1;
      addressIds.set(household.id, id);
      const { street, postalCode, city } = household.address;
      addressRows.push([id, street, postalCode, city, household.municipalityCode]);
    }
    await insertRows(
      client,
      `${s}.address`,
      [
        ['id', 'integer'],
        ['street', 'text'],
        ['postal_code', 'text'],
        ['city', 'text'],
        ['municipality_code', 'text'],
      ],
      addressRows,
    );
    await insertRows(
      client,
      `${s}.person`,
      [
        ['subject', 'text'],
        ['protected_identity', 'text'],
        ['civil_status', 'text'],
        ['address_id', 'integer'],
      ],
      people.map(({ person }) => [
        person.subject,
        person.protectedIdentity,
        person.civilStatus,
        person.coordinationNumber ? null : addressIds.get(person.householdId)!,
      ]),
    );
    await insertRows(
      client,
      `${s}.income`,
      [
        ['subject', 'text'],
        ['year', 'smallint'],
        ['income', 'integer'],
      ],
      people.flatMap((d) => d.skv.income.map((i) => [d.person.subject, i.year, i.income])),
    );
    await insertRows(
      client,
      `${s}.f_tax`,
      [
        ['subject', 'text'],
        ['since', 'date'],
      ],
      people.flatMap((d) => d.skv.fTax.filter((f) => f.registered).map((f) => [d.person.subject, f.since])),
    );
  },

  lookupSql: (s) => `
  SELECT p.subject, p.protected_identity,
    ${jsonList(
      'skv.folkbokforing',
      {
        address: `a.street || ', ' || a.postal_code || ' ' || a.city`,
        municipality: 'm.name',
        municipalityCode: 'm.code',
        civilStatus: 'p.civil_status',
      },
      `FROM ${s}.address a JOIN ${s}.municipality m ON m.code = a.municipality_code WHERE a.id = p.address_id`,
      'a.id',
    )},
    ${jsonList(
      'skv.inkomst',
      { year: 'x.year', income: 'x.income' },
      `FROM ${s}.income x WHERE x.subject = p.subject`,
      'x.year DESC',
    )},
    json_build_array(json_build_object('registered', f.since IS NOT NULL, 'since', f.since)) AS "skv.f-skatt"
  FROM ${s}.person p
  LEFT JOIN ${s}.f_tax f ON f.subject = p.subject
  WHERE p.subject = ANY($1::text[])`,
});
