import { Module } from '@nestjs/common';
import { KnowledgeModule } from '../knowledge/knowledge.module.js';
import { SurveyModule } from '../surveys/survey.module.js';
import { TopicModule } from '../topics/topic.module.js';
import { ContactController } from './contact.controller.js';
import { ContactRepository } from './contact.repository.js';
import { ContactService } from './contact.service.js';

/** Contacts (kontakter) a unit's guides log; queries and referrals made during one name it. */
@Module({
  imports: [TopicModule, KnowledgeModule, SurveyModule],
  controllers: [ContactController],
  providers: [ContactRepository, ContactService],
  exports: [ContactService],
})
export class ContactModule {}
