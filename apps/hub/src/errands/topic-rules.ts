import { Injectable } from '@nestjs/common';
import { TopicRepository } from '../topics/topic.repository.js';
import { DEFAULT_TAXONOMY } from '../topics/default-taxonomy.js';

/** What a topic type decides about an errand. */
export interface TopicRules {
  code: string;
  name: string;
  /** the department's unit name that answers it by default, when there is one */
  department?: string;
  responseHours: number;
  /** socialtjänst's own secrecy area: the errand carries only what the citizen allowed */
  secrecySensitive: boolean;
}

/** Topic types shaped `<category>.<type>`, as the taxonomy codes them. */
export const TOPIC_CODE_PATTERN = /^[a-z][a-z0-9-]{1,31}\.[a-z0-9][a-z0-9-]{1,63}$/;

const DEFAULT_RESPONSE_HOURS = 120;

const RULES = new Map(
  DEFAULT_TAXONOMY.flatMap((c) => c.types).map((t): [string, TopicRules] => [
    t.code,
    {
      code: t.code,
      name: t.name,
      ...(t.department && { department: t.department }),
      responseHours: t.responseHours ?? DEFAULT_RESPONSE_HOURS,
      secrecySensitive: t.secrecySensitive ?? false,
    },
  ]),
);

/** The rules of a default topic type, or undefined for a code the default taxonomy does not have. */
export function topicRules(code: string): TopicRules | undefined {
  return RULES.get(code);
}

/**
 * The rules of a topic type in the municipality's own taxonomy (kept by its admin, apps/hub/src/topics/), or
 * undefined for a type it does not have or has retired.
 */
@Injectable()
export class MunicipalTopicRules {
  constructor(private readonly topics: TopicRepository) {}

  async of(organisation: string, code: string): Promise<TopicRules | undefined> {
    let types = await this.topics.types(organisation);
    if (types.length === 0) {
      // a municipality registered after the taxonomy was seeded gets the defaults on first use, as contacts do
      await this.topics.seedDefaults(organisation);
      types = await this.topics.types(organisation);
    }
    const type = types.find((t) => t.code === code && !t.retiredAt);
    if (!type) return undefined;
    return {
      code: type.code,
      name: type.name,
      ...(type.department && { department: type.department }),
      responseHours: type.responseHours ?? DEFAULT_RESPONSE_HOURS,
      secrecySensitive: type.secrecySensitive,
    };
  }
}
