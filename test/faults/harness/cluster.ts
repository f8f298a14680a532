// The gateway as production runs it: separate operating-system processes, two ingress and two
// consumers side by side (`node bin/datakluis.cjs serve …`), configured through the environment
// only. Each process writes to its own log file. Like a supervisor, the cluster restarts a process
// that died without being asked to (and records it); the suite can SIGTERM, SIGKILL or restart any.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { closeSync, openSync, readFileSync, writeSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';

import { projectRoot } from '../../../src/shared/project-root';

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export type Role = 'ingress' | 'consumer';

export interface ExitRecord {
  process: string;
  code: number | null;
  signal: NodeJS.Signals | null;
  /** Epoch ms of the exit. */
  at: number;
  /** The suite asked for it (SIGTERM, SIGKILL, stop); otherwise the process died by itself. */
  requested: boolean;
  /** The fault-injection setting it ran with, if any. */
  faults?: string;
}

/** A free TCP port on 127.0.0.1 (kept for the process across restarts). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export class GatewayProcess {
  child: ChildProcess | null = null;
  readonly exits: ExitRecord[] = [];
  /** Restart by itself after an unrequested exit (a supervisor's job). */
  supervised = true;
  private requested = false;
  private exited: Promise<ExitRecord> | null = null;

  constructor(
    readonly name: string,
    readonly role: Role,
    private readonly env: Record<string, string>,
    readonly logPath: string,
    readonly port: number | null,
    private readonly onUnrequestedExit: (process: GatewayProcess, exit: ExitRecord) => void,
  ) {}

  get url(): string {
    return `http://127.0.0.1:${this.port ?? 0}`;
  }

  get running(): boolean {
    return this.child !== null;
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  /** Starts the process; `extraEnv` applies to this start only (e.g. DATAKLUIS_FAULTS). */
  start(extraEnv: Record<string, string> = {}): void {
    if (this.child !== null) throw new Error(`${this.name} runs already`);
    this.requested = false;
    const log = openSync(this.logPath, 'a');
    const note = Object.keys(extraEnv).length === 0 ? '' : ` with ${JSON.stringify(extraEnv)}`;
    writeSync(log, `--- fault suite: start ${new Date().toISOString()}${note} ---\n`);
    const child = spawn(process.execPath, ['bin/datakluis.cjs', 'serve', this.role], {
      cwd: projectRoot(),
      env: { ...this.env, ...extraEnv },
      stdio: ['ignore', log, log],
    });
    closeSync(log);
    this.child = child;
    const faults = extraEnv.DATAKLUIS_FAULTS;
    this.exited = new Promise<ExitRecord>((resolve) => {
      child.once('exit', (code, signal) => {
        const record: ExitRecord = {
          process: this.name,
          code,
          signal,
          at: Date.now(),
          requested: this.requested,
          ...(faults === undefined ? {} : { faults }),
        };
        this.exits.push(record);
        if (this.child === child) this.child = null;
        const log2 = openSync(this.logPath, 'a');
        writeSync(log2, `--- fault suite: exit code=${code} signal=${signal} ---\n`);
        closeSync(log2);
        resolve(record);
        if (!record.requested) this.onUnrequestedExit(this, record);
      });
    });
  }

  /** Sends `signal` and waits for the exit (SIGKILL after `timeoutMs`). */
  async signal(signal: NodeJS.Signals, timeoutMs = 30000): Promise<ExitRecord> {
    const child = this.child;
    const exited = this.exited;
    if (child === null || exited === null) throw new Error(`${this.name} does not run`);
    this.requested = true;
    child.kill(signal);
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    try {
      return await exited;
    } finally {
      clearTimeout(timer);
    }
  }

  /** Waits for the process to exit by itself (e.g. a crash it was told to have). */
  async waitForExit(timeoutMs: number): Promise<ExitRecord | null> {
    const exited = this.exited;
    if (exited === null) return null;
    return Promise.race([exited, sleep(timeoutMs).then(() => null)]);
  }

  /** Stops (SIGTERM) if running and starts again with `extraEnv`. */
  async restart(extraEnv: Record<string, string> = {}): Promise<void> {
    if (this.child !== null) await this.signal('SIGTERM');
    this.start(extraEnv);
  }

  /** The log since the process's last start. */
  currentLog(): string {
    const text = readFileSync(this.logPath, 'utf8');
    return text.slice(text.lastIndexOf('--- fault suite: start'));
  }

  /** For exit handlers: no waiting. */
  killNow(): void {
    this.requested = true;
    this.child?.kill('SIGKILL');
  }
}

export interface ClusterOptions {
  env: Record<string, string>;
  /** DATABASE_URL without application_name; each process gets its own name on it. */
  databaseUrl: string;
  /** application_name prefix of every gateway process's database connections. */
  applicationNamePrefix: string;
  logDir: string;
  /** Consumers on the run's work queue right now (null: cannot tell). */
  consumersOnWorkQueue: () => Promise<number | null>;
}

function withApplicationName(url: string, name: string): string {
  const parsed = new URL(url);
  parsed.searchParams.set('application_name', name);
  return parsed.toString();
}

export class Cluster {
  readonly ingresses: GatewayProcess[] = [];
  readonly consumers: GatewayProcess[] = [];
  private stopping = false;

  private constructor(private readonly options: ClusterOptions) {}

  get processes(): GatewayProcess[] {
    return [...this.ingresses, ...this.consumers];
  }

  get urls(): string[] {
    return this.ingresses.map((p) => p.url);
  }

  /** Starts the processes (not waiting for them: see waitHealthy). */
  static async start(
    options: ClusterOptions,
    size = { ingress: 2, consumer: 2 },
  ): Promise<Cluster> {
    const cluster = new Cluster(options);
    const add = async (role: Role, index: number): Promise<void> => {
      const name = `${role}-${index}`;
      const port = role === 'ingress' ? await freePort() : null;
      const env = {
        ...options.env,
        DATABASE_URL: withApplicationName(
          options.databaseUrl,
          `${options.applicationNamePrefix}${name}`,
        ),
        PORT: String(port ?? 0),
      };
      const gateway = new GatewayProcess(
        name,
        role,
        env,
        path.join(options.logDir, `${name}.log`),
        port,
        (p, exit) => cluster.supervise(p, exit),
      );
      (role === 'ingress' ? cluster.ingresses : cluster.consumers).push(gateway);
    };
    for (let i = 1; i <= size.ingress; i += 1) await add('ingress', i);
    for (let i = 1; i <= size.consumer; i += 1) await add('consumer', i);
    for (const p of cluster.processes) p.start();
    return cluster;
  }

  /** A process died without being asked: start it again (without any fault injection). */
  private supervise(gateway: GatewayProcess, exit: ExitRecord): void {
    if (this.stopping || !gateway.supervised) return;
    console.log(
      `      [cluster] ${gateway.name} exited by itself (code ${exit.code}, signal ${exit.signal}); restarting it`,
    );
    setTimeout(() => {
      if (!this.stopping && !gateway.running) gateway.start();
    }, 500).unref();
  }

  /** Every exit since `since` (epoch ms). */
  exitsSince(since: number): ExitRecord[] {
    return this.processes.flatMap((p) => p.exits.filter((e) => e.at >= since));
  }

  /**
   * Every process runs, both ingress answer /readyz 200 and both consumers consume the work queue.
   * Starts what is not running (a scenario may have stopped it).
   */
  async waitHealthy(timeoutMs = 90000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      for (const p of this.processes) if (!p.running) p.start();
      const problems: string[] = [];
      await Promise.all(
        this.ingresses.map(async (p) => {
          try {
            const response = await fetch(`${p.url}/readyz`, { signal: AbortSignal.timeout(3000) });
            if (response.status !== 200) problems.push(`${p.name} /readyz ${response.status}`);
            await response.body?.cancel();
          } catch {
            problems.push(`${p.name} not answering`);
          }
        }),
      );
      const consuming = await this.options.consumersOnWorkQueue();
      if (consuming !== this.consumers.length)
        problems.push(
          `${consuming ?? 'unknown'} of ${this.consumers.length} consumers on the work queue`,
        );
      if (problems.length === 0) return;
      if (Date.now() > deadline)
        throw new Error(`the gateway processes did not become healthy: ${problems.join(', ')}`);
      await sleep(250);
    }
  }

  async stop(): Promise<void> {
    this.stopping = true;
    await Promise.all(
      this.processes.filter((p) => p.running).map((p) => p.signal('SIGTERM', 15000)),
    );
  }

  /** For exit handlers: SIGKILL whatever still runs. */
  killAllNow(): void {
    this.stopping = true;
    for (const p of this.processes) p.killNow();
  }
}
