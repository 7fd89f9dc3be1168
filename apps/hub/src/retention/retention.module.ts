import { Module } from '@nestjs/common';
import { RetentionController, RetentionJobController } from './retention.controller.js';
import { RetentionJob } from './retention.job.js';
import { RetentionRepository } from './retention.repository.js';
import { RetentionService } from './retention.service.js';

/** Retention (gallring): the municipalities' periods, the daily job and the shredding of subject keys. */
@Module({
  controllers: [RetentionController, RetentionJobController],
  providers: [RetentionService, RetentionRepository, RetentionJob],
  exports: [RetentionService],
})
export class RetentionModule {}
