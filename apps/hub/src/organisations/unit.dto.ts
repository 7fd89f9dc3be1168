import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Equals, IsIn, IsOptional, IsString, Matches, MaxLength, MinLength } from 'class-validator';
import { UNIT_KINDS, type UnitKind } from '@hub/contracts';
import { NAME_PATTERN } from './organisation.dto.js';

const NAME_MAX = 100;
const NAME_RULE = { message: 'the name must not start or end with a blank or hold a line break' };

export class RegisterUnitDto {
  @ApiProperty({
    description: 'the unit’s key for good: agreements, consents, referrals and staff tokens (`unit` claim) name it',
    example: 'Medborgarkontor Väster',
  })
  @IsString()
  @MinLength(2)
  @MaxLength(NAME_MAX)
  @Matches(NAME_PATTERN, NAME_RULE)
  name: string;

  @ApiProperty({ enum: UNIT_KINDS, description: 'front office (servicecenter, medborgarkontor) or department' })
  @IsIn(UNIT_KINDS)
  kind: UnitKind;

  @ApiPropertyOptional({ description: 'what people read; the name when left out' })
  @IsOptional()
  @IsString()
  @MinLength(2)
  @MaxLength(NAME_MAX)
  @Matches(NAME_PATTERN, NAME_RULE)
  displayName?: string;
}

export class ChangeUnitDto {
  @ApiPropertyOptional({ description: 'the new display name; the name (key) stays' })
  @IsOptional()
  @IsString()
  @MinLength(2)
  @MaxLength(NAME_MAX)
  @Matches(NAME_PATTERN, NAME_RULE)
  displayName?: string;

  @ApiPropertyOptional({ description: '`true` closes the unit for good; its history stays readable', enum: [true] })
  @IsOptional()
  @Equals(true, { message: 'closed can only be true: a closed unit is not reopened' })
  closed?: true;
}

export class UnitView {
  @ApiProperty({ format: 'uuid' })
  id: string;
  @ApiProperty({ example: '2120001991' })
  organisation: string;
  @ApiProperty({ example: 'Servicecenter' })
  name: string;
  @ApiProperty({ example: 'Servicecenter' })
  displayName: string;
  @ApiProperty({ enum: UNIT_KINDS })
  kind: UnitKind;
  @ApiProperty()
  registeredAt: string;
  @ApiProperty()
  registeredBy: string;
  @ApiPropertyOptional()
  closedAt?: string;
  @ApiPropertyOptional()
  closedBy?: string;
}
