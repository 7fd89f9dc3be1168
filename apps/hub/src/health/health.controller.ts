import { Controller, Get, Inject } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import pg from 'pg';
import { readiness } from '@hub/http';
import { MessagingClient } from '@hub/messaging';
import { Public } from '../auth/auth.decorators.js';
import { PG_POOL } from '../core/core.module.js';

@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(
    private readonly messaging: MessagingClient,
    @Inject(PG_POOL) private readonly pool: pg.Pool,
  ) {}

  @Public()
  @Get('live')
  @ApiOperation({ summary: 'The process is up' })
  live() {
    return { status: 'ok' };
  }

  @Public()
  @Get('ready')
  @ApiOperation({ summary: 'RabbitMQ and PostgreSQL answer; 503 otherwise' })
  ready() {
    return readiness(this.pool, this.messaging.isConnected);
  }
}
