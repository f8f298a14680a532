// The "HR system": absence cases planned in advance (so the end state of each case is known before
// anything is sent), written as CSV files in the connector's format (connectors/csv/README.md) and
// POSTed over HTTP round-robin to the ingress processes by several senders at once. Like a real HR
// system it sends the same file again after a 503 or a broken connection (honouring Retry-After,
// for a bounded time) and keeps, per file, the final answer, the event ids of the 202 and the
// attempts it took.
import { connectorModules } from '../../../connectors';
import type { CanonicalEvent } from '../../../src/canonical/generated/canonical-event';

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export type Kind =
  'ZIEKMELDING' | 'WIJZIGING' | 'GEDEELTELIJK_HERSTEL' | 'HERSTELMELDING' | 'INTREKKING';

/** One row of a CSV file: one fact about one absence case. */
export interface Fact {
  mutationId: string;
  /** Place of the fact in its case's order of occurrence (0 = first): the truth for the expectation. */
  index: number;
  /** `tijdstip`, RFC 3339. */
  time: string;
  employee: string;
  caseId: string;
  kind: Kind;
  /** `volgnummer`, when the case is sent with sequence numbers. */
  sequence?: number;
  startDate: string;
  reportedOn?: string;
  percentage?: number;
  effectiveDate?: string;
  expectedReturn?: string;
  lastSickDay?: string;
  recoveryDate?: string;
  /** The canonical event id and type the connector makes of this row (filled by `planCases`). */
  eventId: string;
  eventType: string;
}

export type Template = 'full' | 'changes' | 'withdrawn' | 'short' | 'open';

export interface CasePlan {
  caseId: string;
  employee: string;
  template: Template;
  /** In order of occurrence. */
  facts: Fact[];
}

export type Intent =
  /** A good file: must be accepted (after retries) and applied. */
  | 'good'
  /** A bad file: must be refused with a 4xx ("rejected by design"). */
  | 'bad'
  /** Accepted, but its events must end in the dead-letter queue (e.g. a case id of someone else). */
  | 'dead';

export interface HrMessage {
  label: string;
  contentType: string;
  body: string;
  facts: Fact[];
  intent: Intent;
  /** For `bad`: the status it must be refused with. */
  expectStatus?: number;
  /** For `dead`: the dead-letter reason its events must carry. */
  deadCode?: string;
}

export interface Delivery {
  message: HrMessage;
  /** The last HTTP status (null: no HTTP answer at all). */
  status: number | null;
  accepted: boolean;
  receiptIds: string[];
  code?: string;
  attempts: number;
  /** Every answer in order: `202`, `503 BROKER_UNAVAILABLE`, `connection error`, … */
  answers: string[];
  startedAt: number;
  finishedAt: number;
}

// ── planning ───────────────────────────────────────────────────────────────────────────────────────

/** A small seeded PRNG (mulberry32), so a run can be repeated. */
export function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function addDays(day: string, days: number): string {
  const date = new Date(`${day}T00:00:00Z`);
  date.setUTCDate(date.getUTCDate() + days);
  return date.toISOString().slice(0, 10);
}

const at = (day: string, hh: number, mm: number): string =>
  `${day}T${String(hh).padStart(2, '0')}:${String(mm).padStart(2, '0')}:00Z`;

type FactDraft = Omit<
  Fact,
  'mutationId' | 'index' | 'employee' | 'caseId' | 'eventId' | 'eventType'
>;

/** The facts of one case, in order of occurrence, starting on `start`. */
function draftFacts(template: Template, start: string, minute: number): FactDraft[] {
  const report = (percentage: number, expectedReturn?: string): FactDraft => ({
    kind: 'ZIEKMELDING',
    time: at(start, 8, minute),
    startDate: start,
    reportedOn: start,
    percentage,
    ...(expectedReturn === undefined ? {} : { expectedReturn }),
  });
  switch (template) {
    case 'full':
      return [
        report(100, addDays(start, 21)),
        {
          kind: 'GEDEELTELIJK_HERSTEL',
          time: at(addDays(start, 7), 9, minute),
          startDate: start,
          percentage: 50,
          effectiveDate: addDays(start, 7),
        },
        {
          kind: 'WIJZIGING',
          time: at(addDays(start, 9), 10, minute),
          startDate: start,
          expectedReturn: addDays(start, 28),
        },
        {
          kind: 'HERSTELMELDING',
          time: at(addDays(start, 13), 8, minute),
          startDate: start,
          lastSickDay: addDays(start, 12),
          recoveryDate: addDays(start, 13),
        },
      ];
    case 'changes':
      return [
        report(80),
        {
          kind: 'WIJZIGING',
          time: at(addDays(start, 3), 11, minute),
          startDate: start,
          percentage: 60,
          effectiveDate: addDays(start, 3),
        },
        {
          kind: 'WIJZIGING',
          time: at(addDays(start, 6), 11, minute),
          startDate: start,
          percentage: 30,
          effectiveDate: addDays(start, 6),
          expectedReturn: addDays(start, 20),
        },
      ];
    case 'withdrawn':
      return [
        report(100),
        { kind: 'INTREKKING', time: at(start, 8, minute + 10), startDate: start },
      ];
    case 'short':
      return [
        report(100),
        {
          kind: 'HERSTELMELDING',
          time: at(addDays(start, 4), 7, minute),
          startDate: start,
          recoveryDate: addDays(start, 4),
        },
      ];
    case 'open':
      return [report(70, addDays(start, 30))];
  }
}

export interface PlanOptions {
  /** Makes employee numbers, case ids and mutation ids unique within the employer. */
  prefix: string;
  cases: number;
  templates?: Template[];
  /** Which cases carry `volgnummer`: all, none, or every other one. */
  sequenced?: 'all' | 'none' | 'mixed';
  /** Employees per case (some employees get a second case later on). */
  employeeRatio?: number;
}

/** Plans `cases` absence cases over `employees`; every fact gets its event id from the connector. */
export function planCases(employerId: string, options: PlanOptions): CasePlan[] {
  const templates = options.templates ?? ['full', 'changes', 'withdrawn', 'short', 'open', 'full'];
  const employees = Math.max(1, Math.ceil(options.cases * (options.employeeRatio ?? 0.7)));
  // Far enough in the past that no date is after receipt, whatever day the suite runs.
  const base = addDays(new Date().toISOString().slice(0, 10), -150);
  const plans: CasePlan[] = [];
  for (let i = 0; i < options.cases; i += 1) {
    const employee = `${options.prefix}-${String(i % employees).padStart(4, '0')}`;
    const round = Math.floor(i / employees);
    const start = addDays(base, round * 45 + (i % 10));
    const caseId = `VZ-${options.prefix}-${String(i).padStart(4, '0')}`;
    const template = templates[i % templates.length]!;
    const sequenced = options.sequenced === 'all' || (options.sequenced !== 'none' && i % 2 === 0);
    const facts = draftFacts(template, start, i % 40).map((draft, index): Fact => ({
      ...draft,
      mutationId: `M-${options.prefix}-${String(i).padStart(4, '0')}-${index + 1}`,
      index,
      employee,
      caseId,
      ...(sequenced ? { sequence: index + 1 } : {}),
      eventId: '',
      eventType: '',
    }));
    plans.push({ caseId, employee, template, facts });
  }
  identify(
    employerId,
    plans.flatMap((p) => p.facts),
  );
  return plans;
}

// ── CSV and the connector's translation ────────────────────────────────────────────────────────────

const COLUMNS = [
  'mutatie_id',
  'tijdstip',
  'personeelsnummer',
  'soort',
  'verzuim_id',
  'volgnummer',
  'eerste_ziektedag',
  'meldingsdatum',
  'percentage',
  'ingangsdatum',
  'verwachte_hersteldatum',
  'laatste_ziektedag',
  'hersteldatum',
] as const;

function row(fact: Fact): string {
  return [
    fact.mutationId,
    fact.time,
    fact.employee,
    fact.kind,
    fact.caseId,
    fact.sequence ?? '',
    fact.startDate,
    fact.reportedOn ?? '',
    fact.percentage ?? '',
    fact.effectiveDate ?? '',
    fact.expectedReturn ?? '',
    fact.lastSickDay ?? '',
    fact.recoveryDate ?? '',
  ].join(';');
}

export function csvOf(facts: readonly Fact[]): string {
  return `${[COLUMNS.join(';'), ...facts.map(row)].join('\r\n')}\r\n`;
}

/** What the csv connector makes of `body` for `employerId` (the adapter is pure: no services). */
export function translateCsv(employerId: string, body: string): CanonicalEvent[] {
  const adapter = connectorModules.find((m) => m.adapter.id === 'csv')?.adapter;
  if (adapter === undefined) throw new Error('no csv connector');
  const result = adapter.translate({
    connectorId: 'csv',
    employerId,
    receivedAt: new Date().toISOString(),
    contentType: 'text/csv',
    body,
    headers: {},
  });
  if (result.outcome !== 'translated')
    throw new Error(`the planned file does not translate: ${JSON.stringify(result)}`);
  return result.events;
}

/** Fills each fact's event id and type: one row per file, so each event is known to be its row's. */
export function identify(employerId: string, facts: readonly Fact[]): void {
  for (const fact of facts) {
    const events = translateCsv(employerId, csvOf([fact]));
    if (events.length !== 1)
      throw new Error(`row ${fact.mutationId} makes ${events.length} events`);
    fact.eventId = events[0]!.id;
    fact.eventType = events[0]!.type;
  }
}

/** The canonical events of `facts` exactly as the ingress would publish them. */
export function canonicalEventsOf(employerId: string, facts: readonly Fact[]): CanonicalEvent[] {
  return translateCsv(employerId, csvOf(facts));
}

/** A good file with exactly these rows. */
export function messageOf(label: string, facts: Fact[]): HrMessage {
  return { label, contentType: 'text/csv', body: csvOf(facts), facts, intent: 'good' };
}

export type Grouping = 'per-fact' | 'per-case' | 'mixed';

/**
 * The files the HR system sends for `plans`. `per-fact`: one file per row, in order of time across
 * cases (reports first, recoveries last); `per-case`: one file per case; `mixed`: some of each, plus
 * files with the rows of three cases together.
 */
export function messagesFor(plans: readonly CasePlan[], grouping: Grouping, seed = 1): HrMessage[] {
  const rnd = random(seed);
  const single: Fact[] = [];
  const whole: HrMessage[] = [];
  const bundles: CasePlan[][] = [];
  let bundle: CasePlan[] = [];
  for (const plan of plans) {
    const choice = grouping === 'mixed' ? rnd() : grouping === 'per-case' ? 0.5 : 0;
    if (choice < 0.4) single.push(...plan.facts);
    else if (choice < 0.8) whole.push(messageOf(`case ${plan.caseId}`, plan.facts));
    else {
      bundle.push(plan);
      if (bundle.length === 3) {
        bundles.push(bundle);
        bundle = [];
      }
    }
  }
  if (bundle.length > 0) bundles.push(bundle);
  const files = [
    ...whole,
    ...bundles.map((b) =>
      messageOf(
        `cases ${b.map((p) => p.caseId).join('+')}`,
        b.flatMap((p) => p.facts),
      ),
    ),
  ];
  const rows = single
    .sort((a, b) => a.index - b.index)
    .map((fact) => messageOf(`row ${fact.mutationId}`, [fact]));
  return mergeEvenly(files, rows);
}

/** `a` and `b` merged so that each is spread evenly over the result; each keeps its own order. */
function mergeEvenly<T>(a: readonly T[], b: readonly T[]): T[] {
  const out: T[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    const takeA =
      j >= b.length || (i < a.length && (i + 1) / (a.length + 1) <= (j + 1) / (b.length + 1));
    out.push(takeA ? a[i++]! : b[j++]!);
  }
  return out;
}

// ── sending ────────────────────────────────────────────────────────────────────────────────────────

export interface SendOptions {
  /** How long the HR system keeps trying one file. */
  budgetMs?: number;
  requestTimeoutMs?: number;
}

export interface Burst {
  startedAt: number;
  done: Promise<Delivery[]>;
}

export class HrSystem {
  private next = 0;

  constructor(
    private readonly urls: readonly string[],
    private readonly token: string,
    private readonly options: SendOptions = {},
  ) {}

  /** Sends one file until it gets an answer that is not "try again", or the budget is spent. */
  async deliver(message: HrMessage): Promise<Delivery> {
    const startedAt = Date.now();
    const budget = this.options.budgetMs ?? 60000;
    const answers: string[] = [];
    let status: number | null = null;
    let code: string | undefined;
    for (let attempt = 1; ; attempt += 1) {
      const url = this.urls[this.next++ % this.urls.length]!;
      let wait = 500;
      try {
        const response = await fetch(`${url}/v1/connectors/csv/messages`, {
          method: 'POST',
          headers: { authorization: `Bearer ${this.token}`, 'content-type': message.contentType },
          body: message.body,
          signal: AbortSignal.timeout(this.options.requestTimeoutMs ?? 20000),
        });
        const text = await response.text();
        let body: { code?: string; events?: { id: string }[] } = {};
        try {
          body = JSON.parse(text) as typeof body;
        } catch {
          // not JSON: recorded by its status only
        }
        status = response.status;
        code = body.code;
        answers.push(code === undefined ? String(status) : `${status} ${code}`);
        if (status >= 200 && status < 300) {
          return {
            message,
            status,
            accepted: true,
            receiptIds: (body.events ?? []).map((e) => e.id),
            ...(code === undefined ? {} : { code }),
            attempts: attempt,
            answers,
            startedAt,
            finishedAt: Date.now(),
          };
        }
        const retryable = status === 503 || status === 429 || status >= 500;
        if (!retryable) break;
        const after = Number(response.headers.get('retry-after'));
        wait = Number.isFinite(after) && after > 0 ? after * 1000 : 1000;
      } catch (error) {
        const name = (error as Error).name;
        answers.push(name === 'TimeoutError' ? 'no answer in time' : 'connection error');
      }
      const left = budget - (Date.now() - startedAt);
      if (left <= 0) break;
      await sleep(Math.min(wait, left));
    }
    return {
      message,
      status,
      accepted: false,
      receiptIds: [],
      ...(code === undefined ? {} : { code }),
      attempts: answers.length,
      answers,
      startedAt,
      finishedAt: Date.now(),
    };
  }

  /**
   * Sends `messages` with `concurrency` senders, spread over about `durationMs` (file k is not
   * started before k × durationMs / messages after the start), so a fault can hit the middle.
   */
  startBurst(
    messages: readonly HrMessage[],
    options: { concurrency: number; durationMs: number },
  ): Burst {
    const startedAt = Date.now();
    const interval = messages.length === 0 ? 0 : options.durationMs / messages.length;
    const deliveries: Delivery[] = new Array<Delivery>(messages.length);
    let taken = 0;
    const sender = async (): Promise<void> => {
      for (;;) {
        const k = taken++;
        if (k >= messages.length) return;
        const due = startedAt + k * interval - Date.now();
        if (due > 0) await sleep(due);
        deliveries[k] = await this.deliver(messages[k]!);
      }
    };
    const done = Promise.all(
      Array.from({ length: Math.max(1, options.concurrency) }, () => sender()),
    ).then(() => deliveries);
    return { startedAt, done };
  }
}
