import { DEFAULT_TAXONOMY } from './default-taxonomy.js';

/** The default taxonomy as rows, for the migration's seed and for a municipality registered later (TopicRepository). */
export function defaultTaxonomyRows(): { categories: object[]; types: object[] } {
  return {
    categories: DEFAULT_TAXONOMY.map((c, position) => ({ code: c.code, name: c.name, position })),
    types: DEFAULT_TAXONOMY.flatMap((c) =>
      c.types.map((t, position) => ({
        category: c.code,
        code: t.code,
        name: t.name,
        department: t.department ?? null,
        response_hours: t.responseHours ?? null,
        secrecy_sensitive: t.secrecySensitive ?? false,
        position,
      })),
    ),
  };
}
