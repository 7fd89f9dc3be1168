import { QUERY_STATUS_TEXT, agencyName, reasonText } from '../../texts.js';
import type { AgencyState } from './query-state.js';

/** One agency's state in a sentence, for the page and for screen readers. */
export function describeAgencyState(state: AgencyState): string {
  const name = agencyName(state.agency);
  if (state.state === 'waiting') return `${name}: ${QUERY_STATUS_TEXT.waiting}.`;
  const { result } = state;
  if (result.status === 'ok') {
    if (result.found === false) return `${name}: svar – myndigheten har inga uppgifter om personen.`;
    return `${name}: svar med ${result.released.length} ${result.released.length === 1 ? 'uppgift' : 'uppgifter'}.`;
  }
  return `${name}: ${QUERY_STATUS_TEXT[result.status].toLowerCase()}. ${reasonText(result.reason)}`;
}
