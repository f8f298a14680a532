// The gateway's own processes failing under load: a consumer and an ingress killed outright
// (SIGKILL), consumers that kill themselves just before or just after the vault transaction commits
// (DATAKLUIS_FAULTS, so the crash lands exactly between commit and ack), and a graceful SIGTERM of
// an ingress and a consumer while the HR system keeps sending. Two of each run side by side all the
// time, so the other one carries on.
import { assertClean } from './harness/ledger';
import type { ExitRecord, GatewayProcess } from './harness/cluster';
import { getFaultRun, sleep, terminateAndRestart } from './harness/run';
import type { FaultRun, Scenario } from './harness/run';

/** How long a SIGTERM may take before it counts as a failure (the ingress allows itself 5 s). */

describe('fault suite: gateway processes', function () {
  let run: FaultRun;

  before(async function () {
    this.timeout(180000);
    run = await getFaultRun();
  });

  async function killAndRestart(s: Scenario, p: GatewayProcess): Promise<void> {
    s.note(`SIGKILL ${p.name} (pid ${p.pid})`);
    await p.signal('SIGKILL');
    await sleep(1000);
    p.start();
    s.note(`${p.name} started again`);
  }

  it('5a. a consumer and an ingress killed with SIGKILL during a burst, then restarted', async () => {
    const s = await run.scenario('5a SIGKILL consumer and ingress');
    const plans = s.plan({ cases: 24 });
    await s.seedDossiers(plans);
    const burst = s.burst(s.messages(plans, 'mixed'), { concurrency: 6, durationMs: 8000 });
    await s.at(burst.startedAt, 2000);
    await killAndRestart(s, run.cluster.consumers[0]!);
    await s.at(burst.startedAt, 3500);
    await killAndRestart(s, run.cluster.ingresses[1]!);
    await s.at(burst.startedAt, 5000);
    await killAndRestart(s, run.cluster.consumers[1]!);
    await burst.done;
    assertClean(await s.finish());
  });

  it('5b. consumers crash before and after the commit (DATAKLUIS_FAULTS), and are restarted without it', async () => {
    const s = await run.scenario('5b crash before/after commit');
    const [before, after] = run.cluster.consumers as [GatewayProcess, GatewayProcess];
    const settings = new Map([
      [before.name, 'crash-before-commit:5'],
      [after.name, 'crash-after-commit:8'],
    ]);
    // The cluster restarts a crashed process without the setting; these crashes are the point.
    s.allowExit = (exit: ExitRecord) =>
      exit.faults !== undefined && exit.faults === settings.get(exit.process);
    for (const p of [before, after]) {
      await p.restart({ DATAKLUIS_FAULTS: settings.get(p.name)! });
      s.note(`${p.name} restarted with DATAKLUIS_FAULTS=${settings.get(p.name)}`);
    }
    await run.cluster.waitHealthy();
    const plans = s.plan({ cases: 24 });
    await s.seedDossiers(plans);
    await s.burst(s.messages(plans, 'mixed'), { concurrency: 6, durationMs: 6000 }).done;
    for (const p of [before, after]) {
      const crash = p.exits.find((e) => e.at >= s.started && e.faults === settings.get(p.name));
      if (crash === undefined) {
        const handled = p.currentLog().split('"message":"event applied"').length - 1;
        s.problem(
          `${p.name} did not crash with DATAKLUIS_FAULTS=${settings.get(p.name)}: it applied ${handled} events and runs on`,
        );
      } else if (crash.signal !== 'SIGKILL')
        s.problem(
          `${p.name} ended with code ${crash.code}, signal ${crash.signal}; expected SIGKILL`,
        );
      else s.note(`${p.name} killed itself (${settings.get(p.name)}) and was restarted without it`);
    }
    await run.cluster.waitHealthy();
    assertClean(await s.finish());
  });

  it('10. SIGTERM of an ingress and of a consumer under load, then restarted', async () => {
    const s = await run.scenario('10 SIGTERM ingress and consumer');
    const plans = s.plan({ cases: 30 });
    await s.seedDossiers(plans);
    const burst = s.burst(s.messages(plans, 'mixed'), { concurrency: 8, durationMs: 9000 });
    await s.at(burst.startedAt, 2000);
    await terminateAndRestart(s, run.cluster.ingresses[0]!);
    await s.at(burst.startedAt, 4500);
    await terminateAndRestart(s, run.cluster.consumers[0]!);
    await burst.done;
    assertClean(await s.finish());
  });
});
