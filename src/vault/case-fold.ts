// The state of an absence case is the fold of all its events in order of occurrence, so events that
// arrive late, twice or out of order end in the same state as if they had arrived once, in order
// (SPEC section 4). Pure: the repository loads the events, this decides the state.
import type { AbsenceFacts } from '../canonical/generated/canonical-event';
import type { AbsenceEventType } from '../canonical/event-types';

export type CaseStatus = 'OPEN' | 'RECOVERED' | 'WITHDRAWN';

export interface CaseEventRecord {
  eventId: string;
  type: AbsenceEventType;
  sequence: number | null;
  occurredAt: string;
  facts: AbsenceFacts;
}

export interface CaseState {
  status: CaseStatus;
  reportReceived: boolean;
  startDate?: string;
  reportedOn?: string;
  expectedReturnDate?: string;
  lastSickDay?: string;
  recoveryDate?: string;
  workRelatedAccident?: boolean;
  thirdPartyLiable?: boolean;
  safetyNet?: boolean;
  /** Incapacity steps by date, consecutive equal percentages merged. */
  steps: { from: string; percentage: number }[];
}

const SCALAR_FACTS = [
  'startDate',
  'reportedOn',
  'expectedReturnDate',
  'lastSickDay',
  'recoveryDate',
  'workRelatedAccident',
  'thirdPartyLiable',
  'safetyNet',
] as const;

/** At the same moment, facts follow their natural order: a report before what changes it. */
const TYPE_RANK: Readonly<Record<AbsenceEventType, number>> = {
  'nl.datakluis.absence.reported': 0,
  'nl.datakluis.absence.changed': 1,
  'nl.datakluis.absence.recovered': 2,
  'nl.datakluis.absence.corrected': 3,
  'nl.datakluis.absence.withdrawn': 4,
};

function byTime(a: CaseEventRecord, b: CaseEventRecord): number {
  const time = Date.parse(a.occurredAt) - Date.parse(b.occurredAt);
  if (time !== 0) return time;
  const rank = TYPE_RANK[a.type] - TYPE_RANK[b.type];
  if (rank !== 0) return rank;
  return a.eventId < b.eventId ? -1 : a.eventId > b.eventId ? 1 : 0;
}

/**
 * Order of occurrence. The source's sequence numbers are the truth where it gives them (clocks at
 * the source can be wrong); events without a number are merged into that chain by their time. Ties
 * are broken by the natural order of the facts, then by id, so the order never depends on arrival.
 */
export function orderOfOccurrence(events: readonly CaseEventRecord[]): CaseEventRecord[] {
  const sequenced = events
    .filter((e) => e.sequence !== null)
    .sort((a, b) => (a.sequence ?? 0) - (b.sequence ?? 0) || byTime(a, b));
  const timed = events.filter((e) => e.sequence === null).sort(byTime);
  const ordered: CaseEventRecord[] = [];
  let next = 0;
  for (const event of sequenced) {
    while (next < timed.length && byTime(timed[next]!, event) < 0) ordered.push(timed[next++]!);
    ordered.push(event);
  }
  return [...ordered, ...timed.slice(next)];
}

function mergeFacts(
  state: CaseState,
  facts: AbsenceFacts,
  timeline: Map<string, number>,
  replaceTimeline: boolean,
): void {
  for (const key of SCALAR_FACTS) {
    const value = facts[key];
    if (value !== undefined) (state as unknown as Record<string, unknown>)[key] = value;
  }
  if (facts.incapacity === undefined) return;
  if (replaceTimeline) {
    // A correction replaces the timeline from its first corrected day on; earlier steps stand.
    const from = facts.incapacity.map((step) => step.from).sort()[0] ?? '';
    for (const day of [...timeline.keys()]) if (day >= from) timeline.delete(day);
  }
  for (const step of facts.incapacity) timeline.set(step.from, step.percentage);
}

function nextStatus(current: CaseStatus, type: AbsenceEventType): CaseStatus {
  if (current === 'WITHDRAWN' || type === 'nl.datakluis.absence.withdrawn') return 'WITHDRAWN';
  if (type === 'nl.datakluis.absence.recovered') return 'RECOVERED';
  return current;
}

function compactTimeline(timeline: Map<string, number>): CaseState['steps'] {
  const steps: CaseState['steps'] = [];
  for (const from of [...timeline.keys()].sort()) {
    const percentage = timeline.get(from) ?? 0;
    if (steps.at(-1)?.percentage !== percentage) steps.push({ from, percentage });
  }
  return steps;
}

function nextDay(day: string): string {
  const date = new Date(`${day}T00:00:00Z`);
  date.setUTCDate(date.getUTCDate() + 1);
  return date.toISOString().slice(0, 10);
}

/**
 * Full recovery means 0 % from the first day back; when the source said only that the case ended,
 * the timeline gets that step, so it never shows an incapacity running on past the recovery.
 */
function addRecoveryStep(state: CaseState, timeline: Map<string, number>): void {
  if (state.status !== 'RECOVERED') return;
  const back =
    state.recoveryDate ??
    (state.lastSickDay === undefined ? undefined : nextDay(state.lastSickDay));
  if (back === undefined || [...timeline.keys()].some((day) => day >= back)) return;
  timeline.set(back, 0);
}

/**
 * Steps before the first day of absence (after a start corrected to a later day) describe nothing;
 * the percentage in force on the new first day is kept as its step.
 */
function trimBeforeStart(timeline: Map<string, number>, start: string): void {
  const earlier = [...timeline.keys()].filter((day) => day < start).sort();
  const inForce = earlier.at(-1);
  if (inForce !== undefined && !timeline.has(start))
    timeline.set(start, timeline.get(inForce) ?? 0);
  for (const day of earlier) timeline.delete(day);
}

/** The case state after all `events`, whatever order they are given in. */
export function foldCase(events: readonly CaseEventRecord[]): CaseState {
  const state: CaseState = { status: 'OPEN', reportReceived: false, steps: [] };
  const timeline = new Map<string, number>();
  for (const event of orderOfOccurrence(events)) {
    if (event.type === 'nl.datakluis.absence.reported') state.reportReceived = true;
    mergeFacts(state, event.facts, timeline, event.type === 'nl.datakluis.absence.corrected');
    state.status = nextStatus(state.status, event.type);
  }
  addRecoveryStep(state, timeline);
  if (state.startDate !== undefined) trimBeforeStart(timeline, state.startDate);
  state.steps = compactTimeline(timeline);
  return state;
}

/** Whether this event is evidence of an absence, which shares the dossier (a withdrawal is not). */
export function sharesDossier(type: AbsenceEventType): boolean {
  return type !== 'nl.datakluis.absence.withdrawn';
}
