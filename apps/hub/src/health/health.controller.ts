import { Controller, Get, Inject, ServiceUnavailableException } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import pg from 'pg';
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
