// Faults of the message broker, each during (or right before) a burst of HR traffic: the broker
// stopped and started, its memory alarm, every connection force-closed, the work queue deleted
// under the consumers. After each, the ledger must show nothing lost, doubled or stale.
import { consumerCount, deleteQueue } from './harness/broker';
import * as faults from './harness/faults';
import { assertClean } from './harness/ledger';
import { getFaultRun, sleep, terminateAndRestart } from './harness/run';
import type { FaultRun, Scenario } from './harness/run';

/** What both ingress answer on /readyz right now, e.g. `503 broker blocked publishing`. */
async function readiness(run: FaultRun): Promise<string> {
  const answers = await Promise.all(
    run.cluster.ingresses.map(async (p) => {
      try {
        const response = await fetch(`${p.url}/readyz`, { signal: AbortSignal.timeout(3000) });
        const body = (await response.json()) as { reason?: string };
        return `${p.name} ${response.status}${body.reason === undefined ? '' : ` ${body.reason}`}`;
      } catch {
        return `${p.name} no answer`;
      }
    }),
  );
  return answers.join(', ');
}

describe('fault suite: the broker', function () {
  let run: FaultRun;

  before(async function () {
    this.timeout(180000);
    run = await getFaultRun();
  });

  /** A burst of `cases` cases, with `fault` run ~2 s into it under the coordination lock. */
  async function burstWithFault(
    s: Scenario,
    cases: number,
    fault: (startedAt: number) => Promise<void>,
  ): Promise<void> {
    const plans = s.plan({ cases });
    await s.seedDossiers(plans);
    const burst = await faults.exclusive(async () => {
      const started = s.burst(s.messages(plans, 'mixed'), { concurrency: 6, durationMs: 8000 });
      await fault(started.startedAt);
      return started;
    });
    await burst.done;
  }

  it('1. broker stopped and started during a burst', async () => {
    const s = await run.scenario('1 broker stopped and started');
    await burstWithFault(s, 24, async (startedAt) => {
      await s.at(startedAt, 2000);
      s.note('rabbitmqctl stop_app');
      try {
        await faults.stopBroker();
        await sleep(5000);
        s.note(`while stopped: ${await readiness(run)}; ${await run.pendingOutbox()} in outboxes`);
      } finally {
        s.note('rabbitmqctl start_app');
        await faults.startBroker();
        s.note('broker running again');
      }
    });
    assertClean(await s.finish());
  });

  it('2. broker memory alarm during a burst', async () => {
    const s = await run.scenario('2 broker memory alarm');
    await burstWithFault(s, 24, async (startedAt) => {
      await s.at(startedAt, 2000);
      s.note('rabbitmqctl set_vm_memory_high_watermark 0');
      try {
        await faults.raiseMemoryAlarm();
        s.note('memory alarm on');
        await sleep(1000);
        s.note(`during the alarm: ${await readiness(run)}`);
        await sleep(4000);
        s.note(`end of the alarm: ${await run.pendingOutbox()} messages in outboxes`);
      } finally {
        await faults.clearMemoryAlarm();
        s.note('watermark restored, alarm cleared');
      }
    });
    assertClean(await s.finish());
  });

  it('2b. SIGTERM of an ingress and a consumer while the broker blocks publishing', async () => {
    const s = await run.scenario('2b SIGTERM while blocked');
    await burstWithFault(s, 24, async (startedAt) => {
      await s.at(startedAt, 1500);
      s.note('rabbitmqctl set_vm_memory_high_watermark 0');
      try {
        await faults.raiseMemoryAlarm();
        await sleep(1500); // publishes meet the alarm: the publishing connections are blocked
        s.note(`before the SIGTERMs: ${await readiness(run)}`);
        await Promise.all([
          terminateAndRestart(s, run.cluster.ingresses[0]!),
          terminateAndRestart(s, run.cluster.consumers[0]!),
        ]);
      } finally {
        await faults.clearMemoryAlarm();
        s.note('watermark restored, alarm cleared');
      }
    });
    await run.cluster.waitHealthy();
    assertClean(await s.finish());
  });

  it('3. all connections force-closed during a burst (twice)', async () => {
    const s = await run.scenario('3 connections force-closed');
    await burstWithFault(s, 24, async (startedAt) => {
      await s.at(startedAt, 2000);
      s.note('rabbitmqctl close_all_connections');
      await faults.closeAllConnections();
      await s.at(startedAt, 4500);
      s.note('rabbitmqctl close_all_connections (again)');
      await faults.closeAllConnections();
      await sleep(500);
      s.note(`just after: ${await readiness(run)}`);
    });
    assertClean(await s.finish());
  });

  it('4. the work queue deleted under the consumers, then a burst', async () => {
    const s = await run.scenario('4 work queue deleted');
    const quiet = await run.waitQuiet(60000, 1000);
    if (!quiet.reached)
      s.problem(`the work queue never emptied before the deletion: ${quiet.detail}`);
    const queue = run.topology.queues.apply.name;
    s.note(`deleting ${queue} (empty, ${await consumerCount(run.amqpUrl, queue)} consumers)`);
    await deleteQueue(run.amqpUrl, queue);
    const deadline = Date.now() + 30000;
    let consumers: number | null = null;
    while (Date.now() < deadline) {
      consumers = await consumerCount(run.amqpUrl, queue);
      if (consumers === run.cluster.consumers.length) break;
      await sleep(200);
    }
    if (consumers === run.cluster.consumers.length)
      s.note(`queue declared again, ${consumers} consumers back`);
    else
      s.problem(
        `30 s after the deletion the work queue has ${consumers ?? 'no queue /'} consumers`,
      );
    const plans = s.plan({ cases: 24 });
    await s.seedDossiers(plans);
    await s.burst(s.messages(plans, 'mixed'), { concurrency: 6, durationMs: 5000 }).done;
    assertClean(await s.finish());
  });
});
