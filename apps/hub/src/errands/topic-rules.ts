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

/**
 * The rules of a topic type, or undefined for a code the taxonomy does not have. From the default taxonomy for now;
 * the one place to point at the municipality's own taxonomy once it is stored.
 */
export function topicRules(code: string): TopicRules | undefined {
  return RULES.get(code);
}
