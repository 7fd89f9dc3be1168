/** Deeper than any request or message of ours nests; deeper input is refused before a validator recurses into it. */
export const MAX_INPUT_DEPTH = 32;

const UNPAIRED_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
/** What almost no text contains: only text with one of these needs the exact look. */
// eslint-disable-next-line no-control-regex -- U+0000 is exactly what this looks for
const SUSPECT = /[\u0000\uD800-\uDFFF]/;

/**
 * Neither U+0000, which PostgreSQL text cannot hold, nor a surrogate without its pair, which jsonb refuses and UTF-8
 * cannot encode: text that would otherwise fail in the database or the audit chain only after an agency was asked.
 */
export const isStorableText = (text: string): boolean =>
  !SUSPECT.test(text) || (!text.includes('\u0000') && !UNPAIRED_SURROGATE.test(text));

export interface UnstorableInput {
  code: 'invalid-text' | 'too-deeply-nested';
  message: string;
}

/**
 * Walks parsed JSON once, without recursion (so that thousands of levels cannot overflow the stack), for a string
 * or a field name with text that cannot be stored, or nesting deeper than `maxDepth`. `where` names the input in the
 * message (`body`, `query`, `payload`); the offending text itself is never echoed. It runs on every request and
 * every message, so it allocates nothing per value: the path to name is worked out only when something is found.
 */
export function findUnstorableInput(
  value: unknown,
  where: string,
  maxDepth = MAX_INPUT_DEPTH,
): UnstorableInput | undefined {
  const values: unknown[] = [value];
  const depths: number[] = [0];
  while (values.length > 0) {
    const current = values.pop();
    const depth = depths.pop()!;
    if (typeof current === 'string') {
      if (!isStorableText(current)) return unstorableText(pathTo(value, current, where));
      continue;
    }
    if (typeof current !== 'object' || current === null) continue;
    if (depth >= maxDepth)
      return { code: 'too-deeply-nested', message: `${where} is nested deeper than ${maxDepth} levels` };
    if (Array.isArray(current)) {
      for (const child of current) {
        values.push(child);
        depths.push(depth + 1);
      }
      continue;
    }
    for (const key in current) {
      if (!Object.hasOwn(current, key)) continue;
      if (!isStorableText(key)) return unstorableText(`a field name in ${pathTo(value, current, where)}`);
      values.push((current as Record<string, unknown>)[key]);
      depths.push(depth + 1);
    }
  }
  return undefined;
}

/** The path from `root` to the first place holding `target` (a string or an object), for a message. */
function pathTo(root: unknown, target: unknown, where: string): string {
  const pending: Array<{ value: unknown; path: string }> = [{ value: root, path: where }];
  while (pending.length > 0) {
    const { value, path } = pending.pop()!;
    if (value === target) return path;
    if (typeof value !== 'object' || value === null) continue;
    const isArray = Array.isArray(value);
    for (const [key, child] of Object.entries(value)) {
      pending.push({ value: child, path: isArray ? `${path}[${key}]` : `${path}.${key}` });
    }
  }
  return where;
}

const unstorableText = (path: string): UnstorableInput => ({
  code: 'invalid-text',
  message: `${path} contains a NUL character or an unpaired surrogate (e.g. \\u0000, \\ud800), which cannot be stored`,
});
