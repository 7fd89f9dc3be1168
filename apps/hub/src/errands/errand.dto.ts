import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayUnique,
  IsArray,
  IsEmail,
  IsIn,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  MaxLength,
  MinLength,
  ValidateNested,
} from 'class-validator';
import { CONTACT_PREFERENCES, type ContactPreference } from '@hub/contracts';
import { ERRAND_EVENTS, ERRAND_STATUSES, type ErrandEventKind, type ErrandStatus } from './errand-lifecycle.js';
import { TOPIC_CODE_PATTERN } from './topic-rules.js';

/** The citizen's contact details an errand may carry; for a secrecy-sensitive topic only those the citizen allowed. */
export const CITIZEN_DETAILS = ['name', 'phone', 'email', 'personnummer'] as const;
export type CitizenDetail = (typeof CITIZEN_DETAILS)[number];

export class CitizenContactDto {
  @ApiPropertyOptional({ maxLength: 200 })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  name?: string;

  @ApiPropertyOptional({ maxLength: 40, example: '070-123 45 67' })
  @IsOptional()
  @Matches(/^\+?[0-9][0-9 -]{4,38}$/)
  phone?: string;

  @ApiPropertyOptional({ maxLength: 200 })
  @IsOptional()
  @IsEmail()
  @MaxLength(200)
  email?: string;
}

export class CreateErrandDto {
  @ApiPropertyOptional({ description: 'the contact the errand is forwarded from' })
  @IsOptional()
  @IsUUID()
  contactId?: string;

  @ApiProperty({ description: "a topic type of the municipality's taxonomy", example: 'gata-park.gatubelysning' })
  @Matches(TOPIC_CODE_PATTERN)
  topic: string;

  @ApiPropertyOptional({ description: "a department unit of the caller's municipality; without it the topic's own" })
  @IsOptional()
  @IsUUID()
  departmentId?: string;

  @ApiProperty({ maxLength: 4000, description: 'what the department needs to know; never the personnummer' })
  @IsString()
  @MinLength(1)
  @MaxLength(4000)
  message: string;

  @ApiProperty({ type: CitizenContactDto })
  @ValidateNested()
  @Type(() => CitizenContactDto)
  citizen: CitizenContactDto;

  @ApiProperty({ enum: CONTACT_PREFERENCES, description: 'how the citizen wants to be answered' })
  @IsIn(CONTACT_PREFERENCES)
  preferredChannel: ContactPreference;

  @ApiPropertyOptional({ description: 'personnummer or samordningsnummer, when the errand needs it' })
  @IsOptional()
  @IsString()
  @MaxLength(20)
  subject?: string;

  @ApiPropertyOptional({
    enum: CITIZEN_DETAILS,
    isArray: true,
    description: 'for a secrecy-sensitive topic, required: the details the citizen allowed to be passed on',
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(CITIZEN_DETAILS.length)
  @ArrayUnique()
  @IsIn(CITIZEN_DETAILS, { each: true })
  citizenAllowed?: CitizenDetail[];
}

export class ListErrandsQuery {
  @ApiPropertyOptional({ enum: ERRAND_STATUSES })
  @IsOptional()
  @IsIn(ERRAND_STATUSES)
  status?: ErrandStatus;
}

export class ErrandNoteDto {
  @ApiPropertyOptional({ maxLength: 2000 })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(2000)
  note?: string;
}

export class AnswerErrandDto {
  @ApiProperty({ maxLength: 4000, description: 'the answer the guide reads and gives the citizen' })
  @IsString()
  @MinLength(1)
  @MaxLength(4000)
  answer: string;
}

export class CloseErrandDto {
  @ApiPropertyOptional({ maxLength: 4000, description: 'required when the errand has no answer yet' })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(4000)
  answer?: string;
}

export class HandOverErrandDto {
  @ApiProperty({ description: 'another department unit of the same municipality' })
  @IsUUID()
  departmentId: string;

  @ApiPropertyOptional({ maxLength: 2000 })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(2000)
  note?: string;
}

export class WithdrawErrandDto {
  @ApiProperty({
    maxLength: 2000,
    description: 'why the front office withdraws the errand: the department reads it (no personnummer)',
  })
  @IsString()
  @MinLength(1)
  @MaxLength(2000)
  reason: string;
}

export class ErrandCitizenView {
  @ApiPropertyOptional() name?: string;
  @ApiPropertyOptional() phone?: string;
  @ApiPropertyOptional() email?: string;
}

export class ErrandActorView {
  @ApiProperty() organisation: string;
  @ApiProperty({ description: 'the staff member’s name' }) name: string;
  @ApiPropertyOptional({ description: 'the unit they act for' }) unit?: string;
}

export class ErrandEventView {
  @ApiProperty({ enum: ERRAND_EVENTS }) event: ErrandEventKind;
  @ApiProperty() at: string;
  @ApiProperty({ type: ErrandActorView }) actor: ErrandActorView;
  @ApiProperty({ description: 'the department the errand is with after the event' }) department: string;
  @ApiPropertyOptional() note?: string;
}

export class ErrandView {
  @ApiProperty() id: string;
  @ApiPropertyOptional() contactId?: string;
  @ApiProperty({ description: 'the unit that forwarded it' }) unit: string;
  @ApiProperty({ description: 'the department unit it is with' }) department: string;
  @ApiProperty() topic: string;
  @ApiProperty({ description: "the topic type's name" }) topicName: string;
  @ApiProperty() secrecySensitive: boolean;
  @ApiProperty() message: string;
  @ApiProperty({ type: ErrandCitizenView, description: 'only the details that may be passed on' })
  citizen: ErrandCitizenView;
  @ApiProperty({ enum: CONTACT_PREFERENCES }) preferredChannel: string;
  @ApiPropertyOptional({ example: '19121212-****' }) subject?: string;
  @ApiProperty() createdBy: string;
  @ApiProperty() createdAt: string;
  @ApiProperty({ description: 'the response time of the topic, from when it was forwarded' }) respondBy: string;
  @ApiProperty({ description: 'not answered by respondBy' }) overdue: boolean;
  @ApiProperty({ enum: ERRAND_STATUSES }) status: ErrandStatus;
  @ApiProperty() statusAt: string;
  @ApiPropertyOptional({ description: 'who took it' }) takenBy?: string;
  @ApiPropertyOptional() answer?: string;
  @ApiPropertyOptional() answeredBy?: string;
  @ApiPropertyOptional() answeredAt?: string;
  @ApiPropertyOptional({ type: [ErrandEventView] }) timeline?: ErrandEventView[];
}

export class DepartmentView {
  @ApiProperty() id: string;
  @ApiProperty() name: string;
  @ApiProperty() displayName: string;
}
