import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { HUB_CONFIG, type HubConfig } from '../config/hub.config.js';
import { ReportMailer } from './report-mailer.js';
import { previousMonth } from './report-month.js';
import { ReportRepository } from './report.repository.js';
import { ReportService } from './report.service.js';
import { swedishMonth } from './swedish-format.js';

export interface MonthlyRun {
  month: string;
  /** parties whose report this run made */
  made: string[];
  /** of them, those mailed */
  mailed: string[];
  failed: string[];
}

/**
 * Each party's report of the previous month, made once and mailed once however many hub instances run: a row per
 * party and month is claimed in one INSERT … ON CONFLICT, and only its claimant makes and mails the report. A claim
 * left unfinished by a stopped instance is taken over after STALE_CLAIM_MINUTES. The job looks every
 * REPORT_JOB_INTERVAL_MS (an hour), so that a month's reports go out within an hour of its end, or of the first start
 * after it.
 */
@Injectable()
export class MonthlyReportJob implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('reports');
  private readonly instance = `${hostname()}/${process.pid}/${randomUUID().slice(0, 8)}`;
  private timer?: NodeJS.Timeout;
  private running?: Promise<MonthlyRun>;

  constructor(
    private readonly repository: ReportRepository,
    private readonly reports: ReportService,
    private readonly mailer: ReportMailer,
    @Inject(HUB_CONFIG) private readonly config: Pick<HubConfig, 'reportJobIntervalMs'>,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.run().catch(() => undefined), this.config.reportJobIntervalMs);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.running?.catch(() => undefined);
  }

  /** Last month's reports still to make; one run at a time in this instance. */
  run(now = new Date()): Promise<MonthlyRun> {
    this.running ??= this.runFor(previousMonth(now), now).finally(() => (this.running = undefined));
    return this.running;
  }

  async runFor(month: string, now = new Date()): Promise<MonthlyRun> {
    const result: MonthlyRun = { month, made: [], mailed: [], failed: [] };
    for (const party of await this.repository.parties()) {
      if (!(await this.repository.claim(party.number, month, this.instance))) continue;
      try {
        const [pdf, csv] = await Promise.all([
          this.reports.render(party.number, month, 'pdf', now),
          this.reports.render(party.number, month, 'csv', now),
        ]);
        await this.repository.archive(party.number, month, { pdf: pdf.body as Buffer, csv: csv.body as string });
        result.made.push(party.number);
        let mailedTo: string | null = null;
        let error: string | null = null;
        if (party.reportAddress) {
          try {
            const sent = await this.mailer.send({
              to: party.reportAddress,
              subject: `Månadsrapport ${swedishMonth(month)} – ${party.name}`,
              text:
                `Här är ${party.name}s månadsrapport från samtjänsthubben för ${swedishMonth(month)}, ` +
                'som PDF och CSV. Antal under 5 redovisas inte. Rapporten innehåller inga personuppgifter.',
              attachments: [pdf, csv].map((f) => ({
                filename: f.filename,
                content: f.body,
                contentType: f.contentType,
              })),
            });
            if (sent) {
              mailedTo = party.reportAddress;
              result.mailed.push(party.number);
            }
          } catch (err) {
            // the report is archived; a mail that failed is not retried, lest a party gets it twice
            error = `mail: ${(err as Error).message}`;
            this.logger.error(`the ${month} report of ${party.number} was not mailed: ${(err as Error).message}`);
          }
        }
        await this.repository.finish(party.number, month, { mailedTo, error });
      } catch (err) {
        result.failed.push(party.number);
        await this.repository.failed(party.number, month, (err as Error).message).catch(() => undefined);
        this.logger.error(`the ${month} report of ${party.number} was not made: ${(err as Error).message}`);
      }
    }
    if (result.made.length) {
      this.logger.log(`${month}: ${result.made.length} reports made, ${result.mailed.length} mailed`);
    }
    return result;
  }
}
