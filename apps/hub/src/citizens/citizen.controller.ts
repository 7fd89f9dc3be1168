import {
  Controller,
  Get,
  Header,
  HttpCode,
  Param,
  ParseUUIDPipe,
  Post,
  Query,
  Res,
  StreamableFile,
} from '@nestjs/common';
import {
  ApiConflictResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiProduces,
  ApiResponse,
  ApiServiceUnavailableResponse,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { apiException } from '../http/http-errors.js';
import { PdfRenderer } from '../reports/pdf-renderer.js';
import { CitizenOnly, CitizenSessionExpiresAt, CurrentCitizen } from './citizen-auth.js';
import { citizenExportHtml } from './citizen-export-html.js';
import type { Citizen } from './citizen-session.store.js';
import {
  AccessLogPageView,
  AccessLogQuery,
  CitizenConsentView,
  CitizenExportView,
  CitizenSummaryView,
} from './citizen.dto.js';
import { CitizenService } from './citizen.service.js';

const NOT_LOGGED_IN = 'citizen-login-required: no citizen login; staff tokens and staff sessions are refused too';

/** "Mina uppgifter": the logged-in citizen's own data, and nobody else's; staff never see these views. */
@ApiTags('medborgare')
@Controller('medborgare')
export class CitizenController {
  constructor(
    private readonly citizens: CitizenService,
    private readonly pdf: PdfRenderer,
  ) {}

  @CitizenOnly()
  @Get('summary')
  @Header('cache-control', 'no-store')
  @ApiOperation({
    summary: 'My consents, referrals and errands, with their status and timeline, in plain Swedish',
    description: 'The reading is audited (actor: the citizen) before it is answered.',
  })
  @ApiOkResponse({ type: CitizenSummaryView })
  @ApiUnauthorizedResponse({ description: NOT_LOGGED_IN })
  summary(@CurrentCitizen() citizen: Citizen, @CitizenSessionExpiresAt() expiresAt: Date): Promise<CitizenSummaryView> {
    return this.citizens.summary(citizen, expiresAt);
  }

  @CitizenOnly()
  @Get('access-log')
  @Header('cache-control', 'no-store')
  @ApiOperation({
    summary: 'Every access to my data by others, newest first, a page at a time',
    description:
      'Each query (per agency), referral, consent change, errand, contact and access report about the citizen: ' +
      'when, which unit of which organisation, purpose, agencies, data released and denied with the reason, ' +
      'outcome, and a sentence of plain Swedish. Nothing is left out for a person with protected identity. The ' +
      'reading is audited before it is answered.',
  })
  @ApiOkResponse({ type: AccessLogPageView })
  @ApiUnauthorizedResponse({ description: NOT_LOGGED_IN })
  accessLog(@CurrentCitizen() citizen: Citizen, @Query() query: AccessLogQuery): Promise<AccessLogPageView> {
    return this.citizens.accessLog(citizen, query.before, query.limit);
  }

  @CitizenOnly()
  @Post('consents/:id/revoke')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Revoke one of my consents, at once',
    description:
      'The same revocation as staff record: it answers once the broker has confirmed consent.revoked.v1 to the ' +
      'agencies, whose adapters cancel the referrals that relied on it; 503 broker-unavailable means nothing was ' +
      'revoked. Audited with the citizen as actor.',
  })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiOkResponse({ type: CitizenConsentView })
  @ApiUnauthorizedResponse({ description: NOT_LOGGED_IN })
  @ApiNotFoundResponse({ description: 'not-found: no such consent of yours' })
  @ApiConflictResponse({ description: 'already-revoked' })
  @ApiServiceUnavailableResponse({ description: 'broker-unavailable: nothing was revoked' })
  revoke(
    @CurrentCitizen() citizen: Citizen,
    @Param(
      'id',
      new ParseUUIDPipe({ exceptionFactory: () => apiException('invalid-request', 'the consent id is not a UUID') }),
    )
    id: string,
  ): Promise<CitizenConsentView> {
    return this.citizens.revoke(citizen, id);
  }

  @CitizenOnly()
  @Get('export.json')
  @Header('cache-control', 'no-store')
  @ApiOperation({
    summary: 'Everything about me as JSON (GDPR article 15): consents, referrals, errands and the whole access log',
  })
  @ApiOkResponse({ type: CitizenExportView })
  @ApiUnauthorizedResponse({ description: NOT_LOGGED_IN })
  async exportJson(
    @CurrentCitizen() citizen: Citizen,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<CitizenExportView> {
    const data = await this.citizens.export(citizen, 'json');
    reply.header('content-disposition', `attachment; filename="mina-uppgifter-${data.generatedAt.slice(0, 10)}.json"`);
    return data;
  }

  @CitizenOnly()
  @Get('export.pdf')
  @Header('cache-control', 'no-store')
  @ApiOperation({ summary: 'Everything about me as PDF (GDPR article 15), in Swedish' })
  @ApiProduces('application/pdf')
  @ApiResponse({
    status: 200,
    description: 'the PDF',
    content: { 'application/pdf': { schema: { type: 'string', format: 'binary' } } },
  })
  @ApiUnauthorizedResponse({ description: NOT_LOGGED_IN })
  async exportPdf(
    @CurrentCitizen() citizen: Citizen,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<StreamableFile> {
    const data = await this.citizens.export(citizen, 'pdf');
    const pdf = await this.pdf.render(citizenExportHtml(data));
    reply.header('content-type', 'application/pdf');
    reply.header('content-disposition', `attachment; filename="mina-uppgifter-${data.generatedAt.slice(0, 10)}.pdf"`);
    return new StreamableFile(pdf);
  }
}
