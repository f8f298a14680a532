// The end state of a case, computed from the plan alone: the facts that were applied, taken in the
// order the HR system knows they happened (the plan's order), never the gateway's own fold
// (src/vault/case-fold.ts). The cases the traffic generator makes are simple enough that the rules
// of the product specification give their state directly:
//   status       withdrawn if a withdrawal applied, else recovered if a recovery applied, else open
//   steps        each applied percentage from its day (a report from its first sick day); a recovery
//                adds 0 % from the first day back unless a later step exists; equal neighbours merge
//   dates        the latest applied fact that states them
import type { CasePlan, Fact } from './traffic';

export interface CaseState {
  employee: string;
  status: 'OPEN' | 'RECOVERED' | 'WITHDRAWN';
  reportReceived: boolean;
  startDate: string | null;
  reportedOn: string | null;
  expectedReturnDate: string | null;
  lastSickDay: string | null;
  recoveryDate: string | null;
  /** `YYYY-MM-DD=percentage`, by day. */
  steps: string[];
}

function nextDay(day: string): string {
  const date = new Date(`${day}T00:00:00Z`);
  date.setUTCDate(date.getUTCDate() + 1);
  return date.toISOString().slice(0, 10);
}

/** The state of `plan` once exactly the facts whose event ids are in `applied` are in; null: none. */
export function expectedState(plan: CasePlan, applied: ReadonlySet<string>): CaseState | null {
  const facts: Fact[] = plan.facts.filter((f) => applied.has(f.eventId));
  if (facts.length === 0) return null;
  const latest = (pick: (f: Fact) => string | undefined): string | null =>
    facts
      .map(pick)
      .filter((v): v is string => v !== undefined)
      .at(-1) ?? null;
  const has = (kind: Fact['kind']): boolean => facts.some((f) => f.kind === kind);
  const status = has('INTREKKING') ? 'WITHDRAWN' : has('HERSTELMELDING') ? 'RECOVERED' : 'OPEN';
  const timeline = new Map<string, number>();
  for (const fact of facts) {
    if (fact.percentage === undefined) continue;
    timeline.set(
      fact.kind === 'ZIEKMELDING' ? fact.startDate : fact.effectiveDate!,
      fact.percentage,
    );
  }
  const recoveryDate = latest((f) => f.recoveryDate);
  const lastSickDay = latest((f) => f.lastSickDay);
  if (status === 'RECOVERED') {
    const back = recoveryDate ?? (lastSickDay === null ? null : nextDay(lastSickDay));
    if (back !== null && ![...timeline.keys()].some((day) => day >= back)) timeline.set(back, 0);
  }
  const steps: string[] = [];
  let previous: number | undefined;
  for (const day of [...timeline.keys()].sort()) {
    const percentage = timeline.get(day)!;
    if (percentage !== previous) steps.push(`${day}=${percentage}`);
    previous = percentage;
  }
  return {
    employee: plan.employee,
    status,
    reportReceived: has('ZIEKMELDING'),
    startDate: latest((f) => f.startDate),
    reportedOn: latest((f) => f.reportedOn),
    expectedReturnDate: latest((f) => f.expectedReturn),
    lastSickDay,
    recoveryDate,
    steps,
  };
}

/** The fields in which `actual` differs from `expected`, as `field: actual ≠ expected`. */
export function differences(actual: CaseState, expected: CaseState): string[] {
  const out: string[] = [];
  for (const key of Object.keys(expected) as (keyof CaseState)[]) {
    const a = JSON.stringify(actual[key]);
    const e = JSON.stringify(expected[key]);
    if (a !== e) out.push(`${key}: ${a} ≠ expected ${e}`);
  }
  return out;
}
