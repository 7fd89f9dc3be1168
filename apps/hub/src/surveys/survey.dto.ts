import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsString, Matches, Max, Min } from 'class-validator';
import { CONTACT_CHANNELS } from '@hub/contracts';
import { PeriodView, ScopeView } from '../follow-up/follow-up.dto.js';

/** A survey token as the contact's receipt shows it: 22 characters of base64url. */
export const SURVEY_TOKEN_PATTERN = /^[A-Za-z0-9_-]{22}$/;

export class NkiAnswerDto {
  @ApiProperty({ minimum: 1, maximum: 10, description: 'sammantaget nöjd (overall satisfaction)' })
  @IsInt()
  @Min(1)
  @Max(10)
  overall: number;

  @ApiProperty({ minimum: 1, maximum: 10, description: 'förväntningar uppfyllda (expectations met)' })
  @IsInt()
  @Min(1)
  @Max(10)
  expectations: number;

  @ApiProperty({ minimum: 1, maximum: 10, description: 'nära en perfekt service (compared with an ideal)' })
  @IsInt()
  @Min(1)
  @Max(10)
  ideal: number;
}

export class SurveyQuestionView {
  @ApiProperty({ enum: ['overall', 'expectations', 'ideal'] }) key: string;
  @ApiProperty({ description: 'the question in Swedish, as SCB words it' }) text: string;
  @ApiProperty({ description: 'what 1 means' }) low: string;
  @ApiProperty({ description: 'what 10 means' }) high: string;
}

export class SurveyView {
  @ApiProperty({ type: [SurveyQuestionView] }) questions: SurveyQuestionView[];
  @ApiProperty({ description: 'the unit the contact was with, as its staff name it' }) unit: string;
  @ApiProperty() expiresAt: string;
}

export class SurveyTokenView {
  @ApiProperty({ description: 'the one-time survey token, shown once: only its hash is kept' }) token: string;
  @ApiProperty({ example: '/enkat/Qm9vbV9ib29tX2Jvb20', description: 'the survey page, relative to the hub' })
  path: string;
  @ApiProperty() expiresAt: string;
}

export class KioskPairingView {
  @ApiProperty({ example: 'K7QF-M2XD', description: 'typed on the tablet at /enkat; used once' }) code: string;
  @ApiProperty() expiresAt: string;
}

export class PairKioskDto {
  @ApiProperty({ example: 'K7QF-M2XD' })
  @IsString()
  @Matches(/^[A-Za-z0-9]{4}-?[A-Za-z0-9]{4}$/)
  code: string;
}

export class KioskView {
  @ApiProperty({ description: 'kept by the tablet and sent as `x-kiosk-key`' }) kioskKey: string;
  @ApiProperty() unit: string;
  @ApiProperty() expiresAt: string;
}

export class KioskOfferView {
  @ApiProperty({ description: 'a survey is waiting to be answered on this kiosk' }) waiting: boolean;
  @ApiProperty() unit: string;
  @ApiPropertyOptional({ type: [SurveyQuestionView] }) questions?: SurveyQuestionView[];
}

export class OfferSurveyDto {
  @ApiProperty({ description: 'the survey token of a contact the caller’s unit logged' })
  @IsString()
  @Matches(SURVEY_TOKEN_PATTERN)
  token: string;
}

export class NkiFigureView {
  @ApiProperty() answers: number;
  @ApiProperty({ description: 'fewer than 5 answers: the index and its interval are not shown' }) suppressed: boolean;
  @ApiProperty({ type: Number, nullable: true, description: 'Nöjd-Kund-Index, 0–100' }) nki: number | null;
  @ApiProperty({ type: Number, nullable: true, description: 'lower end of the 95 % confidence interval' })
  ciLow: number | null;
  @ApiProperty({ type: Number, nullable: true, description: 'upper end of the 95 % confidence interval' })
  ciHigh: number | null;
}

export class NkiChannelFigureView extends NkiFigureView {
  @ApiProperty({ enum: CONTACT_CHANNELS }) channel: string;
}

export class NkiView extends NkiFigureView {
  @ApiProperty({ type: PeriodView }) period: PeriodView;
  @ApiProperty({ type: ScopeView }) scope: ScopeView;
  @ApiProperty({ type: [NkiChannelFigureView], description: 'per channel of the contact, each suppressed alike' })
  byChannel: NkiChannelFigureView[];
}
