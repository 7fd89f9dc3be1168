import { Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Query, UseGuards } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiConflictResponse,
  ApiForbiddenResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiPropertyOptional,
  ApiTags,
} from '@nestjs/swagger';
import { IsIn, IsOptional, Matches } from 'class-validator';
import { CurrentUser, Roles } from '../auth/auth.decorators.js';
import { HubOperatorGuard } from '../organisations/hub-operator.guard.js';
import type { StaffUser } from '../auth/staff-user.js';
import { apiException } from '../http/http-errors.js';
import { PARKED_STATES, type ParkedState } from './parking.repository.js';
import { ParkingService } from './parking.service.js';

export class ListParkedQuery {
  @ApiPropertyOptional({ enum: [...PARKED_STATES, 'all'], default: 'parked' })
  @IsOptional()
  @IsIn([...PARKED_STATES, 'all'])
  state?: ParkedState | 'all';

  @ApiPropertyOptional({ description: 'the queue the messages were parked from, e.g. q.adapter-af.referrals' })
  @IsOptional()
  @Matches(/^q\.[a-z0-9-]+\.[a-z0-9-]+$/)
  queue?: string;
}

const idPipe = () =>
  new ParseUUIDPipe({
    exceptionFactory: () => apiException('invalid-request', 'the id is not a UUID'),
  });

@ApiTags('parked messages')
@ApiBearerAuth()
@Controller('parked-messages')
@Roles('operator')
@UseGuards(HubOperatorGuard)
@ApiForbiddenResponse({ description: 'role-not-allowed or not-hub-operator: only an operator of the hub' })
export class ParkingController {
  constructor(private readonly parking: ParkingService) {}

  @Get()
  @ApiOperation({
    summary: 'Parked (dead-lettered) messages of the hub and the adapters: counts per queue and the messages',
    description: 'Message id, type, reason, when and where parked; never the payload. The listing is audited.',
  })
  @ApiOkResponse({ description: '{ queues: [{ queue, parked }], messages: [{ id, queue, messageId, type, … }] }' })
  list(@Query() query: ListParkedQuery, @CurrentUser() user: StaffUser) {
    return this.parking.list(user, query);
  }

  @Get(':id')
  @ApiOperation({
    summary: 'One parked message in full, every personnummer masked; the inspection is audited under its subject',
  })
  @ApiNotFoundResponse({ description: 'no such parked message' })
  inspect(@Param('id', idPipe()) id: string, @CurrentUser() user: StaffUser) {
    return this.parking.inspect(id, user);
  }

  @Post(':id/replay')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Send the message again, once, to the queue it was parked from',
    description:
      'Only messages the hub sent (referrals, withdrawals, consent and agreement notices). A referral is decided on ' +
      'again first: the agreement must be in force and the consent valid. 409 with the reason code when refused ' +
      '(e.g. consent-missing, agreement-inactive, referral-withdrawn, not-sent-by-hub, query-expired); it stays parked.',
  })
  @ApiConflictResponse({ description: 'refused, with the reason code; the message stays parked' })
  replay(@Param('id', idPipe()) id: string, @CurrentUser() user: StaffUser) {
    return this.parking.replay(id, user);
  }

  @Post(':id/discard')
  @HttpCode(200)
  @ApiOperation({ summary: 'Decide that the message is not to be delivered; it is kept, marked discarded' })
  @ApiConflictResponse({ description: 'not-parked: replayed or discarded already' })
  discard(@Param('id', idPipe()) id: string, @CurrentUser() user: StaffUser) {
    return this.parking.discard(id, user);
  }
}
