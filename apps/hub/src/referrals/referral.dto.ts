import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsIn, IsOptional, IsString, IsUUID, Matches, MaxLength, MinLength } from 'class-validator';
import {
  AGENCY_CODE_PATTERN,
  CONTACT_PREFERENCES,
  PURPOSES,
  REFERRAL_STATUSES,
  REFERRAL_TYPE_PATTERN,
  type ContactPreference,
  type Purpose,
  type ReferralStatus,
} from '@hub/contracts';

export class CreateReferralDto {
  @ApiProperty({ description: 'personnummer or samordningsnummer', example: '19121212-1212' })
  @IsString()
  @MaxLength(20)
  subject: string;

  @ApiProperty({ example: 'af' })
  @Matches(AGENCY_CODE_PATTERN)
  agency: string;

  @ApiProperty({ example: 'af.inskrivning-arbetssokande' })
  @Matches(REFERRAL_TYPE_PATTERN)
  referralType: string;

  @ApiProperty({ enum: PURPOSES })
  @IsIn(PURPOSES)
  purpose: Purpose;

  @ApiProperty({ maxLength: 4000, description: 'what the agency needs to know; shown to its caseworker' })
  @IsString()
  @MinLength(1)
  @MaxLength(4000)
  message: string;

  @ApiProperty({ enum: CONTACT_PREFERENCES })
  @IsIn(CONTACT_PREFERENCES)
  contactPreference: ContactPreference;

  @ApiPropertyOptional({ description: "the citizen's consent the referral relies on; without it the best valid one" })
  @IsOptional()
  @IsUUID()
  consentId?: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'the contact of the caller’s unit the referral is made during' })
  @IsOptional()
  @IsUUID()
  contactId?: string;
}

export class ListReferralsQuery {
  @ApiPropertyOptional({ enum: REFERRAL_STATUSES })
  @IsOptional()
  @IsIn(REFERRAL_STATUSES)
  status?: ReferralStatus;

  @ApiPropertyOptional()
  @IsOptional()
  @Matches(AGENCY_CODE_PATTERN)
  agency?: string;

  @ApiPropertyOptional({ description: 'only referrals past their agreed response time without an answer' })
  @IsOptional()
  @Transform(({ value }) => (value === 'true' ? true : value === 'false' ? false : value))
  @IsBoolean()
  overdue?: boolean;

  @ApiPropertyOptional({ description: 'personnummer: only this citizen’s referrals' })
  @IsOptional()
  @IsString()
  @MaxLength(20)
  subject?: string;
}

export class CancelReferralDto {
  @ApiPropertyOptional({ maxLength: 2000 })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(2000)
  note?: string;
}

export class ReferralActorView {
  @ApiProperty() organisation: string;
  @ApiPropertyOptional({ description: 'the officer’s name' }) name?: string;
  @ApiPropertyOptional({ description: 'or the service that made the change' }) service?: string;
}

export class ReferralAgreementView {
  @ApiProperty() id: string;
  @ApiProperty() version: number;
}

export class ReferralEventView {
  @ApiProperty({ enum: REFERRAL_STATUSES })
  status: ReferralStatus;

  @ApiProperty()
  at: string;

  @ApiProperty({ type: ReferralActorView, description: 'organisation and the officer’s name or the service' })
  actor: ReferralActorView;

  @ApiPropertyOptional()
  note?: string;

  @ApiPropertyOptional({ description: 'the time the agency reported for the change; `at` is the hub’s own' })
  reportedAt?: string;
}

export class ReferralView {
  @ApiProperty()
  id: string;

  @ApiProperty({ example: '19121212-****' })
  subject: string;

  @ApiProperty()
  agency: string;

  @ApiProperty()
  referralType: string;

  @ApiProperty({ enum: PURPOSES })
  purpose: string;

  @ApiProperty()
  message: string;

  @ApiProperty({ enum: CONTACT_PREFERENCES })
  contactPreference: string;

  @ApiPropertyOptional()
  consentId?: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'the contact the referral was made during' })
  contactId?: string;

  @ApiProperty({ type: ReferralAgreementView })
  agreement: ReferralAgreementView;

  @ApiProperty()
  createdBy: string;

  @ApiProperty()
  createdAt: string;

  @ApiProperty({ description: 'the agreed response time of the referral type, from when it was sent' })
  respondBy: string;

  @ApiProperty({ description: 'not answered (accepted or declined) by respondBy' })
  overdue: boolean;

  @ApiProperty({ enum: REFERRAL_STATUSES })
  status: ReferralStatus;

  @ApiProperty()
  statusAt: string;

  @ApiPropertyOptional({ type: [ReferralEventView] })
  timeline?: ReferralEventView[];
}
