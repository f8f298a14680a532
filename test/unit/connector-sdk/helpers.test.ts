import { expect } from 'chai';

import { passesElevenCheck, parseBsn } from '../../../src/connector-sdk/helpers/bsn';
import {
  amsterdamInstant,
  dutchDate,
  isoDate,
  parseInstant,
  parseLocalDate,
} from '../../../src/connector-sdk/helpers/dates';
import { deterministicEventId, uuidV5 } from '../../../src/connector-sdk/helpers/event-id';
import { parsePercentage } from '../../../src/connector-sdk/helpers/percentage';
import { TranslationContext } from '../../../src/connector-sdk/translation-context';

describe('connector SDK helpers', () => {
  describe('calendar dates', () => {
    it('reads ISO days and drops an xs:date zone without moving the day', () => {
      expect(isoDate('2026-11-16')).to.equal('2026-11-16');
      expect(isoDate('2026-11-16+01:00')).to.equal('2026-11-16');
      expect(isoDate('2026-11-16Z')).to.equal('2026-11-16');
    });

    it('refuses days that do not exist', () => {
      expect(isoDate('2026-02-29')).to.equal(null);
      expect(isoDate('2028-02-29')).to.equal('2028-02-29');
      expect(isoDate('2026-13-01')).to.equal(null);
      expect(dutchDate('31-02-2026')).to.equal(null);
    });

    it('reads Dutch day-first dates, including single digits', () => {
      expect(dutchDate('16-11-2026')).to.equal('2026-11-16');
      expect(dutchDate('16/11/2026')).to.equal('2026-11-16');
      expect(dutchDate('5-5-1995')).to.equal('1995-05-05');
    });

    it('accepts Dutch dates only when allowed, with a warning', () => {
      const strict = new TranslationContext();
      expect(parseLocalDate(strict, '16-11-2026', '/d')).to.equal(undefined);
      expect(strict.issues).to.deep.equal([
        {
          reason: 'INVALID_DATE',
          path: '/d',
          message: 'not a valid calendar date (expected YYYY-MM-DD)',
        },
      ]);
      const lenient = new TranslationContext();
      expect(parseLocalDate(lenient, '16-11-2026', '/d', { allowDutch: true })).to.equal(
        '2026-11-16',
      );
      expect(lenient.warnings).to.deep.equal([{ code: 'DUTCH_DATE_FORMAT', path: '/d' }]);
    });
  });

  describe('Netherlands time', () => {
    it('uses +01:00 in winter and +02:00 in summer', () => {
      expect(amsterdamInstant('2026-11-16', '08:12:31')).to.equal('2026-11-16T08:12:31+01:00');
      expect(amsterdamInstant('2026-07-01', '12:00:00')).to.equal('2026-07-01T12:00:00+02:00');
    });

    it('gets the days of the clock change right', () => {
      // 2026-03-29: 02:00 → 03:00; 2026-10-25: 03:00 → 02:00.
      expect(amsterdamInstant('2026-03-29', '01:30:00')).to.equal('2026-03-29T01:30:00+01:00');
      expect(amsterdamInstant('2026-03-29', '04:00:00')).to.equal('2026-03-29T04:00:00+02:00');
      expect(amsterdamInstant('2026-10-25', '01:00:00')).to.equal('2026-10-25T01:00:00+02:00');
      expect(amsterdamInstant('2026-10-25', '04:00:00')).to.equal('2026-10-25T04:00:00+01:00');
    });

    it('keeps an instant with an offset and flags one without', () => {
      const ctx = new TranslationContext();
      expect(parseInstant(ctx, '2026-11-16T07:12:31Z', '/t')).to.equal('2026-11-16T07:12:31Z');
      expect(ctx.warnings).to.deep.equal([]);
      expect(parseInstant(ctx, '2026-11-26 07:45:00', '/u')).to.equal('2026-11-26T07:45:00+01:00');
      expect(ctx.warnings).to.deep.equal([{ code: 'ZONELESS_TIMESTAMP', path: '/u' }]);
      expect(parseInstant(ctx, '2026-11-26T25:00:00Z', '/v')).to.equal(undefined);
      expect(ctx.issues.map((i) => i.path)).to.deep.equal(['/v']);
    });
  });

  describe('BSN', () => {
    it('passes the 11-check for valid numbers and fails for 123456789', () => {
      for (const bsn of ['104332189', '235116154', '594078167', '034131644'])
        expect(passesElevenCheck(bsn), bsn).to.equal(true);
      expect(passesElevenCheck('123456789')).to.equal(false);
      expect(passesElevenCheck('000000000')).to.equal(false);
    });

    it('left-pads 8 digits (a BSN stored as a number lost its zero) and says so', () => {
      const ctx = new TranslationContext();
      expect(parseBsn(ctx, '34131644', '/bsn')).to.equal('034131644');
      expect(ctx.warnings).to.deep.equal([{ code: 'BSN_LEFT_PADDED', path: '/bsn' }]);
    });

    it('rejects a failing BSN without repeating it in the message', () => {
      const ctx = new TranslationContext();
      expect(parseBsn(ctx, '123456789', '/bsn')).to.equal(undefined);
      expect(ctx.issues[0]?.reason).to.equal('INVALID_BSN');
      expect(JSON.stringify(ctx.issues)).not.to.contain('123456789');
    });
  });

  describe('percentages', () => {
    it('reads point and comma decimals, and refuses values outside 0–100', () => {
      const ctx = new TranslationContext();
      expect(parsePercentage(ctx, '50,5', '/p')).to.equal(50.5);
      expect(parsePercentage(ctx, '100.00', '/p')).to.equal(100);
      expect(parsePercentage(ctx, '101', '/p')).to.equal(undefined);
      expect(parsePercentage(ctx, 'vijftig', '/p')).to.equal(undefined);
      expect(ctx.issues.map((i) => i.reason)).to.deep.equal([
        'PERCENTAGE_OUT_OF_RANGE',
        'INVALID_VALUE',
      ]);
    });

    it('enforces a format pattern when the source prescribes one', () => {
      const ctx = new TranslationContext();
      expect(parsePercentage(ctx, '50', '/p', { pattern: /^[0-9]{1,4}[.][0-9]{2}$/ })).to.equal(
        undefined,
      );
      expect(ctx.issues[0]?.reason).to.equal('INVALID_VALUE');
    });
  });

  describe('event ids', () => {
    it('is a standard UUID v5 (cross-checked against Python uuid.uuid5)', () => {
      expect(uuidV5('hello')).to.equal('7af80728-06a1-54ee-9365-339ce768e729');
    });

    it('is the same for the same fact and differs per employer', () => {
      const a = deterministicEventId(
        'acme',
        'sivi-verzuim',
        'nl.datakluis.absence.reported',
        'VZ-1/1',
      );
      expect(
        deterministicEventId('acme', 'sivi-verzuim', 'nl.datakluis.absence.reported', 'VZ-1/1'),
      ).to.equal(a);
      expect(
        deterministicEventId('other', 'sivi-verzuim', 'nl.datakluis.absence.reported', 'VZ-1/1'),
      ).not.to.equal(a);
      expect(
        deterministicEventId('acme', 'sivi-verzuim', 'nl.datakluis.absence.changed', 'VZ-1/1'),
      ).not.to.equal(a);
    });
  });
});
