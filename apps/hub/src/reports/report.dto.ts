import { ApiProperty } from '@nestjs/swagger';
import { IsString } from 'class-validator';

export class ReportMonthQuery {
  @ApiProperty({ example: '2026-11', description: 'the calendar month, YYYY-MM' })
  @IsString()
  month: string;
}
