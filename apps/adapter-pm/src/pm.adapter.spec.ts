import { readFileSync } from 'node:fs';
import { catalogueOf } from '@hub/adapter-kit';
import { CATEGORY_CODE_PATTERN, luhnValid, REFERRAL_TYPE_PATTERN } from '@hub/contracts';
import { deriveAgencyData, examplePeople, generatePopulation } from '@hub/registers';
import { discoverAdapters } from '../../../scripts/adapters.js';
import { derivePensionData, GUARANTEE_LIMIT, PENSION_AGE } from './pension-data.js';
import { PM_ADAPTER } from './pm.adapter.js';

const TODAY = '2026-11-23';
const data = deriveAgencyData(generatePopulation({ seed: 20_251_123, size: 3_000 }), TODAY);
const pension = derivePensionData(data);

describe('Pensionsmyndigheten’s adapter', () => {
  it('is declared by its folder the way scripts find it, agreeing with its definition', () => {
    const manifest = JSON.parse(readFileSync(new URL('../adapter.json', import.meta.url), 'utf8'));
    expect(manifest).toMatchObject({
      agency: PM_ADAPTER.agency,
      organisation: PM_ADAPTER.organisation,
      name: PM_ADAPTER.name,
      port: PM_ADAPTER.defaultPort,
    });
    expect(discoverAdapters().find((a) => a.agency === 'pm')).toMatchObject({
      service: PM_ADAPTER.service,
      entry: 'dist/apps/adapter-pm/src/main.js',
    });
  });

  it('speaks for its real organisationsnummer, which passes the Luhn check', () => {
    expect(PM_ADAPTER.organisation).toBe('2021005836');
    expect(luhnValid(PM_ADAPTER.organisation)).toBe(true);
  });

  it('announces its own codes only, means-tested support behind a legal basis', () => {
    const catalogue = catalogueOf(PM_ADAPTER);
    for (const c of catalogue.categories) {
      expect(c.code).toMatch(CATEGORY_CODE_PATTERN);
      expect(c.code.startsWith('pm.')).toBe(true);
      expect(c.fields.length).toBeGreaterThan(0);
    }
    for (const r of catalogue.referralTypes) expect(r.code).toMatch(REFERRAL_TYPE_PATTERN);
    const classOf = Object.fromEntries(catalogue.categories.map((c) => [c.code, c.secrecyClass]));
    expect(classOf).toEqual({
      'pm.allman-pension': 'consent',
      'pm.pagaende-arenden': 'consent',
      'pm.bostadstillagg': 'legal-basis',
      'pm.aldersforsorjningsstod': 'legal-basis',
    });
    const address = catalogue.categories.find((c) => c.code === 'pm.bostadstillagg')!.fields;
    expect(address).toContainEqual({ name: 'dwellingAddress', kind: 'address' });
  });
});

describe('Pensionsmyndigheten’s synthetic data', () => {
  const people = [...data.bySubject.values()];

  it('pays allmän pension to retired people only, each month of the last year from the month after turning 65', () => {
    const retired = examplePeople(data).retired;
    const payments = pension.get(retired.subject)!.payments;
    expect(payments.length).toBeGreaterThan(0);
    for (const p of payments) {
      expect(p.amount).toBeGreaterThan(0);
      expect(p.paidOn <= TODAY && p.paidOn > '2025-11-23').toBe(true);
    }
    for (const d of people) {
      if (d.situation !== 'retired') expect(pension.get(d.person.subject)).toMatchObject({ payments: [] });
    }
    for (const d of people.filter((p) => p.situation === 'retired')) {
      const first = pension.get(d.person.subject)!.payments.at(-1);
      if (first) expect(first.period > `${Number(d.person.birthDate.slice(0, 4)) + PENSION_AGE}`).toBe(true);
    }
  });

  it('gives garantipension and means-tested support to those with little to live on', () => {
    const retired = people.filter((d) => d.situation === 'retired');
    for (const d of retired) {
      const income = d.skv.income[0]!.income;
      const own = pension.get(d.person.subject)!;
      if (income >= GUARANTEE_LIMIT) expect(own.payments.some((p) => p.benefit === 'garantipension')).toBe(false);
      if (income >= 230_000) expect(own.housingSupplement).toEqual([]);
      if (income >= 150_000) expect(own.maintenanceSupport).toEqual([]);
    }
    expect(retired.some((d) => pension.get(d.person.subject)!.housingSupplement.length > 0)).toBe(true);
    expect(retired.some((d) => pension.get(d.person.subject)!.maintenanceSupport.length > 0)).toBe(true);
  });

  it('is the same for the same population and day', () => {
    const again = derivePensionData(data);
    const subject = examplePeople(data).retired.subject;
    expect(again.get(subject)).toEqual(pension.get(subject));
  });
});
