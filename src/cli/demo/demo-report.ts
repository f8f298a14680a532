// Prints the demo's report and counts what went wrong. No names: personnel numbers only.
import type { DeadLetter } from './demo.command';
import type { EmployeeState } from './demo-state';
import type { SentMessage } from './demo-traffic';

interface ReportInput {
  sent: SentMessage[];
  before: Map<string, EmployeeState>;
  after: Map<string, EmployeeState>;
  deadLetters: DeadLetter[];
  processed: boolean;
  poisonId: string;
  /** Where the dead letters were read: the store in PostgreSQL, or the broker's queue. */
  deadLetterSource: 'store' | 'queue';
  seconds: number;
}

function printMessages(sent: SentMessage[], problems: string[]): void {
  console.log('Messages sent over HTTP');
  for (const m of sent) {
    const ok = m.status === m.expectedStatus;
    if (!ok)
      problems.push(
        `${m.connectorId}/${m.fixture}: HTTP ${m.status}, expected ${m.expectedStatus}`,
      );
    const outcome =
      m.status === 202
        ? `${m.eventIds.length} event(s): ${m.eventTypes.join(', ')}`
        : `refused: ${m.code ?? '?'}`;
    console.log(
      `  ${ok ? '✔' : '✘'} ${m.connectorId.padEnd(13)} ${m.fixture.padEnd(58)} ${m.status}  ${outcome}`,
    );
  }
}

function printEmployees(
  before: Map<string, EmployeeState>,
  after: Map<string, EmployeeState>,
  problems: string[],
): void {
  console.log('\nEmployees (personnel number): vault state before → after');
  for (const [externalId, state] of after) {
    const was = before.get(externalId)?.vaultState ?? '(unknown)';
    const hasAbsence = state.cases.some((c) => c.status !== 'WITHDRAWN');
    const expected = hasAbsence ? 'SHARED' : was === '(unknown)' ? state.vaultState : was;
    if (state.vaultState !== expected)
      problems.push(`employee ${externalId}: ${state.vaultState}, expected ${expected}`);
    console.log(
      `  ${state.vaultState === expected ? '✔' : '✘'} ${externalId.padEnd(6)} ${was.padEnd(10)} → ${state.vaultState}`,
    );
    for (const c of state.cases) {
      const dates = [
        `from ${c.startDate ?? '?'}`,
        c.expectedReturnDate === null ? '' : `expected back ${c.expectedReturnDate}`,
        c.recoveryDate === null ? '' : `back ${c.recoveryDate}`,
      ]
        .filter((p) => p !== '')
        .join(', ');
      console.log(
        `           ${c.connectorId} case ${c.caseId}: ${c.status}, ${dates}; incapacity ${c.timeline === '' ? '—' : c.timeline}`,
      );
    }
  }
}

function printDeadLetters(
  deadLetters: DeadLetter[],
  poisonId: string,
  source: 'store' | 'queue',
  problems: string[],
): void {
  console.log(
    source === 'store'
      ? '\nDead letters (moved from the dead-letter queue into PostgreSQL; see datakluis dlq list)'
      : '\nDead-letter queue',
  );
  if (deadLetters.length === 0) console.log('  (empty)');
  for (const d of deadLetters) {
    const expected = d.messageId === poisonId;
    if (!expected) problems.push(`unexpected dead letter ${d.messageId} (${d.code})`);
    console.log(
      `  ${expected ? '✔' : '✘'} ${d.messageId}: ${d.code} after ${d.attempts} attempt(s) — ${d.reason}`,
    );
  }
  if (!deadLetters.some((d) => d.messageId === poisonId))
    problems.push('the simulated corrupted message did not reach the dead-letter queue');
}

/** Prints the report; returns the number of problems found (0 = the demo succeeded). */
export function printReport(input: ReportInput): number {
  const problems: string[] = [];
  printMessages(input.sent, problems);
  printEmployees(input.before, input.after, problems);
  printDeadLetters(input.deadLetters, input.poisonId, input.deadLetterSource, problems);
  if (!input.processed)
    problems.push('not every accepted event was applied in time (lost or stuck)');
  const accepted = new Set(input.sent.flatMap((m) => m.eventIds)).size;
  console.log(
    `\n${input.sent.length} messages, ${accepted} distinct events accepted, all applied: ${input.processed ? 'yes' : 'NO'}; ${input.seconds.toFixed(1)} s`,
  );
  if (problems.length === 0) {
    console.log('Result: OK — nothing lost, nothing unexpected.');
  } else {
    console.log(`Result: ${problems.length} problem(s):`);
    for (const p of problems) console.log(`  - ${p}`);
  }
  return problems.length;
}
