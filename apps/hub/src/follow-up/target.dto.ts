import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsNumber, IsOptional, IsString, Max, MaxLength, Min, MinLength, ValidateIf } from 'class-validator';

const percent = { type: Number, nullable: true, minimum: 0, maximum: 100 } as const;
const oneDecimal = { maxDecimalPlaces: 1, allowNaN: false, allowInfinity: false } as const;

/** Every target of one scope at once: a target left out or null is removed. */
export class SetTargetsDto {
  @ApiPropertyOptional({
    description: 'a unit (centre) of the caller’s municipality, by name; left out: the whole municipality',
    example: 'Servicecenter',
  })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  unit?: string;

  @ApiPropertyOptional({ ...percent, example: 70, description: 'resolved at first contact ≥ this, per cent' })
  @ValidateIf((_, v) => v !== null && v !== undefined)
  @IsNumber(oneDecimal)
  @Min(0)
  @Max(100)
  firstContactResolvedPercent?: number | null;

  @ApiPropertyOptional({ ...percent, example: 75, description: 'Nöjd-Kund-Index ≥ this (0–100)' })
  @ValidateIf((_, v) => v !== null && v !== undefined)
  @IsNumber(oneDecimal)
  @Min(0)
  @Max(100)
  nki?: number | null;

  @ApiPropertyOptional({
    ...percent,
    example: 90,
    description: 'errands answered within their topic’s response time ≥ this, per cent',
  })
  @ValidateIf((_, v) => v !== null && v !== undefined)
  @IsNumber(oneDecimal)
  @Min(0)
  @Max(100)
  errandsInTimePercent?: number | null;

  @ApiPropertyOptional({
    ...percent,
    example: 95,
    description: 'referrals answered (accepted or declined) within their agreement’s response time ≥ this, per cent',
  })
  @ValidateIf((_, v) => v !== null && v !== undefined)
  @IsNumber(oneDecimal)
  @Min(0)
  @Max(100)
  referralsInTimePercent?: number | null;
}

export class TargetsView {
  @ApiProperty({ type: String, nullable: true, description: 'the unit; null: the whole municipality' })
  unit: string | null;

  @ApiProperty(percent)
  firstContactResolvedPercent: number | null;

  @ApiProperty(percent)
  nki: number | null;

  @ApiProperty(percent)
  errandsInTimePercent: number | null;

  @ApiProperty(percent)
  referralsInTimePercent: number | null;

  @ApiProperty({ format: 'date-time' })
  updatedAt: string;

  @ApiProperty()
  updatedBy: string;
}
