// The oracle checked first: a ledger that always says "nothing lost" proves nothing. A quiet burst
// is applied, then the vault is damaged by hand — one event's effect removed, one audit entry
// written twice, one case put back to OPEN — and the ledger must report exactly those.
import { expect } from 'chai';

import { getFaultRun } from './harness/run';
import type { FaultRun } from './harness/run';

describe('fault suite: the oracle', function () {
  let run: FaultRun;

  before(async function () {
    this.timeout(180000);
    run = await getFaultRun();
  });

  it('0. finds a lost, a doubled and a stale effect planted in the vault', async () => {
    const s = await run.scenario('0 oracle self-check');
    const plans = s.plan({ cases: 6, templates: ['full', 'changes', 'short'] });
    await s.burst(s.messages(plans, 'per-case'), { concurrency: 3, durationMs: 500 }).done;
    const quiet = await run.waitQuiet();
    expect(quiet.reached, quiet.detail).to.equal(true);

    const [recovered, changed, reported] = plans as [
      (typeof plans)[0],
      (typeof plans)[0],
      (typeof plans)[0],
    ];
    const lost = changed.facts[1]!.eventId;
    await run.query('DELETE FROM absence_case_events WHERE event_id = $1', [lost]);
    await run.query('DELETE FROM processed_events WHERE event_id = $1', [lost]);
    const doubled = reported.facts[0]!.eventId;
    await run.query(
      `INSERT INTO audit_log (employer_id, dossier_id, actor_type, actor_id, action, event_id)
       SELECT employer_id, dossier_id, actor_type, actor_id, action, event_id FROM audit_log
       WHERE event_id = $1 AND action = 'absence.reported'`,
      [doubled],
    );
    await run.query(
      `UPDATE absence_cases SET status = 'OPEN' WHERE employer_id = $1 AND source_case_id = $2`,
      [s.employerId, recovered.caseId],
    );
    s.note(`planted: ${lost} lost, ${doubled} doubled, ${recovered.caseId} OPEN again`);

    const ledger = await s.finish({ planted: true });
    expect(ledger.row.lost).to.equal(1);
    expect(ledger.row.doubled).to.equal(1);
    // The recovered case put back, and the case whose change was taken away (its steps still show it).
    expect(ledger.row.stale).to.equal(2);
    const text = ledger.problems.join('\n');
    for (const needle of [lost, doubled, recovered.caseId, changed.caseId])
      expect(text).to.contain(needle);
  });
});
