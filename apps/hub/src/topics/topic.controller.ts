import {
  BadRequestException,
  Body,
  Controller,
  Get,
  HttpCode,
  Param,
  ParseUUIDPipe,
  Patch,
  Post,
} from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { STAFF_ROLES } from '@hub/contracts';
import { CurrentUser, Roles } from '../auth/auth.decorators.js';
import type { StaffUser } from '../auth/staff-user.js';
import {
  AddTopicCategoryDto,
  AddTopicTypeDto,
  ChangeTopicCategoryDto,
  ChangeTopicTypeDto,
  TopicCategoryView,
  TopicTypeView,
} from './topic.dto.js';
import { TopicService } from './topic.service.js';

const idPipe = () =>
  new ParseUUIDPipe({
    exceptionFactory: () => new BadRequestException({ error: 'invalid-request', message: 'the id is not a UUID' }),
  });

@ApiTags('topics')
@ApiBearerAuth()
@Controller('topics')
export class TopicController {
  constructor(private readonly topics: TopicService) {}

  @Get()
  @Roles(...STAFF_ROLES)
  @ApiOperation({
    summary: 'The caller’s municipality’s topic taxonomy (category → type), retired topics too',
    description: 'Each type with its response time, default department and whether it is secrecy-sensitive.',
  })
  @ApiOkResponse({ type: [TopicCategoryView] })
  list(@CurrentUser() user: StaffUser): Promise<TopicCategoryView[]> {
    return this.topics.list(user);
  }

  @Post('categories')
  @Roles('admin')
  @ApiOperation({ summary: 'Add a topic category (the municipality’s admin)' })
  @ApiCreatedResponse({ type: TopicCategoryView })
  @ApiConflictResponse({ description: 'topic-exists' })
  addCategory(@Body() body: AddTopicCategoryDto, @CurrentUser() user: StaffUser): Promise<TopicCategoryView> {
    return this.topics.addCategory(body, user);
  }

  @Patch('categories/:id')
  @HttpCode(200)
  @Roles('admin')
  @ApiOperation({ summary: 'Rename a topic category or retire it with its types' })
  @ApiOkResponse({ type: TopicCategoryView })
  @ApiNotFoundResponse({ description: 'not-found: no such category, or another municipality’s' })
  @ApiConflictResponse({ description: 'topic-retired' })
  changeCategory(
    @Param('id', idPipe()) id: string,
    @Body() body: ChangeTopicCategoryDto,
    @CurrentUser() user: StaffUser,
  ): Promise<TopicCategoryView> {
    return this.topics.changeCategory(id, body, user);
  }

  @Post('categories/:id/types')
  @Roles('admin')
  @ApiOperation({ summary: 'Add a topic type to a category' })
  @ApiCreatedResponse({ type: TopicTypeView })
  @ApiNotFoundResponse({ description: 'not-found: no such category, or another municipality’s' })
  @ApiConflictResponse({ description: 'topic-exists, topic-retired' })
  addType(
    @Param('id', idPipe()) id: string,
    @Body() body: AddTopicTypeDto,
    @CurrentUser() user: StaffUser,
  ): Promise<TopicTypeView> {
    return this.topics.addType(id, body, user);
  }

  @Patch('types/:id')
  @HttpCode(200)
  @Roles('admin')
  @ApiOperation({ summary: 'Rename a topic type, set its response time, department or secrecy, or retire it' })
  @ApiOkResponse({ type: TopicTypeView })
  @ApiNotFoundResponse({ description: 'not-found: no such type, or another municipality’s' })
  @ApiConflictResponse({ description: 'topic-retired' })
  changeType(
    @Param('id', idPipe()) id: string,
    @Body() body: ChangeTopicTypeDto,
    @CurrentUser() user: StaffUser,
  ): Promise<TopicTypeView> {
    return this.topics.changeType(id, body, user);
  }
}
