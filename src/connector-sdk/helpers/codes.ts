/**
 * Looks a code up in a mapping table, never answering from Object.prototype: a sender's
 * `constructor` or `__proto__` is an unknown code, not a function.
 * @example const type = lookupCode(EVENT_TYPE_BY_CODE, raw.code) ?? ctx.issue('UNKNOWN_CODE', path, '…')
 */
export function lookupCode<T>(table: Readonly<Record<string, T>>, code: string): T | undefined {
  return Object.hasOwn(table, code) ? table[code] : undefined;
}
