// What the fault suite does to the shared RabbitMQ and PostgreSQL, and how it puts them back. Every
// action that disturbs more than this run's own processes runs under the coordination lock
// (`exclusive`), and every fault is undone in a `finally`; `restoreServices` double-checks at the end
// and `restoreServicesSync` does the same from an exit or signal handler.
import { execFile, execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';

/** Exists while the main test suite runs (the other side of the coordination). */
export const MAIN_TESTS_LOCK = '/tmp/datakluis-main-tests-running';
/** Exists while this suite disturbs the shared services. */
export const FAULTS_LOCK = '/tmp/datakluis-faults-running';

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

function exec(command: string, args: readonly string[], timeoutMs = 120000): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(command, args, { timeout: timeoutMs, encoding: 'utf8' }, (error, stdout, stderr) => {
      if (error === null) resolve(stdout);
      else
        reject(new Error(`${command} ${args.join(' ')}: ${error.message.trim()} ${stderr.trim()}`));
    });
  });
}

const rabbitmqctl = (...args: string[]): Promise<string> => exec('rabbitmqctl', args);

function postgresVersion(): string {
  const versions = readdirSync('/etc/postgresql').sort();
  const version = versions.at(-1);
  if (version === undefined) throw new Error('no PostgreSQL cluster under /etc/postgresql');
  return version;
}

const pgCtl = (action: 'start' | 'stop'): string[] => [
  '--skip-systemctl-redirect',
  postgresVersion(),
  'main',
  action,
  ...(action === 'stop' ? ['-m', 'fast'] : []),
];

// ── what is disturbed right now (for the clean-up paths) ──────────────────────────────────────────

const disturbed = { brokerStopped: false, watermarkChanged: false, postgresStopped: false };
let originalWatermark: string | null = null;
let holdingLock = false;

/** The watermark as rabbitmqctl set_vm_memory_high_watermark takes it: `0.4` or `absolute 1073741824`. */
function watermarkArgs(value: string): string[] {
  const absolute = /^\{absolute,\s*"?([0-9A-Za-z.]+)"?\}$/.exec(value.trim());
  return absolute === null ? [value.trim()] : ['absolute', absolute[1]!];
}

/**
 * Reads the broker's memory watermark before anything is changed. A live value of 0 is a leftover of
 * an interrupted run: the configured value (`rabbitmqctl environment`) is the original then.
 */
export async function recordOriginalWatermark(): Promise<string> {
  if (originalWatermark !== null) return originalWatermark;
  const live = (
    await rabbitmqctl('eval', 'vm_memory_monitor:get_vm_memory_high_watermark().')
  ).trim();
  let value = live;
  if (live === '0' || live === '0.0') {
    const environment = await rabbitmqctl('environment');
    value = /\{vm_memory_high_watermark,([^}]*\}?)\}/.exec(environment)?.[1]?.trim() ?? '0.4';
    console.warn(`fault suite: memory watermark was left at 0; restoring the configured ${value}`);
    await rabbitmqctl('set_vm_memory_high_watermark', ...watermarkArgs(value));
  }
  originalWatermark = value;
  return value;
}

// ── coordination with the main test suite ──────────────────────────────────────────────────────────

/** Waits until the main suite is not running, then marks this suite as disturbing the services. */
export async function acquireServices(maxWaitMs = 15 * 60 * 1000): Promise<void> {
  const deadline = Date.now() + maxWaitMs;
  let told = 0;
  while (existsSync(MAIN_TESTS_LOCK) || heldByAnotherRun()) {
    if (Date.now() > deadline)
      throw new Error(`${MAIN_TESTS_LOCK} still exists after ${maxWaitMs / 1000} s`);
    if (Date.now() - told > 30000) {
      console.log(
        `fault suite: waiting until ${MAIN_TESTS_LOCK} is gone (main tests running) or another fault run is done`,
      );
      told = Date.now();
    }
    await sleep(1000);
  }
  writeFileSync(
    FAULTS_LOCK,
    JSON.stringify({ pid: process.pid, since: new Date().toISOString(), originalWatermark }),
  );
  holdingLock = true;
}

export function releaseServices(): void {
  if (!holdingLock) return;
  holdingLock = false;
  try {
    unlinkSync(FAULTS_LOCK);
  } catch {
    // already gone
  }
}

/** Another fault run (a live process) holds the services. */
function heldByAnotherRun(): boolean {
  if (holdingLock || !existsSync(FAULTS_LOCK)) return false;
  try {
    const { pid } = JSON.parse(readFileSync(FAULTS_LOCK, 'utf8')) as { pid?: number };
    if (pid === undefined || pid === process.pid) return false;
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** A lock file left by an earlier run that died: its process is gone, so is its claim. */
export function clearStaleFaultsLock(): void {
  if (!existsSync(FAULTS_LOCK)) return;
  try {
    const { pid } = JSON.parse(readFileSync(FAULTS_LOCK, 'utf8')) as { pid?: number };
    if (pid !== undefined && pid !== process.pid) process.kill(pid, 0);
  } catch {
    unlinkSync(FAULTS_LOCK);
  }
}

/** Runs `work` while holding the services (the main suite is not running); always releases. */
export async function exclusive<T>(work: () => Promise<T>): Promise<T> {
  await acquireServices();
  try {
    return await work();
  } finally {
    try {
      await restoreServices();
    } finally {
      releaseServices();
    }
  }
}

// ── RabbitMQ ───────────────────────────────────────────────────────────────────────────────────────

export async function brokerRunning(): Promise<boolean> {
  try {
    return (await exec('rabbitmqctl', ['eval', 'rabbit:is_running().'], 20000)).trim() === 'true';
  } catch {
    return false;
  }
}

export async function stopBroker(): Promise<void> {
  disturbed.brokerStopped = true;
  await rabbitmqctl('stop_app');
}

export async function startBroker(): Promise<void> {
  await rabbitmqctl('start_app');
  await rabbitmqctl('await_startup', '--timeout', '120');
  disturbed.brokerStopped = false;
}

async function alarms(): Promise<string> {
  return (await rabbitmqctl('eval', 'rabbit_alarm:get_alarms().')).trim();
}

/** Raises the memory alarm (watermark 0): the broker blocks every publishing connection. */
export async function raiseMemoryAlarm(): Promise<void> {
  await recordOriginalWatermark();
  disturbed.watermarkChanged = true;
  await rabbitmqctl('set_vm_memory_high_watermark', '0');
  const deadline = Date.now() + 30000;
  while (!(await alarms()).includes('memory')) {
    if (Date.now() > deadline) throw new Error('the memory alarm did not go off');
    await sleep(200);
  }
}

export async function clearMemoryAlarm(): Promise<void> {
  const original = await recordOriginalWatermark();
  await rabbitmqctl('set_vm_memory_high_watermark', ...watermarkArgs(original));
  disturbed.watermarkChanged = false;
  const deadline = Date.now() + 60000;
  while ((await alarms()).includes('memory')) {
    if (Date.now() > deadline) throw new Error('the memory alarm did not clear');
    await sleep(200);
  }
}

/** Closes every connection on the broker (all of them: this is why it runs under the lock). */
export async function closeAllConnections(): Promise<void> {
  await rabbitmqctl('close_all_connections', 'fault test');
}

/** Ready and unacked messages per queue of `namespace`, from the broker itself. */
export async function queueMessages(namespace: string): Promise<Map<string, number>> {
  const out = await exec(
    'rabbitmqctl',
    ['list_queues', '-q', '--no-table-headers', 'name', 'messages'],
    30000,
  );
  const counts = new Map<string, number>();
  for (const line of out.split('\n')) {
    const [name, messages] = line.trim().split(/\s+/);
    if (name !== undefined && name.startsWith(namespace)) counts.set(name, Number(messages));
  }
  return counts;
}

// ── PostgreSQL ─────────────────────────────────────────────────────────────────────────────────────

export async function postgresReady(): Promise<boolean> {
  try {
    await exec('pg_isready', ['-q', '-h', '127.0.0.1'], 10000);
    return true;
  } catch {
    return false;
  }
}

export async function stopPostgres(): Promise<void> {
  disturbed.postgresStopped = true;
  await exec('pg_ctlcluster', pgCtl('stop'));
}

export async function startPostgres(): Promise<void> {
  if (!(await postgresReady())) {
    await exec('pg_ctlcluster', pgCtl('start')).catch((error: unknown) => {
      // "cluster is already running" is fine; anything else shows in the wait below
      console.warn(`fault suite: ${(error as Error).message}`);
    });
  }
  const deadline = Date.now() + 60000;
  while (!(await postgresReady())) {
    if (Date.now() > deadline) throw new Error('PostgreSQL did not come back within 60 s');
    await sleep(300);
  }
  disturbed.postgresStopped = false;
}

// ── putting everything back ────────────────────────────────────────────────────────────────────────

/** Leaves both services running and healthy, whatever a scenario did (idempotent). */
export async function restoreServices(): Promise<void> {
  const problems: string[] = [];
  const step = async (what: string, work: () => Promise<void>): Promise<void> => {
    try {
      await work();
    } catch (error) {
      problems.push(`${what}: ${(error as Error).message}`);
    }
  };
  await step('RabbitMQ', async () => {
    if (!(await brokerRunning())) await startBroker();
    disturbed.brokerStopped = false;
  });
  await step('memory watermark', async () => {
    if (originalWatermark === null) return;
    const live = (
      await rabbitmqctl('eval', 'vm_memory_monitor:get_vm_memory_high_watermark().')
    ).trim();
    if (live !== originalWatermark || disturbed.watermarkChanged) await clearMemoryAlarm();
  });
  await step('PostgreSQL', startPostgres);
  if (problems.length > 0)
    throw new Error(`could not restore the services: ${problems.join('; ')}`);
}

/** The same from a place where nothing asynchronous can run (exit and signal handlers). */
export function restoreServicesSync(): void {
  const run = (command: string, args: string[]): void => {
    try {
      execFileSync(command, args, { stdio: 'ignore', timeout: 120000 });
    } catch {
      // best effort: the next run's restoreServices checks again
    }
  };
  if (disturbed.brokerStopped) {
    run('rabbitmqctl', ['start_app']);
    run('rabbitmqctl', ['await_startup', '--timeout', '120']);
  }
  if (disturbed.watermarkChanged && originalWatermark !== null)
    run('rabbitmqctl', ['set_vm_memory_high_watermark', ...watermarkArgs(originalWatermark)]);
  if (disturbed.postgresStopped) run('pg_ctlcluster', pgCtl('start'));
  releaseServices();
}
