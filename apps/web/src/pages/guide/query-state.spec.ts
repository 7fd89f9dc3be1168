import { applyQueryEvent, failQuery, IDLE, type AgencyResult } from './query-state.js';

const describe_ = (state: { agency: string; state: string }) => `${state.agency}: ${state.state}`;
const ok = (agency: string): AgencyResult => ({ agency, status: 'ok', found: true, released: [], denied: [] });

describe('the query progress', () => {
  it('waits for every agency, then fills each in as its result arrives, announcing it', () => {
    let progress = applyQueryEvent(IDLE, 'query', { queryId: 'q1', agencies: ['fk', 'af', 'skv'] }, describe_);
    expect(progress.phase).toBe('running');
    expect(progress.agencies.map((a) => a.state)).toEqual(['waiting', 'waiting', 'waiting']);
    progress = applyQueryEvent(progress, 'result', ok('af'), describe_);
    progress = applyQueryEvent(
      progress,
      'result',
      { agency: 'fk', status: 'denied', reason: 'consent-missing', released: [], denied: [] },
      describe_,
    );
    expect(progress.agencies.map((a) => a.state)).toEqual(['denied', 'ok', 'waiting']);
    expect(progress.announcements).toEqual(['af: ok', 'fk: denied']);
    expect(progress.protectedIdentity).toBe(false);
    progress = applyQueryEvent(
      progress,
      'done',
      { queryId: 'q1', subject: 'x', purpose: 'vagledning', protectedIdentity: false, results: [ok('skv')] },
      describe_,
    );
    expect(progress.phase).toBe('done');
    expect(progress.agencies.map((a) => a.state)).toEqual(['denied', 'ok', 'ok']);
  });

  it('warns of protected identity as soon as one result shows it, before the query is done', () => {
    let progress = applyQueryEvent(IDLE, 'query', { queryId: 'q2', agencies: ['af', 'skv'] }, describe_);
    progress = applyQueryEvent(
      progress,
      'result',
      { agency: 'skv', status: 'denied', reason: 'justification-missing', released: [], denied: [] },
      describe_,
    );
    expect(progress.protectedIdentity).toBe(true);
    expect(progress.phase).toBe('running');
  });

  it('takes the handling instruction from the whole answer', () => {
    let progress = applyQueryEvent(IDLE, 'query', { queryId: 'q3', agencies: ['skv'] }, describe_);
    progress = applyQueryEvent(
      progress,
      'done',
      {
        queryId: 'q3',
        subject: 'x',
        purpose: 'vagledning',
        protectedIdentity: true,
        handlingInstruction: 'Hantera enligt rutinen.',
        results: [ok('skv')],
      },
      describe_,
    );
    expect(progress).toMatchObject({ protectedIdentity: true, handlingInstruction: 'Hantera enligt rutinen.' });
  });

  it('marks agencies still waiting as errors when the stream breaks off', () => {
    let progress = applyQueryEvent(IDLE, 'query', { queryId: 'q4', agencies: ['fk', 'af'] }, describe_);
    progress = applyQueryEvent(progress, 'result', ok('fk'), describe_);
    progress = failQuery(progress, 'Avbrutet.');
    expect(progress.phase).toBe('failed');
    expect(progress.agencies.map((a) => a.state)).toEqual(['ok', 'error']);
    expect(progress.announcements.at(-1)).toBe('Avbrutet.');
  });
});
