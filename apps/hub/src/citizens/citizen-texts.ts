import type { ConsentMethod, ReasonCode, ReferralStatus } from '@hub/contracts';
import type { ConsentStatus } from '../consents/consent.dto.js';
import type { ErrandEventKind, ErrandStatus } from '../errands/errand-lifecycle.js';
import { purposeText } from '../reports/report-texts.js';

/**
 * What the citizen reads in "Mina uppgifter" and in the download of it: the codes in plain Swedish, written for the
 * person the data is about rather than for staff. The hub writes them, so that the page, the JSON and the PDF say
 * the same.
 */

export const CONSENT_METHOD_TEXT: Record<ConsentMethod, string> = {
  'in-person-verbal': 'muntligt vid besök',
  'in-person-written': 'skriftligt vid besök',
  'e-signature': 'e-underskrift (äldre sätt, utan underskrift)',
  'e-legitimation': 'signerat av dig med e-legitimation',
  telefon: 'muntligt per telefon',
};

export const CONSENT_STATUS_TEXT: Record<ConsentStatus, string> = {
  active: 'Gäller',
  pending: 'Börjar gälla senare',
  expired: 'Har gått ut',
  revoked: 'Återkallat',
};

export const REFERRAL_STATUS_TEXT: Record<ReferralStatus, string> = {
  sent: 'Skickad',
  received: 'Mottagen av myndigheten',
  accepted: 'Myndigheten har tagit emot ärendet',
  declined: 'Myndigheten tog inte emot den',
  'in-progress': 'Handläggs',
  closed: 'Avslutad',
  cancelled: 'Makulerad',
};

export const ERRAND_STATUS_TEXT: Record<ErrandStatus, string> = {
  sent: 'Skickat till förvaltningen',
  taken: 'Handläggs',
  answered: 'Besvarat',
  closed: 'Avslutat',
  withdrawn: 'Återkallat av kommunen',
};

export const ERRAND_EVENT_TEXT: Record<ErrandEventKind, string> = {
  sent: 'Skickat till förvaltningen',
  taken: 'En handläggare tog ärendet',
  'handed-over': 'Lämnat över till en annan förvaltning',
  answered: 'Besvarat',
  closed: 'Avslutat',
  withdrawn: 'Återkallat av kommunen',
};

/** A query's outcome per agency. */
export const QUERY_OUTCOME_TEXT: Record<string, string> = {
  ok: 'Uppgifter lämnades ut',
  partial: 'En del uppgifter lämnades ut',
  denied: 'Inga uppgifter lämnades ut',
  timeout: 'Myndigheten svarade inte i tid, inga uppgifter lämnades ut',
  error: 'Något gick fel hos myndigheten, inga uppgifter lämnades ut',
  'not-included': 'Myndigheten tillfrågades inte',
};

/** Why something was not released, as the person it is about reads it. */
export const REASON_TEXT: Partial<Record<ReasonCode, string>> = {
  'no-agreement': 'det finns inget samarbetsavtal för det',
  'agreement-inactive': 'samarbetsavtalet gällde inte då',
  'purpose-not-covered': 'avtalet omfattar inte det ändamålet',
  'role-not-allowed': 'handläggaren fick inte fråga om det',
  'consent-missing': 'det fanns inget samtycke från dig som täckte det',
  'category-never': 'den sortens uppgift lämnas aldrig ut',
  'category-not-covered': 'avtalet omfattar inte den uppgiften',
  'category-unknown': 'myndigheten har ingen sådan uppgift',
  'legal-basis-missing': 'det fanns inget lagstöd för det utan ditt samtycke',
  'protected-identity': 'du har skyddade personuppgifter',
  'justification-missing': 'det saknades en motivering',
  'agency-unavailable': 'myndigheten svarade inte',
  'deadline-exceeded': 'myndigheten svarade inte i tid',
};

export const reasonText = (reason: string | undefined | null): string =>
  (reason && REASON_TEXT[reason as ReasonCode]) || 'av ett annat skäl';

export { purposeText };

/** What a referral, consent or errand entry of the audit log says happened, by its outcome. */
const REFERRAL_OUTCOME_TEXT: Record<string, string> = {
  sent: 'skickade en remiss om dig till',
  denied: 'försökte skicka en remiss om dig till, men det nekades,',
  cancelled: 'återkallade en remiss om dig till',
};

export interface AccessLogFacts {
  kind: string;
  actorKind: string;
  outcome: string;
  /** "Servicecenter" */
  unitName: string | null;
  /** "Örebro kommun" */
  organisationName: string | null;
  purpose: string | null;
  agencyNames: string[];
  releasedNames: string[];
  denied: { name: string; reason: string }[];
  details: Record<string, unknown>;
}

function list(items: readonly string[]): string {
  return items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} och ${items.at(-1)}`;
}

/** "Servicecenter i Örebro kommun", or the organisation alone, or "Någon" when nothing is known. */
function who(facts: AccessLogFacts): string {
  if (facts.unitName && facts.organisationName) return `${facts.unitName} i ${facts.organisationName}`;
  return facts.organisationName ?? facts.unitName ?? 'Någon';
}

/** One entry of the access log in a sentence or two of plain Swedish. */
export function accessLogSentence(facts: AccessLogFacts): string {
  const purpose = facts.purpose ? ` för ${purposeText(facts.purpose).toLowerCase()}` : '';
  const agencies = list(facts.agencyNames) || 'en myndighet';
  switch (facts.kind) {
    case 'query': {
      const parts = [`${who(facts)} frågade ${agencies} om uppgifter om dig${purpose}.`];
      if (facts.releasedNames.length > 0) parts.push(`Lämnades ut: ${list(facts.releasedNames)}.`);
      for (const denied of facts.denied) parts.push(`Lämnades inte ut: ${denied.name}, eftersom ${denied.reason}.`);
      parts.push(`${QUERY_OUTCOME_TEXT[facts.outcome] ?? facts.outcome}.`);
      return parts.join(' ');
    }
    case 'referral':
      if (facts.actorKind === 'service') {
        const status = REFERRAL_STATUS_TEXT[facts.outcome as ReferralStatus] ?? facts.outcome;
        return `${facts.organisationName ?? agencies} meddelade om remissen om dig: ${status.toLowerCase()}.`;
      }
      return `${who(facts)} ${REFERRAL_OUTCOME_TEXT[facts.outcome] ?? `ändrade (${facts.outcome}) en remiss om dig till`} ${agencies}${purpose}.`;
    case 'consent': {
      const method = CONSENT_METHOD_TEXT[facts.details.method as ConsentMethod];
      if (facts.outcome === 'revoked') return `${who(facts)} registrerade att ditt samtycke återkallades.`;
      if (facts.outcome === 'recorded') {
        return `${who(facts)} registrerade ditt samtycke${method ? ` (${method})` : ''} till uppgifter från ${agencies}.`;
      }
      return `${who(facts)} ändrade ett samtycke från dig (${facts.outcome}).`;
    }
    case 'access-report':
      return `En granskare på ${facts.organisationName ?? 'en myndighet'} tog fram en förteckning över vem som tagit del av dina uppgifter.`;
    case 'errand':
      return `${who(facts)} hanterade ett ärende om dig (${ERRAND_EVENT_TEXT[facts.outcome as ErrandEventKind]?.toLowerCase() ?? facts.outcome}).`;
    case 'contact':
      return `${who(facts)} registrerade en kontakt med dig.`;
    default:
      return `${who(facts)}: ${facts.kind} (${facts.outcome}).`;
  }
}
