/**
 * Where an errand is: with a department (`sent`), taken by one of its staff, answered, closed; or withdrawn by the
 * front office before it was answered.
 */
export const ERRAND_STATUSES = ['sent', 'taken', 'answered', 'closed', 'withdrawn'] as const;
export type ErrandStatus = (typeof ERRAND_STATUSES)[number];

/** What happened to an errand, as its timeline shows: the statuses, and a hand-over to another department. */
export const ERRAND_EVENTS = ['sent', 'taken', 'handed-over', 'answered', 'closed', 'withdrawn'] as const;
export type ErrandEventKind = (typeof ERRAND_EVENTS)[number];

/** What the department's staff do to an errand, and what the front office that forwarded it does (`withdraw`). */
export type ErrandAction = 'take' | 'answer' | 'hand-over' | 'close' | 'withdraw';

export type ErrandMove = { ok: true; status: ErrandStatus; event: ErrandEventKind } | { ok: false; message: string };

/**
 * The lifecycle `sent → taken → answered → closed`, shaped like a referral's: a department takes the errand before
 * it answers, hands it over only while it is unanswered (the errand is then `sent` to the other department, with the
 * same deadline), and closes it only with an answer the guide can read, given now or before. The front office
 * withdraws an errand only while it is unanswered, as it cancels a referral the agency has not finished; a withdrawn
 * errand moves no more.
 */
const MOVES: Readonly<
  Record<ErrandAction, { from: readonly ErrandStatus[]; to: ErrandStatus; event: ErrandEventKind }>
> = {
  take: { from: ['sent'], to: 'taken', event: 'taken' },
  answer: { from: ['taken'], to: 'answered', event: 'answered' },
  'hand-over': { from: ['sent', 'taken'], to: 'sent', event: 'handed-over' },
  close: { from: ['taken', 'answered'], to: 'closed', event: 'closed' },
  withdraw: { from: ['sent', 'taken'], to: 'withdrawn', event: 'withdrawn' },
};

export function errandMove(current: ErrandStatus, action: ErrandAction, hasAnswer: boolean): ErrandMove {
  const move = MOVES[action];
  if (!move.from.includes(current)) return { ok: false, message: `a ${current} errand cannot be ${verbOf(action)}` };
  if (action === 'close' && !hasAnswer) return { ok: false, message: 'an errand is closed with an answer' };
  return { ok: true, status: move.to, event: move.event };
}

const verbOf = (action: ErrandAction) =>
  ({ take: 'taken', answer: 'answered', 'hand-over': 'handed over', close: 'closed', withdraw: 'withdrawn' })[action];

/** Not answered by its deadline: flagged to the guide and the department until it is. */
export function errandOverdue(status: ErrandStatus, respondBy: Date, now: Date): boolean {
  return (status === 'sent' || status === 'taken') && respondBy.getTime() < now.getTime();
}
