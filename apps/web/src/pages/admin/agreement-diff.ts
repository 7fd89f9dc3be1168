import { PURPOSES } from '@contracts/codes';
import { formatDate } from '../../format.js';
import { AGREEMENT_STATUS_TEXT, PURPOSE_TEXT, ROLE_TEXT } from '../../texts.js';
import type { AgreementVersion } from './agreement-types.js';

/** Two versions of an agreement as rows of terms side by side; a row differs when its two texts do. */
export interface Row {
  label: string;
  values: [string, string];
}

export function termRows(a: AgreementVersion, b: AgreementVersion, nameOf: (code: string) => string): Row[] {
  const rows: Row[] = [
    { label: 'Namn', values: [a.title, b.title] },
    { label: 'Status', values: [AGREEMENT_STATUS_TEXT[a.status], AGREEMENT_STATUS_TEXT[b.status]] },
    { label: 'Gäller från', values: [formatDate(a.validFrom), formatDate(b.validFrom)] },
    { label: 'Gäller till', values: [formatDate(a.validTo), formatDate(b.validTo)] },
  ];
  for (const purpose of PURPOSES) {
    const x = a.purposes[purpose];
    const y = b.purposes[purpose];
    if (!x && !y) continue;
    const name = PURPOSE_TEXT[purpose];
    const none = 'Ingår inte';
    rows.push(
      {
        label: `${name}: uppgifter`,
        values: [
          x ? x.categories.map(nameOf).join('; ') || '–' : none,
          y ? y.categories.map(nameOf).join('; ') || '–' : none,
        ],
      },
      {
        label: `${name}: remisstyper`,
        values: [
          x ? x.referralTypes.map(nameOf).join('; ') || '–' : none,
          y ? y.referralTypes.map(nameOf).join('; ') || '–' : none,
        ],
      },
      {
        label: `${name}: roller`,
        values: [
          x ? x.roles.map((r) => ROLE_TEXT[r]).join(', ') : none,
          y ? y.roles.map((r) => ROLE_TEXT[r]).join(', ') : none,
        ],
      },
      {
        label: `${name}: samtycke`,
        values: [
          x ? (x.consentRequired ? 'Krävs' : 'Krävs inte') : none,
          y ? (y.consentRequired ? 'Krävs' : 'Krävs inte') : none,
        ],
      },
      {
        label: `${name}: lagstöd`,
        values: [x ? (x.legalBasis?.reference ?? '–') : none, y ? (y.legalBasis?.reference ?? '–') : none],
      },
    );
  }
  return rows;
}
