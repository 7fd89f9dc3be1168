import { Controller, Get, Header, Query, Res, StreamableFile } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiForbiddenResponse,
  ApiOperation,
  ApiProduces,
  ApiResponse,
  ApiTags,
} from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { CurrentUser, Roles } from '../auth/auth.decorators.js';
import type { StaffUser } from '../auth/staff-user.js';
import { ReportMonthQuery } from './report.dto.js';
import { ReportService, type ReportFormat } from './report.service.js';

const DESCRIPTION =
  "The caller's party's monthly report: the traffic of a calendar month (Swedish days) per municipality, unit and " +
  'agency, as the follow-up per party has it, every count from 1 to 4 suppressed ("färre än 5"). For an agency the ' +
  'traffic under its agreements; for a municipality all its units. The same report is mailed after each month to ' +
  "the party's report address.";

@ApiTags('reports')
@ApiBearerAuth()
@Controller('reports')
export class ReportController {
  constructor(private readonly reports: ReportService) {}

  @Get('monthly.pdf')
  @Roles('manager')
  @Header('cache-control', 'no-store')
  @ApiOperation({ summary: 'Monthly report as PDF (charts with tables, Swedish formats)', description: DESCRIPTION })
  @ApiProduces('application/pdf')
  @ApiResponse({
    status: 200,
    description: 'the PDF',
    content: { 'application/pdf': { schema: { type: 'string', format: 'binary' } } },
  })
  @ApiBadRequestResponse({ description: 'invalid-period: month is not YYYY-MM' })
  @ApiForbiddenResponse({ description: 'role-not-allowed: needs manager' })
  pdf(
    @Query() query: ReportMonthQuery,
    @CurrentUser() user: StaffUser,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<StreamableFile> {
    return this.file('pdf', query, user, reply);
  }

  @Get('monthly.csv')
  @Roles('manager')
  @Header('cache-control', 'no-store')
  @ApiOperation({ summary: 'Monthly report as CSV (UTF-8 with BOM, `;`, decimal comma)', description: DESCRIPTION })
  @ApiProduces('text/csv')
  @ApiResponse({ status: 200, description: 'the CSV', content: { 'text/csv': { schema: { type: 'string' } } } })
  @ApiBadRequestResponse({ description: 'invalid-period: month is not YYYY-MM' })
  @ApiForbiddenResponse({ description: 'role-not-allowed: needs manager' })
  csv(
    @Query() query: ReportMonthQuery,
    @CurrentUser() user: StaffUser,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<StreamableFile> {
    return this.file('csv', query, user, reply);
  }

  private async file(
    format: ReportFormat,
    query: ReportMonthQuery,
    user: StaffUser,
    reply: FastifyReply,
  ): Promise<StreamableFile> {
    const file = await this.reports.download(user, query.month, format);
    reply.header('content-type', file.contentType);
    reply.header('content-disposition', `attachment; filename="${file.filename}"`);
    return new StreamableFile(typeof file.body === 'string' ? Buffer.from(file.body, 'utf8') : file.body);
  }
}
