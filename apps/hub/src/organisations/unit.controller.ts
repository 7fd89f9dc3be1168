import { apiException } from '@hub/http';
import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Patch, Post } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { STAFF_ROLES } from '@hub/contracts';
import { CurrentUser, Roles } from '../auth/auth.decorators.js';
import type { StaffUser } from '../auth/staff-user.js';
import { ChangeUnitDto, RegisterUnitDto, UnitView } from './unit.dto.js';
import { UnitService } from './unit.service.js';

const idPipe = () =>
  new ParseUUIDPipe({
    exceptionFactory: () => apiException('invalid-request', 'the id is not a UUID'),
  });

@ApiTags('organisations')
@ApiBearerAuth()
@Controller('organisations/:number/units')
export class UnitController {
  constructor(private readonly units: UnitService) {}

  @Post()
  @Roles('admin', 'operator')
  @ApiOperation({ summary: 'Register a unit of the caller’s municipality (its admin, or an operator of the hub)' })
  @ApiCreatedResponse({ type: UnitView })
  @ApiNotFoundResponse({ description: 'not-found: no such organisation, or another organisation’s' })
  @ApiConflictResponse({ description: 'unit-exists, organisation-closed, not-a-municipality' })
  register(
    @Param('number') number: string,
    @Body() body: RegisterUnitDto,
    @CurrentUser() user: StaffUser,
  ): Promise<UnitView> {
    return this.units.register(number, body, user);
  }

  @Get()
  @Roles(...STAFF_ROLES)
  @ApiOperation({ summary: 'The units of the caller’s own organisation (an operator: of any), closed ones too' })
  @ApiOkResponse({ type: [UnitView] })
  list(@Param('number') number: string, @CurrentUser() user: StaffUser): Promise<UnitView[]> {
    return this.units.list(number, user);
  }

  @Get(':id')
  @Roles(...STAFF_ROLES)
  @ApiOperation({ summary: 'One unit' })
  @ApiOkResponse({ type: UnitView })
  show(
    @Param('number') number: string,
    @Param('id', idPipe()) id: string,
    @CurrentUser() user: StaffUser,
  ): Promise<UnitView> {
    return this.units.show(number, id, user);
  }

  @Patch(':id')
  @HttpCode(200)
  @Roles('admin', 'operator')
  @ApiOperation({
    summary: 'Rename a unit (its display name; the name stays its key) or close it for good, ending its agreements',
  })
  @ApiOkResponse({ type: UnitView })
  @ApiConflictResponse({ description: 'unit-closed' })
  change(
    @Param('number') number: string,
    @Param('id', idPipe()) id: string,
    @Body() body: ChangeUnitDto,
    @CurrentUser() user: StaffUser,
  ): Promise<UnitView> {
    return this.units.change(number, id, body, user);
  }
}
