import type { QueryStatus } from '@contracts/codes';
import type { HubSchemas } from '../../api/hub.js';

/** One agency's part of the hub's answer. */
export type AgencyResult = HubSchemas['AgencyResultView'];

/** The whole answer, as the `done` event carries it. */
export type QueryAnswer = HubSchemas['MultiAgencyQueryView'];

export type AgencyState =
  { agency: string; state: 'waiting' } | { agency: string; state: QueryStatus; result: AgencyResult };

/** What the page shows of a query while it runs and after. */
export interface QueryProgress {
  phase: 'idle' | 'running' | 'done' | 'failed';
  queryId?: string;
  agencies: AgencyState[];
  protectedIdentity: boolean;
  handlingInstruction?: string;
  /** what a screen reader announces next, politely */
  announcements: string[];
}

export const IDLE: QueryProgress = { phase: 'idle', agencies: [], protectedIdentity: false, announcements: [] };

/** Reasons that only a subject with protected identity gets: seeing one is enough to warn at once. */
const PROTECTED_REASONS: readonly string[] = ['justification-missing', 'protected-identity'];

export function startQuery(agencies: string[]): QueryProgress {
  return {
    phase: 'running',
    agencies: agencies.map((agency) => ({ agency, state: 'waiting' })),
    protectedIdentity: false,
    announcements: [],
  };
}

/** Folds one event of the hub's query stream into the progress; `describe` writes an agency's new state for ears. */
export function applyQueryEvent(
  progress: QueryProgress,
  event: string,
  data: unknown,
  describe: (state: AgencyState) => string,
): QueryProgress {
  if (event === 'query') {
    const { queryId, agencies } = data as { queryId: string; agencies: string[] };
    return { ...startQuery(agencies), queryId };
  }
  if (event === 'result') {
    const result = data as AgencyResult;
    const state: AgencyState = { agency: result.agency, state: result.status, result };
    const known = progress.agencies.some((a) => a.agency === result.agency);
    const protectedIdentity = progress.protectedIdentity || isProtectedSign(result);
    return {
      ...progress,
      agencies: known
        ? progress.agencies.map((a) => (a.agency === result.agency ? state : a))
        : [...progress.agencies, state],
      protectedIdentity,
      announcements: [...progress.announcements, describe(state)],
    };
  }
  if (event === 'done') {
    const answer = data as QueryAnswer;
    const byAgency = new Map(answer.results.map((r) => [r.agency, r]));
    return {
      phase: 'done',
      queryId: answer.queryId,
      agencies: progress.agencies.map((a) => {
        const result = byAgency.get(a.agency);
        return result ? { agency: a.agency, state: result.status, result } : a;
      }),
      protectedIdentity: answer.protectedIdentity || progress.protectedIdentity,
      handlingInstruction: answer.handlingInstruction,
      announcements: [...progress.announcements, 'Klart. Alla myndigheters svar visas nu.'],
    };
  }
  if (event === 'error') return failQuery(progress, 'Frågan kunde inte slutföras. Försök igen.');
  return progress;
}

/** The stream broke off: agencies still waiting will not answer in this query. */
export function failQuery(progress: QueryProgress, announcement: string): QueryProgress {
  return {
    ...progress,
    phase: 'failed',
    agencies: progress.agencies.map((a) =>
      a.state === 'waiting'
        ? {
            agency: a.agency,
            state: 'error',
            result: { agency: a.agency, status: 'error', reason: 'agency-unavailable', released: [], denied: [] },
          }
        : a,
    ),
    announcements: [...progress.announcements, announcement],
  };
}

export function isProtectedSign(result: AgencyResult): boolean {
  return (
    (result.reason !== undefined && PROTECTED_REASONS.includes(result.reason)) ||
    result.denied.some((d) => d.reason === 'protected-identity')
  );
}
