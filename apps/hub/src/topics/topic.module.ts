import { Module } from '@nestjs/common';
import { TopicController } from './topic.controller.js';
import { TopicRepository } from './topic.repository.js';
import { TopicService } from './topic.service.js';

/** Each municipality's topic taxonomy, which contacts, errands and knowledge-base articles name. */
@Module({
  controllers: [TopicController],
  providers: [TopicRepository, TopicService],
  exports: [TopicRepository, TopicService],
})
export class TopicModule {}
