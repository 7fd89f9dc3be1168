import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AgreementChangedV1, Envelope, QueryReplyV1, QueryRequestV1, ReferralCreatedV1 } from '@hub/contracts';
import type { PgOutbox } from '@hub/messaging';
import type { DecisionTableCase, QueryCase, ReferralCase, ReferralOutcome } from '@hub/policy';
import type pg from 'pg';
import type { AgencyAdapterDefinition, RegisterRecord } from './agency-adapter.js';
import { AgreementBook } from './agreement-book.js';
import { QueryAnswerer } from './query-answerer.js';
import { ReferralInbox } from './referral-inbox.js';

// Every case of contracts/generated/decision-tables through the adapter's own code: the agreement book fed with the
// announcements and revocations, and the query answerer or the referral inbox deciding. Only the database and the
// outbox are replaced.

const DIR = fileURLToPath(new URL('../../../contracts/generated/decision-tables/', import.meta.url));
const files = readdirSync(DIR).filter((name) => name.endsWith('.json') && !name.endsWith('schema.json'));
const cases = files.flatMap(
  (name) => (JSON.parse(readFileSync(join(DIR, name), 'utf8')) as { cases: DecisionTableCase[] }).cases,
);

const quiet = { log: () => undefined, warn: () => undefined, error: () => undefined };

function definitionOf(c: DecisionTableCase): AgencyAdapterDefinition {
  const { adapter } = c;
  const register = c.kind === 'query' ? c.register : null;
  return {
    agency: adapter.agency,
    service: `adapter-${adapter.agency}`,
    organisation: adapter.organisation,
    name: adapter.agency,
    categories: adapter.catalogue.categories.map((x) => ({
      code: x.code,
      secrecyClass: x.secrecyClass,
      description: x.code,
    })),
    referralTypes: adapter.catalogue.referralTypes.map((r) => ({
      code: r.code,
      description: r.code,
      responseTimeHours: 72,
    })),
    fields: Object.fromEntries(adapter.catalogue.categories.map((x) => [x.code, x.fields.map((f) => ({ ...f }))])),
    defaultPort: 0,
    register: {
      ensureSeeded: () => Promise.reject(new Error('not in a decision table')),
      lookupMany: async (_pool: pg.Pool, _schema: string, subjects: readonly string[]) =>
        subjects.map((subject): RegisterRecord | undefined =>
          register
            ? {
                subject,
                protectedIdentity: register.protectedIdentity ? 'skyddad-folkbokforing' : null,
                categories: structuredClone(register.categories) as RegisterRecord['categories'],
              }
            : undefined,
        ),
    },
  };
}

/** A transaction that answers the statements the book and the inbox send, and keeps nothing. */
const fakeTx = {
  query: async (sql: string, params: unknown[] = []) => {
    if (/INSERT INTO \S+\.referral \(/.test(sql)) {
      const rows = JSON.parse(params[0] as string) as { id: string }[];
      return { rows: rows.map((r) => ({ id: r.id.toLowerCase() })), rowCount: rows.length };
    }
    return { rows: [], rowCount: 0 };
  },
} as unknown as pg.PoolClient;

/** The adapter's agreement book, loaded with what the case says the adapter has received. */
async function bookOf(c: DecisionTableCase): Promise<AgreementBook> {
  const pool = {
    query: async (sql: string) => ({
      rows: sql.includes('agreement_version') ? c.agreements.map((body: AgreementChangedV1) => ({ body })) : [],
    }),
  } as unknown as pg.Pool;
  const book = new AgreementBook(pool, 'postgres://unused', 'decision_table', c.adapter.agency, quiet);
  await (book as unknown as { load(): Promise<void> }).load();
  for (const r of c.revocations) await book.recordRevocation(fakeTx, r.consentId, r.revokedAt);
  return book;
}

function envelopeOf<T>(c: DecisionTableCase, payload: T): Envelope<T> {
  const { message } = c;
  return {
    id: '00000000-0000-4000-8000-000000000001',
    correlationId: '00000000-0000-4000-8000-000000000002',
    type: message.type,
    sender: message.sender,
    agreement: message.agreement,
    purpose: message.purpose,
    issuedAt: c.now,
    payload,
  };
}

/** Released and denied compare as sets of categories; the README says so to other implementations. */
const comparable = (reply: QueryReplyV1) => ({
  ...reply,
  released: [...reply.released].sort((a, b) => a.category.localeCompare(b.category)),
  denied: [...reply.denied].sort((a, b) => a.category.localeCompare(b.category)),
});

async function answerQuery(c: QueryCase): Promise<QueryReplyV1> {
  const definition = definitionOf(c);
  const answerer = new QueryAnswerer(definition, {} as pg.Pool, 'decision_table', await bookOf(c), [
    ...c.adapter.trustedSenders,
  ]);
  const { reply } = await answerer.answer(envelopeOf<QueryRequestV1>(c, c.message.payload), new Date(c.now));
  return reply;
}

async function receiveReferral(c: ReferralCase): Promise<ReferralOutcome> {
  const published: { status: string; note?: string }[] = [];
  const outbox = {
    enqueueMany: async (_tx: unknown, messages: { message: { payload: { status: string; note?: string } } }[]) => {
      published.push(...messages.map((m) => m.message.payload));
      return messages.map(() => '00000000-0000-4000-8000-000000000003');
    },
  } as unknown as PgOutbox;
  const inbox = new ReferralInbox(definitionOf(c), {} as pg.Pool, 'decision_table', await bookOf(c), outbox);
  const [isNew] = await inbox.receive(fakeTx, [envelopeOf<ReferralCreatedV1>(c, c.message.payload)], new Date(c.now));
  expect(isNew).toBe(true);
  const last = published.at(-1)!;
  const reason =
    last.status === 'cancelled' && last.note === 'Makulerad: samtycket har återkallats'
      ? 'consent-revoked'
      : last.note?.replace(/^Avvisad: /, '');
  return {
    statuses: published.map((p) => p.status) as ReferralOutcome['statuses'],
    ...(last.status !== 'received' && { reason: reason as ReferralOutcome['reason'] }),
  };
}

describe('decision tables through the adapter', () => {
  it('has the generated cases to run', () => {
    expect(files.sort()).toEqual([
      'query.named.json',
      'query.sampled.json',
      'referral.named.json',
      'referral.sampled.json',
    ]);
    expect(cases.length).toBeGreaterThan(300);
  });

  const queries = cases.filter((c): c is QueryCase => c.kind === 'query');
  const referrals = cases.filter((c): c is ReferralCase => c.kind === 'referral');

  it.each(queries.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    expect(comparable(await answerQuery(c))).toEqual(comparable(c.expected.reply));
  });

  it.each(referrals.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    expect(await receiveReferral(c)).toEqual(c.expected);
  });
});
