import { Global, Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module.js';
import { BearerAuthGuard } from '../auth/bearer-auth.guard.js';
import { CatalogueModule } from '../catalogue/catalogue.module.js';
import { HubMetrics } from './hub-metrics.js';
import { MetricsAccessGuard } from './metrics-access.guard.js';
import { MetricsController } from './metrics.controller.js';

/** Global, so that the services record into HubMetrics without their modules importing this one. */
@Global()
@Module({
  imports: [AuthModule, CatalogueModule],
  controllers: [MetricsController],
  providers: [HubMetrics, BearerAuthGuard, MetricsAccessGuard],
  exports: [HubMetrics],
})
export class MetricsModule {}
