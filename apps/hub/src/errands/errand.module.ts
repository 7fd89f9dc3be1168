import { Module } from '@nestjs/common';
import { ErrandEventsController } from './errand-events.controller.js';
import { ErrandController } from './errand.controller.js';
import { ErrandRepository } from './errand.repository.js';
import { ErrandService } from './errand.service.js';
import { MunicipalTopicRules } from './topic-rules.js';
import { ContactModule } from '../contacts/contact.module.js';
import { TopicModule } from '../topics/topic.module.js';

@Module({
  imports: [TopicModule, ContactModule],
  controllers: [ErrandController, ErrandEventsController],
  providers: [ErrandService, ErrandRepository, MunicipalTopicRules],
  exports: [ErrandService],
})
export class ErrandModule {}
