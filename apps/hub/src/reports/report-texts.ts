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
