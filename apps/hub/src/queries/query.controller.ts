import { Body, Controller, HttpCode, Post, Res } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiOkResponse,
  ApiOperation,
  ApiProduces,
  ApiTags,
} from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { CurrentUser, Roles } from '../auth/auth.decorators.js';
import type { StaffUser } from '../auth/staff-user.js';
import type { ErrorCode } from '../http/http-errors.js';
import { MultiAgencyQueryDto, MultiAgencyQueryView } from './query.dto.js';
import { QueryService } from './query.service.js';

@ApiTags('queries')
@ApiBearerAuth()
@Controller('queries')
export class QueryController {
  constructor(private readonly queries: QueryService) {}

  @Post()
  @HttpCode(200)
  @Roles('guide', 'caseworker')
  @ApiOperation({
    summary: 'Ask several agencies about one subject for one purpose',
    description:
      'Answers within the deadline (default 3 s) with one result per agency: ok, denied, timeout or error, with ' +
      'the released and denied categories and reason codes. Every decision is written to the audit chain.',
  })
  @ApiOkResponse({ type: MultiAgencyQueryView })
  @ApiBadRequestResponse({ description: 'invalid personnummer, unknown purpose, agency or category, unknown fields' })
  async ask(@Body() body: MultiAgencyQueryDto, @CurrentUser() user: StaffUser): Promise<MultiAgencyQueryView> {
    return this.queries.execute(await this.queries.prepare(body, user));
  }

  @Post('stream')
  @Roles('guide', 'caseworker')
  @ApiOperation({
    summary: 'The same query, each agency’s result streamed as it arrives (Server-Sent Events)',
    description:
      'Events: `query` (id, subject masked, agencies), one `result` per agency, then `done` with the whole answer.',
  })
  @ApiProduces('text/event-stream')
  async stream(
    @Body() body: MultiAgencyQueryDto,
    @CurrentUser() user: StaffUser,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    // checked before the stream starts, so that bad input still gets a plain 4xx
    const prepared = await this.queries.prepare(body, user);
    // the stream is written to the socket as each agency answers, past Fastify's one-shot reply
    reply.hijack();
    const response = reply.raw;
    response.writeHead(200, {
      ...(reply.getHeaders() as Record<string, string>),
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      'x-accel-buffering': 'no',
    });
    // a result whose audit entry was still being written when the query failed finds the stream ended
    const send = (event: string, data: unknown) => {
      if (!response.writableEnded) response.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
    };
    send('query', { queryId: prepared.queryId, purpose: body.purpose, agencies: body.agencies });
    try {
      const answer = await this.queries.execute(prepared, (result) => send('result', result));
      send('done', answer);
    } catch (err) {
      send('error', {
        error: 'internal-error' satisfies ErrorCode,
        message: 'the query could not be completed; try again',
      });
      throw err;
    } finally {
      response.end();
    }
  }
}
