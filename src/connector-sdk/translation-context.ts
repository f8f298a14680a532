import type { CanonicalEvent } from '../canonical/generated/canonical-event';
import { rejected, translated } from './results';
import type { AdapterRejectionReason, AdapterWarningCode } from './reasons';
import type { AdapterIssue, AdapterWarning, TranslateResult } from './types';

/**
 * Collects every problem and warning while an adapter walks a message, so a sender learns about all
 * of them at once instead of one per attempt.
 * @example
 *   const ctx = new TranslationContext();
 *   const start = parseLocalDate(ctx, raw.start, '/start');
 *   return ctx.result(events);
 */
export class TranslationContext {
  readonly issues: AdapterIssue[] = [];
  readonly warnings: AdapterWarning[] = [];
  private readonly warned = new Set<string>();

  issue(reason: AdapterRejectionReason, path: string, message: string): undefined {
    this.issues.push({ reason, path, message });
    return undefined;
  }

  warn(code: AdapterWarningCode, path: string): void {
    const key = `${code} ${path}`;
    if (this.warned.has(key)) return;
    this.warned.add(key);
    this.warnings.push({ code, path });
  }

  get failed(): boolean {
    return this.issues.length > 0;
  }

  /** Rejected with every issue when any was found, translated otherwise. */
  result(events: CanonicalEvent[]): TranslateResult {
    const [first, ...rest] = this.issues;
    if (first !== undefined) return rejected([first, ...rest]);
    return translated(events, this.warnings);
  }
}
