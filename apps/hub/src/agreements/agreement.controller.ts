import {
  BadRequestException,
  Body,
  Controller,
  Get,
  HttpCode,
  Param,
  ParseUUIDPipe,
  Post,
  type PipeTransform,
} from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentUser, Roles } from '../auth/auth.decorators.js';
import type { StaffUser } from '../auth/staff-user.js';
import { AgreementService } from './agreement.service.js';
import {
  AgreementTermsDto,
  AgreementVersionView,
  AgreementView,
  ChangeNoteDto,
  CreateAgreementDto,
} from './dto/agreement.dto.js';

const ADMINS = ['admin', 'agency-admin'] as const;
const READERS = ['admin', 'agency-admin', 'auditor', 'manager'] as const;

/** A version number as the database's integer column holds them: 1 up to 2^31 - 1. */
class VersionPipe implements PipeTransform<string | number, number> {
  transform(value: string | number): number {
    // the global validation pipe has made a number of it already (NaN when it was none)
    const version = Number(value);
    if (!(Number.isInteger(version) && version >= 1 && version <= 2_147_483_647)) {
      throw new BadRequestException({ error: 'invalid-request', message: 'the version is not a positive integer' });
    }
    return version;
  }
}

@ApiTags('agreements')
@ApiBearerAuth()
@Controller('agreements')
export class AgreementController {
  constructor(private readonly agreements: AgreementService) {}

  @Post()
  @Roles(...ADMINS)
  @ApiOperation({ summary: 'Register a draft samtjänst agreement; the caller must be a party’s admin' })
  @ApiOkResponse({ type: AgreementView })
  create(@Body() body: CreateAgreementDto, @CurrentUser() user: StaffUser) {
    return this.agreements.create(body, user);
  }

  @Get()
  @Roles(...READERS)
  @ApiOperation({ summary: 'The agreements the caller’s organisation is a party to, newest version each' })
  @ApiOkResponse({ type: [AgreementView] })
  list(@CurrentUser() user: StaffUser) {
    return this.agreements.list(user);
  }

  @Get(':id')
  @Roles(...READERS)
  @ApiOperation({ summary: 'One agreement with all its versions and its history' })
  @ApiOkResponse({ type: AgreementView })
  show(@Param('id', ParseUUIDPipe) id: string, @CurrentUser() user: StaffUser) {
    return this.agreements.show(id, user);
  }

  @Get(':id/versions/:version')
  @Roles(...READERS)
  @ApiOperation({ summary: 'One version of an agreement, as it was registered' })
  @ApiOkResponse({ type: AgreementVersionView })
  version(
    @Param('id', ParseUUIDPipe) id: string,
    @Param('version', VersionPipe) version: number,
    @CurrentUser() user: StaffUser,
  ) {
    return this.agreements.version(id, version, user);
  }

  @Post(':id/propose')
  @HttpCode(200)
  @Roles(...ADMINS)
  @ApiOperation({ summary: 'Propose the draft to the other party' })
  @ApiOkResponse({ type: AgreementView })
  propose(@Param('id', ParseUUIDPipe) id: string, @Body() body: ChangeNoteDto, @CurrentUser() user: StaffUser) {
    return this.agreements.change(id, 'propose', user, body.note);
  }

  @Post(':id/approve')
  @HttpCode(200)
  @Roles(...ADMINS)
  @ApiOperation({ summary: 'Approve the other party’s proposal; the agreement becomes active' })
  @ApiOkResponse({ type: AgreementView })
  approve(@Param('id', ParseUUIDPipe) id: string, @Body() body: ChangeNoteDto, @CurrentUser() user: StaffUser) {
    return this.agreements.change(id, 'approve', user, body.note);
  }

  @Post(':id/suspend')
  @HttpCode(200)
  @Roles(...ADMINS)
  @ApiOperation({ summary: 'Suspend an active agreement: nothing crosses the hub under it until resumed' })
  @ApiOkResponse({ type: AgreementView })
  suspend(@Param('id', ParseUUIDPipe) id: string, @Body() body: ChangeNoteDto, @CurrentUser() user: StaffUser) {
    return this.agreements.change(id, 'suspend', user, body.note);
  }

  @Post(':id/resume')
  @HttpCode(200)
  @Roles(...ADMINS)
  @ApiOperation({ summary: 'Resume a suspended agreement' })
  @ApiOkResponse({ type: AgreementView })
  resume(@Param('id', ParseUUIDPipe) id: string, @Body() body: ChangeNoteDto, @CurrentUser() user: StaffUser) {
    return this.agreements.change(id, 'resume', user, body.note);
  }

  @Post(':id/terminate')
  @HttpCode(200)
  @Roles(...ADMINS)
  @ApiOperation({ summary: 'Terminate the agreement for good' })
  @ApiOkResponse({ type: AgreementView })
  terminate(@Param('id', ParseUUIDPipe) id: string, @Body() body: ChangeNoteDto, @CurrentUser() user: StaffUser) {
    return this.agreements.change(id, 'terminate', user, body.note);
  }

  @Post(':id/amend')
  @HttpCode(200)
  @Roles(...ADMINS)
  @ApiOperation({ summary: 'Register changed terms as a new draft version; the old versions stay readable' })
  @ApiOkResponse({ type: AgreementView })
  amend(@Param('id', ParseUUIDPipe) id: string, @Body() body: AgreementTermsDto, @CurrentUser() user: StaffUser) {
    return this.agreements.amend(id, body, user);
  }
}
