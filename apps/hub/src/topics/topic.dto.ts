import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  Equals,
  IsBoolean,
  IsInt,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
  ValidateIf,
} from 'class-validator';
import { TOPIC_CATEGORY_CODE_PATTERN, TOPIC_TYPE_CODE_PATTERN } from '@hub/contracts';
import { NAME_PATTERN } from '../organisations/organisation.dto.js';

const NAME_RULE = { message: 'the name must not start or end with a blank or hold a line break' };
const MAX_RESPONSE_HOURS = 8760;

export class AddTopicCategoryDto {
  @ApiProperty({ description: 'the stable key; contacts, errands and articles name it', example: 'idrott' })
  @Matches(TOPIC_CATEGORY_CODE_PATTERN)
  code: string;

  @ApiProperty({ example: 'Idrott och motion' })
  @IsString()
  @MinLength(2)
  @MaxLength(100)
  @Matches(NAME_PATTERN, NAME_RULE)
  name: string;
}

export class ChangeTopicCategoryDto {
  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MinLength(2)
  @MaxLength(100)
  @Matches(NAME_PATTERN, NAME_RULE)
  name?: string;

  @ApiPropertyOptional({ description: '`true` retires the category and its types; contacts naming them stay readable' })
  @IsOptional()
  @Equals(true, { message: 'retired can only be true: a retired topic is not brought back' })
  retired?: true;
}

export class AddTopicTypeDto {
  @ApiProperty({ description: 'the category’s code, a dot, then the type’s own', example: 'idrott.simhall' })
  @Matches(TOPIC_TYPE_CODE_PATTERN)
  code: string;

  @ApiProperty({ example: 'Simhallar och badplatser' })
  @IsString()
  @MinLength(2)
  @MaxLength(100)
  @Matches(NAME_PATTERN, NAME_RULE)
  name: string;

  @ApiPropertyOptional({ description: 'the unit (by name) that answers forwarded errands of this type by default' })
  @IsOptional()
  @IsString()
  @MinLength(2)
  @MaxLength(100)
  @Matches(NAME_PATTERN, NAME_RULE)
  department?: string;

  @ApiPropertyOptional({ description: 'the response time the municipality promises for an errand, in hours' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(MAX_RESPONSE_HOURS)
  responseHours?: number;

  @ApiPropertyOptional({
    description: 'socialtjänst’s own secrecy area: an errand carries only what the citizen allowed',
  })
  @IsOptional()
  @IsBoolean()
  secrecySensitive?: boolean;
}

export class ChangeTopicTypeDto {
  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MinLength(2)
  @MaxLength(100)
  @Matches(NAME_PATTERN, NAME_RULE)
  name?: string;

  @ApiPropertyOptional({ nullable: true, type: String, description: '`null` removes the default department' })
  @ValidateIf((_, value) => value !== null && value !== undefined)
  @IsString()
  @MinLength(2)
  @MaxLength(100)
  @Matches(NAME_PATTERN, NAME_RULE)
  department?: string | null;

  @ApiPropertyOptional({ nullable: true, type: Number, description: 'in hours; `null` removes the promise' })
  @ValidateIf((_, value) => value !== null && value !== undefined)
  @IsInt()
  @Min(1)
  @Max(MAX_RESPONSE_HOURS)
  responseHours?: number | null;

  @ApiPropertyOptional()
  @IsOptional()
  @IsBoolean()
  secrecySensitive?: boolean;

  @ApiPropertyOptional({ description: '`true` retires the type; contacts naming it stay readable' })
  @IsOptional()
  @Equals(true, { message: 'retired can only be true: a retired topic is not brought back' })
  retired?: true;
}

export class TopicTypeView {
  @ApiProperty({ format: 'uuid' })
  id: string;
  @ApiProperty({ example: 'gata-park.snorojning' })
  code: string;
  @ApiProperty({ example: 'Snöröjning och halkbekämpning' })
  name: string;
  @ApiProperty({ example: 'gata-park' })
  category: string;
  @ApiPropertyOptional({ example: 'Tekniska förvaltningen' })
  department?: string;
  @ApiPropertyOptional({ example: 24 })
  responseHours?: number;
  @ApiProperty()
  secrecySensitive: boolean;
  @ApiPropertyOptional({ description: 'set when retired: no new contacts name it' })
  retiredAt?: string;
}

export class TopicCategoryView {
  @ApiProperty({ format: 'uuid' })
  id: string;
  @ApiProperty({ example: 'gata-park' })
  code: string;
  @ApiProperty({ example: 'Gata och park' })
  name: string;
  @ApiPropertyOptional()
  retiredAt?: string;
  @ApiProperty({ type: [TopicTypeView] })
  types: TopicTypeView[];
}
