// One run of the fault suite: its own PostgreSQL schema and broker namespace, the gateway cluster
// (2 ingress + 2 consumers), a log folder, and per scenario an employer of its own so ledgers never
// mix. Created on first use, removed at the end (the log folder is kept when anything failed).
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { connect } from 'amqplib';
import { Pool } from 'pg';

import { shortEventType } from '../../../src/canonical/event-types';
import type { CanonicalEvent } from '../../../src/canonical/generated/canonical-event';
import { CredentialStore } from '../../../src/credentials/connector-credentials';
import { dropSchema, migrate } from '../../../src/db/migrate';
import { createDatabase } from '../../../src/db/prisma-client';
import type { Database } from '../../../src/db/prisma-client';
import { deleteTopology } from '../../../src/messaging/assert-topology';
import { HEADER } from '../../../src/messaging/headers';
import { buildTopology } from '../../../src/messaging/topology';
import type { Topology } from '../../../src/messaging/topology';
import { consumerCount, DeadLetterStore, publishRaw } from './broker';
import type { RawPublish } from './broker';
import { Cluster } from './cluster';
import type { ExitRecord, GatewayProcess } from './cluster';
import { postgresReady, queueMessages, recordOriginalWatermark, restoreServices } from './faults';
import { buildLedger, LEDGER_HEADER, ledgerRowText } from './ledger';
import type { DirectPublish, Ledger, LedgerRow, Query } from './ledger';
import { HrSystem, messagesFor, planCases } from './traffic';
import type { Burst, CasePlan, Delivery, Fact, Grouping, HrMessage, PlanOptions } from './traffic';

export const sleep = (ms: number): Promise<void> =>
  new Promise((resolve) => setTimeout(resolve, ms));

const DEFAULT_DATABASE_URL = 'postgresql://postgres@127.0.0.1:5432/postgres';
const DEFAULT_AMQP_URL = 'amqp://guest:guest@127.0.0.1:5672';
/** Short retry tiers (200 ms, 1 s, 5 s), so transient failures settle within a scenario. */
const RETRY_DELAY_MS = 200;

function withApplicationName(url: string, name: string): string {
  const parsed = new URL(url);
  parsed.searchParams.set('application_name', name);
  return parsed.toString();
}

/** Errors of the connection rather than of the statement: worth asking again a little later. */
function isConnectionError(error: unknown): boolean {
  const code = (error as { code?: unknown }).code;
  if (typeof code !== 'string') return true;
  return /^(08|57|53)/.test(code) || /^E[A-Z]+$/.test(code);
}

export class FaultRun {
  readonly id = `${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;
  readonly schema = `faults_${this.id}`;
  readonly namespace = `faults-${this.id}.`;
  readonly databaseUrl = process.env.DATABASE_URL ?? DEFAULT_DATABASE_URL;
  readonly amqpUrl = process.env.AMQP_URL ?? DEFAULT_AMQP_URL;
  /** application_name of every database connection of the gateway processes (never the suite's). */
  readonly gatewayApplicationName = `dkfault-${this.id}-gw-`;
  readonly topology: Topology = buildTopology({
    namespace: this.namespace,
    retryDelayMs: RETRY_DELAY_MS,
  });
  readonly logDir = mkdtempSync(path.join(tmpdir(), 'datakluis-faults-'));
  readonly rows: LedgerRow[] = [];
  readonly dead = new DeadLetterStore(this.amqpUrl, this.topology.queues.dead.name);
  failed = false;
  /** Started completely (schema, processes healthy). */
  ready = false;
  cluster!: Cluster;
  private pool!: Pool;
  private db!: Database;
  private scenarios = 0;

  /** SQL on the run's schema; asks again while the database is briefly away. */
  readonly query: Query = async <T>(sql: string, params: unknown[] = []): Promise<T[]> => {
    for (let attempt = 1; ; attempt += 1) {
      try {
        return (await this.pool.query(sql, params)).rows as T[];
      } catch (error) {
        if (attempt >= 120 || !isConnectionError(error)) throw error;
        await sleep(500);
      }
    }
  };

  async start(): Promise<void> {
    console.log(`    fault run ${this.id}: schema ${this.schema}, namespace ${this.namespace}`);
    console.log(`    process logs: ${this.logDir}`);
    await recordOriginalWatermark();
    await restoreServices();
    await migrate({ url: this.databaseUrl, schema: this.schema });
    const suiteUrl = withApplicationName(this.databaseUrl, `dkfault-${this.id}-suite`);
    this.pool = new Pool({
      connectionString: suiteUrl,
      max: 3,
      options: `-c search_path="${this.schema}"`,
      connectionTimeoutMillis: 5000,
    });
    this.pool.on('error', () => undefined);
    this.db = createDatabase({ url: suiteUrl, schema: this.schema, poolSize: 2 });
    this.cluster = await Cluster.start({
      env: {
        ...(Object.fromEntries(
          Object.entries(process.env).filter(
            ([key, value]) => value !== undefined && key !== 'DATAKLUIS_FAULTS',
          ),
        ) as Record<string, string>),
        DATABASE_SCHEMA: this.schema,
        AMQP_URL: this.amqpUrl,
        AMQP_NAMESPACE: this.namespace,
        HOST: '127.0.0.1',
        LOG_LEVEL: 'info',
        RETRY_DELAY_MS: String(RETRY_DELAY_MS),
        PUBLISH_TIMEOUT_MS: '3000',
        // The ledger reads the dead-letter queue itself: no worker may move it into PostgreSQL.
        DEAD_LETTER_STORE: 'false',
      },
      databaseUrl: this.databaseUrl,
      applicationNamePrefix: this.gatewayApplicationName,
      logDir: this.logDir,
      consumersOnWorkQueue: () => consumerCount(this.amqpUrl, this.topology.queues.apply.name),
    });
    await this.cluster.waitHealthy();
    this.ready = true;
  }

  /** A scenario with an employer (vault active) and a csv credential of its own. */
  async scenario(title: string): Promise<Scenario> {
    this.scenarios += 1;
    const tag = `s${this.scenarios}`;
    const employerId = `fault-${this.id}-${tag}`;
    await this.db.employer.create({
      data: { id: employerId, name: title, vaultState: 'ACTIVE', vaultActivatedAt: new Date() },
    });
    const { token } = await new CredentialStore(this.db).create({ employerId, connectorId: 'csv' });
    await this.cluster.waitHealthy();
    return new Scenario(this, tag, title, employerId, token);
  }

  /** Database connections of the gateway processes right now. */
  async gatewayConnections(): Promise<number> {
    const rows = await this.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM pg_stat_activity
       WHERE datname = current_database() AND application_name LIKE $1`,
      [`${this.gatewayApplicationName}%`],
    );
    return rows[0]?.n ?? 0;
  }

  /** pg_terminate_backend on every database connection of this run's gateway processes, and only those. */
  async terminateGatewayConnections(): Promise<number> {
    const rows = await this.query<{ n: number }>(
      `SELECT count(pg_terminate_backend(pid))::int AS n FROM pg_stat_activity
       WHERE datname = current_database() AND pid <> pg_backend_pid() AND application_name LIKE $1`,
      [`${this.gatewayApplicationName}%`],
    );
    return rows[0]?.n ?? 0;
  }

  /** Rows in the outboxes not yet handed to the broker (whatever outboxes the schema has). */
  async pendingOutbox(): Promise<number> {
    const tables = await this.query<{ table_name: string; published: boolean }>(
      `SELECT t.table_name, EXISTS (SELECT 1 FROM information_schema.columns c
         WHERE c.table_schema = t.table_schema AND c.table_name = t.table_name
           AND c.column_name = 'published_at') AS published
       FROM information_schema.tables t
       WHERE t.table_schema = $1 AND t.table_name LIKE '%outbox%'`,
      [this.schema],
    );
    let pending = 0;
    for (const t of tables) {
      const rows = await this.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM "${t.table_name}"${t.published ? ' WHERE published_at IS NULL' : ''}`,
      );
      pending += rows[0]?.n ?? 0;
    }
    return pending;
  }

  /**
   * Waits until nothing moves: the work queue and the retry queues empty (ready and unacked, as the
   * broker counts them), the outboxes empty, and no new processed event for `stableMs`.
   */
  async waitQuiet(
    timeoutMs = 120000,
    stableMs = 3000,
  ): Promise<{ reached: boolean; waitedMs: number; detail: string }> {
    const started = Date.now();
    let last = '';
    let since = Date.now();
    let detail: string;
    const work = [
      this.topology.queues.apply.name,
      ...this.topology.queues.retries.map((q) => q.name),
    ];
    for (;;) {
      try {
        const queues = await queueMessages(this.namespace);
        const missing = work.filter((q) => !queues.has(q));
        const inQueues = work.reduce((sum, q) => sum + (queues.get(q) ?? 0), 0);
        const outbox = await this.pendingOutbox();
        const processed =
          (await this.query<{ n: number }>('SELECT count(*)::int AS n FROM processed_events'))[0]
            ?.n ?? 0;
        detail = `${inQueues} messages in the work and retry queues, ${outbox} in outboxes${missing.length > 0 ? `, missing queues ${missing.join(', ')}` : ''}`;
        const signature = `${inQueues}|${outbox}|${processed}|${missing.length}`;
        if (signature !== last) {
          last = signature;
          since = Date.now();
        } else if (
          inQueues === 0 &&
          outbox === 0 &&
          missing.length === 0 &&
          Date.now() - since >= stableMs
        ) {
          return { reached: true, waitedMs: Date.now() - started, detail };
        }
      } catch (error) {
        detail = `cannot look: ${(error as Error).message}`;
        since = Date.now();
      }
      if (Date.now() - started > timeoutMs)
        return { reached: false, waitedMs: Date.now() - started, detail };
      await sleep(500);
    }
  }

  record(ledger: Ledger): void {
    this.rows.push(ledger.row);
    if (ledger.row.failed) this.failed = true;
  }

  printSummary(): void {
    if (this.rows.length === 0) return;
    const width = Math.max(...this.rows.map((r) => r.title.length), 8);
    console.log(`\n  fault suite ledger (run ${this.id})`);
    console.log(`  ${'scenario'.padEnd(width)} | ${LEDGER_HEADER} | result`);
    for (const row of this.rows)
      console.log(
        `  ${row.title.padEnd(width)} | ${ledgerRowText(row)} | ${row.failed ? 'FAILED' : 'ok'}`,
      );
  }

  async dispose(): Promise<void> {
    this.printSummary();
    await this.cluster
      ?.stop()
      .catch((error: unknown) => console.error(`stop: ${(error as Error).message}`));
    await restoreServices().catch((error: unknown) => {
      this.failed = true;
      console.error(`fault suite: ${(error as Error).message}`);
    });
    await this.db?.$disconnect().catch(() => undefined);
    await this.pool?.end().catch(() => undefined);
    if (await postgresReady())
      await dropSchema({ url: this.databaseUrl, schema: this.schema }).catch((error: unknown) =>
        console.error(`fault suite clean-up: ${(error as Error).message}`),
      );
    const model = await connect(this.amqpUrl).catch(() => null);
    if (model !== null) {
      model.on('error', () => undefined);
      await deleteTopology(model, this.topology).catch((error: unknown) =>
        console.error(`fault suite clean-up: ${(error as Error).message}`),
      );
      await model.close().catch(() => undefined);
    }
    if (this.failed || !this.ready) console.log(`  process logs kept in ${this.logDir}`);
    else rmSync(this.logDir, { recursive: true, force: true });
  }
}

export class Scenario {
  readonly started = Date.now();
  readonly timeline: string[] = [];
  readonly deliveries: Delivery[] = [];
  readonly direct: DirectPublish[] = [];
  readonly plans: CasePlan[] = [];
  readonly seeded: string[] = [];
  /** Checks of the scenario itself that failed (they fail the ledger too). */
  readonly problems: string[] = [];
  readonly hr: HrSystem;
  /** Exits nobody asked for that the scenario caused on purpose (crash injection). */
  allowExit: (exit: ExitRecord) => boolean = () => false;
  private plansMade = 0;

  constructor(
    readonly run: FaultRun,
    readonly tag: string,
    readonly title: string,
    readonly employerId: string,
    readonly token: string,
  ) {
    this.hr = new HrSystem(run.cluster.urls, token);
  }

  /** A check of the scenario that failed: reported in the ledger, fails the scenario. */
  problem(text: string): void {
    this.problems.push(text);
    this.note(`PROBLEM: ${text}`);
  }

  /** Writes down (and prints) what happens when, relative to the scenario's start. */
  note(text: string): void {
    const line = `+${((Date.now() - this.started) / 1000).toFixed(1)}s ${text}`;
    this.timeline.push(line);
    console.log(`      ${line}`);
  }

  plan(options: Omit<PlanOptions, 'prefix'> & { prefix?: string }): CasePlan[] {
    this.plansMade += 1;
    const plans = planCases(this.employerId, {
      ...options,
      prefix: options.prefix ?? `${this.tag}${String.fromCharCode(96 + this.plansMade)}`,
    });
    this.plans.push(...plans);
    return plans;
  }

  messages(plans: readonly CasePlan[], grouping: Grouping, seed = 7): HrMessage[] {
    return messagesFor(plans, grouping, seed);
  }

  /** Dossiers that exist (IN_VAULT) before any absence comes in, for every other employee. */
  async seedDossiers(plans: readonly CasePlan[]): Promise<void> {
    const employees = [...new Set(plans.map((p) => p.employee))].filter((_, i) => i % 2 === 0);
    for (const employee of employees) {
      await this.run.query(
        `INSERT INTO dossiers (id, employer_id, external_id, vault_state)
         VALUES (gen_random_uuid(), $1, $2, 'IN_VAULT')`,
        [this.employerId, employee],
      );
      this.seeded.push(employee);
    }
  }

  async send(message: HrMessage): Promise<Delivery> {
    const delivery = await this.hr.deliver(message);
    this.deliveries.push(delivery);
    return delivery;
  }

  burst(
    messages: readonly HrMessage[],
    options: { concurrency: number; durationMs: number },
  ): Burst {
    const burst = this.hr.startBurst(messages, options);
    this.note(
      `burst: ${messages.length} files, ${options.concurrency} senders, over ~${options.durationMs / 1000} s`,
    );
    return {
      startedAt: burst.startedAt,
      done: burst.done.then((deliveries) => {
        this.deliveries.push(...deliveries);
        this.note(
          `burst done: ${deliveries.filter((d) => d.accepted).length}/${deliveries.length} accepted`,
        );
        return deliveries;
      }),
    };
  }

  /** Waits until `ms` after `from` (a burst's start). */
  async at(from: number, ms: number): Promise<void> {
    const wait = from + ms - Date.now();
    if (wait > 0) await sleep(wait);
  }

  /** Publishes canonical events of `facts` straight to the gateway's exchange, each `copies` times. */
  async publishEvents(
    label: string,
    events: readonly CanonicalEvent[],
    facts: readonly Fact[],
    copies = 2,
  ): Promise<void> {
    const byId = new Map(facts.map((f) => [f.eventId, f]));
    const messages: RawPublish[] = [];
    for (let copy = 0; copy < copies; copy += 1) {
      for (const event of events) {
        messages.push({
          routingKey: `csv.${shortEventType(event.type)}`,
          body: Buffer.from(JSON.stringify(event)),
          messageId: event.id,
          headers: {
            [HEADER.connector]: 'csv',
            [HEADER.employer]: event.employerid,
            [HEADER.schemaVersion]: '1',
          },
        });
      }
    }
    await publishRaw(this.run.amqpUrl, this.run.topology.exchanges.absence.name, messages);
    for (const event of events) {
      const fact = byId.get(event.id);
      this.direct.push({ label, messageId: event.id, ...(fact === undefined ? {} : { fact }) });
    }
    this.note(`${label}: ${events.length} events published ${copies}× straight to the exchange`);
  }

  /** Publishes bodies that are not canonical events; each must end in the dead-letter queue. */
  async publishPoison(
    items: readonly { label: string; body: Buffer; deadCodes: string[]; routingKey?: string }[],
  ): Promise<void> {
    const messages = items.map((item, i) => ({
      label: item.label,
      messageId: `poison-${this.run.id}-${this.tag}-${i + 1}`,
      routingKey: item.routingKey ?? 'csv.absence.reported',
      body: item.body,
      deadCodes: item.deadCodes,
    }));
    await publishRaw(
      this.run.amqpUrl,
      this.run.topology.exchanges.absence.name,
      messages.map((m) => ({ routingKey: m.routingKey, body: m.body, messageId: m.messageId })),
    );
    for (const m of messages)
      this.direct.push({ label: m.label, messageId: m.messageId, deadCodes: m.deadCodes });
    this.note(`${items.length} poison messages published straight to the exchange`);
  }

  /** Waits until every one of `eventIds` is in processed_events (bounded). */
  async waitApplied(eventIds: readonly string[], timeoutMs = 30000): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const rows = await this.run.query<{ n: number }>(
        'SELECT count(*)::int AS n FROM processed_events WHERE event_id = ANY($1::uuid[])',
        [eventIds],
      );
      if ((rows[0]?.n ?? 0) === new Set(eventIds).size) return true;
      if (Date.now() > deadline) return false;
      await sleep(100);
    }
  }

  /**
   * Heals, waits until quiet, classifies, prints the ledger; the caller asserts `problems`.
   * `planted: true` (the oracle's self-check) keeps it out of the run's summary.
   */
  async finish(options: { planted?: boolean } = {}): Promise<Ledger> {
    try {
      await this.run.cluster.waitHealthy();
    } catch (error) {
      this.problem((error as Error).message); // the ledger still says what became of the traffic
    }
    const quiet = await this.run.waitQuiet();
    await this.run.dead.drain();
    const unexpectedExits = this.run.cluster
      .exitsSince(this.started)
      .filter((exit) => !exit.requested && !this.allowExit(exit));
    const ledger = await buildLedger(this.run.query, this.run.dead, {
      title: this.title,
      employerId: this.employerId,
      plans: this.plans,
      deliveries: this.deliveries,
      direct: this.direct,
      seeded: this.seeded,
      timeline: this.timeline,
      unexpectedExits,
      quiet,
      problems: this.problems,
      ...(options.planted === true ? { planted: true } : {}),
    });
    ledger.print();
    if (options.planted !== true) this.run.record(ledger);
    return ledger;
  }
}

let current: Promise<FaultRun> | null = null;
let started: FaultRun | null = null;

/** The run of this mocha process (started on first use). */
/** How long a process may take to stop on SIGTERM (the gateway's own steps have 5–10 s deadlines). */
const SHUTDOWN_DEADLINE_MS = 15000;

/** SIGTERM `p`, check it stopped in time and cleanly, and start it again. */
export async function terminateAndRestart(s: Scenario, p: GatewayProcess): Promise<void> {
  s.note(`SIGTERM ${p.name} (pid ${p.pid})`);
  const sent = Date.now();
  const exit = await p.signal('SIGTERM', 60000);
  const took = Date.now() - sent;
  s.note(
    `${p.name} exited after ${(took / 1000).toFixed(1)} s (code ${exit.code}, signal ${exit.signal})`,
  );
  if (took > SHUTDOWN_DEADLINE_MS)
    s.problem(
      `${p.name} took ${(took / 1000).toFixed(1)} s to stop on SIGTERM (deadline ${SHUTDOWN_DEADLINE_MS / 1000} s)`,
    );
  if (exit.code !== 0)
    s.problem(`${p.name} exited with code ${exit.code}, signal ${exit.signal} on SIGTERM`);
  p.start();
  s.note(`${p.name} started again`);
}

export function getFaultRun(): Promise<FaultRun> {
  current ??= (async () => {
    const run = new FaultRun();
    started = run;
    await run.start();
    return run;
  })();
  return current;
}

/** The run if one was started (also half-way), for clean-up paths. */
export function startedFaultRun(): FaultRun | null {
  return started;
}
