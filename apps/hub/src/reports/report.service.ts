import { Injectable } from '@nestjs/common';
import type { StaffUser } from '../auth/staff-user.js';
import { apiException } from '../http/http-errors.js';
import { FollowUpService } from '../follow-up/follow-up.service.js';
import { PartyFollowUpService } from '../party-follow-up/party-follow-up.service.js';
import { PdfRenderer } from './pdf-renderer.js';
import { renderReportCsv } from './report-csv.js';
import { renderReportHtml, type ReportData } from './report-html.js';
import { parseMonth } from './report-month.js';

export type ReportFormat = 'pdf' | 'csv';

export interface ReportFile {
  filename: string;
  contentType: string;
  body: Buffer | string;
}

export const CONTENT_TYPES: Record<ReportFormat, string> = {
  pdf: 'application/pdf',
  csv: 'text/csv; charset=utf-8',
};

export const reportFilename = (organisation: string, month: string, format: ReportFormat) =>
  `manadsrapport-${month}-${organisation}.${format}`;

/**
 * The monthly report of a party (issue 18): its follow-up of a calendar month as PDF (HTML printed by Chromium) and
 * CSV, the same figures with the same small numbers suppressed. A municipality's has its NKI and each measure
 * against its target as well (an agency sets no targets of its own; its agreed response times are in the referral
 * table). A manager downloads the own party's only.
 */
@Injectable()
export class ReportService {
  constructor(
    private readonly followUp: PartyFollowUpService,
    private readonly figures: FollowUpService,
    private readonly pdf: PdfRenderer,
  ) {}

  async download(user: StaffUser, monthInput: string, format: ReportFormat, now = new Date()): Promise<ReportFile> {
    const parsed = parseMonth(monthInput);
    if (!parsed.ok) throw apiException('invalid-period', parsed.problem);
    return this.render(user.organisation, parsed.month, format, now);
  }

  async render(organisation: string, month: string, format: ReportFormat, now = new Date()): Promise<ReportFile> {
    const parsed = parseMonth(month);
    if (!parsed.ok) throw apiException('invalid-period', parsed.problem);
    const party = await this.followUp.forParty(organisation, parsed.period, now);
    const data: ReportData = {
      ...party,
      ...(party.scope.kind === 'municipality' && {
        service: await this.figures.service(organisation, null, parsed.period, now),
      }),
    };
    const body = format === 'pdf' ? await this.pdf.render(renderReportHtml(data, month)) : renderReportCsv(data);
    return { filename: reportFilename(organisation, month, format), contentType: CONTENT_TYPES[format], body };
  }
}
