import type { TranslationContext } from '../translation-context';

// C0 and C1 control characters and DEL: never part of a name or an id, and PostgreSQL refuses NUL.
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL = /[\u0000-\u001F\u007F-\u009F]/u;
const WHITESPACE = /\s/u;

/**
 * A name or other short text: no control characters, at most `maxLength` characters. INVALID_VALUE
 * otherwise (the message names the rule, never the text).
 * @example const family = readText(ctx, raw.SignNm, '/Wrknmr/0/SignNm', 200);
 */
export function readText(
  ctx: TranslationContext,
  value: string,
  path: string,
  maxLength: number,
): string | undefined {
  if (CONTROL.test(value)) return ctx.issue('INVALID_VALUE', path, 'contains control characters');
  if (Array.from(value).length > maxLength)
    return ctx.issue('INVALID_VALUE', path, `longer than ${maxLength} characters`);
  return value;
}

/**
 * An identifier (employee number, case id, employment id): like readText, and no spaces, so an id
 * field cannot carry a sentence (of free text, possibly medical).
 */
export function readIdentifier(
  ctx: TranslationContext,
  value: string,
  path: string,
  maxLength: number,
): string | undefined {
  if (WHITESPACE.test(value))
    return ctx.issue('INVALID_VALUE', path, 'an identifier contains no spaces');
  return readText(ctx, value, path, maxLength);
}
