import { Controller, Get, Inject } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type pg from 'pg';
import { readiness } from '@hub/http';
import { MessagingClient } from '@hub/messaging';
import { ADAPTER_POOL } from './adapter.tokens.js';
import { PublicEndpoint } from './caseworker-auth.guard.js';

@ApiTags('health')
@Controller('health')
export class AdapterHealthController {
  constructor(
    private readonly messaging: MessagingClient,
    @Inject(ADAPTER_POOL) private readonly pool: pg.Pool,
  ) {}

  @PublicEndpoint()
  @Get('live')
  @ApiOperation({ summary: 'The process is up' })
  live() {
    return { status: 'ok' };
  }

  @PublicEndpoint()
  @Get('ready')
  @ApiOperation({ summary: 'RabbitMQ and PostgreSQL answer; 503 otherwise' })
  ready() {
    return readiness(this.pool, this.messaging.isConnected);
  }
}
