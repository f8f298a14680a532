// The "nothing lost" oracle (RELIABILITY-NOTES §1.4 and §4): after a scenario has gone quiet, every
// event id of every 2xx answer (and of every message the suite published straight to the broker and
// the broker confirmed) is classified as
//   applied once   in processed_events, one case event, exactly one audit entry of its action
//   dead-lettered  its message id is in the dead-letter queue, with a reason
//   lost           neither
//   doubled        more than one effect (audit entries, shares or "dossier created" entries)
// and every case the plan touched is compared with the state the plan says it must have (stale).
// Events of files that never got a 2xx may have been applied anyway (a confirm that came too late):
// allowed, and then part of the expected state.
import { shortEventType } from '../../../src/canonical/event-types';
import type { DeadLetter, DeadLetterStore } from './broker';
import type { ExitRecord } from './cluster';
import { differences, expectedState } from './expected';
import type { CaseState } from './expected';
import type { CasePlan, Delivery, Fact } from './traffic';

export type Query = <T>(sql: string, params?: unknown[]) => Promise<T[]>;

/** A message the suite published straight to the gateway's exchange (confirmed by the broker). */
export interface DirectPublish {
  label: string;
  messageId: string;
  /** A real canonical event (a duplicate delivery or a new one); absent for poison. */
  fact?: Fact;
  /** Poison: the dead-letter reasons it may carry. */
  deadCodes?: string[];
}

export interface ScenarioRecord {
  title: string;
  employerId: string;
  plans: CasePlan[];
  deliveries: Delivery[];
  direct: DirectPublish[];
  /** Employees whose dossier existed (IN_VAULT) before the traffic. */
  seeded: string[];
  /** What happened when (faults, restarts), relative to the scenario's start. */
  timeline: string[];
  /** Process exits nobody asked for (a crash), other than the ones the scenario injected. */
  unexpectedExits: ExitRecord[];
  quiet: { reached: boolean; waitedMs: number; detail: string };
  /** Failed checks of the scenario itself (e.g. a process that did not stop in time). */
  problems: string[];
  /** The oracle's self-check: the problems were planted on purpose. */
  planted?: boolean;
}

export interface LedgerRow {
  title: string;
  accepted: number;
  appliedOnce: number;
  deadLettered: number;
  rejectedByDesign: number;
  notAccepted: number;
  lost: number;
  doubled: number;
  stale: number;
  failed: boolean;
}

interface EventFacts {
  processed: Set<string>;
  caseEvents: Set<string>;
  audits: Map<string, Map<string, number>>;
}

async function loadEventFacts(query: Query, ids: string[]): Promise<EventFacts> {
  const processed = new Set(
    (
      await query<{ id: string }>(
        'SELECT event_id::text AS id FROM processed_events WHERE event_id = ANY($1::uuid[])',
        [ids],
      )
    ).map((r) => r.id),
  );
  const caseEvents = new Set(
    (
      await query<{ id: string }>(
        'SELECT event_id::text AS id FROM absence_case_events WHERE event_id = ANY($1::uuid[])',
        [ids],
      )
    ).map((r) => r.id),
  );
  const audits = new Map<string, Map<string, number>>();
  for (const row of await query<{ id: string; action: string; n: number }>(
    `SELECT event_id::text AS id, action, count(*)::int AS n FROM audit_log
     WHERE event_id = ANY($1::uuid[]) GROUP BY 1, 2`,
    [ids],
  )) {
    const byAction = audits.get(row.id) ?? new Map<string, number>();
    byAction.set(row.action, row.n);
    audits.set(row.id, byAction);
  }
  return { processed, caseEvents, audits };
}

interface ActualCase extends CaseState {
  caseId: string;
}

async function loadCases(query: Query, employerId: string): Promise<Map<string, ActualCase>> {
  const cases = new Map<string, ActualCase>();
  for (const row of await query<{
    case_id: string;
    employee: string;
    status: CaseState['status'];
    report_received: boolean;
    start_date: string | null;
    reported_on: string | null;
    expected_return_date: string | null;
    last_sick_day: string | null;
    recovery_date: string | null;
  }>(
    `SELECT c.source_case_id AS case_id, d.external_id AS employee, c.status::text AS status,
            c.report_received, c.start_date::text, c.reported_on::text,
            c.expected_return_date::text, c.last_sick_day::text, c.recovery_date::text
     FROM absence_cases c JOIN dossiers d ON d.id = c.dossier_id WHERE c.employer_id = $1`,
    [employerId],
  )) {
    cases.set(row.case_id, {
      caseId: row.case_id,
      employee: row.employee,
      status: row.status,
      reportReceived: row.report_received,
      startDate: row.start_date,
      reportedOn: row.reported_on,
      expectedReturnDate: row.expected_return_date,
      lastSickDay: row.last_sick_day,
      recoveryDate: row.recovery_date,
      steps: [],
    });
  }
  for (const row of await query<{ case_id: string; day: string; pct: number }>(
    `SELECT c.source_case_id AS case_id, s.from_date::text AS day, s.percentage::float8 AS pct
     FROM incapacity_steps s JOIN absence_cases c ON c.id = s.case_id
     WHERE c.employer_id = $1 ORDER BY 1, 2`,
    [employerId],
  )) {
    cases.get(row.case_id)?.steps.push(`${row.day}=${row.pct}`);
  }
  return cases;
}

interface ActualDossier {
  employee: string;
  vaultState: string;
  absenceShared: boolean;
  shares: number;
  sharedAudits: number;
  createdAudits: number;
}

async function loadDossiers(query: Query, employerId: string): Promise<Map<string, ActualDossier>> {
  const rows = await query<{
    employee: string;
    vault_state: string;
    absence_shared: boolean;
    shares: number;
    shared_audits: number;
    created_audits: number;
  }>(
    `SELECT d.external_id AS employee, d.vault_state::text AS vault_state, d.absence_shared,
       (SELECT count(*)::int FROM dossier_shares s WHERE s.dossier_id = d.id AND s.reason = 'ABSENCE') AS shares,
       (SELECT count(*)::int FROM audit_log a WHERE a.dossier_id = d.id AND a.action = 'dossier.shared') AS shared_audits,
       (SELECT count(*)::int FROM audit_log a WHERE a.dossier_id = d.id AND a.action = 'dossier.created') AS created_audits
     FROM dossiers d WHERE d.employer_id = $1`,
    [employerId],
  );
  return new Map(
    rows.map((r) => [
      r.employee,
      {
        employee: r.employee,
        vaultState: r.vault_state,
        absenceShared: r.absence_shared,
        shares: r.shares,
        sharedAudits: r.shared_audits,
        createdAudits: r.created_audits,
      },
    ]),
  );
}

/** An event the oracle must account for. */
interface Tracked {
  id: string;
  label: string;
  fact?: Fact;
  /** good: applied (or, failing that, dead-lettered); dead: must be dead-lettered with `deadCodes`. */
  intent: 'good' | 'dead';
  deadCodes?: string[];
}

export class Ledger {
  readonly row: LedgerRow;

  constructor(
    readonly record: ScenarioRecord,
    readonly lines: string[],
    readonly problems: string[],
    counts: Omit<LedgerRow, 'title' | 'failed'>,
  ) {
    this.row = { title: record.title, ...counts, failed: problems.length > 0 };
  }

  print(): void {
    console.log(this.lines.map((line) => `      ${line}`).join('\n'));
  }
}

const pad = (value: string | number, width: number): string => String(value).padStart(width);

export const LEDGER_HEADER =
  'accepted | applied once | dead-lettered | rejected by design | not accepted | lost | doubled | stale';

export function ledgerRowText(row: LedgerRow): string {
  return [
    pad(row.accepted, 8),
    pad(row.appliedOnce, 12),
    pad(row.deadLettered, 13),
    pad(row.rejectedByDesign, 18),
    pad(row.notAccepted, 12),
    pad(row.lost, 4),
    pad(row.doubled, 7),
    pad(row.stale, 5),
  ].join(' | ');
}

function countAnswers(deliveries: readonly Delivery[]): string {
  const counts = new Map<string, number>();
  for (const d of deliveries) for (const a of d.answers) counts.set(a, (counts.get(a) ?? 0) + 1);
  return [...counts.entries()]
    .sort((a, b) => b[1] - a[1])
    .map(([answer, n]) => `${answer} ×${n}`)
    .join(', ');
}

const short = (items: readonly string[], max = 8): string =>
  items.length <= max
    ? items.join('; ')
    : `${items.slice(0, max).join('; ')}; … (${items.length} in all)`;

/** Classifies everything the scenario sent; `dead` has been drained just before. */
export async function buildLedger(
  query: Query,
  dead: DeadLetterStore,
  record: ScenarioRecord,
): Promise<Ledger> {
  const problems: string[] = [];
  const tracked = new Map<string, Tracked>();
  const unaccepted = new Map<string, Fact>();
  let rejectedByDesign = 0;
  let notAccepted = 0;
  const track = (event: Tracked): void => {
    const known = tracked.get(event.id);
    if (known === undefined || (known.intent === 'good' && event.intent === 'dead'))
      tracked.set(event.id, event);
  };

  // ── what the HR system was told ──
  for (const d of record.deliveries) {
    const m = d.message;
    if (m.intent === 'bad') {
      if (d.accepted) problems.push(`bad file ${m.label} was accepted (${d.status})`);
      else if (d.status !== m.expectStatus)
        problems.push(
          `bad file ${m.label} answered ${d.answers.at(-1)}, expected ${m.expectStatus}`,
        );
      else rejectedByDesign += 1;
      continue;
    }
    if (!d.accepted) {
      notAccepted += 1;
      for (const fact of m.facts) unaccepted.set(fact.eventId, fact);
      if (d.status !== null && d.status >= 400 && d.status < 500)
        problems.push(`good file ${m.label} refused: ${d.answers.join(' → ')}`);
      continue;
    }
    const expectedIds = [...new Set(m.facts.map((f) => f.eventId))].sort();
    const receipt = [...new Set(d.receiptIds)].sort();
    if (JSON.stringify(receipt) !== JSON.stringify(expectedIds))
      problems.push(`${m.label}: the 202 lists other event ids than the connector makes`);
    for (const fact of m.facts) {
      track({
        id: fact.eventId,
        label: m.label,
        fact,
        intent: m.intent === 'dead' ? 'dead' : 'good',
        ...(m.deadCode === undefined ? {} : { deadCodes: [m.deadCode] }),
      });
    }
  }
  for (const p of record.direct) {
    track({
      id: p.messageId,
      label: p.label,
      ...(p.fact === undefined ? {} : { fact: p.fact }),
      intent: p.deadCodes === undefined ? 'good' : 'dead',
      ...(p.deadCodes === undefined ? {} : { deadCodes: p.deadCodes }),
    });
  }
  for (const id of tracked.keys()) unaccepted.delete(id);

  // ── what the vault and the dead-letter queue say ──
  const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
  const ids = [...tracked.keys(), ...unaccepted.keys()].filter((id) => uuid.test(id));
  const facts = await loadEventFacts(query, ids);
  const actionOf = (id: string): string | undefined => {
    const fact = tracked.get(id)?.fact ?? unaccepted.get(id);
    return fact === undefined ? undefined : shortEventType(fact.eventType);
  };
  const auditCount = (id: string): number => {
    const action = actionOf(id);
    return action === undefined ? 0 : (facts.audits.get(id)?.get(action) ?? 0);
  };
  const lost: string[] = [];
  const doubled: string[] = [];
  const stale: string[] = [];
  const deadGood: DeadLetter[] = [];
  let appliedOnce = 0;
  let deadLettered = 0;
  const applied = new Set<string>();
  for (const event of tracked.values()) {
    const processed = facts.processed.has(event.id);
    const letters = dead.byMessageId(event.id);
    const audits = auditCount(event.id);
    const extraAudits = [...(facts.audits.get(event.id)?.entries() ?? [])].filter(([, n]) => n > 1);
    if (audits > 1 || extraAudits.length > 0) {
      doubled.push(
        `${event.label} ${event.id}: audit ${JSON.stringify([...(facts.audits.get(event.id) ?? [])])}`,
      );
      applied.add(event.id);
      continue;
    }
    if (event.intent === 'dead') {
      if (processed) {
        stale.push(`${event.label} ${event.id} was applied; it must be dead-lettered`);
        applied.add(event.id);
      } else if (letters.length === 0) lost.push(`${event.label} ${event.id}: not dead-lettered`);
      else {
        deadLettered += 1;
        const codes = letters.map((l) => l.code);
        if (!codes.some((c) => event.deadCodes?.includes(c)))
          problems.push(
            `${event.label}: dead-lettered as ${codes.join(',')}, expected ${event.deadCodes?.join(' or ')}`,
          );
      }
      continue;
    }
    if (processed && audits === 1 && (event.fact === undefined || facts.caseEvents.has(event.id))) {
      appliedOnce += 1;
      applied.add(event.id);
    } else if (processed) {
      lost.push(
        `${event.label} ${event.id}: marked processed, but its effect is missing (audit ${audits}, case event ${facts.caseEvents.has(event.id)})`,
      );
    } else if (letters.length > 0) {
      deadLettered += 1;
      deadGood.push(...letters);
    } else
      lost.push(
        `${event.label} ${event.id} (${event.fact?.kind ?? 'event'} of ${event.fact?.caseId ?? '?'})`,
      );
  }
  let recovered = 0;
  for (const [id] of unaccepted) {
    if (!facts.processed.has(id)) continue;
    recovered += 1;
    applied.add(id);
    if (auditCount(id) > 1) doubled.push(`(not accepted) ${id}: ${auditCount(id)} audit entries`);
  }
  if (deadGood.length > 0) {
    problems.push(
      `${deadGood.length} good events dead-lettered (a transient fault should be retried until it passes): ${short(deadGood.map((l) => `${l.messageId} ${l.code} "${l.reason}" after ${l.attempts} attempt(s)`))}`,
    );
  }

  // ── events of this employer nobody sent ──
  const known = new Set([...tracked.keys(), ...unaccepted.keys()]);
  const foreign = (
    await query<{ id: string }>(
      'SELECT event_id::text AS id FROM processed_events WHERE employer_id = $1',
      [record.employerId],
    )
  ).filter((r) => !known.has(r.id));
  if (foreign.length > 0)
    problems.push(`${foreign.length} applied events of this employer were never sent`);

  // ── the cases and dossiers ──
  const actualCases = await loadCases(query, record.employerId);
  for (const plan of record.plans) {
    const expected = expectedState(plan, applied);
    const actual = actualCases.get(plan.caseId);
    actualCases.delete(plan.caseId);
    if (expected === null) {
      if (actual !== undefined)
        stale.push(`case ${plan.caseId} exists, but none of its facts is applied`);
      continue;
    }
    if (actual === undefined) {
      stale.push(`case ${plan.caseId} missing`);
      continue;
    }
    const diff = differences(actual, expected);
    if (diff.length > 0) stale.push(`case ${plan.caseId} (${plan.template}): ${diff.join(', ')}`);
  }
  for (const extra of actualCases.keys()) stale.push(`case ${extra} exists but was never planned`);
  const dossiers = await loadDossiers(query, record.employerId);
  const employees = new Set([...record.plans.map((p) => p.employee), ...record.seeded]);
  const sharing = new Set<string>();
  const touched = new Set<string>();
  for (const plan of record.plans) {
    for (const fact of plan.facts) {
      if (!applied.has(fact.eventId)) continue;
      touched.add(plan.employee);
      if (fact.kind !== 'INTREKKING') sharing.add(plan.employee);
    }
  }
  let dossierProblems = 0;
  for (const employee of employees) {
    const d = dossiers.get(employee);
    const seeded = record.seeded.includes(employee);
    if (d === undefined) {
      if (seeded || touched.has(employee)) {
        stale.push(`dossier of ${employee} missing`);
        dossierProblems += 1;
      }
      continue;
    }
    if (d.shares > 1 || d.sharedAudits > 1 || d.createdAudits > 1) {
      doubled.push(
        `dossier ${employee}: ${d.shares} absence shares, ${d.sharedAudits} "dossier.shared" and ${d.createdAudits} "dossier.created" audit entries`,
      );
      continue;
    }
    const mustShare = sharing.has(employee);
    const ok = mustShare
      ? d.vaultState === 'SHARED' && d.absenceShared && d.shares === 1 && d.sharedAudits === 1
      : d.vaultState !== 'SHARED' && d.shares === 0;
    if (!ok || d.createdAudits !== (seeded ? 0 : 1)) {
      stale.push(
        `dossier ${employee}: ${d.vaultState}, absence_shared ${d.absenceShared}, ${d.shares} shares, ${d.createdAudits} created entries; expected ${mustShare ? 'SHARED once' : 'not shared'}${seeded ? ' (existed before)' : ''}`,
      );
      dossierProblems += 1;
    }
  }

  // ── the report ──
  const accepted = tracked.size;
  const row: Omit<LedgerRow, 'title' | 'failed'> = {
    accepted,
    appliedOnce,
    deadLettered,
    rejectedByDesign,
    notAccepted,
    lost: lost.length,
    doubled: doubled.length,
    stale: stale.length,
  };
  if (lost.length > 0) problems.push(`lost: ${short(lost)}`);
  if (doubled.length > 0) problems.push(`doubled: ${short(doubled)}`);
  if (stale.length > 0) problems.push(`stale: ${short(stale)}`);
  for (const exit of record.unexpectedExits)
    problems.push(`${exit.process} died by itself (code ${exit.code}, signal ${exit.signal})`);
  if (!record.quiet.reached) problems.push(`never went quiet: ${record.quiet.detail}`);
  problems.push(...record.problems);
  const http = record.deliveries;
  const attempts = http.map((d) => d.attempts);
  const deadByCode = new Map<string, number>();
  for (const event of tracked.values())
    for (const l of dead.byMessageId(event.id))
      deadByCode.set(l.code, (deadByCode.get(l.code) ?? 0) + 1);
  const lines = [
    `┌─ ledger: ${record.title}`,
    `│ ${LEDGER_HEADER}`,
    `│ ${ledgerRowText({ title: record.title, ...row, failed: false })}`,
    `│ (accepted, applied once, dead-lettered, lost, doubled: events; rejected by design, not accepted: files; stale: cases and dossiers)`,
    `│ files: ${http.length} sent over HTTP, ${http.filter((d) => d.accepted).length} accepted; attempts max ${Math.max(0, ...attempts)}, total ${attempts.reduce((a, b) => a + b, 0)}; ${record.direct.length} published straight to the broker`,
    `│ answers: ${countAnswers(http) || '-'}`,
    `│ not accepted, applied anyway (allowed): ${recovered} events; cases checked ${record.plans.length}; dossiers checked ${employees.size} (${dossierProblems} wrong)`,
    `│ dead letters: ${[...deadByCode.entries()].map(([c, n]) => `${c} ×${n}`).join(', ') || 'none'}`,
    `│ quiet after ${(record.quiet.waitedMs / 1000).toFixed(1)} s${record.quiet.reached ? '' : ` (NOT REACHED: ${record.quiet.detail})`}`,
    ...record.timeline.map((t) => `│ ${t}`),
    `└─ ${problems.length === 0 ? 'OK' : `${record.planted === true ? 'FOUND (planted on purpose)' : 'FAILED'}:\n${problems.map((p) => `   - ${p}`).join('\n')}`}`,
  ];
  return new Ledger(record, lines, problems, row);
}

/** Fails the test with every problem of the ledger, one per line. */
export function assertClean(ledger: Ledger): void {
  if (ledger.problems.length === 0) return;
  throw new Error(
    `${ledger.record.title}: ${ledger.problems.length} problem(s)\n - ${ledger.problems.join('\n - ')}`,
  );
}
