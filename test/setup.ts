// Loaded before every test file (see .mocharc.cjs). Times are UTC; no test reaches the network
// beyond this machine (the real PostgreSQL and RabbitMQ run on it). The integration environment
// (a fresh PostgreSQL schema and RabbitMQ namespace for this run) is created lazily by
// helpers/test-environment.ts and removed after the run.
import nock from 'nock';

import { disposeTestEnvironment } from './helpers/test-environment';

process.env.TZ = 'UTC';
nock.disableNetConnect();
nock.enableNetConnect(/^(127\.0\.0\.1|localhost)(:\d+)?$/);

export const mochaHooks = {
  async afterAll(this: Mocha.Context): Promise<void> {
    this.timeout(30000);
    await disposeTestEnvironment();
  },
};
