import { ApiError } from '../../api/api-fetch.js';
import { formatNumber, formatShortDate } from '../../format.js';

/** The guide's pages' own words: field names of the agencies' answers, consent states, the API's errors. */

export const FIELD_TEXT: Record<string, string> = {
  benefit: 'Förmån',
  amount: 'Belopp (kr)',
  period: 'Period',
  paidOn: 'Utbetald',
  type: 'Typ',
  status: 'Status',
  received: 'Mottaget',
  decision: 'Beslut',
  decidedAt: 'Beslutat',
  dwellingAddress: 'Bostadens adress',
  certificate: 'Intyg',
  issuedAt: 'Utfärdat',
  since: 'Sedan',
  category: 'Kategori',
  name: 'Namn',
  from: 'Från',
  to: 'Till',
  office: 'Kontor',
  phone: 'Telefon',
  address: 'Adress',
  municipality: 'Kommun',
  municipalityCode: 'Kommunkod',
  civilStatus: 'Civilstånd',
  year: 'År',
  income: 'Inkomst (kr)',
  registered: 'Registrerad',
};

export function fieldLabel(name: string): string {
  return FIELD_TEXT[name] ?? name;
}

/** A value from an agency's register as a Swede reads it: dates, amounts with spaces, yes and no. */
export function fieldValue(value: unknown): string {
  if (value === null || value === undefined || value === '') return '–';
  if (typeof value === 'boolean') return value ? 'Ja' : 'Nej';
  if (typeof value === 'number') return formatNumber(value);
  if (typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value)) return formatShortDate(value);
  if (typeof value === 'string') return value;
  return JSON.stringify(value);
}

export const CONSENT_STATUS_TEXT: Record<string, string> = {
  active: 'Gäller',
  pending: 'Gäller från ett senare datum',
  expired: 'Har gått ut',
  revoked: 'Återkallat',
};

/** The API's errors that the guide's forms meet and that the shared texts do not name, with what to do next. */
const ERROR_TEXT: Record<string, string> = {
  'consent-too-long': 'Ett samtycke kan gälla i högst 12 månader. Välj ett tidigare slutdatum.',
  'agency-without-category': 'Välj minst en uppgift för varje myndighet som samtycket gäller.',
  'category-agency-not-named': 'En vald uppgift hör till en myndighet som inte är vald. Välj myndigheten också.',
  'category-never': 'En vald uppgift lämnas aldrig ut genom samtjänst. Ta bort den.',
  'valid-from-in-past': 'Samtycket kan inte börja gälla bakåt i tiden.',
  'invalid-validity': 'Slutdatumet ligger före startdatumet. Välj ett senare slutdatum.',
  'invalid-date': 'Datumet finns inte. Kontrollera det.',
  'already-revoked': 'Samtycket är redan återkallat.',
  'referral-finished': 'Remissen är redan avslutad och kan inte återkallas.',
  'broker-unavailable': 'Myndigheterna kunde inte nås just nu, så inget ändrades. Försök igen om en stund.',
  'no-unit': 'Din inloggning hör inte till någon enhet. Kontakta din administratör.',
};

export function errorText(error: unknown): string {
  if (error instanceof ApiError && error.code && ERROR_TEXT[error.code]) return ERROR_TEXT[error.code];
  return error instanceof Error ? error.message : 'Något gick fel. Försök igen.';
}

/** Today's date in Sweden, YYYY-MM-DD. */
export function swedishToday(now: Date = new Date()): string {
  return new Intl.DateTimeFormat('sv-SE', { timeZone: 'Europe/Stockholm' }).format(now);
}

/** A calendar day `months` later, kept within the month (31 January + 1 month = 28 or 29 February). */
export function addMonths(day: string, months: number): string {
  const [year, month, date] = day.split('-').map(Number) as [number, number, number];
  const target = new Date(Date.UTC(year, month - 1 + months, 1));
  const lastDay = new Date(Date.UTC(target.getUTCFullYear(), target.getUTCMonth() + 1, 0)).getUTCDate();
  target.setUTCDate(Math.min(date, lastDay));
  return target.toISOString().slice(0, 10);
}

/** A calendar day `days` later. */
export function addDays(day: string, days: number): string {
  const [year, month, date] = day.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(year, month - 1, date + days)).toISOString().slice(0, 10);
}

/** "inom 3 dagar" / "inom 5 timmar": the agreed response time in words. */
export function responseTimeText(hours: number): string {
  if (hours % 24 === 0) return hours === 24 ? 'inom 1 dag' : `inom ${hours / 24} dagar`;
  return hours === 1 ? 'inom 1 timme' : `inom ${hours} timmar`;
}

/** The order the front office is used to; only a preference of display: any other agency follows by code. */
const FAMILIAR_AGENCIES = ['fk', 'af', 'skv'];

/** The agencies in the order people know them (FK, AF, SKV), any newer agency after them by code. */
export function inAgencyOrder<T extends { agency: string }>(items: T[]): T[] {
  const rank = (agency: string) => {
    const index = FAMILIAR_AGENCIES.indexOf(agency);
    return index < 0 ? FAMILIAR_AGENCIES.length : index;
  };
  return [...items].sort((a, b) => rank(a.agency) - rank(b.agency) || a.agency.localeCompare(b.agency));
}

/** YYYY-MM-DD naming a day that exists (not 2027-02-30). */
export function isCalendarDay(value: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
  const day = new Date(`${value}T12:00:00Z`);
  return !Number.isNaN(day.getTime()) && day.toISOString().slice(0, 10) === value;
}
