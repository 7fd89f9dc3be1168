import { Body, Controller, Get, HttpCode, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AuditLog } from '@hub/audit';
import { maskPersonnummer } from '@hub/contracts';
import { CurrentUser, Roles } from '../auth/auth.decorators.js';
import type { StaffUser } from '../auth/staff-user.js';
import { CatalogueService } from '../catalogue/catalogue.service.js';
import { Subjects } from '../core/subjects.js';
import { AuditCheckpoints } from './audit-checkpoints.js';
import { apiException } from '../http/http-errors.js';
import {
  AccessReportRequestDto,
  AccessReportView,
  AuditVerificationView,
  VerifyQueryDto,
  WitnessedCheckpointView,
} from './audit.dto.js';

@ApiTags('audit')
@ApiBearerAuth()
@Controller('audit')
export class AuditController {
  constructor(
    private readonly audit: AuditLog,
    private readonly subjects: Subjects,
    private readonly checkpoints: AuditCheckpoints,
    private readonly catalogues: CatalogueService,
  ) {}

  @Get('verify')
  @Roles('auditor')
  @ApiOperation({
    summary: 'Walk the whole audit chain, and check it against checkpoints the agencies witnessed',
    description:
      'Without a checkpoint, against the latest one each agency cosigned, as the hub holds them; with position and ' +
      'hash, against that one (take it from an agency’s adapter, GET /api/audit-checkpoints/latest, so that the ' +
      'hub’s own copy is not trusted). `truncated`: the log ends before a checkpoint; `forked`: another entry is at ' +
      'its position. The answer carries the head, to anchor the next verification on.',
  })
  @ApiOkResponse({ type: AuditVerificationView })
  verify(@Query() query: VerifyQueryDto): Promise<AuditVerificationView> {
    if ((query.position === undefined) !== (query.hash === undefined)) {
      throw apiException('invalid-request', 'a checkpoint takes both position and hash');
    }
    return this.checkpoints.verify(
      query.position === undefined ? undefined : { position: Number(query.position), hash: query.hash! },
    );
  }

  @Get('witnesses')
  @Roles('auditor')
  @ApiOperation({ summary: 'Per agency, the latest audit checkpoint it cosigned, as the hub holds them' })
  @ApiOkResponse({ type: [WitnessedCheckpointView] })
  witnesses(): Promise<WitnessedCheckpointView[]> {
    return this.checkpoints.latestWitnessed();
  }

  @Post('access-report')
  @HttpCode(200)
  @Roles('auditor')
  @ApiOperation({
    summary: 'Every access to one citizen’s data: when, who, purpose, agreement, what was released',
    description:
      'The lookup itself is logged first. An auditor sees the entries of their own organisation, and an agency’s ' +
      'auditor also those about queries and referrals to the agency. Entries about a protected identity are included ' +
      'in full: the report is for the person and the auditor, never shown to other staff.',
  })
  @ApiOkResponse({ type: AccessReportView })
  async accessReport(@Body() body: AccessReportRequestDto, @CurrentUser() user: StaffUser): Promise<AccessReportView> {
    const subject = this.subjects.parse(body.subject);
    const entries = await this.audit.accessReport(
      subject.keys,
      {
        actorKind: 'staff',
        actor: user.id,
        organisation: user.organisation,
        unit: user.unit ?? null,
        outcome: 'reported',
      },
      {
        organisation: user.organisation,
        agency: this.catalogues.catalogues().find((c) => c.organisation === user.organisation)?.agency,
      },
    );
    return {
      subject: maskPersonnummer(subject.personnummer),
      protectedIdentity: entries.some((e) => e.protectedIdentity),
      entries: entries.map(({ subjectKey: _key, ...entry }) => entry),
    };
  }
}
