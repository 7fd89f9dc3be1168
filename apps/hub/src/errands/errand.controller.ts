import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { CurrentUser, Roles } from '../auth/auth.decorators.js';
import type { StaffUser } from '../auth/staff-user.js';
import { apiException } from '../http/http-errors.js';
import {
  AnswerErrandDto,
  CloseErrandDto,
  CreateErrandDto,
  DepartmentView,
  ErrandNoteDto,
  ErrandView,
  HandOverErrandDto,
  ListErrandsQuery,
  WithdrawErrandDto,
} from './errand.dto.js';
import { ErrandService } from './errand.service.js';

const FRONT_OFFICE = ['guide', 'caseworker'] as const;

const idPipe = () =>
  new ParseUUIDPipe({
    exceptionFactory: () => apiException('invalid-request', 'the id is not a UUID'),
  });

@ApiTags('errands')
@ApiBearerAuth()
@Controller('errands')
export class ErrandController {
  constructor(private readonly errands: ErrandService) {}

  @Post()
  @Roles(...FRONT_OFFICE)
  @ApiOperation({
    summary: 'Forward an errand (ärende) to a department of the municipality',
    description:
      'The topic type sets the response time and the default department; a secrecy-sensitive topic needs ' +
      'citizenAllowed and carries only those details.',
  })
  @ApiCreatedResponse({ type: ErrandView })
  @ApiBadRequestResponse({ description: 'invalid-request, invalid-personnummer' })
  @ApiNotFoundResponse({ description: "not-found: no such department in the caller's municipality" })
  create(@Body() body: CreateErrandDto, @CurrentUser() user: StaffUser): Promise<ErrandView> {
    return this.errands.create(body, user);
  }

  @Get()
  @Roles(...FRONT_OFFICE)
  @ApiOperation({ summary: "The errands the caller's unit forwarded, open and overdue first" })
  @ApiOkResponse({ type: [ErrandView] })
  list(@Query() query: ListErrandsQuery, @CurrentUser() user: StaffUser): Promise<ErrandView[]> {
    return this.errands.list(query, user, 'unit');
  }

  @Get('inbox')
  @Roles('department')
  @ApiOperation({ summary: "The errands with the caller's department, open and overdue first" })
  @ApiOkResponse({ type: [ErrandView] })
  inbox(@Query() query: ListErrandsQuery, @CurrentUser() user: StaffUser): Promise<ErrandView[]> {
    return this.errands.list(query, user, 'department');
  }

  @Get('departments')
  @Roles(...FRONT_OFFICE, 'department')
  @ApiOperation({ summary: "The caller's municipality's departments an errand may be forwarded to" })
  @ApiOkResponse({ type: [DepartmentView] })
  departments(@CurrentUser() user: StaffUser): Promise<DepartmentView[]> {
    return this.errands.departments(user);
  }

  @Get(':id')
  @Roles(...FRONT_OFFICE, 'department')
  @ApiOperation({ summary: 'An errand with its timeline, for the unit that forwarded it or the department it is with' })
  @ApiOkResponse({ type: ErrandView })
  @ApiNotFoundResponse({ description: 'not-found' })
  show(@Param('id', idPipe()) id: string, @CurrentUser() user: StaffUser): Promise<ErrandView> {
    return this.errands.show(id, user);
  }

  @Post(':id/take')
  @HttpCode(200)
  @Roles('department')
  @ApiOperation({ summary: 'The department takes the errand' })
  @ApiOkResponse({ type: ErrandView })
  @ApiConflictResponse({ description: 'invalid-transition' })
  take(
    @Param('id', idPipe()) id: string,
    @Body() _body: ErrandNoteDto,
    @CurrentUser() user: StaffUser,
  ): Promise<ErrandView> {
    return this.errands.take(id, user);
  }

  @Post(':id/answer')
  @HttpCode(200)
  @Roles('department')
  @ApiOperation({ summary: 'The department answers a taken errand; the guide reads the answer' })
  @ApiOkResponse({ type: ErrandView })
  @ApiConflictResponse({ description: 'invalid-transition' })
  answer(
    @Param('id', idPipe()) id: string,
    @Body() body: AnswerErrandDto,
    @CurrentUser() user: StaffUser,
  ): Promise<ErrandView> {
    return this.errands.answer(id, user, body.answer);
  }

  @Post(':id/hand-over')
  @HttpCode(200)
  @Roles('department')
  @ApiOperation({ summary: 'Hand an unanswered errand to another department of the municipality' })
  @ApiOkResponse({ type: ErrandView })
  @ApiConflictResponse({ description: 'invalid-transition' })
  handOver(
    @Param('id', idPipe()) id: string,
    @Body() body: HandOverErrandDto,
    @CurrentUser() user: StaffUser,
  ): Promise<ErrandView> {
    return this.errands.handOver(id, user, body.departmentId, body.note);
  }

  @Post(':id/close')
  @HttpCode(200)
  @Roles('department')
  @ApiOperation({ summary: 'Close the errand with its answer (given now, or before)' })
  @ApiOkResponse({ type: ErrandView })
  @ApiConflictResponse({ description: 'invalid-transition' })
  close(
    @Param('id', idPipe()) id: string,
    @Body() body: CloseErrandDto,
    @CurrentUser() user: StaffUser,
  ): Promise<ErrandView> {
    return this.errands.close(id, user, body.answer);
  }

  @Post(':id/withdraw')
  @HttpCode(200)
  @Roles(...FRONT_OFFICE)
  @ApiOperation({
    summary: 'The unit that forwarded the errand withdraws it while it is unanswered',
    description:
      "With a reason the department reads; the department's own system is told (errand.status.v1 `withdrawn`), " +
      'and the errand moves no more.',
  })
  @ApiOkResponse({ type: ErrandView })
  @ApiBadRequestResponse({ description: 'invalid-request: no reason, or a personnummer in it' })
  @ApiNotFoundResponse({ description: 'not-found' })
  @ApiConflictResponse({ description: 'invalid-transition: answered, closed or withdrawn already' })
  withdraw(
    @Param('id', idPipe()) id: string,
    @Body() body: WithdrawErrandDto,
    @CurrentUser() user: StaffUser,
  ): Promise<ErrandView> {
    return this.errands.withdraw(id, user, body.reason);
  }
}
