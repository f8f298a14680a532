import type { CanonicalEvent } from '../canonical/generated/canonical-event';
import type { AdapterIssue, AdapterWarning, TranslateResult } from './types';
import type { IgnoreReason } from './reasons';

/** @example return translated([event], warnings) */
export function translated(
  events: CanonicalEvent[],
  warnings: AdapterWarning[] = [],
): TranslateResult {
  return { outcome: 'translated', events, warnings };
}

/** @example return ignored('TEST_MESSAGE') */
export function ignored(reason: IgnoreReason, warnings: AdapterWarning[] = []): TranslateResult {
  return { outcome: 'ignored', reason, warnings };
}

/**
 * A rejection listing every problem found; its reason is the first issue's.
 * @example return rejected([{ reason: 'MISSING_FIELD', path: '/BrAlg/Berrefnr', message: 'required' }])
 */
export function rejected(issues: [AdapterIssue, ...AdapterIssue[]]): TranslateResult {
  return { outcome: 'rejected', reason: issues[0].reason, issues };
}
