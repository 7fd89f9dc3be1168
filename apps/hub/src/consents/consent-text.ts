import type { Purpose } from '@hub/contracts';

/** The purposes as the citizen reads them. */
export const PURPOSE_IN_PLAIN_SWEDISH: Record<Purpose, string> = {
  vagledning: 'vägledning på servicecentret',
  'ekonomiskt-bistand': 'handläggning av ekonomiskt bistånd',
  etablering: 'stöd till nyanlända (etablering)',
  bostadsanpassning: 'bostadsanpassning',
  arbetsmarknadsinsats: 'arbetsmarknadsinsatser',
};

export interface ConsentTextInput {
  municipality: string;
  unit: string;
  /** the staff member who asks */
  staff: string;
  /** the subject, masked: the signature itself names the full personnummer */
  subjectMasked: string;
  purposes: readonly Purpose[];
  /** per agency, its name and the descriptions of the categories, in the order chosen */
  agencies: ReadonlyArray<{ name: string; categories: readonly string[] }>;
  validFrom: string;
  validUntil: string;
}

const DAY = new Intl.DateTimeFormat('sv-SE', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' });
const swedishDate = (day: string) => DAY.format(new Date(`${day}T00:00:00Z`));

function list(items: readonly string[]): string {
  return items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} och ${items.at(-1)}`;
}

/**
 * The text the citizen signs: who asks, for which unit, why, from which agencies, which data, until when, and that
 * the consent can be revoked. Built by the hub, so that what was signed is exactly what the consent says; its SHA-256
 * is kept with the consent.
 */
export function consentText(input: ConsentTextInput): string {
  return [
    `Samtycke till ${input.municipality}, ${input.unit}`,
    '',
    `Jag (personnummer ${input.subjectMasked}) samtycker till att ${input.municipality}, ${input.unit}, ` +
      `får hämta uppgifter om mig från ${list(input.agencies.map((a) => a.name))}.`,
    '',
    `Uppgifterna får användas för ${list(input.purposes.map((p) => PURPOSE_IN_PLAIN_SWEDISH[p]))}.`,
    '',
    'Uppgifter som får hämtas:',
    ...input.agencies.map((agency) => `- ${agency.name}: ${agency.categories.join('; ')}`),
    '',
    `Samtycket gäller från ${swedishDate(input.validFrom)} till och med ${swedishDate(input.validUntil)}. ` +
      'Jag kan när som helst ta tillbaka det, och då får inga fler uppgifter hämtas.',
    '',
    `Handläggare: ${input.staff}`,
  ].join('\n');
}
