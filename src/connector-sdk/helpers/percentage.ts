import type { TranslationContext } from '../translation-context';

const DECIMAL = /^[0-9]{1,4}(?:[.,][0-9]{1,2})?$/;

/**
 * Reads an incapacity percentage from text. `pattern` (when given) is the exact form the source
 * format prescribes, e.g. SIVI's `[0-9]{1,4}[.][0-9]{2}`; otherwise up to two decimals with a point
 * or a comma. INVALID_VALUE for a malformed number, PERCENTAGE_OUT_OF_RANGE outside 0–100.
 */
export function parsePercentage(
  ctx: TranslationContext,
  text: string,
  path: string,
  options: { pattern?: RegExp; example?: string } = {},
): number | undefined {
  const trimmed = text.trim();
  const pattern = options.pattern ?? DECIMAL;
  if (!pattern.test(trimmed))
    return ctx.issue(
      'INVALID_VALUE',
      path,
      `not a percentage in the expected form (${options.example ?? 'e.g. 50 or 50,5'})`,
    );
  const value = Number(trimmed.replace(',', '.'));
  if (!Number.isFinite(value)) return ctx.issue('INVALID_VALUE', path, 'not a number');
  if (value < 0 || value > 100)
    return ctx.issue('PERCENTAGE_OUT_OF_RANGE', path, 'must be between 0 and 100');
  return Math.round(value * 100) / 100;
}
