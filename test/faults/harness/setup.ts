// Loaded before the fault scenarios (test/mocharc.faults.cjs). Times are UTC. Whatever happens —
// a failed scenario, Ctrl-C, mocha exiting — the gateway processes are killed, the broker and the
// database are put back, and the coordination lock is released. The ledger of every scenario is
// summed up at the end.
import type { Context } from 'mocha';

import { clearStaleFaultsLock, releaseServices, restoreServicesSync } from './faults';
import { startedFaultRun } from './run';

process.env.TZ = 'UTC';

function emergencyCleanUp(): void {
  startedFaultRun()?.cluster?.killAllNow();
  restoreServicesSync();
}

process.on('exit', emergencyCleanUp);
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    console.error(
      `\nfault suite: ${signal}; stopping the gateway processes and restoring the services`,
    );
    emergencyCleanUp();
    process.exit(130);
  });
}

export const mochaHooks = {
  beforeAll(): void {
    clearStaleFaultsLock();
  },
  afterEach(this: Context): void {
    const run = startedFaultRun();
    if (run !== null && this.currentTest?.state === 'failed') run.failed = true;
  },
  async afterAll(this: Context): Promise<void> {
    this.timeout(300000);
    try {
      await startedFaultRun()?.dispose();
    } finally {
      releaseServices();
    }
  },
};
