import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import {
  departmentService,
  departmentSlug,
  EXCHANGES,
  messageTypes,
  routingKeys,
  type Envelope,
  type ErrandForwardedV1,
  type ErrandStatusV1,
} from '@hub/contracts';
import {
  brokerDefinitions,
  departmentQueue,
  loadMessagingConfig,
  MessagingClient,
  messagingOptionsFrom,
  type IdempotencyStore,
} from '@hub/messaging';
import { quietLogger, TEST_VHOST } from '../../support/env.js';
import { rabbitmqctl } from './private-services.js';

/** One errand as the department's case system took it in: applied once per message id it was told of. */
export interface ErrandInCaseSystem {
  errandId: string;
  /** the message ids it was applied under: more than one is the same errand told twice as two messages */
  messageIds: string[];
  takenSentAt?: number;
  answeredSentAt?: number;
}

/**
 * The case system's own dedup, by message id as the contract asks of every receiver, in memory: it is the hub's
 * outbox and broker that go down in the chaos scenarios, not the department's database. Every delivery passes through
 * here, so it also counts how often the broker delivered each message.
 */
class CaseSystemInbox implements IdempotencyStore<undefined> {
  readonly deliveries = new Map<string, number>();
  private readonly applied = new Set<string>();

  async runOnce(_consumer: string, messageId: string, work: (tx: undefined) => Promise<void>): Promise<boolean> {
    const id = messageId.toLowerCase();
    this.deliveries.set(id, (this.deliveries.get(id) ?? 0) + 1);
    if (this.applied.has(id)) return false;
    this.applied.add(id);
    try {
      await work(undefined);
      return true;
    } catch (err) {
      this.applied.delete(id);
      throw err;
    }
  }
}

/**
 * A department of Örebro with a case system of its own on the chaos suite's private broker: its own broker user
 * (permissions as `npm run setup` would derive them), its own signing key, a consumer on its errand queue that takes
 * `fileMs` to file each errand, and a reporter that takes each errand as soon as it is filed and answers it
 * `answerAfterMs` later, as `errand.status.v1`.
 * Publishing is confirmed: while the broker is away a status waits and goes out again after the reconnect.
 */
export class ChaosDepartmentSystem {
  readonly slug: string;
  readonly service: string;
  readonly errands = new Map<string, ErrandInCaseSystem>();
  private readonly password = randomBytes(18).toString('base64url');
  private readonly inbox = new CaseSystemInbox();
  private client?: MessagingClient;
  private reporting?: Promise<void>;
  private stopped = false;
  private held = false;
  reportErrors = 0;

  constructor(
    readonly organisation: string,
    readonly name: string,
    private readonly timing = { fileMs: 300, answerAfterMs: 1_500 },
  ) {
    this.slug = departmentSlug(name);
    this.service = departmentService(organisation, this.slug);
  }

  get queue(): string {
    return departmentQueue(this.organisation, this.slug).queue;
  }

  async createBrokerUser(): Promise<void> {
    const definitions = brokerDefinitions(
      [
        {
          user: this.service,
          password: this.password,
          role: 'department',
          organisation: this.organisation,
          department: this.slug,
        },
      ],
      TEST_VHOST,
    );
    const [permissions] = definitions.permissions as Array<{ configure: string; write: string; read: string }>;
    await rabbitmqctl('add_user', this.service, this.password);
    await rabbitmqctl(
      'set_permissions',
      '-p',
      TEST_VHOST,
      this.service,
      permissions!.configure,
      permissions!.write,
      permissions!.read,
    );
    for (const topic of definitions.topic_permissions as Array<{ exchange: string; write: string; read: string }>) {
      await rabbitmqctl(
        'set_topic_permissions',
        '-p',
        TEST_VHOST,
        this.service,
        topic.exchange,
        topic.write,
        topic.read,
      );
    }
  }

  /** Connects, declares and consumes its queue, and starts reporting. */
  async start(): Promise<void> {
    const config = loadMessagingConfig(this.service, {
      ...process.env,
      AMQP_PASSWORD: this.password,
      ORGANISATION: this.organisation,
    });
    this.client = new MessagingClient(messagingOptionsFrom(config, messageTypes), quietLogger);
    await this.client.connect();
    const queue = departmentQueue(this.organisation, this.slug);
    await this.client.consume({
      queue,
      prefetch: queue.prefetch,
      retryBaseDelayMs: 50,
      idempotency: this.inbox,
      handlers: new Map([
        [
          'errand.forwarded.v1',
          async (envelope: Envelope) => {
            const { errandId } = (envelope as Envelope<ErrandForwardedV1>).payload;
            // filing takes a while: an errand is often applied here and not yet acknowledged to the broker
            await new Promise((r) => setTimeout(r, this.timing.fileMs));
            const known = this.errands.get(errandId);
            if (known) known.messageIds.push(envelope.id);
            else this.errands.set(errandId, { errandId, messageIds: [envelope.id] });
          },
        ],
      ]),
    });
    this.reporting = this.report();
  }

  /** How many times the broker delivered a message beyond its first: at-least-once, dropped by message id. */
  get redeliveries(): number {
    return [...this.inbox.deliveries.values()].reduce((sum, n) => sum + n - 1, 0);
  }

  /** Every errand filed so far has been reported taken. */
  get allTaken(): boolean {
    return [...this.errands.values()].every((e) => e.takenSentAt !== undefined);
  }

  get duplicatesDropped(): number {
    return this.client?.consumerStats()[this.queue]?.duplicates ?? 0;
  }

  /** The department's staff stop taking and answering errands (those coming in wait) until `resumeReports`. */
  holdReports(): void {
    this.held = true;
  }

  resumeReports(): void {
    this.held = false;
  }

  private async report(): Promise<void> {
    while (!this.stopped) {
      const now = Date.now();
      const errands = [...this.errands.values()];
      const toTake = this.held ? [] : errands.filter((e) => e.takenSentAt === undefined);
      const toAnswer = (this.held ? [] : errands).filter(
        (e) =>
          e.takenSentAt !== undefined &&
          e.answeredSentAt === undefined &&
          now - e.takenSentAt >= this.timing.answerAfterMs,
      );
      try {
        await Promise.all([
          ...toTake.map(async (e) => {
            await this.status(e.errandId, { status: 'taken' });
            e.takenSentAt = Date.now();
          }),
          ...toAnswer.map(async (e) => {
            await this.status(e.errandId, { status: 'answered', answer: `Åtgärdat, ärende ${e.errandId}. /Teknik` });
            e.answeredSentAt = Date.now();
          }),
        ]);
      } catch {
        // a refused publish: what was not confirmed is reported again at the next turn
        this.reportErrors++;
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  private status(errandId: string, payload: Pick<ErrandStatusV1, 'status' | 'answer'>): Promise<string> {
    return this.client!.publish(EXCHANGES.event, routingKeys.errandStatus(this.organisation, this.slug), {
      type: 'errand.status.v1',
      correlationId: errandId,
      payload: {
        errandId,
        organisation: this.organisation,
        department: this.slug,
        at: new Date().toISOString(),
        actor: { organisation: this.organisation, name: 'Tove Teknik', service: this.service },
        ...payload,
      } satisfies ErrandStatusV1,
    });
  }

  async remove(): Promise<void> {
    this.stopped = true;
    await this.reporting;
    await this.client?.close();
    await rabbitmqctl('delete_user', this.service).catch(() => undefined);
    for (const side of ['private', 'public']) {
      for (const file of [`${this.service}.jwk.json`, `${this.service}.jwks.json`]) {
        rmSync(join('var', 'keys', side, file), { force: true });
      }
    }
  }
}
