// Reading SIVI elements as parsed by the SDK's parseXml (every leaf a string; absent = undefined).
import { parseLocalDate } from '../../src/connector-sdk';
import type { TranslationContext } from '../../src/connector-sdk';

export function text(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

export function required(
  ctx: TranslationContext,
  value: unknown,
  path: string,
): string | undefined {
  const found = text(value);
  return found ?? ctx.issue('MISSING_FIELD', path, 'required element is missing or empty');
}

export function optionalDate(
  ctx: TranslationContext,
  value: unknown,
  path: string,
): string | undefined {
  const found = text(value);
  return found === undefined ? undefined : parseLocalDate(ctx, found, path);
}
