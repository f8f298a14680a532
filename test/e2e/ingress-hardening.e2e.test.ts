// Input hardening at the edge, end to end with the real RabbitMQ and PostgreSQL: charsets per
// connector manifest, names with diacritics byte for byte from the HTTP body to the published
// canonical event and the dossier row, 413 before parsing (Content-Length and chunked alike), and
// the largest message a connector takes (1 MiB of CSV) accepted, published and applied.
import http from 'node:http';

import type { Channel } from 'amqplib';
import { expect } from 'chai';

import type { Database } from '../../src/db/prisma-client';
import { credentialFor, startGateway, waitUntil } from '../helpers/gateway';
import type { RunningGateway } from '../helpers/gateway';
import {
  createEmployer,
  getTestEnvironment,
  testNamespaceConfig,
  topologyOf,
  uniqueEmployerId,
} from '../helpers/test-environment';

const config = testNamespaceConfig('hardening');
const topology = topologyOf(config);
const LIMIT = 1048576; // both connectors' ingress.maxBodyBytes

interface Answer {
  status: number;
  type: string | null;
  body: {
    type?: string;
    title?: string;
    status?: number;
    detail?: string;
    code?: string;
    correlationId?: string;
    events?: { id: string; type: string }[];
    issues?: { code: string; path: string }[];
  };
}

interface PublishedEvent {
  id: string;
  type: string;
  data: {
    employee: {
      externalId: string;
      initials?: string;
      givenName?: string;
      familyNamePrefix?: string;
      familyName?: string;
    };
  };
}

/** Code points, so a failure shows exactly which character differs (no normalisation anywhere). */
const codePoints = (s: string | null | undefined): string[] =>
  Array.from(s ?? '', (c) => `U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`);

// windows-1252's characters in 0x80–0x9F that the tests use; 0xA0–0xFF are Latin-1.
const WINDOWS_1252_HIGH = new Map<number, number>([
  [0x20ac, 0x80],
  [0x0160, 0x8a],
  [0x0152, 0x8c],
  [0x2018, 0x91],
  [0x2019, 0x92],
  [0x0161, 0x9a],
  [0x0153, 0x9c],
]);

/** Encodes text as windows-1252 (as Excel's "CSV (gescheiden door lijstscheidingsteken)" does). */
function windows1252(text: string): Buffer {
  return Buffer.from(
    Array.from(text, (c) => {
      const cp = c.codePointAt(0)!;
      if (cp < 0x80 || (cp >= 0xa0 && cp <= 0xff)) return cp;
      const byte = WINDOWS_1252_HIGH.get(cp);
      if (byte === undefined) throw new Error(`U+${cp.toString(16)} is not in windows-1252`);
      return byte;
    }),
  );
}

interface Person {
  externalId: string;
  initials: string;
  givenName: string;
  prefix?: string;
  familyName: string;
}

const MASTER_HEADER =
  'mutatie_id;tijdstip;personeelsnummer;soort;verzuim_id;eerste_ziektedag;percentage;voorletters;roepnaam;tussenvoegsel;achternaam';

function masterDataCsv(people: readonly Person[], tag: string): string {
  const rows = people.map(
    (p) =>
      `${tag}-${p.externalId};2026-11-16T08:00:00+01:00;${p.externalId};ZIEKMELDING;VZ-${tag}-${p.externalId};2026-11-16;100;` +
      `${p.initials};${p.givenName};${p.prefix ?? ''};${p.familyName}`,
  );
  return `${[MASTER_HEADER, ...rows].join('\r\n')}\r\n`;
}

function siviReport(
  person: Person,
  declaration = '<?xml version="1.0" encoding="UTF-8"?>',
): string {
  return `${declaration}
<Verzuimmeldingen xmlns="http://www.sivi.org/Verzuimmanagement/Verzuimmeldingen/2022">
  <BrAlg><BrCd>00100</BrCd><VnrBrCd>00010</VnrBrCd><AandatBr>2026-11-16</AandatBr><AantijdBr>08:12:31</AantijdBr><Berrefnr>R-${person.externalId}</Berrefnr></BrAlg>
  <Wrkgvr><Wrknmr><SignNm>${person.familyName}</SignNm><Voorl>${person.initials}</Voorl><Roepnaam>${person.givenName}</Roepnaam><IdWrknmr>${person.externalId}</IdWrknmr><Dnstvbnd><IdDnstvbnd>${person.externalId}-1</IdDnstvbnd>
    <Vrzm><VrwrkCd>01</VrwrkCd><IngdatMutVrzm>2026-11-16</IngdatMutVrzm><VrzmgvlId>VZ-${person.externalId}</VrzmgvlId><VrzmgvlVnrMld>1</VrzmgvlVnrMld><EndVrzmJN>N</EndVrzmJN><DatEerstVrzmdg>2026-11-16</DatEerstVrzmdg><PrcVrzm>100.00</PrcVrzm></Vrzm>
  </Dnstvbnd></Wrknmr></Wrkgvr>
</Verzuimmeldingen>`;
}

/**
 * A POST with node:http, so the test decides exactly how the body travels: with a Content-Length,
 * or chunked without one. A write error after the answer (the gateway stops reading a refused body)
 * does not fail the request.
 */
function rawPost(
  url: string,
  headers: Record<string, string>,
  chunks: readonly Buffer[],
  options: { chunked: boolean },
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    let answered = false;
    const total = chunks.reduce((sum, chunk) => sum + chunk.length, 0);
    const request = http.request(
      url,
      {
        method: 'POST',
        headers: options.chunked ? headers : { ...headers, 'content-length': String(total) },
      },
      (response) => {
        answered = true;
        const parts: Buffer[] = [];
        response.on('data', (part: Buffer) => parts.push(part));
        response.on('end', () =>
          resolve({
            status: response.statusCode ?? 0,
            type: response.headers['content-type'] ?? null,
            body: JSON.parse(Buffer.concat(parts).toString('utf8')) as Answer['body'],
          }),
        );
      },
    );
    request.on('error', (error) => {
      if (!answered) reject(error);
    });
    for (const chunk of chunks) request.write(chunk);
    request.end();
  });
}

describe('ingress hardening at the edge, end to end (real RabbitMQ and PostgreSQL)', function () {
  this.timeout(120000);
  let db: Database;
  let gateway: RunningGateway;
  let employer: string;
  let capture: Channel;
  const tokens: Record<string, string> = {};
  /** Every canonical event published on the absence exchange, by id, as the broker holds it. */
  const published = new Map<string, { event: PublishedEvent; bytes: number }>();

  before(async () => {
    ({ db } = await getTestEnvironment());
    gateway = await startGateway(config);
    employer = uniqueEmployerId('edge');
    await createEmployer(db, employer, true);
    tokens.csv = await credentialFor(db, employer, 'csv');
    tokens['sivi-verzuim'] = await credentialFor(db, employer, 'sivi-verzuim');
    // A queue of the test's own next to the work queue: what was published, exactly as published.
    capture = await gateway.broker.createChannel();
    const { queue } = await capture.assertQueue('', { exclusive: true, autoDelete: true });
    await capture.bindQueue(queue, topology.exchanges.absence.name, '#');
    await capture.consume(
      queue,
      (message) => {
        if (message === null) return;
        const event = JSON.parse(message.content.toString('utf8')) as PublishedEvent;
        published.set(event.id, { event, bytes: message.content.length });
      },
      { noAck: true },
    );
  });
  after(async () => {
    await capture?.close().catch(() => undefined);
    await gateway?.stop();
  });

  const url = (connectorId: string) =>
    `${gateway.ingress.url}/v1/connectors/${connectorId}/messages`;

  async function post(
    connectorId: string,
    contentType: string | null,
    body: string | Buffer,
  ): Promise<Answer> {
    const headers: Record<string, string> = { authorization: `Bearer ${tokens[connectorId]}` };
    if (contentType !== null) headers['content-type'] = contentType;
    const response = await fetch(url(connectorId), { method: 'POST', headers, body });
    return {
      status: response.status,
      type: response.headers.get('content-type'),
      body: JSON.parse(await response.text()) as Answer['body'],
    };
  }

  function expectProblem(answer: Answer, status: number, code: string): void {
    expect(answer.status, JSON.stringify(answer.body)).to.equal(status);
    expect(answer.type).to.match(/^application\/problem\+json/);
    expect(answer.body).to.include({ status, code });
    expect(answer.body.type).to.equal(
      `https://docs.datakluis.nl/problems/${code.toLowerCase().replace(/_/g, '-')}`,
    );
  }

  async function publishedEvents(ids: readonly string[], timeoutMs = 15000) {
    await waitUntil(() => Promise.resolve(ids.every((id) => published.has(id))), timeoutMs);
    return ids.map((id) => published.get(id)!.event);
  }

  async function applied(ids: readonly string[], timeoutMs = 15000): Promise<void> {
    const unique = [...new Set(ids)];
    await waitUntil(
      async () =>
        (await db.processedEvent.count({ where: { eventId: { in: unique } } })) === unique.length,
      timeoutMs,
    );
  }

  /** The published employee.upserted events and the dossier rows hold exactly these names. */
  async function expectNamesExactly(answer: Answer, people: readonly Person[]): Promise<void> {
    expect(answer.status, JSON.stringify(answer.body)).to.equal(202);
    const ids = answer.body.events!.map((e) => e.id);
    const events = await publishedEvents(ids);
    for (const person of people) {
      const upsert = events.find(
        (e) =>
          e.type === 'nl.datakluis.employee.upserted' &&
          e.data.employee.externalId === person.externalId,
      );
      expect(upsert, person.externalId).not.to.equal(undefined);
      const employee = upsert!.data.employee;
      expect(codePoints(employee.givenName)).to.deep.equal(codePoints(person.givenName));
      expect(codePoints(employee.familyName)).to.deep.equal(codePoints(person.familyName));
      expect(codePoints(employee.familyNamePrefix)).to.deep.equal(codePoints(person.prefix));
      expect(codePoints(employee.initials)).to.deep.equal(codePoints(person.initials));
    }
    await applied(ids);
    for (const person of people) {
      const dossier = await db.dossier.findUniqueOrThrow({
        where: { employerId_externalId: { employerId: employer, externalId: person.externalId } },
      });
      expect(codePoints(dossier.givenName)).to.deep.equal(codePoints(person.givenName));
      expect(codePoints(dossier.familyName)).to.deep.equal(codePoints(person.familyName));
      expect(codePoints(dossier.familyNamePrefix)).to.deep.equal(codePoints(person.prefix));
      expect(Buffer.from(dossier.familyName ?? '', 'utf8')).to.deep.equal(
        Buffer.from(person.familyName, 'utf8'),
      );
      expect(dossier.vaultState).to.equal('SHARED');
    }
  }

  describe('names with diacritics, byte for byte', () => {
    it('UTF-8 CSV: the published events and the dossier rows hold exactly the names sent', async () => {
      const people: Person[] = [
        { externalId: '5101', initials: 'Z.', givenName: 'Zoë', familyName: 'Çelik-Ñúñez' },
        { externalId: '5102', initials: 'A.', givenName: 'Anaïs', familyName: "d'Hondt" },
        { externalId: '5103', initials: 'Ł.', givenName: 'Łukasz', familyName: 'Żółć' },
        {
          externalId: '5104',
          initials: 'R.',
          givenName: 'Renée',
          prefix: 'van ’t',
          familyName: 'Hoëvenaar-Ørsted',
        },
      ];
      const body = masterDataCsv(people, 'U8');
      await expectNamesExactly(await post('csv', 'text/csv; charset=utf-8', body), people);
    });

    it('windows-1252 CSV (charset named): the same code points, ’ from byte 0x92 included', async () => {
      const people: Person[] = [
        { externalId: '5201', initials: 'Z.', givenName: 'Zoë', familyName: 'Çelik-Ñúñez' },
        { externalId: '5202', initials: 'A.', givenName: 'Anaïs', familyName: 'd’Hondt' },
        { externalId: '5203', initials: 'Š.', givenName: 'Šárka', familyName: 'Œttinger' },
      ];
      const body = windows1252(masterDataCsv(people, 'W1252'));
      expect(body.includes(0x92)).to.equal(true);
      await expectNamesExactly(await post('csv', 'text/csv; charset=windows-1252', body), people);
      // Łukasz Żółć has no windows-1252 form: such a name only reaches the gateway as UTF-8.
      expect(() => windows1252('Łukasz Żółć')).to.throw(/not in windows-1252/);
    });

    it('the same bytes labelled "ISO-8859-1" (quoted, any case) decode alike', async () => {
      const people: Person[] = [
        { externalId: '5301', initials: 'A.', givenName: 'Anaïs', familyName: 'd’Hondt-Ñúñez' },
      ];
      const body = windows1252(masterDataCsv(people, 'L1'));
      await expectNamesExactly(await post('csv', 'text/csv;charset="ISO-8859-1"', body), people);
    });

    it('decomposed UTF-8 is normalised to NFC by the CSV adapter, as its README says (section 6)', async () => {
      const decomposed: Person = {
        externalId: '5401',
        initials: 'Z.',
        givenName: 'Zoe\u0308',
        familyName: 'C\u0327elik',
      };
      const answer = await post('csv', 'text/csv', masterDataCsv([decomposed], 'NFD'));
      await expectNamesExactly(answer, [
        { ...decomposed, givenName: 'Zo\u00eb', familyName: '\u00c7elik' },
      ]);
    });

    it('SIVI XML (UTF-8): Łukasz Żółć reaches the event and the dossier exactly, also as character references', async () => {
      const person: Person = {
        externalId: '5501',
        initials: 'Ł',
        givenName: 'Łukasz',
        familyName: 'Żółć-Çelik',
      };
      await expectNamesExactly(await post('sivi-verzuim', 'application/xml', siviReport(person)), [
        person,
      ]);
      // The same names as numeric references in an ASCII body: the XML way to send any character.
      const referenced: Person = { ...person, externalId: '5502' };
      const ascii = siviReport({
        ...referenced,
        initials: '&#321;',
        givenName: '&#321;ukasz',
        familyName: '&#379;&#243;&#322;&#263;-&#199;elik',
      }).replace('encoding="UTF-8"', 'encoding="US-ASCII"');
      await expectNamesExactly(await post('sivi-verzuim', 'text/xml', ascii), [referenced]);
    });
  });

  describe('charsets per connector manifest', () => {
    const person: Person = {
      externalId: '5601',
      initials: 'Z.',
      givenName: 'Zoë',
      familyName: 'Ñúñez',
    };

    it('CSV: a windows-1252 file without a charset is not guessed: 400 INVALID_ENCODING saying how to name it', async () => {
      const answer = await post('csv', 'text/csv', windows1252(masterDataCsv([person], 'G')));
      expectProblem(answer, 400, 'INVALID_ENCODING');
      expect(answer.body.detail).to.contain('Content-Type: text/csv; charset=windows-1252');
    });

    it('CSV: 415 UNSUPPORTED_CHARSET for a charset not in the manifest, naming the accepted ones', async () => {
      const body = masterDataCsv([person], 'X');
      for (const contentType of [
        'text/csv; charset=iso-8859-15',
        'text/csv; charset=utf-16',
        'text/csv; charset="no-such-charset"',
      ]) {
        const answer = await post('csv', contentType, body);
        expectProblem(answer, 415, 'UNSUPPORTED_CHARSET');
        expect(answer.body.detail).to.equal(
          'The charset named in Content-Type is not accepted. This connector accepts utf-8, windows-1252 and iso-8859-1 (no charset named means UTF-8).',
        );
      }
      const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(body, 'utf16le')]);
      expectProblem(await post('csv', 'text/csv', utf16), 415, 'UNSUPPORTED_CHARSET');
    });

    it('CSV: a UTF-8 byte-order mark under charset=windows-1252 is 400 CHARSET_CONFLICT, not "ï»¿"', async () => {
      const body = Buffer.from(`\ufeff${masterDataCsv([person], 'C')}`, 'utf8');
      const answer = await post('csv', 'text/csv; charset=windows-1252', body);
      expectProblem(answer, 400, 'CHARSET_CONFLICT');
      expect(answer.body.detail).to.contain('byte-order mark says utf-8');
      expectProblem(
        await post('csv', 'text/csv; charset=utf-8; charset=cp1252', masterDataCsv([person], 'C')),
        400,
        'CHARSET_CONFLICT',
      );
    });

    it('SIVI (UTF-8 only): an XML declaration naming ISO-8859-1 is 415, also without a charset in Content-Type', async () => {
      const latin = siviReport(person, '<?xml version="1.0" encoding="ISO-8859-1"?>');
      // Refused even when every byte is ASCII (and so would read alike): the sender learns it on
      // the first message, not on the first name with an accent.
      const ascii = siviReport(
        { ...person, givenName: 'Zoe', familyName: 'Nunez' },
        '<?xml version="1.0" encoding="ISO-8859-1"?>',
      );
      for (const [contentType, body] of [
        ['application/xml', Buffer.from(latin, 'latin1')],
        ['application/xml', Buffer.from(ascii, 'latin1')],
        ['application/xml; charset=utf-8', Buffer.from(latin, 'utf8')],
      ] as const) {
        const answer = await post('sivi-verzuim', contentType, body);
        expectProblem(answer, 415, 'UNSUPPORTED_CHARSET');
        expect(answer.body.detail).to.equal(
          'The XML declaration names an encoding that is not accepted. This connector accepts utf-8 (no charset named means UTF-8).',
        );
      }
      expectProblem(
        await post('sivi-verzuim', 'text/xml; charset=windows-1252', siviReport(person)),
        415,
        'UNSUPPORTED_CHARSET',
      );
    });

    it('missing or wrong content type → 415; malformed CSV and XML → 400 MALFORMED_PAYLOAD', async () => {
      const csv = masterDataCsv([person], 'M');
      expectProblem(await post('csv', null, csv), 415, 'UNSUPPORTED_MEDIA_TYPE');
      expectProblem(await post('csv', 'application/json', csv), 415, 'UNSUPPORTED_MEDIA_TYPE');
      expectProblem(
        await post('csv', 'text/plain; charset=utf-8', csv),
        415,
        'UNSUPPORTED_MEDIA_TYPE',
      );
      expectProblem(
        await post('sivi-verzuim', 'text/csv', siviReport(person)),
        415,
        'UNSUPPORTED_MEDIA_TYPE',
      );
      const unbalanced = `${MASTER_HEADER}\r\nM-1;2026-11-16T08:00:00+01:00;5601;ZIEKMELDING;"VZ-1;2026-11-16;100;Z.;Zoë;;Ñúñez\r\n`;
      const malformed = await post('csv', 'text/csv', unbalanced);
      expectProblem(malformed, 400, 'MALFORMED_PAYLOAD');
      expect(malformed.body.issues?.map((i) => i.path)).to.deep.equal(['/']);
      expectProblem(
        await post('sivi-verzuim', 'application/xml', siviReport(person).replace('</Wrkgvr>', '')),
        400,
        'MALFORMED_PAYLOAD',
      );
      expectProblem(
        await post('sivi-verzuim', 'application/json', '{"not":"xml"}'),
        415,
        'UNSUPPORTED_MEDIA_TYPE',
      );
    });
  });

  describe('size: the limit is exact, and 413 looks the same however the body travels', () => {
    const HEADER =
      'mutatie_id;tijdstip;personeelsnummer;dienstverband;soort;verzuim_id;volgnummer;eerste_ziektedag;meldingsdatum;percentage;verwachte_hersteldatum;arbeidsongeval;regres;vangnet';
    const row = (i: number, idPadding = '') => {
      const n = String(i).padStart(6, '0');
      return `MB-${n}${idPadding};2026-11-16T08:00:00+01:00;E${n};E${n}-1;ZIEKMELDING;VZ-MB-${n};1;2026-11-16;2026-11-16;100;2026-11-30;N;N;N\r\n`;
    };

    /** A CSV of exactly `size` bytes: as many whole rows as fit, the last one's mutatie_id padded. */
    function csvOfExactly(size: number): { body: Buffer; rows: number } {
      const parts = [`${HEADER}\r\n`];
      let length = parts[0]!.length;
      let rows = 0;
      while (length + row(rows + 1).length <= size) {
        rows += 1;
        parts.push(row(rows));
        length += row(rows).length;
      }
      const missing = size - length;
      parts[rows] = row(rows, 'X'.repeat(missing));
      const body = Buffer.from(parts.join(''), 'utf8');
      expect(body.length).to.equal(size);
      return { body, rows };
    }

    const problemShape = (answer: Answer) => {
      const { correlationId, ...rest } = answer.body;
      expect(correlationId).to.be.a('string');
      return { status: answer.status, type: answer.type, body: rest };
    };

    it('413 PAYLOAD_TOO_LARGE for one byte over, with Content-Length and chunked alike', async () => {
      const over = Buffer.concat([csvOfExactly(LIMIT).body, Buffer.from('\n')]);
      const headers = { authorization: `Bearer ${tokens.csv}`, 'content-type': 'text/csv' };
      const chunks = Array.from({ length: Math.ceil(over.length / 65536) }, (_, i) =>
        over.subarray(i * 65536, (i + 1) * 65536),
      );
      const declared = await rawPost(url('csv'), headers, chunks, { chunked: false });
      const chunked = await rawPost(url('csv'), headers, chunks, { chunked: true });
      for (const answer of [declared, chunked]) expectProblem(answer, 413, 'PAYLOAD_TOO_LARGE');
      expect(problemShape(chunked)).to.deep.equal(problemShape(declared));
      expect(declared.body.detail).to.equal(
        `The message exceeds this connector's limit of ${LIMIT} bytes.`,
      );
      // The limit is on the bytes received, also for a charset that grows when decoded.
      const latin = Buffer.alloc(LIMIT + 1, 0xeb);
      expectProblem(
        await rawPost(
          url('csv'),
          { ...headers, 'content-type': 'text/csv; charset=windows-1252' },
          [latin],
          {
            chunked: true,
          },
        ),
        413,
        'PAYLOAD_TOO_LARGE',
      );
    });

    it(`a CSV of exactly ${LIMIT} bytes (thousands of rows) is accepted, published and applied`, async function () {
      // Applying ~8 400 events takes about a minute (one transaction each); the normal run checks
      // that every event was published and a sample applied, E2E_FULL_APPLY=1 waits for all of them.
      const full = process.env.E2E_FULL_APPLY === '1';
      this.timeout(full ? 600000 : 120000);
      const { body, rows } = csvOfExactly(LIMIT);
      const last = String(rows).padStart(6, '0');
      const started = Date.now();
      const chunked = await rawPost(
        url('csv'),
        { authorization: `Bearer ${tokens.csv}`, 'content-type': 'text/csv; charset=utf-8' },
        [body],
        { chunked: true },
      );
      const answered = Date.now();
      expect(chunked.status, JSON.stringify(chunked.body).slice(0, 500)).to.equal(202);
      const ids = chunked.body.events!.map((e) => e.id);
      expect(ids).to.have.length(rows);
      expect(new Set(ids).size).to.equal(rows);
      // The 202 came after the broker confirmed every event: all of them are on the exchange.
      const events = await publishedEvents(ids, 30000);
      expect(events.every((e) => e.type === 'nl.datakluis.absence.reported')).to.equal(true);
      expect(
        (events[rows - 1] as unknown as { data: { case: { caseId: string } } }).data.case.caseId,
      ).to.equal(`VZ-MB-${last}`);
      const sizes = ids.map((id) => published.get(id)!.bytes);
      const total = sizes.reduce((sum, size) => sum + size, 0);
      // The same bytes again, now with a Content-Length: the limit is inclusive, the ids the same.
      const again = await post('csv', 'text/csv', body);
      expect(again.status).to.equal(202);
      expect(again.body.events!.map((e) => e.id)).to.deep.equal(ids);
      const sample = full ? ids : [...ids.slice(0, 25), ids[Math.floor(rows / 20)]!];
      await applied(sample, full ? 590000 : 60000);
      const done = Date.now();
      const first = await db.dossier.findUniqueOrThrow({
        where: { employerId_externalId: { employerId: employer, externalId: 'E000001' } },
        include: { cases: true },
      });
      expect(first.vaultState).to.equal('SHARED');
      expect(first.cases.map((c) => c.sourceCaseId)).to.deep.equal(['VZ-MB-000001']);
      if (full) {
        const lastDossier = await db.dossier.findUniqueOrThrow({
          where: { employerId_externalId: { employerId: employer, externalId: `E${last}` } },
          include: { cases: true },
        });
        expect(lastDossier.cases.map((c) => c.sourceCaseId)).to.deep.equal([`VZ-MB-${last}`]);
      }
      console.log(
        `      1 MiB CSV: ${rows} rows → ${rows} events, ${total} bytes on the broker ` +
          `(largest event ${Math.max(...sizes)} bytes); 202 after ${answered - started} ms; ` +
          `${sample.length} events applied after ${done - started} ms`,
      );
    });
  });

  // Last: by then every message above has been answered and logged.
  describe('logs', () => {
    it('never writes the names or the refused bodies to the logs', () => {
      const logs = gateway.logs.lines.join('\n');
      expect(logs).to.contain('request refused');
      expect(logs).to.contain('UNSUPPORTED_CHARSET');
      for (const secret of ['Çelik', 'Ñúñez', 'Hondt', 'Łukasz', 'Żółć', 'Œttinger', 'Zoe\u0308'])
        expect(logs, secret).not.to.contain(secret);
    });
  });
});
