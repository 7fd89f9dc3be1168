import { effectiveStatus, LifecycleError, transition, type Actor, type LifecycleState } from './agreement-lifecycle.js';

const parties = {
  municipality: { organisation: '2120001967', unit: 'Servicecenter' },
  agency: { organisation: '2021005521', agency: 'fk' },
};
const municipalityAdmin: Actor = { id: 'maria', organisation: '2120001967', roles: ['admin'] };
const fkAdmin: Actor = { id: 'fredrik', organisation: '2021005521', roles: ['agency-admin'] };
const guide: Actor = { id: 'anna', organisation: '2120001967', roles: ['guide'] };
const afAdmin: Actor = { id: 'alva', organisation: '2021002114', roles: ['agency-admin'] };
const at = new Date('2026-11-23T10:00:00Z');
const today = '2026-11-23';
const state = (status: LifecycleState['status'], approvals: LifecycleState['approvals'] = []): LifecycleState => ({
  status,
  parties,
  approvals,
  validTo: '2027-12-31',
});

const failsWith = (fn: () => unknown, code: string) => {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(LifecycleError);
    expect((err as LifecycleError).code).toBe(code);
    return;
  }
  throw new Error(`expected ${code}`);
};

describe('agreement lifecycle', () => {
  it('is active only when the other party approves the proposal', () => {
    const proposed = transition(state('draft'), 'propose', municipalityAdmin, at, today);
    expect(proposed).toMatchObject({
      status: 'proposed',
      approvals: [{ organisation: '2120001967', approvedBy: 'maria' }],
    });
    const active = transition({ ...state('proposed'), approvals: proposed.approvals }, 'approve', fkAdmin, at, today);
    expect(active.status).toBe('active');
    expect(active.approvals.map((a) => a.organisation)).toEqual(['2120001967', '2021005521']);
  });

  it('refuses approving one’s own proposal', () => {
    const proposed = transition(state('draft'), 'propose', fkAdmin, at, today);
    failsWith(
      () => transition({ ...state('proposed'), approvals: proposed.approvals }, 'approve', fkAdmin, at, today),
      'own-proposal',
    );
  });

  it('lets only the parties’ admins act', () => {
    failsWith(() => transition(state('draft'), 'propose', guide, at, today), 'not-an-admin');
    failsWith(() => transition(state('draft'), 'propose', afAdmin, at, today), 'not-a-party');
  });

  it.each([
    ['suspend', 'active', 'suspended'],
    ['resume', 'suspended', 'active'],
    ['terminate', 'active', 'terminated'],
    ['terminate', 'draft', 'terminated'],
  ] as const)('%s takes %s to %s', (action, from, to) => {
    expect(transition(state(from), action, fkAdmin, at, today).status).toBe(to);
  });

  it.each([
    ['approve', 'draft'],
    ['suspend', 'proposed'],
    ['resume', 'active'],
    ['propose', 'active'],
  ] as const)('refuses %s from %s', (action, from) => {
    failsWith(() => transition(state(from), action, fkAdmin, at, today), 'invalid-transition');
  });

  it('never changes a terminated or expired agreement', () => {
    for (const status of ['terminated', 'expired'] as const) {
      for (const action of ['propose', 'approve', 'suspend', 'resume', 'terminate'] as const) {
        failsWith(() => transition(state(status), action, fkAdmin, at, today), 'agreement-closed');
      }
    }
  });

  it('expires past validTo, whatever was stored, and resumes into expired', () => {
    expect(effectiveStatus('active', '2026-11-22', today)).toBe('expired');
    expect(effectiveStatus('active', '2026-11-23', today)).toBe('active');
    expect(effectiveStatus('terminated', '2026-11-22', today)).toBe('terminated');
    expect(transition({ ...state('suspended'), validTo: '2026-11-01' }, 'resume', fkAdmin, at, today).status).toBe(
      'expired',
    );
  });
});
