import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsIn,
  IsInt,
  IsISO8601,
  IsOptional,
  IsString,
  IsUrl,
  Matches,
  MaxLength,
  Min,
  MinLength,
  ValidateNested,
} from 'class-validator';
import { KNOWLEDGE_CHANNELS, type KnowledgeChannel } from './knowledge.types.js';

/** A type code of the topic taxonomy, `category.type` (apps/hub/src/topics/default-taxonomy.ts). */
export const TOPIC_PATTERN = /^[a-z0-9-]{1,40}\.[a-z0-9-]{1,40}$/;
/** No NUL (PostgreSQL cannot store it) and no other control characters but line breaks and tabs. */
// eslint-disable-next-line no-control-regex -- refusing control characters is the point
const TEXT_PATTERN = /^[^\u0000-\u0008\u000b\u000c\u000e-\u001f]*$/;
// eslint-disable-next-line no-control-regex -- as above
const LINE_PATTERN = /^\S(?:[^\n\r\t\u0000-\u001f]*\S)?$/;
const TEXT_RULE = { message: 'the text must not hold control characters' };
const LINE_RULE = { message: 'the text must be one line, not starting or ending with a blank' };
const DATE_PATTERN = /^\d{4}-\d{2}-\d{2}$/;

export class ArticleOwnerDto {
  @ApiProperty({ enum: ['unit', 'agency'], description: 'a unit of the municipality, or an agency' })
  @IsIn(['unit', 'agency'])
  kind: 'unit' | 'agency';

  @ApiProperty({ description: 'the unit’s name (its key), or the agency’s code', example: 'Tekniska förvaltningen' })
  @IsString()
  @MinLength(2)
  @MaxLength(100)
  @Matches(LINE_PATTERN, LINE_RULE)
  name: string;
}

export class ArticleLinkDto {
  @ApiProperty({ example: 'Felanmälan på orebro.se' })
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  @Matches(LINE_PATTERN, LINE_RULE)
  title: string;

  @ApiProperty({ example: 'https://www.orebro.se/felanmalan' })
  @IsString()
  @MaxLength(500)
  @IsUrl({ protocols: ['http', 'https'], require_protocol: true })
  url: string;
}

const SHORT_ANSWER_MAX = 1_000;

/** A short answer per channel, each optional. */
export class ShortAnswersDto implements Partial<Record<KnowledgeChannel, string>> {
  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(SHORT_ANSWER_MAX)
  @Matches(TEXT_PATTERN, TEXT_RULE)
  besok?: string;
  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(SHORT_ANSWER_MAX)
  @Matches(TEXT_PATTERN, TEXT_RULE)
  telefon?: string;
  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(SHORT_ANSWER_MAX)
  @Matches(TEXT_PATTERN, TEXT_RULE)
  'e-post'?: string;
  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(SHORT_ANSWER_MAX)
  @Matches(TEXT_PATTERN, TEXT_RULE)
  chatt?: string;
  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(SHORT_ANSWER_MAX)
  @Matches(TEXT_PATTERN, TEXT_RULE)
  'e-tjanst'?: string;
  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(SHORT_ANSWER_MAX)
  @Matches(TEXT_PATTERN, TEXT_RULE)
  'sociala-medier'?: string;
}

export class ArticleContentDto {
  @ApiProperty({ description: 'the topic type code', example: 'gata-park.gatubelysning' })
  @IsString()
  @Matches(TOPIC_PATTERN, { message: 'topic must be a topic type code, category.type' })
  topic: string;

  @ApiProperty({ example: 'Trasig gatubelysning' })
  @IsString()
  @MinLength(2)
  @MaxLength(200)
  @Matches(LINE_PATTERN, LINE_RULE)
  title: string;

  @ApiProperty({ description: 'the answer a guide gives' })
  @IsString()
  @MinLength(1)
  @MaxLength(4_000)
  @Matches(TEXT_PATTERN, TEXT_RULE)
  standardAnswer: string;

  @ApiProperty({ type: ShortAnswersDto })
  @ValidateNested()
  @Type(() => ShortAnswersDto)
  shortAnswers: ShortAnswersDto;

  @ApiPropertyOptional({ description: 'background for the guide' })
  @IsOptional()
  @IsString()
  @MaxLength(20_000)
  @Matches(TEXT_PATTERN, TEXT_RULE)
  body?: string;

  @ApiPropertyOptional({ type: [ArticleLinkDto] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(20)
  @ValidateNested({ each: true })
  @Type(() => ArticleLinkDto)
  links?: ArticleLinkDto[];

  @ApiProperty({ description: 'the day after which the article is due for review', example: '2027-06-30' })
  @Matches(DATE_PATTERN, { message: 'reviewBy must be a day, YYYY-MM-DD' })
  @IsISO8601({ strict: true })
  reviewBy: string;
}

export class CreateArticleDto extends ArticleContentDto {
  @ApiProperty({ type: ArticleOwnerDto })
  @ValidateNested()
  @Type(() => ArticleOwnerDto)
  owner: ArticleOwnerDto;
}

export class UpdateArticleDto extends ArticleContentDto {
  @ApiProperty({ description: 'the version this edit was made on: another edit since answers 409 version-conflict' })
  @IsInt()
  @Min(1)
  version: number;

  @ApiPropertyOptional({ type: ArticleOwnerDto, description: 'a new owner: the municipality’s admin only' })
  @IsOptional()
  @ValidateNested()
  @Type(() => ArticleOwnerDto)
  owner?: ArticleOwnerDto;
}

export class SearchQueryDto {
  @ApiPropertyOptional({ description: 'words, as a guide types them (websearch syntax)', example: 'bygglov altan' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  @Matches(TEXT_PATTERN, TEXT_RULE)
  q?: string;

  @ApiPropertyOptional({ description: 'the topic type the contact is about: its articles come first' })
  @IsOptional()
  @IsString()
  @Matches(TOPIC_PATTERN, { message: 'topic must be a topic type code, category.type' })
  topic?: string;
}

export class ListQueryDto {
  @ApiPropertyOptional({ description: 'only the articles of this topic type' })
  @IsOptional()
  @IsString()
  @Matches(TOPIC_PATTERN, { message: 'topic must be a topic type code, category.type' })
  topic?: string;
}

export class ArticleOwnerView {
  @ApiProperty({ enum: ['unit', 'agency'] })
  kind: 'unit' | 'agency';
  @ApiProperty()
  name: string;
}

export class ArticleLinkView {
  @ApiProperty()
  title: string;
  @ApiProperty()
  url: string;
}

export class ShortAnswersView implements Partial<Record<KnowledgeChannel, string>> {
  @ApiPropertyOptional() besok?: string;
  @ApiPropertyOptional() telefon?: string;
  @ApiPropertyOptional() 'e-post'?: string;
  @ApiPropertyOptional() chatt?: string;
  @ApiPropertyOptional() 'e-tjanst'?: string;
  @ApiPropertyOptional() 'sociala-medier'?: string;
}

export class ArticleHitView {
  @ApiProperty({ format: 'uuid' })
  id: string;
  @ApiProperty()
  topic: string;
  @ApiProperty()
  title: string;
  @ApiProperty({ type: ArticleOwnerView })
  owner: ArticleOwnerView;
  @ApiProperty()
  standardAnswer: string;
  @ApiProperty({ type: ShortAnswersView })
  shortAnswers: ShortAnswersView;
  @ApiProperty()
  reviewBy: string;
  @ApiProperty({ description: 'past its review day: flagged to its owner' })
  stale: boolean;
}

export class ArticleView extends ArticleHitView {
  @ApiProperty()
  organisation: string;
  @ApiProperty()
  version: number;
  @ApiProperty()
  body: string;
  @ApiProperty({ type: [ArticleLinkView] })
  links: ArticleLinkView[];
  @ApiProperty()
  createdAt: string;
  @ApiProperty()
  createdBy: string;
  @ApiProperty()
  updatedAt: string;
  @ApiProperty()
  updatedBy: string;
  @ApiProperty({ description: 'whether the caller may edit it' })
  editable: boolean;
}

export class ArticleVersionView {
  @ApiProperty()
  version: number;
  @ApiProperty()
  topic: string;
  @ApiProperty({ type: ArticleOwnerView })
  owner: ArticleOwnerView;
  @ApiProperty()
  title: string;
  @ApiProperty()
  standardAnswer: string;
  @ApiProperty({ type: ShortAnswersView })
  shortAnswers: ShortAnswersView;
  @ApiProperty()
  body: string;
  @ApiProperty({ type: [ArticleLinkView] })
  links: ArticleLinkView[];
  @ApiProperty()
  reviewBy: string;
  @ApiProperty()
  editedAt: string;
  @ApiProperty()
  editedBy: string;
}

export { KNOWLEDGE_CHANNELS };
