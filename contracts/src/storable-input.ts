/** Deeper than any request or message of ours nests; deeper input is refused before a validator recurses into it. */
export const MAX_INPUT_DEPTH = 32;

const UNPAIRED_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * Neither U+0000, which PostgreSQL text cannot hold, nor a surrogate without its pair, which jsonb refuses and UTF-8
 * cannot encode: text that would otherwise fail in the database or the audit chain only after an agency was asked.
 */
export const isStorableText = (text: string): boolean => !text.includes('\u0000') && !UNPAIRED_SURROGATE.test(text);

export interface UnstorableInput {
  code: 'invalid-text' | 'too-deeply-nested';
  message: string;
}

/**
 * Walks parsed JSON once, without recursion (so that thousands of levels cannot overflow the stack), for a string
 * or a field name with text that cannot be stored, or nesting deeper than `maxDepth`. `where` names the input in the
 * message (`body`, `query`, `payload`); the offending text itself is never echoed.
 */
export function findUnstorableInput(
  value: unknown,
  where: string,
  maxDepth = MAX_INPUT_DEPTH,
): UnstorableInput | undefined {
  const pending: Array<{ value: unknown; path: string; depth: number }> = [{ value, path: where, depth: 0 }];
  while (pending.length > 0) {
    const { value: current, path, depth } = pending.pop()!;
    if (typeof current === 'string') {
      if (!isStorableText(current)) return unstorableText(path);
      continue;
    }
    if (typeof current !== 'object' || current === null) continue;
    if (depth >= maxDepth)
      return { code: 'too-deeply-nested', message: `${where} is nested deeper than ${maxDepth} levels` };
    const isArray = Array.isArray(current);
    for (const [key, child] of Object.entries(current)) {
      if (!isArray && !isStorableText(key)) return unstorableText(`a field name in ${path}`);
      pending.push({ value: child, path: isArray ? `${path}[${key}]` : `${path}.${key}`, depth: depth + 1 });
    }
  }
  return undefined;
}

const unstorableText = (path: string): UnstorableInput => ({
  code: 'invalid-text',
  message: `${path} contains a NUL character or an unpaired surrogate (e.g. \\u0000, \\ud800), which cannot be stored`,
});
