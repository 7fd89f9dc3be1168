import { Controller, Get, Header, UseGuards } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiForbiddenResponse,
  ApiOkResponse,
  ApiOperation,
  ApiProduces,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { Registry } from 'prom-client';
import { Public } from '../auth/auth.decorators.js';
import { HubMetrics } from './hub-metrics.js';
import { MetricsAccessGuard } from './metrics-access.guard.js';

@ApiTags('metrics')
@ApiBearerAuth()
@Controller('metrics')
export class MetricsController {
  constructor(private readonly metrics: HubMetrics) {}

  @Get()
  // Not open: the hub's global guard would refuse the static scrape token as a malformed JWT, so this route's
  // own guard decides, and it accepts either that token or an admin's access token.
  @Public()
  @UseGuards(MetricsAccessGuard)
  @Header('Content-Type', Registry.PROMETHEUS_CONTENT_TYPE)
  @Header('Cache-Control', 'no-store')
  @ApiOperation({
    summary: 'Prometheus metrics (text exposition format)',
    description:
      'Needs `Authorization: Bearer <METRICS_TOKEN>` (the static scrape token from the configuration) or an access ' +
      'token with the role admin. Series prefixed samtjanst_: queries per agency and outcome, query latency, late ' +
      'replies, referrals created and their status events, audit append latency, outbox backlog, messages ready ' +
      "and parked in the hub's queues; and the Node.js process metrics.",
  })
  @ApiProduces(Registry.PROMETHEUS_CONTENT_TYPE)
  @ApiOkResponse({ description: 'the metrics', schema: { type: 'string' } })
  @ApiUnauthorizedResponse({ description: 'no token, or neither the scrape token nor a valid access token' })
  @ApiForbiddenResponse({ description: 'role-not-allowed: an access token without the role admin' })
  scrape(): Promise<string> {
    return this.metrics.registry.metrics();
  }
}
