import 'reflect-metadata';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsIn,
  IsInt,
  IsString,
  IsUUID,
  Matches,
  MaxLength,
  Min,
  MinLength,
  ValidateNested,
} from 'class-validator';
import { AGREEMENT_CHANGES, AGREEMENT_STATUSES, type AgreementChange, type AgreementStatus } from '../codes.js';
import { Describe, IsDate, Optional } from '../decorators.js';
import { ORGANISATION_NUMBER_PATTERN } from '../envelope.js';

export class AgreementParty {
  @Matches(ORGANISATION_NUMBER_PATTERN)
  organisation: string;

  @Optional()
  @IsString()
  @MinLength(1)
  @MaxLength(120)
  unit?: string;
}

@Describe('A samtjänst agreement changed. Every version stays readable; receivers re-check the version they rely on.')
export class AgreementChangedV1 {
  @IsUUID()
  agreementId: string;

  @IsInt()
  @Min(1)
  version: number;

  @Describe('the status of this version after the change')
  @IsIn(AGREEMENT_STATUSES)
  status: AgreementStatus;

  @IsIn(AGREEMENT_CHANGES)
  change: AgreementChange;

  @Describe('first day of validity')
  @IsDate()
  validFrom: string;

  @Describe('last day of validity, inclusive')
  @IsDate()
  validTo: string;

  @IsArray()
  @ArrayMinSize(2)
  @ArrayMaxSize(10)
  @ValidateNested({ each: true })
  @Type(() => AgreementParty)
  parties: AgreementParty[];
}
