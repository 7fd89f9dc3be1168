import { Module } from '@nestjs/common';
import { OrganisationModule } from '../organisations/organisation.module.js';
import { ArticleController } from './article.controller.js';
import { ArticleRepository } from './article.repository.js';
import { ArticleService } from './article.service.js';
import { DemoKnowledge } from './demo-knowledge.js';

/** The knowledge base (kunskapsbank): articles per municipality, searched from the contact form. */
@Module({
  imports: [OrganisationModule],
  controllers: [ArticleController],
  providers: [ArticleRepository, ArticleService, DemoKnowledge],
  exports: [ArticleService],
})
export class KnowledgeModule {}
