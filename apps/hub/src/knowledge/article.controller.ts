import { BadRequestException, Body, Controller, Get, Param, ParseUUIDPipe, Post, Put, Query } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiForbiddenResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { STAFF_ROLES } from '@hub/contracts';
import { CurrentUser, Roles } from '../auth/auth.decorators.js';
import type { StaffUser } from '../auth/staff-user.js';
import {
  ArticleHitView,
  ArticleVersionView,
  ArticleView,
  CreateArticleDto,
  ListQueryDto,
  SearchQueryDto,
  UpdateArticleDto,
} from './article.dto.js';
import { ArticleService } from './article.service.js';

const idPipe = () =>
  new ParseUUIDPipe({
    exceptionFactory: () => new BadRequestException({ error: 'invalid-request', message: 'the id is not a UUID' }),
  });

@ApiTags('knowledge')
@ApiBearerAuth()
@Controller('knowledge')
export class ArticleController {
  constructor(private readonly articles: ArticleService) {}

  @Get('search')
  @Roles(...STAFF_ROLES)
  @ApiOperation({
    summary: 'Up to five articles of the caller’s municipality for words as typed (typos too), the topic’s first',
  })
  @ApiOkResponse({ type: [ArticleHitView] })
  search(@Query() query: SearchQueryDto, @CurrentUser() user: StaffUser): Promise<ArticleHitView[]> {
    return this.articles.search(user, query);
  }

  @Get('articles')
  @Roles(...STAFF_ROLES)
  @ApiOperation({ summary: 'The articles of the caller’s municipality, by title' })
  @ApiOkResponse({ type: [ArticleView] })
  list(@Query() query: ListQueryDto, @CurrentUser() user: StaffUser): Promise<ArticleView[]> {
    return this.articles.list(user, query);
  }

  @Get('review')
  @Roles('admin', 'department', 'agency-admin')
  @ApiOperation({ summary: 'The caller’s articles past their review day (an admin: all of the municipality’s)' })
  @ApiOkResponse({ type: [ArticleView] })
  dueForReview(@CurrentUser() user: StaffUser): Promise<ArticleView[]> {
    return this.articles.dueForReview(user);
  }

  @Post('articles')
  @Roles('admin', 'department')
  @ApiOperation({ summary: 'Write an article: department staff for their unit, the admin for any owner' })
  @ApiCreatedResponse({ type: ArticleView })
  @ApiForbiddenResponse({ description: 'not-owner, no-unit' })
  create(@Body() body: CreateArticleDto, @CurrentUser() user: StaffUser): Promise<ArticleView> {
    return this.articles.create(user, body);
  }

  @Get('articles/:id')
  @Roles(...STAFF_ROLES)
  @ApiOperation({ summary: 'One article' })
  @ApiOkResponse({ type: ArticleView })
  @ApiNotFoundResponse({ description: 'not-found: no such article, or another municipality’s' })
  show(@Param('id', idPipe()) id: string, @CurrentUser() user: StaffUser): Promise<ArticleView> {
    return this.articles.show(user, id);
  }

  @Put('articles/:id')
  @Roles('admin', 'department', 'agency-admin')
  @ApiOperation({ summary: 'Edit an article: a new version, the earlier ones kept' })
  @ApiOkResponse({ type: ArticleView })
  @ApiForbiddenResponse({ description: 'not-owner' })
  @ApiConflictResponse({ description: 'version-conflict: edited by someone else since' })
  update(
    @Param('id', idPipe()) id: string,
    @Body() body: UpdateArticleDto,
    @CurrentUser() user: StaffUser,
  ): Promise<ArticleView> {
    return this.articles.update(user, id, body);
  }

  @Get('articles/:id/versions')
  @Roles(...STAFF_ROLES)
  @ApiOperation({ summary: 'Every version of an article, the newest first' })
  @ApiOkResponse({ type: [ArticleVersionView] })
  versions(@Param('id', idPipe()) id: string, @CurrentUser() user: StaffUser): Promise<ArticleVersionView[]> {
    return this.articles.versions(user, id);
  }
}
