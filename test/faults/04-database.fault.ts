// Faults of PostgreSQL during a burst: the gateway's connections terminated (pg_terminate_backend,
// only this run's gateway processes: their application_name says whose they are), and the database
// stopped for about ten seconds. The ingress needs the database to check credentials, the consumer
// to apply events; both must come back by themselves with nothing lost, doubled or stale.
import * as faults from './harness/faults';
import { assertClean } from './harness/ledger';
import { getFaultRun, sleep } from './harness/run';
import type { FaultRun } from './harness/run';

describe('fault suite: the database', function () {
  let run: FaultRun;

  before(async function () {
    this.timeout(180000);
    run = await getFaultRun();
  });

  it("6a. the gateway processes' database connections terminated during a burst (three times)", async () => {
    const s = await run.scenario('6a database connections terminated');
    const plans = s.plan({ cases: 24 });
    await s.seedDossiers(plans);
    const burst = s.burst(s.messages(plans, 'mixed'), { concurrency: 6, durationMs: 8000 });
    for (const at of [2000, 3500, 5000]) {
      await s.at(burst.startedAt, at);
      const open = await run.gatewayConnections();
      const terminated = await run.terminateGatewayConnections();
      s.note(`pg_terminate_backend: ${terminated} of ${open} gateway connections`);
    }
    await burst.done;
    assertClean(await s.finish());
  });

  it('6b. PostgreSQL stopped for ~10 s during a burst', async () => {
    const s = await run.scenario('6b database stopped');
    const plans = s.plan({ cases: 24 });
    await s.seedDossiers(plans);
    const burst = await faults.exclusive(async () => {
      const started = s.burst(s.messages(plans, 'mixed'), { concurrency: 6, durationMs: 8000 });
      await s.at(started.startedAt, 2000);
      s.note('pg_ctlcluster … stop -m fast');
      try {
        await faults.stopPostgres();
        s.note('PostgreSQL stopped');
        await sleep(10000);
      } finally {
        s.note('pg_ctlcluster … start');
        await faults.startPostgres();
        s.note('PostgreSQL accepting connections again');
      }
      return started;
    });
    await burst.done;
    assertClean(await s.finish());
  });
});
