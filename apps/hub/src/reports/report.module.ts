import { Module } from '@nestjs/common';
import { FollowUpModule } from '../follow-up/follow-up.module.js';
import { PartyFollowUpModule } from '../party-follow-up/party-follow-up.module.js';
import { MonthlyReportJob } from './monthly-report.job.js';
import { PdfRenderer } from './pdf-renderer.js';
import { ReportMailer } from './report-mailer.js';
import { ReportController } from './report.controller.js';
import { ReportRepository } from './report.repository.js';
import { ReportService } from './report.service.js';

@Module({
  imports: [PartyFollowUpModule, FollowUpModule],
  controllers: [ReportController],
  providers: [ReportService, ReportRepository, ReportMailer, PdfRenderer, MonthlyReportJob],
})
export class ReportModule {}
