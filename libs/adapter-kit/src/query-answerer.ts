import type { Envelope, QueryReplyV1, QueryRequestV1, ReasonCode } from '@hub/contracts';
import {
  CatalogueIndex,
  consentFromSnapshot,
  decide,
  PROTECTED_IDENTITY_INSTRUCTION,
  withholdFields,
} from '@hub/policy';
import type pg from 'pg';
import { Batcher } from '@hub/common';
import { catalogueOf, type AgencyAdapterDefinition, type RegisterRecord } from './agency-adapter.js';
import type { AgreementBook } from './agreement-book.js';

export interface QueryAnswer {
  reply: QueryReplyV1;
  /** the agreement version the adapter's own decision used */
  agreement: { id: string; version: number } | undefined;
}

/**
 * Answers one query for the agency. The hub has decided already; the adapter decides again with the same policy
 * on its own copy of the agreements, under the agreement version the query names and no other, and releases nothing
 * the second decision does not: defence in depth against a wrong or bypassed hub. Address and location fields of a protected person never leave the adapter.
 */
export class QueryAnswerer {
  private readonly catalogues: CatalogueIndex;
  /** the register read of queries arriving together, in one round trip */
  private readonly lookups: Batcher<string, RegisterRecord | undefined>;

  constructor(
    private readonly definition: AgencyAdapterDefinition,
    pool: pg.Pool,
    schema: string,
    private readonly book: AgreementBook,
    private readonly trustedRequesters: readonly string[],
  ) {
    this.catalogues = new CatalogueIndex([catalogueOf(definition)]);
    this.lookups = new Batcher((subjects) => definition.register.lookupMany(pool, schema, subjects), {
      maxBatch: 200,
      concurrency: 4,
    });
  }

  async answer(envelope: Envelope<QueryRequestV1>, now = new Date()): Promise<QueryAnswer> {
    const { agency } = this.definition;
    const query = envelope.payload;
    if (!this.trustedRequesters.includes(envelope.sender.service) || !envelope.purpose) {
      return { reply: this.denied('sender-not-party', query.categories), agreement: undefined };
    }
    // answered under the agreement the hub names or not at all: never under another one the adapter happens to hold
    const named = this.book.named(envelope.agreement);
    if (!named) return { reply: this.denied('no-agreement', query.categories), agreement: undefined };
    const consent = query.consent && query.consent.id === query.consentId ? query.consent : undefined;
    const record = await this.lookups.add(query.subject);
    const revokedAt = consent ? this.book.revokedAt(consent.id) : undefined;
    const protectedIdentity = (record?.protectedIdentity ?? null) !== null || query.protectedIdentityKnown === true;
    const decision = decide({
      agreements: named,
      consents: consent ? [consentFromSnapshot(consent, query.subject, revokedAt)] : [],
      catalogues: this.catalogues,
      staff: query.requester,
      protectedIdentity,
      request: {
        subject: query.subject,
        purpose: envelope.purpose,
        agencies: [agency],
        categories: { [agency]: query.categories },
        consentId: query.consentId,
        justification: query.justification,
      },
      now,
    }).agencies[0];
    if (decision.agreement && decision.agreement.version !== envelope.agreement!.version) {
      // a newer version of the agreement is in force: the named one no longer is
      return { reply: this.denied('agreement-inactive', query.categories), agreement: decision.agreement };
    }
    const denied = decision.categories
      .filter((c) => c.status === 'deny')
      .map((c) => ({ category: c.category, reason: c.reason! }));
    if (decision.status === 'deny') {
      const reply = this.denied(decision.reason ?? 'category-not-covered', [], denied);
      // the staff member must learn that a justification is what is missing
      if (decision.reason === 'justification-missing') markProtected(reply);
      return { reply, agreement: decision.agreement };
    }
    const released = record
      ? decision.categories
          .filter((c) => c.status === 'release')
          .map((c) => ({
            category: c.category,
            data: { records: withholdFields(record.categories[c.category] ?? [], c.withheldFields) },
          }))
      : [];
    const reply: QueryReplyV1 = {
      agency,
      status: 'ok',
      found: record !== undefined,
      protectedIdentity: false,
      released,
      denied,
    };
    if (protectedIdentity) markProtected(reply);
    return { reply, agreement: decision.agreement };
  }

  private denied(
    reason: ReasonCode,
    categories: readonly string[],
    denied = categories.map((category) => ({ category, reason })),
  ): QueryReplyV1 {
    return {
      agency: this.definition.agency,
      status: 'denied',
      reason,
      found: false,
      protectedIdentity: false,
      released: [],
      denied,
    };
  }
}

function markProtected(reply: QueryReplyV1): void {
  reply.protectedIdentity = true;
  reply.handlingInstruction = PROTECTED_IDENTITY_INSTRUCTION;
}
