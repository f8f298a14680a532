// The mail delivery worker as a process of its own, configured from the environment like the real
// one (the crash test runs it with DATAKLUIS_FAULTS=crash-after-mail-send:1 and waits for it to die).
import { startMailWorker } from '../../src/app/mail-worker';
import { databaseFor } from '../../src/app/wiring';
import { parseEnv } from '../../src/config/env';
import { createLogger } from '../../src/shared/logger';

const config = parseEnv();
const db = databaseFor(config, 2);
const worker = startMailWorker(config, createLogger({ level: config.logLevel }), db, {
  pollIntervalMs: 100,
});

// Never outlives its test: a fault that does not fire ends the process with a code the test sees.
setTimeout(() => {
  void worker
    .stop()
    .then(() => db.$disconnect())
    .finally(() => process.exit(3));
}, 15_000);
