// When the nightly processing runs: a local time in Europe/Amsterdam, across daylight saving time.
import { expect } from 'chai';

import { localDateOf, nextNightlySlot, parseLocalTime } from '../../../src/vault/nightly-schedule';

const slot = (now: string, at: string) => {
  const next = nextNightlySlot(new Date(now), at);
  return { at: next.at.toISOString(), localDate: next.localDate };
};

describe('nightly schedule (Europe/Amsterdam)', () => {
  it('reads HH:MM and nothing else', () => {
    expect(parseLocalTime('02:00')).to.deep.equal({ hour: 2, minute: 0 });
    expect(parseLocalTime('23:59')).to.deep.equal({ hour: 23, minute: 59 });
    for (const bad of ['24:00', '2:00', '02:60', '02:00:00', '', 'noon'])
      expect(parseLocalTime(bad), bad).to.equal(null);
    expect(() => nextNightlySlot(new Date(), '25:00')).to.throw(RangeError);
  });

  it('in winter (CET, UTC+1) 02:00 is 01:00 UTC, tomorrow once today’s has passed', () => {
    expect(slot('2026-01-15T12:00:00Z', '02:00')).to.deep.equal({
      at: '2026-01-16T01:00:00.000Z',
      localDate: '2026-01-16',
    });
    expect(slot('2026-01-15T00:59:59Z', '02:00')).to.deep.equal({
      at: '2026-01-15T01:00:00.000Z',
      localDate: '2026-01-15',
    });
    // Exactly at the slot: that one is taken; the next is tomorrow's.
    expect(slot('2026-01-15T01:00:00Z', '02:00').at).to.equal('2026-01-16T01:00:00.000Z');
  });

  it('in summer (CEST, UTC+2) 02:00 is 00:00 UTC, and the local date is not the UTC date', () => {
    expect(slot('2026-07-01T23:30:00Z', '02:00')).to.deep.equal({
      at: '2026-07-02T00:00:00.000Z',
      localDate: '2026-07-02',
    });
    expect(slot('2026-07-01T22:30:00Z', '00:15')).to.deep.equal({
      at: '2026-07-02T22:15:00.000Z',
      localDate: '2026-07-03',
    });
  });

  it('clocks forward (29 March 2026): a time in the skipped hour runs when the clocks jump, 03:00 CEST', () => {
    expect(slot('2026-03-28T12:00:00Z', '02:00')).to.deep.equal({
      at: '2026-03-29T01:00:00.000Z',
      localDate: '2026-03-29',
    });
    expect(slot('2026-03-28T12:00:00Z', '02:30').at).to.equal('2026-03-29T01:00:00.000Z');
    expect(slot('2026-03-28T12:00:00Z', '01:59').at).to.equal('2026-03-29T00:59:00.000Z');
    expect(slot('2026-03-28T12:00:00Z', '03:00').at).to.equal('2026-03-29T01:00:00.000Z');
    expect(slot('2026-03-28T12:00:00Z', '03:30').at).to.equal('2026-03-29T01:30:00.000Z');
    // The day after, summer time: 02:00 CEST.
    expect(slot('2026-03-29T01:00:00Z', '02:00')).to.deep.equal({
      at: '2026-03-30T00:00:00.000Z',
      localDate: '2026-03-30',
    });
  });

  it('clocks back (25 October 2026): a time in the repeated hour runs once, at its first occurrence', () => {
    expect(slot('2026-10-24T12:00:00Z', '02:30')).to.deep.equal({
      at: '2026-10-25T00:30:00.000Z',
      localDate: '2026-10-25',
    });
    // Right after that run, and during the repeated hour: the next is the next day (CET).
    expect(slot('2026-10-25T00:30:00.001Z', '02:30')).to.deep.equal({
      at: '2026-10-26T01:30:00.000Z',
      localDate: '2026-10-26',
    });
    expect(slot('2026-10-25T01:15:00Z', '02:30').at).to.equal('2026-10-26T01:30:00.000Z');
    expect(slot('2026-10-24T12:00:00Z', '02:00').at).to.equal('2026-10-25T00:00:00.000Z');
    expect(slot('2026-10-24T12:00:00Z', '03:00').at).to.equal('2026-10-25T02:00:00.000Z');
  });

  it('gives the local date of an instant', () => {
    expect(localDateOf(new Date('2026-07-01T22:30:00Z'))).to.equal('2026-07-02');
    expect(localDateOf(new Date('2026-01-01T22:30:00Z'))).to.equal('2026-01-01');
  });
});
