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

/** Order of occurrence: the source's sequence numbers when every event has one, else their time. */
export function orderOfOccurrence(events: readonly CaseEventRecord[]): CaseEventRecord[] {
  const bySequence = events.every((e) => e.sequence !== null);
  return [...events].sort((a, b) => {
    if (bySequence && a.sequence !== b.sequence) return (a.sequence ?? 0) - (b.sequence ?? 0);
    const time = Date.parse(a.occurredAt) - Date.parse(b.occurredAt);
    if (time !== 0) return time;
    if (a.sequence !== b.sequence) return (a.sequence ?? 0) - (b.sequence ?? 0);
    return a.eventId < b.eventId ? -1 : a.eventId > b.eventId ? 1 : 0;
  });
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
  if (replaceTimeline) timeline.clear();
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

/** The case state after all `events`, whatever order they are given in. */
export function foldCase(events: readonly CaseEventRecord[]): CaseState {
  const state: CaseState = { status: 'OPEN', reportReceived: false, steps: [] };
  const timeline = new Map<string, number>();
  for (const event of orderOfOccurrence(events)) {
    if (event.type === 'nl.datakluis.absence.reported') state.reportReceived = true;
    mergeFacts(state, event.facts, timeline, event.type === 'nl.datakluis.absence.corrected');
    state.status = nextStatus(state.status, event.type);
  }
  state.steps = compactTimeline(timeline);
  return state;
}

/** Whether this event is evidence of an absence, which shares the dossier (a withdrawal is not). */
export function sharesDossier(type: AbsenceEventType): boolean {
  return type !== 'nl.datakluis.absence.withdrawn';
}
