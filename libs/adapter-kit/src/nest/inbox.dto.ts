import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  IsBoolean,
  IsIn,
  IsInt,
  IsNumber,
  IsOptional,
  IsString,
  Max,
  MaxLength,
  Min,
  MinLength,
} from 'class-validator';
import { REFERRAL_STATUSES, type ReferralStatus } from '@hub/contracts';

/** The moves a caseworker makes; `received` is the adapter's own and `cancelled` belongs to the hub and policy. */
export const CASEWORKER_STATUSES = ['accepted', 'declined', 'in-progress', 'closed'] as const;

export class ChangeStatusDto {
  @ApiProperty({ enum: CASEWORKER_STATUSES })
  @IsIn(CASEWORKER_STATUSES)
  status: (typeof CASEWORKER_STATUSES)[number];

  @ApiPropertyOptional({ maxLength: 2000, description: 'shown to the municipality in the referral timeline' })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(2000)
  note?: string;
}

export class InboxQueryDto {
  @ApiPropertyOptional({ enum: REFERRAL_STATUSES })
  @IsOptional()
  @IsIn(REFERRAL_STATUSES)
  status?: ReferralStatus;

  @ApiPropertyOptional({ minimum: 1, maximum: 500, default: 100 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(500)
  limit?: number;
}

export class FaultsDto {
  @ApiPropertyOptional({ minimum: 0, maximum: 60000 })
  @IsOptional()
  @IsNumber()
  @Min(0)
  @Max(60_000)
  latencyMedianMs?: number;

  @ApiPropertyOptional({ minimum: 0, maximum: 60000 })
  @IsOptional()
  @IsNumber()
  @Min(0)
  @Max(60_000)
  latencyP99Ms?: number;

  @ApiPropertyOptional({ minimum: 0, maximum: 1 })
  @IsOptional()
  @IsNumber()
  @Min(0)
  @Max(1)
  errorRate?: number;

  @ApiPropertyOptional()
  @IsOptional()
  @IsBoolean()
  down?: boolean;
}
