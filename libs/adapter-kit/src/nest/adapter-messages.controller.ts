import { Inject, Logger } from '@nestjs/common';
import { Ctx, EventPattern, MessagePattern, Payload } from '@nestjs/microservices';
import type { PoolClient } from 'pg';
import type {
  AgreementChangedV1,
  AuditCheckpointV1,
  ConsentRevokedV1,
  Envelope,
  QueryRequestV1,
  ReferralCreatedV1,
  ReferralStatusV1,
} from '@hub/contracts';
import { BrokerController, type AmqpContext, type OutgoingMessage } from '@hub/messaging';
import { withCorrelation } from '@hub/observability';
import type { AgencyAdapterDefinition } from '../agency-adapter.js';
import { AgreementBook } from '../agreement-book.js';
import { AuditWitness } from '../audit-witness.js';
import { Faults } from '../faults.js';
import { QueryAnswerer } from '../query-answerer.js';
import { ReferralInbox } from '../referral-inbox.js';
import type { AdapterConfig } from '../adapter.config.js';
import { ADAPTER_CONFIG, ADAPTER_DEFINITION } from './adapter.tokens.js';
import { AdapterMetrics } from './adapter-metrics.js';

const ENDED = ['terminated', 'expired'];

/** What the hub sends the agency over RabbitMQ. Sender, signature and schema are checked by the transport. */
@BrokerController()
export class AdapterMessagesController {
  private readonly logger = new Logger('messages');

  constructor(
    @Inject(ADAPTER_DEFINITION) private readonly definition: AgencyAdapterDefinition,
    @Inject(ADAPTER_CONFIG) private readonly config: AdapterConfig,
    private readonly answerer: QueryAnswerer,
    private readonly inbox: ReferralInbox,
    private readonly book: AgreementBook,
    private readonly faults: Faults,
    private readonly metrics: AdapterMetrics,
    private readonly witness: AuditWitness,
  ) {}

  @MessagePattern<string>('query.request.v1')
  async query(@Payload() envelope: Envelope<QueryRequestV1>): Promise<OutgoingMessage | undefined> {
    // a down agency takes the message and never answers: the hub sees a timeout
    if (this.faults.down) return undefined;
    const startedAt = process.hrtime.bigint();
    const latencyMs = this.faults.latencyMs();
    if (latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, latencyMs));
    if (this.faults.shouldFail()) {
      this.metrics.recordQuery('error', startedAt);
      throw new Error('the agency register did not answer (simulated fault)');
    }
    const { reply, agreement } = await this.answerer.answer(envelope);
    this.metrics.recordQuery(reply.status, startedAt);
    this.logger.debug(`query for ${envelope.purpose}: ${reply.status}`);
    return { type: 'query.reply.v1', ...(agreement && { agreement }), payload: reply };
  }

  /** Referrals that arrive together are stored together, in one transaction. */
  @EventPattern<string>('referral.created.v1', { batch: true })
  async referrals(
    @Payload() envelopes: Envelope<ReferralCreatedV1>[],
    @Ctx() context: AmqpContext<PoolClient>,
  ): Promise<void> {
    await this.inbox.receive(context.getTransaction(), envelopes);
    for (const { correlationId, payload } of envelopes) {
      withCorrelation(correlationId, () =>
        this.logger.debug(`referral ${payload.referralId} of type ${payload.referralType} received`),
      );
    }
  }

  /** The municipality withdrew a referral: the hub says so on the referral exchange, where only it writes. */
  @EventPattern<string>('referral.status.v1')
  async referralStatus(
    @Payload() envelope: Envelope<ReferralStatusV1>,
    @Ctx() context: AmqpContext<PoolClient>,
  ): Promise<void> {
    if (!this.config.trustedRequesters.includes(envelope.sender.service)) return;
    await this.inbox.cancelledByRequester(context.getTransaction(), envelope);
  }

  @EventPattern<string>('consent.revoked.v1')
  async consentRevoked(
    @Payload() envelope: Envelope<ConsentRevokedV1>,
    @Ctx() context: AmqpContext<PoolClient>,
  ): Promise<void> {
    const tx = context.getTransaction();
    await this.book.recordRevocation(tx, envelope.payload.consentId, envelope.payload.revokedAt);
    await this.inbox.cancelForConsent(tx, envelope.payload.consentId);
  }

  @EventPattern<string>('agreement.changed.v1')
  async agreementChanged(
    @Payload() envelope: Envelope<AgreementChangedV1>,
    @Ctx() context: AmqpContext<PoolClient>,
  ): Promise<void> {
    const tx = context.getTransaction();
    const kept = await this.book.record(tx, envelope);
    const p = envelope.payload;
    if (kept && p.agency === this.definition.agency && ENDED.includes(p.status)) {
      await this.inbox.cancelForAgreement(tx, p.agreementId);
    }
  }

  /** The hub's signed audit head: kept as a witness, checked against the last one, and cosigned. */
  @EventPattern<string>('audit.checkpoint.v1')
  async auditCheckpoint(
    @Payload() envelope: Envelope<AuditCheckpointV1>,
    @Ctx() context: AmqpContext<PoolClient>,
  ): Promise<void> {
    if (!this.config.trustedRequesters.includes(envelope.sender.service)) {
      this.logger.warn(`audit checkpoint ${envelope.id} from ${envelope.sender.service}, not the hub: ignored`);
      return;
    }
    await this.witness.record(context.getTransaction(), envelope, context.getRawMessage());
  }
}
