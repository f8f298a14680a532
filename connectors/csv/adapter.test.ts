import { expect } from 'chai';

import type { CanonicalEvent, InboundMessage, TranslateResult } from '../../src/connector-sdk';
import { csvAdapter } from './adapter';

const HEADER =
  'mutatie_id;tijdstip;personeelsnummer;soort;verzuim_id;eerste_ziektedag;percentage;ingangsdatum;verwachte_hersteldatum;laatste_ziektedag;hersteldatum';
const REPORT_JAN =
  'M-1;2026-11-16T08:12:31+01:00;1042;ZIEKMELDING;VZ-1042-20261116;2026-11-16;100;;2026-11-30;;';
const REPORT_ZOE =
  'M-2;2026-11-18T09:40:02+01:00;1077;ZIEKMELDING;VZ-1077-20261118;2026-11-18;50;;;;';
const RECOVERY_JAN =
  'M-3;2026-12-02T08:30:00+01:00;1042;HERSTELMELDING;VZ-1042-20261116;2026-11-16;;;;2026-12-01;2026-12-02';

function message(body: string): InboundMessage {
  return {
    connectorId: 'csv',
    employerId: 'zonnebloem',
    receivedAt: '2026-12-03T12:00:00Z',
    contentType: 'text/csv',
    body,
    headers: {},
  };
}

function translate(...lines: string[]): TranslateResult {
  return csvAdapter.translate(message(`${lines.join('\n')}\n`));
}

function events(result: TranslateResult): CanonicalEvent[] {
  if (result.outcome !== 'translated')
    throw new Error(`expected translated, got ${JSON.stringify(result)}`);
  return result.events;
}

function warnings(result: TranslateResult): { code: string; path: string }[] {
  if (result.outcome === 'rejected')
    throw new Error(`expected warnings, got ${JSON.stringify(result)}`);
  return result.warnings;
}

function issues(result: TranslateResult): { reason: string; path: string }[] {
  if (result.outcome !== 'rejected') throw new Error(`expected rejected, got ${result.outcome}`);
  return result.issues.map(({ reason, path }) => ({ reason, path }));
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
}

describe('csv adapter', () => {
  describe('purity', () => {
    it('translates a deep-frozen message twice to the same result, without clock or randomness', () => {
      const input = deepFreeze(message([HEADER, RECOVERY_JAN, REPORT_JAN, REPORT_ZOE].join('\n')));
      const now = Date.now;
      const random = Math.random;
      Date.now = () => {
        throw new Error('clock read');
      };
      Math.random = () => {
        throw new Error('randomness used');
      };
      try {
        const first = csvAdapter.translate(input);
        const second = csvAdapter.translate(input);
        expect(first.outcome).to.equal('translated');
        expect(second).to.deep.equal(first);
      } finally {
        Date.now = now;
        Math.random = random;
      }
    });
  });

  describe('file layout', () => {
    it('reads `;` and `,` delimited files alike', () => {
      const semicolon = events(translate(HEADER, REPORT_JAN, REPORT_ZOE));
      const comma = events(
        translate(
          HEADER.replace(/;/g, ','),
          REPORT_JAN.replace(/;/g, ','),
          REPORT_ZOE.replace(/;/g, ','),
        ),
      );
      expect(comma).to.deep.equal(semicolon);
      expect(semicolon).to.have.length(2);
    });

    it('accepts a UTF-8 BOM still in front of the header', () => {
      const plain = translate(HEADER, REPORT_JAN);
      const withBom = csvAdapter.translate(message(`\uFEFF${HEADER}\n${REPORT_JAN}\n`));
      expect(withBom).to.deep.equal(plain);
    });

    it('accepts CRLF line ends and English, mixed-case header aliases with spaces', () => {
      const header = 'Mutation ID,TIMESTAMP,employee_number,Kind,case_id,First-Sick-Day,percentage';
      const result = csvAdapter.translate(
        message(`${header}\r\nM-1,2026-11-16T08:12:31+01:00,1042,Report,VZ-1,2026-11-16,100\r\n`),
      );
      const [event] = events(result);
      expect(event?.type).to.equal('nl.datakluis.absence.reported');
    });

    it('keeps the leading zero of a personnel number', () => {
      const [event] = events(
        translate(
          HEADER,
          'M-1;2026-11-16T10:15:00+01:00;0815;ZIEKMELDING;VZ-0815-20261116;2026-11-16;100;;;;',
        ),
      );
      expect(event?.subject).to.equal('VZ-0815-20261116');
      expect((event?.data as { employee: { externalId: string } }).employee.externalId).to.equal(
        '0815',
      );
    });

    it('names problems by the line in the file, also after blank lines and multi-line fields', () => {
      const header =
        'mutatie_id;tijdstip;personeelsnummer;soort;verzuim_id;eerste_ziektedag;percentage;notities';
      const result = translate(
        header,
        '',
        'M-1;2026-11-16T08:12:31+01:00;1042;ZIEKMELDING;VZ-1;2026-11-16;100;"two',
        'lines"',
        'M-2;2026-11-18T09:40:02+01:00;1077;ZIEKMELDING;VZ-2;2026-11-18;150;',
      );
      // Records 1–3 of the file start on lines 1, 3 and 5 (line 2 is blank, record 2 spans lines 3–4).
      expect(issues(result)).to.deep.equal([
        { reason: 'PERCENTAGE_OUT_OF_RANGE', path: '/rows/5/percentage' },
      ]);
    });

    it('skips rows whose every cell is empty', () => {
      expect(events(translate(HEADER, REPORT_JAN, ';;;;;;;;;;'))).to.have.length(1);
    });
  });

  describe('meaning', () => {
    it('applies a sick report percentage from the first sick day unless ingangsdatum says otherwise', () => {
      const [event] = events(translate(HEADER, REPORT_JAN));
      expect(event?.data).to.deep.include({
        absence: {
          startDate: '2026-11-16',
          expectedReturnDate: '2026-11-30',
          incapacity: [{ from: '2026-11-16', percentage: 100 }],
        },
      });
    });

    it('maps every kind, case-insensitively, to its event type', () => {
      const rows = [
        'M-1;2026-11-16T08:00:00+01:00;1042;ziekmelding;VZ-1;2026-11-16;100;;;;',
        'M-2;2026-11-17T08:00:00+01:00;1042;Wijziging;VZ-1;;;;2026-12-14;;',
        'M-3;2026-11-18T08:00:00+01:00;1042;gedeeltelijk herstel;VZ-1;;50;2026-11-18;;;',
        'M-4;2026-11-19T08:00:00+01:00;1042;CORRECTIE;VZ-1;2026-11-15;;;;;',
        'M-5;2026-11-20T08:00:00+01:00;1042;HERSTELMELDING;VZ-1;;;;;;2026-11-20',
        'M-6;2026-11-21T08:00:00+01:00;1042;intrekking;VZ-1;;;;;;',
      ];
      expect(
        events(translate(HEADER, ...rows)).map((e) => e.type.replace('nl.datakluis.', '')),
      ).to.deep.equal([
        'absence.reported',
        'absence.changed',
        'absence.changed',
        'absence.corrected',
        'absence.recovered',
        'absence.withdrawn',
      ]);
    });

    it('reads J/N flags and leaves an empty one out', () => {
      const header =
        'mutatie_id;tijdstip;personeelsnummer;soort;verzuim_id;eerste_ziektedag;percentage;arbeidsongeval;regres;vangnet';
      const [event] = events(
        translate(
          header,
          'M-1;2026-11-16T08:12:31+01:00;1042;ZIEKMELDING;VZ-1;2026-11-16;100 %;ja;;N',
        ),
      );
      expect((event?.data as { absence: object }).absence).to.deep.equal({
        startDate: '2026-11-16',
        incapacity: [{ from: '2026-11-16', percentage: 100 }],
        workRelatedAccident: true,
        safetyNet: false,
      });
    });

    it('emits one event for an exact duplicate row, also when written differently', () => {
      const same =
        'M-1;16-11-2026 08:12:31;1042;ziekmelding;VZ-1042-20261116;16-11-2026;100,00;;30-11-2026;;';
      const utc =
        'M-1;2026-11-16T07:12:31Z;1042;ZIEKMELDING;VZ-1042-20261116;2026-11-16;100;;2026-11-30;;';
      const list = events(translate(HEADER, REPORT_JAN, REPORT_JAN, same, utc));
      expect(list).to.have.length(1);
      expect(list[0]?.time).to.equal('2026-11-16T08:12:31+01:00');
    });

    it('emits events by tijdstip whatever the row order, employee data last', () => {
      const header = `${HEADER};achternaam`;
      const result = translate(
        header,
        `${RECOVERY_JAN};Vries`,
        `${REPORT_ZOE};`,
        `${REPORT_JAN};de Vries`,
      );
      const list = events(result);
      expect(list.map((e) => e.time)).to.deep.equal([
        '2026-11-16T08:12:31+01:00',
        '2026-11-18T09:40:02+01:00',
        '2026-12-02T08:30:00+01:00',
        '2026-12-02T08:30:00+01:00',
      ]);
      expect(list[3]?.data).to.deep.equal({
        employee: { externalId: '1042', familyName: 'Vries' },
      });
      const reordered = events(
        translate(header, `${REPORT_JAN};de Vries`, `${REPORT_ZOE};`, `${RECOVERY_JAN};Vries`),
      );
      expect(reordered).to.deep.equal(list);
    });

    it('gives the same event id to the same mutatie_id in a resent file', () => {
      const first = events(translate(HEADER, REPORT_JAN));
      const resent = events(translate(HEADER, REPORT_ZOE, REPORT_JAN));
      expect(resent.map((e) => e.id)).to.include(first[0]?.id);
    });

    it('pads an 8-digit BSN with a warning on its column', () => {
      const header =
        'mutatie_id;tijdstip;personeelsnummer;soort;verzuim_id;eerste_ziektedag;percentage;bsn';
      const result = translate(
        header,
        'M-1;2026-11-16T10:15:00+01:00;0815;ZIEKMELDING;VZ-1;2026-11-16;100;34131644',
      );
      expect(events(result)[1]?.data).to.deep.equal({
        employee: { externalId: '0815', bsn: '034131644' },
      });
      expect(warnings(result)).to.deep.equal([{ code: 'BSN_LEFT_PADDED', path: '/columns/bsn' }]);
    });
  });

  describe('health data', () => {
    it('drops remark and diagnosis columns: their text appears nowhere in the result', () => {
      const header = `${HEADER};Opmerking;diagnose;afdeling`;
      const result = translate(header, `${REPORT_JAN};"griep, koorts";influenza;Magazijn`);
      const text = JSON.stringify(result);
      for (const word of ['griep', 'koorts', 'influenza', 'Magazijn', 'afdeling'])
        expect(text).not.to.include(word);
      // Unknown columns are named by position: a header cell is sender text and is never echoed.
      expect(warnings(result)).to.deep.equal([
        { code: 'FREE_TEXT_DROPPED', path: '/columns/12' },
        { code: 'SENSITIVE_FIELD_DROPPED', path: '/columns/13' },
        { code: 'UNKNOWN_FIELD_IGNORED', path: '/columns/14' },
      ]);
    });

    it('keeps dropped text out of a rejection too', () => {
      const text = JSON.stringify(
        translate(
          `${HEADER};toelichting`,
          `M-1;2026-11-16T08:12:31+01:00;1042;ZIEKMELDING;VZ-1;2026-11-16;101;;;;;"griep, koorts"`,
        ),
      );
      expect(text).to.include('PERCENTAGE_OUT_OF_RANGE');
      for (const word of ['griep', 'koorts']) expect(text).not.to.include(word);
    });
  });

  describe('rejections', () => {
    const cases: [string, string[], { reason: string; path: string }[]][] = [
      [
        'an unbalanced quote',
        [HEADER, 'M-1;"2026-11-16;1042;ZIEKMELDING;VZ-1;2026-11-16;100;;;;'],
        [{ reason: 'MALFORMED_PAYLOAD', path: '/' }],
      ],
      [
        'a row with too many fields',
        [HEADER, `${REPORT_JAN};extra`],
        [{ reason: 'MALFORMED_PAYLOAD', path: '/' }],
      ],
      [
        'a column given twice',
        [`${HEADER};kind`, `${REPORT_JAN};ZIEKMELDING`],
        [{ reason: 'MALFORMED_PAYLOAD', path: '/columns/soort' }],
      ],
      [
        'a missing required column',
        ['mutatie_id;tijdstip;soort;verzuim_id', 'M-1;2026-11-16T08:12:31+01:00;INTREKKING;VZ-1'],
        [{ reason: 'MISSING_FIELD', path: '/columns/personeelsnummer' }],
      ],
      ['a header without rows', [HEADER], [{ reason: 'MISSING_FIELD', path: '/rows' }]],
      [
        'an empty required value',
        [HEADER, 'M-1;2026-11-16T08:12:31+01:00;;ZIEKMELDING;VZ-1;2026-11-16;100;;;;'],
        [{ reason: 'MISSING_FIELD', path: '/rows/2/personeelsnummer' }],
      ],
      [
        'a sick report without first sick day and percentage',
        [HEADER, 'M-1;2026-11-16T08:12:31+01:00;1042;ZIEKMELDING;VZ-1;;;;;;'],
        [
          { reason: 'MISSING_FIELD', path: '/rows/2/eerste_ziektedag' },
          { reason: 'MISSING_FIELD', path: '/rows/2/percentage' },
        ],
      ],
      [
        'a change without percentage or expected return',
        [HEADER, 'M-1;2026-11-23T08:00:00+01:00;1042;WIJZIGING;VZ-1;2026-11-16;;;;;'],
        [{ reason: 'MISSING_FIELD', path: '/rows/2/percentage' }],
      ],
      [
        'a new percentage without ingangsdatum',
        [HEADER, 'M-1;2026-11-23T08:00:00+01:00;1042;GEDEELTELIJK_HERSTEL;VZ-1;2026-11-16;50;;;;'],
        [{ reason: 'MISSING_FIELD', path: '/rows/2/ingangsdatum' }],
      ],
      [
        'a recovery without dates',
        [HEADER, 'M-1;2026-12-02T08:00:00+01:00;1042;HERSTELMELDING;VZ-1;2026-11-16;;;;;'],
        [{ reason: 'MISSING_FIELD', path: '/rows/2/hersteldatum' }],
      ],
      [
        'a correction without facts',
        [HEADER, 'M-1;2026-12-02T08:00:00+01:00;1042;CORRECTIE;VZ-1;;;;;;'],
        [{ reason: 'MISSING_FIELD', path: '/rows/2/soort' }],
      ],
      [
        'an impossible date',
        [HEADER, 'M-1;2026-11-16T08:12:31+01:00;1042;ZIEKMELDING;VZ-1;31-02-2026;100;;;;'],
        [{ reason: 'INVALID_DATE', path: '/rows/2/eerste_ziektedag' }],
      ],
      [
        'an invalid timestamp',
        [HEADER, 'M-1;2026-11-16T25:00;1042;ZIEKMELDING;VZ-1;2026-11-16;100;;;;'],
        [{ reason: 'INVALID_DATE', path: '/rows/2/tijdstip' }],
      ],
      [
        'a percentage above 100',
        [HEADER, 'M-1;2026-11-16T08:12:31+01:00;1042;ZIEKMELDING;VZ-1;2026-11-16;101;;;;'],
        [{ reason: 'PERCENTAGE_OUT_OF_RANGE', path: '/rows/2/percentage' }],
      ],
      [
        'a sick report at 0 %',
        [HEADER, 'M-1;2026-11-16T08:12:31+01:00;1042;ZIEKMELDING;VZ-1;2026-11-16;0;;;;'],
        [{ reason: 'PERCENTAGE_OUT_OF_RANGE', path: '/rows/2/percentage' }],
      ],
      [
        'a percentage with three decimals',
        [HEADER, 'M-1;2026-11-16T08:12:31+01:00;1042;ZIEKMELDING;VZ-1;2026-11-16;50.125;;;;'],
        [{ reason: 'INVALID_VALUE', path: '/rows/2/percentage' }],
      ],
      [
        'an unknown kind',
        [HEADER, 'M-1;2026-11-16T08:12:31+01:00;1042;BETERMELDING;VZ-1;2026-11-16;100;;;;'],
        [{ reason: 'UNKNOWN_CODE', path: '/rows/2/soort' }],
      ],
      [
        'an expected return before the first sick day',
        [
          HEADER,
          'M-1;2026-11-16T08:12:31+01:00;1042;ZIEKMELDING;VZ-1;2026-11-16;100;;2026-11-15;;',
        ],
        [{ reason: 'INCONSISTENT_PAYLOAD', path: '/rows/2/verwachte_hersteldatum' }],
      ],
      [
        'a first day back not after the last sick day',
        [
          HEADER,
          'M-1;2026-12-02T08:00:00+01:00;1042;HERSTELMELDING;VZ-1;2026-11-16;;;;2026-12-02;2026-12-02',
        ],
        [{ reason: 'INCONSISTENT_PAYLOAD', path: '/rows/2/hersteldatum' }],
      ],
      [
        'a tijdstip days after receipt',
        [HEADER, 'M-1;2062-11-16T08:12:31+01:00;1042;ZIEKMELDING;VZ-1;2026-11-16;100;;;;'],
        [{ reason: 'INCONSISTENT_PAYLOAD', path: '/rows/2/tijdstip' }],
      ],
      [
        'a reused mutatie_id with other content',
        [HEADER, REPORT_JAN, REPORT_JAN.replace(';100;', ';80;')],
        [{ reason: 'INCONSISTENT_PAYLOAD', path: '/rows/3/mutatie_id' }],
      ],
    ];
    for (const [name, lines, expected] of cases) {
      it(`rejects ${name}`, () => {
        expect(issues(translate(...lines))).to.deep.equal(expected);
      });
    }

    it('rejects an empty body', () => {
      expect(issues(csvAdapter.translate(message('')))).to.deep.equal([
        { reason: 'MALFORMED_PAYLOAD', path: '/' },
      ]);
    });

    it('rejects invalid master data', () => {
      const header =
        'mutatie_id;tijdstip;personeelsnummer;soort;verzuim_id;eerste_ziektedag;percentage;bsn;email;volgnummer;vangnet;voorletters';
      const row =
        'M-1;2026-11-16T08:12:31+01:00;1042;ZIEKMELDING;VZ-1;2026-11-16;100;123456789;jan@;1a;misschien;ABCDEFGHIJKLMNOPQRSTU';
      expect(issues(translate(header, row))).to.deep.equal([
        { reason: 'INVALID_VALUE', path: '/rows/2/volgnummer' },
        { reason: 'INVALID_VALUE', path: '/rows/2/vangnet' },
        { reason: 'INVALID_BSN', path: '/rows/2/bsn' },
        { reason: 'INVALID_VALUE', path: '/rows/2/voorletters' },
        { reason: 'INVALID_VALUE', path: '/rows/2/email' },
      ]);
    });

    it('lists every problem of every row, not only the first', () => {
      const result = translate(
        HEADER,
        'M-1;gisteren;1042;ZIEKMELDING;VZ-1;2026-11-16;101;;;;',
        'M-2;2026-11-18T09:40:02+01:00;1077;ONBEKEND;VZ-2;2026-13-01;50;;;;',
      );
      expect(issues(result)).to.deep.equal([
        { reason: 'INVALID_DATE', path: '/rows/2/tijdstip' },
        { reason: 'PERCENTAGE_OUT_OF_RANGE', path: '/rows/2/percentage' },
        { reason: 'UNKNOWN_CODE', path: '/rows/3/soort' },
        { reason: 'INVALID_DATE', path: '/rows/3/eerste_ziektedag' },
      ]);
    });
  });
});
