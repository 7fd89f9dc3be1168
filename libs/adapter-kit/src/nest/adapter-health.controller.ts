import { Controller, Get, Inject, ServiceUnavailableException } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type pg from 'pg';
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
  async ready() {
    const database = await this.pool.query('SELECT 1').then(
      () => 'ok',
      () => 'down',
    );
    const broker = this.messaging.isConnected ? 'ok' : 'down';
    if (database !== 'ok' || broker !== 'ok') {
      throw new ServiceUnavailableException({
        error: 'not-ready',
        message: 'a dependency is down',
        details: { database, broker },
      });
    }
    return { status: 'ok', database, broker };
  }
}
