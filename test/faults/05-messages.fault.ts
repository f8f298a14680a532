// Faults in what arrives rather than in the machinery: the same file posted twice at once and again,
// the same event delivered twice by the broker (also while the first copy is being applied), poison
// on the work queue amid good traffic, malformed files over HTTP, a case id used for someone else,
// and facts of a case arriving in reverse order. The end state must be as if each fact arrived once,
// in order; what cannot be applied must be refused (4xx) or dead-lettered with its reason.
import { assertClean } from './harness/ledger';
import { getFaultRun } from './harness/run';
import type { FaultRun } from './harness/run';
import { canonicalEventsOf, identify, messageOf, planCases } from './harness/traffic';
import type { Fact, HrMessage } from './harness/traffic';

describe('fault suite: duplicates, poison and order', function () {
  let run: FaultRun;

  before(async function () {
    this.timeout(180000);
    run = await getFaultRun();
  });

  it('7. duplicate posts (concurrent and later) and duplicate deliveries by the broker', async () => {
    const s = await run.scenario('7 duplicate posts and deliveries');
    const plans = s.plan({ cases: 16 });
    await s.seedDossiers(plans);
    const overHttp = plans.slice(0, 10);
    const files = s.messages(overHttp, 'per-case');
    s.note(`${files.length} files, each posted twice at the same time (to both ingress)`);
    await Promise.all(files.map((m) => Promise.all([s.send(m), s.send(m)])));
    s.note('half of them posted a third time');
    await Promise.all(files.filter((_, i) => i % 2 === 0).map((m) => s.send(m)));
    // Cases that only ever arrive through the broker, each event twice in a row.
    const brokerOnly = plans.slice(10).flatMap((p) => p.facts);
    await s.publishEvents(
      'broker-only cases',
      canonicalEventsOf(s.employerId, brokerOnly),
      brokerOnly,
      2,
    );
    // Events that came in over HTTP, delivered again (twice) by the "broker".
    const again = overHttp.slice(0, 5).flatMap((p) => p.facts);
    await s.publishEvents(
      'HTTP cases redelivered',
      canonicalEventsOf(s.employerId, again),
      again,
      2,
    );
    const receipts = new Map<string, string>();
    for (const d of s.deliveries.filter((x) => x.accepted)) {
      const ids = JSON.stringify([...d.receiptIds].sort());
      const seen = receipts.get(d.message.label);
      if (seen !== undefined && seen !== ids)
        s.problem(`${d.message.label}: two posts got different event ids`);
      receipts.set(d.message.label, ids);
    }
    assertClean(await s.finish());
  });

  it('8. poison messages amid good traffic, and malformed files over HTTP', async () => {
    const s = await run.scenario('8 poison and malformed files');
    const plans = s.plan({ cases: 20 });
    await s.seedDossiers(plans);
    const burst = s.burst(s.messages(plans, 'mixed'), { concurrency: 5, durationMs: 5000 });

    // Bodies that are no canonical event, or a canonical event broken on purpose (never sent otherwise).
    const spare = planCases(s.employerId, { prefix: `${s.tag}x`, cases: 2, templates: ['open'] });
    const [event] = canonicalEventsOf(s.employerId, spare[0]!.facts);
    const broken = (change: (e: Record<string, unknown>) => void): Buffer => {
      const copy = JSON.parse(JSON.stringify(event)) as Record<string, unknown>;
      change(copy);
      return Buffer.from(JSON.stringify(copy));
    };
    const absence = (e: Record<string, unknown>): Record<string, unknown> =>
      (e.data as { absence: Record<string, unknown> }).absence;
    await s.at(burst.startedAt, 1500);
    await s.publishPoison([
      {
        label: 'not JSON',
        body: Buffer.from('ZIEKMELDING;1042;{oops'),
        deadCodes: ['MALFORMED_MESSAGE'],
      },
      { label: 'empty body', body: Buffer.alloc(0), deadCodes: ['MALFORMED_MESSAGE'] },
      {
        label: 'JSON, not an event',
        body: Buffer.from('{"not":"an event"}'),
        deadCodes: ['CANONICAL_SCHEMA_VIOLATION'],
      },
      {
        label: 'event with a diagnosis field',
        body: broken((e) => (absence(e).diagnosis = 'griep')),
        deadCodes: ['CANONICAL_SCHEMA_VIOLATION'],
      },
      {
        label: 'event with 150 %',
        body: broken(
          (e) =>
            (absence(e).incapacity = [{ from: spare[0]!.facts[0]!.startDate, percentage: 150 }]),
        ),
        deadCodes: ['CANONICAL_SCHEMA_VIOLATION'],
      },
      {
        label: 'event of an unknown employer',
        body: broken((e) => (e.employerid = `nobody-${run.id}`)),
        deadCodes: ['EMPLOYER_UNKNOWN'],
      },
    ]);

    // Malformed files: each must be refused whole ("rejected by design"); their cases never appear.
    const header =
      'mutatie_id;tijdstip;personeelsnummer;soort;verzuim_id;eerste_ziektedag;percentage';
    const day = spare[1]!.facts[0]!.startDate;
    const bad = (
      label: string,
      body: string,
      expectStatus: number,
      contentType = 'text/csv',
    ): HrMessage => ({
      label,
      contentType,
      body,
      facts: [],
      intent: 'bad',
      expectStatus,
    });
    const badFiles = [
      bad(
        'unbalanced quote',
        `${header}\nM-${s.tag}-b1;${day}T08:00:00Z;B-1;ZIEKMELDING;"VZ-${s.tag}-bad-1;${day};100\n`,
        400,
      ),
      bad(
        'percentage 101',
        `${header}\nM-${s.tag}-b2;${day}T08:00:00Z;B-2;ZIEKMELDING;VZ-${s.tag}-bad-2;${day};101\n`,
        422,
      ),
      bad(
        'unknown kind',
        `${header}\nM-${s.tag}-b3;${day}T08:00:00Z;B-3;ZIEK;VZ-${s.tag}-bad-3;${day};100\n`,
        422,
      ),
      bad(
        'no case id column',
        `mutatie_id;tijdstip;personeelsnummer;soort;eerste_ziektedag;percentage\nM-${s.tag}-b4;${day}T08:00:00Z;B-4;ZIEKMELDING;${day};100\n`,
        422,
      ),
      bad('header only', `${header}\n`, 422),
      bad('empty body', '', 400),
      bad(
        'CSV sent as JSON',
        `${header}\nM-${s.tag}-b5;${day}T08:00:00Z;B-5;ZIEKMELDING;VZ-${s.tag}-bad-5;${day};100\n`,
        415,
        'application/json',
      ),
    ];
    await Promise.all(badFiles.map((m) => s.send(m)));
    s.note(`${badFiles.length} malformed files posted`);
    await burst.done;

    // A case id of one employee used for another: accepted (the file is fine), then dead-lettered.
    const victim = plans[0]!;
    if (!(await s.waitApplied([victim.facts[0]!.eventId])))
      s.problem(`the report of ${victim.caseId} was not applied within 30 s`);
    const intruder: Fact = {
      ...victim.facts[0]!,
      mutationId: `M-${s.tag}-intruder`,
      index: 99,
      employee: plans[1]!.employee,
      kind: 'WIJZIGING',
      time: `${victim.facts[0]!.startDate}T12:00:00Z`,
      percentage: 40,
      effectiveDate: victim.facts[0]!.startDate,
      eventId: '',
      eventType: '',
    };
    delete intruder.reportedOn;
    delete intruder.expectedReturn;
    delete intruder.sequence;
    identify(s.employerId, [intruder]);
    await s.send({
      ...messageOf(`case ${victim.caseId} for ${intruder.employee}`, [intruder]),
      intent: 'dead',
      deadCode: 'CASE_OF_OTHER_EMPLOYEE',
    });
    s.note(`posted a fact about ${victim.caseId} for another employee (${intruder.employee})`);
    assertClean(await s.finish());
  });

  it('9. out of order: recovery, change, partial recovery, then the report; withdrawal before report', async () => {
    const s = await run.scenario('9 out of order');
    const full = s.plan({ cases: 10, templates: ['full'], sequenced: 'mixed' });
    const withdrawn = s.plan({ cases: 6, templates: ['withdrawn'], sequenced: 'mixed' });
    await s.seedDossiers([...full, ...withdrawn]);
    // Each case's facts one file at a time, last fact first. For half of the cases the suite waits
    // until each fact is applied before sending the next, so the vault really sees them reversed.
    await Promise.all(
      [...full, ...withdrawn].map(async (plan, i) => {
        for (const fact of [...plan.facts].reverse()) {
          const delivery = await s.send(messageOf(`row ${fact.mutationId}`, [fact]));
          if (i % 2 === 0 && delivery.accepted && !(await s.waitApplied([fact.eventId])))
            s.problem(`${fact.mutationId} not applied within 30 s`);
        }
      }),
    );
    s.note(`${full.length} cases sent recovery first, ${withdrawn.length} withdrawal first`);
    assertClean(await s.finish());
  });
});
