import { expect } from 'chai';

import { foldCase, orderOfOccurrence } from '../../../src/vault/case-fold';
import type { CaseEventRecord } from '../../../src/vault/case-fold';

// The SIVI sample timeline of Jan de Vries: report 100 % from 16-11 (1), 50 % from 23-11 (2),
// expected return moved to 14-12 (3), back at work 02-12 (4).
const janEvents: CaseEventRecord[] = [
  {
    eventId: 'a',
    type: 'nl.datakluis.absence.reported',
    sequence: 1,
    occurredAt: '2026-11-16T08:12:31+01:00',
    facts: {
      startDate: '2026-11-16',
      expectedReturnDate: '2026-11-30',
      incapacity: [{ from: '2026-11-16', percentage: 100 }],
    },
  },
  {
    eventId: 'b',
    type: 'nl.datakluis.absence.changed',
    sequence: 2,
    occurredAt: '2026-11-23T07:58:10+01:00',
    facts: { incapacity: [{ from: '2026-11-23', percentage: 50 }] },
  },
  {
    eventId: 'c',
    type: 'nl.datakluis.absence.changed',
    sequence: 3,
    occurredAt: '2026-11-25T13:02:55+01:00',
    facts: {
      expectedReturnDate: '2026-12-14',
      incapacity: [{ from: '2026-11-25', percentage: 50 }],
    },
  },
  {
    eventId: 'd',
    type: 'nl.datakluis.absence.recovered',
    sequence: 4,
    occurredAt: '2026-12-02T08:30:00+01:00',
    facts: { recoveryDate: '2026-12-02', incapacity: [{ from: '2026-12-02', percentage: 0 }] },
  },
];

function permutations<T>(items: readonly T[]): T[][] {
  if (items.length <= 1) return [[...items]];
  return items.flatMap((item, i) =>
    permutations([...items.slice(0, i), ...items.slice(i + 1)]).map((rest) => [item, ...rest]),
  );
}

describe('absence case fold', () => {
  it('builds the case from its events: 100 % → 50 % → 0 %, recovered, latest prognosis', () => {
    expect(foldCase(janEvents)).to.deep.equal({
      status: 'RECOVERED',
      reportReceived: true,
      startDate: '2026-11-16',
      expectedReturnDate: '2026-12-14',
      recoveryDate: '2026-12-02',
      steps: [
        { from: '2026-11-16', percentage: 100 },
        { from: '2026-11-23', percentage: 50 },
        { from: '2026-12-02', percentage: 0 },
      ],
    });
  });

  it('ends in the same state whatever order the events arrive in (all 24 orders)', () => {
    const inOrder = foldCase(janEvents);
    for (const order of permutations(janEvents)) expect(foldCase(order)).to.deep.equal(inOrder);
  });

  it('a recovery seen before its report leaves the case recovered, and the report completes it', () => {
    const recovery: CaseEventRecord = {
      eventId: 'r',
      type: 'nl.datakluis.absence.recovered',
      sequence: 2,
      occurredAt: '2026-11-26T07:45:00+01:00',
      facts: { startDate: '2026-11-24', recoveryDate: '2026-11-26' },
    };
    const alone = foldCase([recovery]);
    expect(alone).to.include({
      status: 'RECOVERED',
      reportReceived: false,
      startDate: '2026-11-24',
    });
    const report: CaseEventRecord = {
      eventId: 'p',
      type: 'nl.datakluis.absence.reported',
      sequence: 1,
      occurredAt: '2026-11-24T09:00:00+01:00',
      facts: { startDate: '2026-11-24', incapacity: [{ from: '2026-11-24', percentage: 100 }] },
    };
    expect(foldCase([recovery, report])).to.include({ status: 'RECOVERED', reportReceived: true });
  });

  it('a withdrawal wins over anything before or after it', () => {
    const withdrawal: CaseEventRecord = {
      eventId: 'w',
      type: 'nl.datakluis.absence.withdrawn',
      sequence: 5,
      occurredAt: '2026-12-03T10:00:00+01:00',
      facts: {},
    };
    for (const order of permutations([...janEvents.slice(0, 2), withdrawal]))
      expect(foldCase(order).status).to.equal('WITHDRAWN');
  });

  it('a correction replaces the timeline and the corrected facts', () => {
    const correction: CaseEventRecord = {
      eventId: 'x',
      type: 'nl.datakluis.absence.corrected',
      sequence: 5,
      occurredAt: '2026-12-03T10:00:00+01:00',
      facts: { startDate: '2026-11-17', incapacity: [{ from: '2026-11-17', percentage: 80 }] },
    };
    const state = foldCase([...janEvents.slice(0, 2), correction]);
    expect(state.startDate).to.equal('2026-11-17');
    expect(state.steps).to.deep.equal([{ from: '2026-11-17', percentage: 80 }]);
  });

  it('orders by time when the source has no sequence numbers', () => {
    const events = janEvents.map((e) => ({ ...e, sequence: null }));
    expect(orderOfOccurrence([...events].reverse()).map((e) => e.eventId)).to.deep.equal([
      'a',
      'b',
      'c',
      'd',
    ]);
  });
});

describe('absence case fold: ties, mixed sources and corrections', () => {
  const at = '2026-11-16T09:00:00+01:00';
  const report: CaseEventRecord = {
    eventId: 'ffff',
    type: 'nl.datakluis.absence.reported',
    sequence: null,
    occurredAt: at,
    facts: { startDate: '2026-11-16', incapacity: [{ from: '2026-11-16', percentage: 100 }] },
  };
  const correction: CaseEventRecord = {
    eventId: '0000',
    type: 'nl.datakluis.absence.corrected',
    sequence: null,
    occurredAt: at,
    facts: { incapacity: [{ from: '2026-11-16', percentage: 80 }] },
  };

  it('a report and its correction at the same moment: the correction comes after, whatever the ids or arrival', () => {
    expect(foldCase([report, correction]).steps).to.deep.equal([
      { from: '2026-11-16', percentage: 80 },
    ]);
    expect(foldCase([correction, report]).steps).to.deep.equal([
      { from: '2026-11-16', percentage: 80 },
    ]);
  });

  it('an event without a sequence number is merged by time, not sorted before numbered ones', () => {
    expect(foldCase([{ ...report, sequence: 1 }, correction]).steps).to.deep.equal([
      { from: '2026-11-16', percentage: 80 },
    ]);
  });

  it('sequence numbers win over a wrong clock, also when an unnumbered event joins later', () => {
    const first: CaseEventRecord = {
      ...report,
      sequence: 1,
      occurredAt: '2026-11-23T09:00:00+01:00',
    };
    const change: CaseEventRecord = {
      eventId: 'c',
      type: 'nl.datakluis.absence.changed',
      sequence: 2,
      occurredAt: '2026-11-23T08:59:00+01:00',
      facts: { incapacity: [{ from: '2026-11-23', percentage: 50 }] },
    };
    const prognosis: CaseEventRecord = {
      eventId: 'p',
      type: 'nl.datakluis.absence.changed',
      sequence: null,
      occurredAt: '2026-11-25T10:00:00+01:00',
      facts: { expectedReturnDate: '2026-12-14' },
    };
    expect(foldCase([first, change]).steps.at(-1)).to.deep.equal({
      from: '2026-11-23',
      percentage: 50,
    });
    expect(foldCase([first, change, prognosis]).steps.at(-1)).to.deep.equal({
      from: '2026-11-23',
      percentage: 50,
    });
  });

  it('a correction replaces the timeline from its first day on and keeps the steps before', () => {
    const change: CaseEventRecord = {
      eventId: 'c',
      type: 'nl.datakluis.absence.changed',
      sequence: 2,
      occurredAt: '2026-11-23T09:00:00+01:00',
      facts: { incapacity: [{ from: '2026-11-23', percentage: 50 }] },
    };
    const fix: CaseEventRecord = {
      eventId: 'x',
      type: 'nl.datakluis.absence.corrected',
      sequence: 3,
      occurredAt: '2026-11-24T09:00:00+01:00',
      facts: { incapacity: [{ from: '2026-11-23', percentage: 60 }] },
    };
    expect(foldCase([{ ...report, sequence: 1 }, change, fix]).steps).to.deep.equal([
      { from: '2026-11-16', percentage: 100 },
      { from: '2026-11-23', percentage: 60 },
    ]);
  });

  it('a recovery without a percentage ends the timeline at 0 % on the first day back', () => {
    const recovery: CaseEventRecord = {
      eventId: 'r',
      type: 'nl.datakluis.absence.recovered',
      sequence: null,
      occurredAt: '2026-12-02T08:00:00+01:00',
      facts: { lastSickDay: '2026-12-01' },
    };
    expect(foldCase([report, recovery]).steps).to.deep.equal([
      { from: '2026-11-16', percentage: 100 },
      { from: '2026-12-02', percentage: 0 },
    ]);
  });
});

describe('absence case fold: a corrected later start', () => {
  it('keeps the percentage in force on the new first day', () => {
    const report: CaseEventRecord = {
      eventId: 'a',
      type: 'nl.datakluis.absence.reported',
      sequence: 1,
      occurredAt: '2026-11-16T09:00:00+01:00',
      facts: { startDate: '2026-11-16', incapacity: [{ from: '2026-11-16', percentage: 100 }] },
    };
    const correction: CaseEventRecord = {
      eventId: 'b',
      type: 'nl.datakluis.absence.corrected',
      sequence: 2,
      occurredAt: '2026-11-18T09:00:00+01:00',
      facts: { startDate: '2026-11-18' },
    };
    expect(foldCase([report, correction])).to.deep.include({
      startDate: '2026-11-18',
      steps: [{ from: '2026-11-18', percentage: 100 }],
    });
  });
});
