import { Module } from '@nestjs/common';
import { ErrandModule } from '../errands/errand.module.js';
import { MunicipalTopicRules } from '../errands/topic-rules.js';
import { TopicModule } from '../topics/topic.module.js';
import { ComplaintController } from './complaint.controller.js';
import { ComplaintRepository } from './complaint.repository.js';
import { ComplaintService } from './complaint.service.js';

/** Klagomål och synpunkter (issue 18): registered, routed to the responsible party, followed to an answer. */
@Module({
  imports: [ErrandModule, TopicModule],
  controllers: [ComplaintController],
  providers: [ComplaintRepository, ComplaintService, MunicipalTopicRules],
})
export class ComplaintModule {}
