/**
 * A released category's records without the fields the decision withholds (`CategoryDecision.withheldFields`: the
 * address and location fields of a protected person). The hub and every adapter apply it the same way.
 */
export function withholdFields(
  records: ReadonlyArray<Record<string, unknown>>,
  withheldFields: readonly string[],
): Array<Record<string, unknown>> {
  if (withheldFields.length === 0) return [...records];
  const withheld = new Set(withheldFields);
  return records.map((row) => Object.fromEntries(Object.entries(row).filter(([name]) => !withheld.has(name))));
}
