import { PURPOSES } from '@hub/contracts';

/** The Swedish words of the reports, as the web UI has them (apps/web/src/texts.ts). */
export const PURPOSE_TEXT: Record<(typeof PURPOSES)[number], string> = {
  vagledning: 'Vägledning',
  'ekonomiskt-bistand': 'Ekonomiskt bistånd',
  etablering: 'Etablering',
  bostadsanpassning: 'Bostadsanpassning',
  arbetsmarknadsinsats: 'Arbetsmarknadsinsats',
};

export const purposeText = (purpose: string) => PURPOSE_TEXT[purpose as keyof typeof PURPOSE_TEXT] ?? purpose;

export const COMPLAINT_KIND_TEXT: Record<string, string> = { klagomal: 'Klagomål', synpunkt: 'Synpunkter' };

/** The measures with targets, as the follow-up page names them. */
export const MEASURE_TEXT: Record<string, string> = {
  'first-contact-resolved': 'Lösta vid första kontakten (%)',
  nki: 'Nöjd-Kund-Index (0–100)',
  'errands-in-time': 'Ärenden besvarade inom svarstiden (%)',
  'referrals-in-time': 'Remisser besvarade inom avtalad tid (%)',
};

export const TARGET_STATUS_TEXT: Record<string, string> = {
  met: 'Uppnått',
  missed: 'Ej uppnått',
  'no-target': 'Inget mål satt',
  'no-figure': 'Inget utfall',
};

/** The trend of a figure: an arrow and the change with a sign, one decimal, Swedish. */
export function trendText(change: number | null): string {
  if (change === null) return '–';
  const text = Math.abs(change).toLocaleString('sv-SE', { minimumFractionDigits: 1, maximumFractionDigits: 1 });
  return change > 0 ? `↑ +${text}` : change < 0 ? `↓ −${text}` : `→ ${text}`;
}
