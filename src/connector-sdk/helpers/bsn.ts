import type { TranslationContext } from '../translation-context';

/** The 11-check (elfproef) on a 9-digit BSN: 9·d1 + 8·d2 + … + 2·d8 − 1·d9 ≡ 0 (mod 11), not all zero. */
export function passesElevenCheck(bsn: string): boolean {
  if (!/^[0-9]{9}$/.test(bsn) || /^0+$/.test(bsn)) return false;
  let sum = 0;
  for (let i = 0; i < 8; i += 1) sum += Number(bsn[i]) * (9 - i);
  sum -= Number(bsn[8]);
  return sum % 11 === 0;
}

/**
 * Reads a BSN. Systems that store it as a number lose leading zeros (SIVI `SofiNr`), so 8 digits are
 * left-padded (with a BSN_LEFT_PADDED warning) before the 11-check. INVALID_BSN when it fails.
 */
export function parseBsn(ctx: TranslationContext, text: string, path: string): string | undefined {
  const digits = text.trim();
  if (!/^[0-9]{8,9}$/.test(digits)) return ctx.issue('INVALID_BSN', path, 'a BSN has 9 digits');
  const bsn = digits.padStart(9, '0');
  if (!passesElevenCheck(bsn))
    return ctx.issue('INVALID_BSN', path, 'fails the 11-check (elfproef)');
  if (digits.length === 8) ctx.warn('BSN_LEFT_PADDED', path);
  return bsn;
}
