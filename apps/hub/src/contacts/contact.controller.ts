import { BadRequestException, Body, Controller, Get, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { CurrentUser, Roles } from '../auth/auth.decorators.js';
import type { StaffUser } from '../auth/staff-user.js';
import { ContactView, ListContactsQuery, LogContactDto } from './contact.dto.js';
import { ContactService } from './contact.service.js';

function idPipe() {
  return new ParseUUIDPipe({
    exceptionFactory: () => new BadRequestException({ error: 'invalid-request', message: 'the id is not a UUID' }),
  });
}

@ApiTags('contacts')
@ApiBearerAuth()
@Controller('contacts')
export class ContactController {
  constructor(private readonly contacts: ContactService) {}

  @Post()
  @Roles('guide', 'caseworker')
  @ApiOperation({
    summary: 'Log a contact of the caller’s unit: channel, topic, ROSA level, outcome, language',
    description:
      'Anonymous unless `subject` is given (only when the work needs one); a contact naming a subject is audited.',
  })
  @ApiCreatedResponse({ type: ContactView })
  @ApiBadRequestResponse({ description: 'unknown-topic, personnummer-in-text, invalid-personnummer, invalid-request' })
  @ApiNotFoundResponse({ description: 'not-found: no such article, or another municipality’s' })
  log(@Body() body: LogContactDto, @CurrentUser() user: StaffUser): Promise<ContactView> {
    return this.contacts.log(body, user);
  }

  @Get()
  @Roles('guide', 'caseworker')
  @ApiOperation({ summary: 'The contacts of the caller’s unit on one day (today when no date), newest first' })
  @ApiOkResponse({ type: [ContactView] })
  list(@Query() query: ListContactsQuery, @CurrentUser() user: StaffUser): Promise<ContactView[]> {
    return this.contacts.list(query, user);
  }

  @Get(':id')
  @Roles('guide', 'caseworker')
  @ApiOperation({ summary: 'One contact of the caller’s unit, with the queries and referrals made during it' })
  @ApiOkResponse({ type: ContactView })
  @ApiNotFoundResponse({ description: 'not-found: no such contact, or another unit’s' })
  show(@Param('id', idPipe()) id: string, @CurrentUser() user: StaffUser): Promise<ContactView> {
    return this.contacts.show(id, user);
  }
}
