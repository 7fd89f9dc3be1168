import { Body, Controller, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { STAFF_ROLES } from '@hub/contracts';
import { CurrentUser, Roles } from '../auth/auth.decorators.js';
import type { StaffUser } from '../auth/staff-user.js';
import {
  ChangeOrganisationDto,
  ListOrganisationsQuery,
  OrganisationView,
  RegisterOrganisationDto,
} from './organisation.dto.js';
import { OrganisationService } from './organisation.service.js';

@ApiTags('organisations')
@ApiBearerAuth()
@Controller('organisations')
export class OrganisationController {
  constructor(private readonly organisations: OrganisationService) {}

  @Post()
  @Roles('operator')
  @ApiOperation({
    summary: 'Register an organisation (operator of the hub); an agency with its code and broker account',
  })
  @ApiCreatedResponse({ type: OrganisationView })
  @ApiBadRequestResponse({
    description:
      'invalid-organisationsnummer, agency-code-required, agency-code-not-allowed, invalid-broker-account, invalid-request',
  })
  @ApiConflictResponse({ description: 'organisation-exists, agency-code-taken' })
  register(@Body() body: RegisterOrganisationDto, @CurrentUser() user: StaffUser): Promise<OrganisationView> {
    return this.organisations.register(body, user);
  }

  @Get()
  @Roles(...STAFF_ROLES)
  @ApiOperation({ summary: 'Every organisation of the hub, closed ones too; operators also see who registered them' })
  @ApiOkResponse({ type: [OrganisationView] })
  list(@Query() query: ListOrganisationsQuery, @CurrentUser() user: StaffUser): Promise<OrganisationView[]> {
    return this.organisations.list(user, query.kind);
  }

  @Get(':number')
  @Roles(...STAFF_ROLES)
  @ApiOperation({ summary: 'One organisation by its organisationsnummer' })
  @ApiOkResponse({ type: OrganisationView })
  show(@Param('number') number: string, @CurrentUser() user: StaffUser): Promise<OrganisationView> {
    return this.organisations.show(number, user);
  }

  @Patch(':number')
  @HttpCode(200)
  @Roles('operator', 'admin', 'agency-admin')
  @ApiOperation({
    summary:
      'Rename an organisation, or close it (and its units) for good, ending its agreements (operator of the hub); ' +
      "set its report address (operator, or the organisation's own admin or agency-admin)",
  })
  @ApiOkResponse({ type: OrganisationView })
  @ApiConflictResponse({ description: 'organisation-closed' })
  change(
    @Param('number') number: string,
    @Body() body: ChangeOrganisationDto,
    @CurrentUser() user: StaffUser,
  ): Promise<OrganisationView> {
    return this.organisations.change(number, body, user);
  }
}
