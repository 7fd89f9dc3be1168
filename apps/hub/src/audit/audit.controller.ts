import { Body, Controller, Get, HttpCode, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiProperty, ApiTags } from '@nestjs/swagger';
import { IsString, MaxLength } from 'class-validator';
import { AuditLog } from '@hub/audit';
import { maskPersonnummer } from '@hub/contracts';
import { CurrentUser, Roles } from '../auth/auth.decorators.js';
import type { StaffUser } from '../auth/staff-user.js';
import { CatalogueService } from '../catalogue/catalogue.service.js';
import { Subjects } from '../core/subjects.js';

export class AccessReportRequestDto {
  @ApiProperty({ example: '19121212-1212', description: 'in the body, so that it never lands in a URL or access log' })
  @IsString()
  @MaxLength(20)
  subject: string;
}

@ApiTags('audit')
@ApiBearerAuth()
@Controller('audit')
export class AuditController {
  constructor(
    private readonly audit: AuditLog,
    private readonly subjects: Subjects,
    private readonly catalogues: CatalogueService,
  ) {}

  @Get('verify')
  @Roles('auditor')
  @ApiOperation({ summary: 'Walk the whole audit chain and name the first broken row, if any' })
  @ApiOkResponse({ description: '{ ok, rows, firstBroken? }' })
  async verify() {
    const { ok, rows, firstBroken } = await this.audit.verify();
    return { ok, rows, ...(firstBroken && { firstBroken }) };
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
  async accessReport(@Body() body: AccessReportRequestDto, @CurrentUser() user: StaffUser) {
    const subject = this.subjects.parse(body.subject);
    const entries = await this.audit.accessReport(
      subject.key,
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
