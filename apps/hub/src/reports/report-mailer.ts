import { Inject, Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import nodemailer, { type Transporter } from 'nodemailer';
import { HUB_CONFIG, type HubConfig } from '../config/hub.config.js';

export interface ReportMail {
  to: string;
  subject: string;
  text: string;
  attachments: { filename: string; content: Buffer | string; contentType: string }[];
}

/** Mails the reports over SMTP_URL; without it, says once that reports are archived only. */
@Injectable()
export class ReportMailer implements OnApplicationShutdown {
  private readonly logger = new Logger('reports');
  private readonly transport: Transporter | undefined;
  private toldUnconfigured = false;

  constructor(@Inject(HUB_CONFIG) private readonly config: Pick<HubConfig, 'reportMail'>) {
    this.transport = config.reportMail && nodemailer.createTransport(config.reportMail.smtpUrl);
  }

  get configured(): boolean {
    return this.transport !== undefined;
  }

  /** True when sent; false when no SMTP server is configured. */
  async send(mail: ReportMail): Promise<boolean> {
    if (!this.transport) {
      if (!this.toldUnconfigured) {
        this.logger.log(
          'SMTP_URL and REPORT_FROM are not set: monthly reports are archived and downloadable, not mailed',
        );
        this.toldUnconfigured = true;
      }
      return false;
    }
    await this.transport.sendMail({ from: this.config.reportMail!.from, ...mail });
    return true;
  }

  onApplicationShutdown(): void {
    this.transport?.close();
  }
}
