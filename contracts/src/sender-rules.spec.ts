import { EXCHANGES } from './topology.js';
import { checkSender, departmentService, departmentSlug, serviceParty } from './sender-rules.js';

describe("a department's own system as a sender", () => {
  const TEKNISKA = departmentService('2120001967', departmentSlug('Tekniska förvaltningen'));
  const status = (payload: object) => ({
    type: 'errand.status.v1',
    user: TEKNISKA,
    exchange: EXCHANGES.event,
    payload: { organisation: '2120001967', department: 'tekniska-forvaltningen', ...payload },
  });

  it('is named after its municipality and department', () => {
    expect(TEKNISKA).toBe('department-2120001967-tekniska-forvaltningen');
    expect(departmentSlug('Bygg- och miljöförvaltningen')).toBe('bygg-och-miljoforvaltningen');
    expect(serviceParty(TEKNISKA)).toEqual({
      role: 'department',
      organisation: '2120001967',
      department: 'tekniska-forvaltningen',
    });
    expect(serviceParty('department-212000196-x')).toBeUndefined();
  });

  it('reports the status of its own errands on the event exchange, and nothing else', () => {
    expect(checkSender(status({}))).toEqual({ ok: true });
    expect(checkSender(status({ department: 'socialforvaltningen' })).ok).toBe(false);
    expect(checkSender(status({ organisation: '2120001991' })).ok).toBe(false);
    expect(checkSender({ ...status({}), exchange: EXCHANGES.referral }).ok).toBe(false);
    expect(checkSender({ ...status({}), type: 'referral.status.v1' }).ok).toBe(false);
    expect(checkSender({ ...status({}), type: 'errand.forwarded.v1', exchange: EXCHANGES.referral }).ok).toBe(false);
  });
});
