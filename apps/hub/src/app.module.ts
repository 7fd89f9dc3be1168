import { Module } from '@nestjs/common';
import { APP_FILTER, APP_GUARD, APP_PIPE } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import { connectionOptions } from '@hub/database';
import { AgreementModule } from './agreements/agreement.module.js';
import { AuditModule } from './audit/audit.module.js';
import { RefusalAudit } from './audit/refusal-audit.js';
import { RefusalAuditingFilter } from './audit/refusal-auditing.filter.js';
import { AuthModule } from './auth/auth.module.js';
import { BearerAuthGuard } from './auth/bearer-auth.guard.js';
import { CatalogueModule } from './catalogue/catalogue.module.js';
import { CitizenModule } from './citizens/citizen.module.js';
import { HUB_CONFIG, type HubConfig } from './config/hub.config.js';
import { ComplaintModule } from './complaints/complaint.module.js';
import { ConsentModule } from './consents/consent.module.js';
import { ContactModule } from './contacts/contact.module.js';
import { CoreModule } from './core/core.module.js';
import { DemoModule } from './demo/demo.module.js';
import { ErrandModule } from './errands/errand.module.js';
import { FollowUpModule } from './follow-up/follow-up.module.js';
import { migratedDataSource } from './database/migrate.js';
import { MIGRATIONS } from './database/migrations.js';
import { KnowledgeModule } from './knowledge/knowledge.module.js';
import { HealthController } from './health/health.controller.js';
import { validationPipe } from './http/http-errors.js';
import { JwksController } from './messaging/jwks.controller.js';
import { MetricsModule } from './metrics/metrics.module.js';
import { OrganisationModule } from './organisations/organisation.module.js';
import { ParkingModule } from './parking/parking.module.js';
import { PartyFollowUpModule } from './party-follow-up/party-follow-up.module.js';
import { QueryModule } from './queries/query.module.js';
import { ReportModule } from './reports/report.module.js';
import { ReferralModule } from './referrals/referral.module.js';
import { RetentionModule } from './retention/retention.module.js';
import { SurveyModule } from './surveys/survey.module.js';
import { TopicModule } from './topics/topic.module.js';

@Module({
  imports: [
    CoreModule,
    AgreementModule,
    TypeOrmModule.forRootAsync({
      inject: [HUB_CONFIG],
      useFactory: (config: HubConfig) => {
        // a libpq multi-host URL: the first host's URL, and a pg Client that finds the primary (libs/database)
        const { connectionString, Client } = connectionOptions(config.databaseUrl);
        return {
          type: 'postgres' as const,
          url: connectionString,
          ...(Client && { extra: { Client } }),
          autoLoadEntities: true,
          migrations: MIGRATIONS,
          synchronize: false,
        };
      },
      // migrations run at start, one instance at a time
      dataSourceFactory: (options) => migratedDataSource(options!),
    }),
    CatalogueModule,
    ConsentModule,
    AuthModule,
    QueryModule,
    ReferralModule,
    DemoModule,
    FollowUpModule,
    MetricsModule,
    ParkingModule,
    AuditModule,
    OrganisationModule,
    ErrandModule,
    TopicModule,
    ContactModule,
    KnowledgeModule,
    SurveyModule,
    ComplaintModule,
    PartyFollowUpModule,
    ReportModule,
    CitizenModule,
    RetentionModule,
  ],
  controllers: [HealthController, JwksController],
  providers: [
    { provide: APP_GUARD, useClass: BearerAuthGuard },
    { provide: APP_PIPE, useValue: validationPipe },
    { provide: APP_FILTER, useClass: RefusalAuditingFilter },
    RefusalAudit,
  ],
})
export class AppModule {}
