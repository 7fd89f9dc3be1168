import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { ORGANISATIONS } from '@hub/contracts';
import { Transactions } from '@hub/database';
import { swedishDay } from '@hub/policy';
import { HUB_CONFIG, type HubConfig } from '../config/hub.config.js';
import { ArticleRepository } from './article.repository.js';
import { DEMO_ARTICLES } from './demo-articles.js';

const DEMO_AUTHOR = 'demo';

/** The review day `months` from today (negative: past). */
function monthsFromToday(months: number, now = new Date()): string {
  const [y, m, d] = swedishDay(now).split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1 + months, Math.min(d, 28))).toISOString().slice(0, 10);
}

/**
 * For demos (DEMO_AGREEMENTS=true, which `npm start` sets, as for the demo agreements): Örebro kommun's knowledge
 * base starts with a few dozen articles, written once. Tests get none unless they ask for the demo.
 */
@Injectable()
export class DemoKnowledge implements OnApplicationBootstrap {
  private readonly logger = new Logger(DemoKnowledge.name);

  constructor(
    private readonly articles: ArticleRepository,
    private readonly transactions: Transactions,
    @Inject(HUB_CONFIG) private readonly config: Pick<HubConfig, 'demoAgreements'>,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (!this.config.demoAgreements) return;
    const written = await this.transactions.run(async (tx) => {
      // two instances starting together write the demo once
      await tx.query(`SELECT pg_advisory_xact_lock(hashtext('hub.demo-knowledge'))`);
      const { rows } = await tx.query(`SELECT 1 FROM hub.article WHERE organisation = $1 AND created_by = $2 LIMIT 1`, [
        ORGANISATIONS.orebro,
        DEMO_AUTHOR,
      ]);
      if (rows.length) return 0;
      for (const { overdue, ...article } of DEMO_ARTICLES) {
        const content = {
          ...article,
          body: article.body ?? '',
          links: article.links ?? [],
          reviewBy: monthsFromToday(overdue ? -1 : 12),
        };
        await this.articles.insert(ORGANISATIONS.orebro, content, DEMO_AUTHOR, tx);
      }
      return DEMO_ARTICLES.length;
    });
    if (written) this.logger.log(`wrote ${written} demo articles for Örebro kommun’s knowledge base`);
  }
}
