import { createHash } from 'node:crypto';
import { brokerDefinitions, rabbitPasswordHash } from './broker-definitions.js';

const TEKNISKA = 'department-2120001967-tekniska-forvaltningen';

describe('broker definitions', () => {
  it('hashes passwords the way RabbitMQ checks them', () => {
    const salt = Buffer.from([1, 2, 3, 4]);
    const hash = Buffer.from(rabbitPasswordHash('hemligt', salt), 'base64');
    expect(hash.subarray(0, 4)).toEqual(salt);
    expect(hash.subarray(4)).toEqual(
      createHash('sha256')
        .update(Buffer.concat([salt, Buffer.from('hemligt')]))
        .digest(),
    );
  });

  const definitions = brokerDefinitions([
    { user: 'hub', password: 'a', role: 'hub' },
    { user: 'adapter-fk', password: 'b', role: 'agency', agency: 'fk' },
    {
      user: TEKNISKA,
      password: 'c',
      role: 'department',
      organisation: '2120001967',
      department: 'tekniska-forvaltningen',
    },
  ]) as {
    permissions: Array<{ user: string; configure: string; write: string; read: string }>;
    topic_permissions: Array<{ user: string; exchange: string; write: string; read: string }>;
  };
  const permission = (user: string) => definitions.permissions.find((p) => p.user === user)!;
  const topic = (user: string, exchange: string) =>
    definitions.topic_permissions.find((p) => p.user === user && p.exchange === exchange)!;

  it('lets a service configure only its own queues', () => {
    const configure = new RegExp(permission('adapter-fk').configure);
    expect(configure.test('q.adapter-fk.query')).toBe(true);
    expect(configure.test('q.adapter-af.query')).toBe(false);
    expect(configure.test('hub.query')).toBe(false);
  });

  it('lets only the hub send queries and referrals', () => {
    expect(new RegExp(permission('hub').write).test('hub.query')).toBe(true);
    expect(new RegExp(permission('adapter-fk').write).test('hub.query')).toBe(false);
    expect(new RegExp(permission('adapter-fk').write).test('hub.referral')).toBe(false);
    expect(new RegExp(permission('adapter-fk').write).test('hub.event')).toBe(true);
  });

  it("lets the hub take parked messages off every service's parking queues, and nothing else of theirs", () => {
    const hub = new RegExp(permission('hub').read);
    expect(hub.test('q.adapter-af.referrals.parked')).toBe(true);
    expect(hub.test('q.hub.events.parked')).toBe(true);
    expect(hub.test('q.adapter-af.referrals')).toBe(false);
    expect(hub.test('q.adapter-af.referrals.parked.more')).toBe(false);
    const fk = new RegExp(permission('adapter-fk').read);
    expect(fk.test('q.adapter-fk.referrals.parked')).toBe(true);
    expect(fk.test('q.adapter-af.referrals.parked')).toBe(false);
    expect(fk.test('q.hub.events.parked')).toBe(false);
  });

  it('binds an agency to its own routing keys', () => {
    expect(new RegExp(topic('adapter-fk', 'hub.query').read).test('query.fk')).toBe(true);
    expect(new RegExp(topic('adapter-fk', 'hub.query').read).test('query.af')).toBe(false);
    expect(new RegExp(topic('adapter-fk', 'hub.query').read).test('query.#')).toBe(false);
    expect(new RegExp(topic('adapter-fk', 'hub.event').write).test('referral.status.fk')).toBe(true);
    expect(new RegExp(topic('adapter-fk', 'hub.event').write).test('referral.status.af')).toBe(false);
    expect(new RegExp(topic('adapter-fk', 'hub.event').write).test('consent.revoked')).toBe(false);
  });

  it('lets an agency witness the audit checkpoints and cosign only as itself', () => {
    const events = topic('adapter-fk', 'hub.event');
    expect(new RegExp(events.read).test('audit.checkpoint')).toBe(true);
    expect(new RegExp(events.write).test('audit.witnessed.fk')).toBe(true);
    expect(new RegExp(events.write).test('audit.witnessed.af')).toBe(false);
    expect(new RegExp(events.write).test('audit.checkpoint')).toBe(false);
  });

  it("gives a department's own system its own errands and their status, and nothing else", () => {
    const referrals = topic(TEKNISKA, 'hub.referral');
    expect(new RegExp(referrals.read).test('errand.2120001967.tekniska-forvaltningen')).toBe(true);
    expect(new RegExp(referrals.read).test('errand.2120001967.socialforvaltningen')).toBe(false);
    expect(new RegExp(referrals.read).test('errand.2120001967.*')).toBe(false);
    expect(new RegExp(referrals.read).test('referral.fk.#')).toBe(false);
    expect(referrals.write).toBe('^$');
    const events = topic(TEKNISKA, 'hub.event');
    expect(new RegExp(events.write).test('errand.status.2120001967.tekniska-forvaltningen')).toBe(true);
    expect(new RegExp(events.write).test('errand.status.2120001991.tekniska-forvaltningen')).toBe(false);
    expect(new RegExp(events.write).test('referral.status.fk')).toBe(false);
    expect(events.read).toBe('^$');
    expect(topic(TEKNISKA, 'hub.query')).toMatchObject({ write: '^$', read: '^$' });
    expect(new RegExp(permission(TEKNISKA).write).test('hub.referral')).toBe(false);
    expect(new RegExp(permission(TEKNISKA).configure).test(`q.${TEKNISKA}.errands`)).toBe(true);
    // agencies neither hear of errands nor may they report on them; the hub hears every department
    expect(new RegExp(topic('adapter-fk', 'hub.referral').read).test('errand.2120001967.tekniska-forvaltningen')).toBe(
      false,
    );
    expect(new RegExp(topic('adapter-fk', 'hub.event').write).test('errand.status.2120001967.x')).toBe(false);
    expect(new RegExp(topic('hub', 'hub.event').read).test('errand.status.*.*')).toBe(true);
    expect(new RegExp(topic('hub', 'hub.referral').write).test('errand.2120001967.tekniska-forvaltningen')).toBe(true);
  });
});
