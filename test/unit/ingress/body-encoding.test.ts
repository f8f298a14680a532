// Charsets at the edge: Content-Type parsing, labels and aliases, what a connector accepts, and
// decoding with a byte-order mark and the XML declaration. No services.
import { expect } from 'chai';

import {
  acceptedCharsets,
  charsetOf,
  decodeBodyText,
  parseContentType,
  requestCharset,
} from '../../../src/ingress/body-encoding';
import type { Charset, DecodeOptions, EncodingResult } from '../../../src/ingress/body-encoding';

const UTF8_ONLY = acceptedCharsets(undefined);
const CSV = acceptedCharsets(['utf-8', 'windows-1252', 'iso-8859-1']);
const XML_MANY = acceptedCharsets(['utf-8', 'windows-1252', 'iso-8859-1', 'iso-8859-15']);

const csv = (charset?: Charset): DecodeOptions => ({
  charset,
  accepted: CSV,
  mediaType: 'text/csv',
});
const xml = (charset?: Charset, accepted = XML_MANY): DecodeOptions => ({
  charset,
  accepted,
  mediaType: 'application/xml',
});

function text(result: EncodingResult<string>): string {
  if (!result.ok) throw new Error(`${result.code}: ${result.detail}`);
  return result.value;
}

function refused(result: EncodingResult<unknown>): { code: string; detail: string } {
  if (result.ok) throw new Error('expected a refusal');
  return { code: result.code, detail: result.detail };
}

/** Code points, so a test failure shows exactly which character differs. */
const codePoints = (s: string): string[] =>
  Array.from(s).map((c) => `U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`);

describe('ingress body encoding: Content-Type', () => {
  it('reads the media type and every charset parameter, quoted or not, with spaces around "="', () => {
    expect(parseContentType(undefined)).to.deep.equal({ mediaType: '', charsets: [] });
    expect(parseContentType('Text/CSV')).to.deep.equal({ mediaType: 'text/csv', charsets: [] });
    expect(parseContentType('text/csv; charset=UTF-8')).to.deep.equal({
      mediaType: 'text/csv',
      charsets: ['UTF-8'],
    });
    expect(parseContentType('text/csv;CHARSET="windows-1252"').charsets).to.deep.equal([
      'windows-1252',
    ]);
    expect(parseContentType('text/csv; charset = latin1').charsets).to.deep.equal(['latin1']);
    expect(parseContentType('text/csv; header=present; charset="cp\\1252"').charsets).to.deep.equal(
      ['cp1252'],
    );
    expect(parseContentType('text/csv; foo; charset=utf8 ;x="a;b"').charsets).to.deep.equal([
      'utf8',
    ]);
    expect(parseContentType('text/csv; charset=utf-8; charset=cp1252').charsets).to.deep.equal([
      'utf-8',
      'cp1252',
    ]);
  });

  it('knows the usual aliases, case-insensitively', () => {
    const cases: [string, Charset | undefined][] = [
      ['UTF-8', 'utf-8'],
      ['utf8', 'utf-8'],
      ['Latin1', 'iso-8859-1'],
      ['ISO_8859-1', 'iso-8859-1'],
      ['iso8859-1', 'iso-8859-1'],
      ['CP1252', 'windows-1252'],
      ['Windows-1252', 'windows-1252'],
      ['latin9', 'iso-8859-15'],
      ['US-ASCII', 'us-ascii'],
      ['utf-16', undefined],
      ['ansi', undefined],
      ['', undefined],
    ];
    for (const [label, charset] of cases) expect(charsetOf(label), label).to.equal(charset);
  });

  it('accepts what the manifest lists, UTF-8 and US-ASCII always; refuses the rest naming what is accepted', () => {
    expect(UTF8_ONLY).to.deep.equal(['utf-8', 'us-ascii']);
    expect(requestCharset([], UTF8_ONLY)).to.deep.equal({ ok: true, value: undefined });
    expect(requestCharset(['UTF8'], UTF8_ONLY)).to.deep.equal({ ok: true, value: 'utf-8' });
    expect(requestCharset(['us-ascii'], UTF8_ONLY)).to.deep.equal({ ok: true, value: 'us-ascii' });
    expect(requestCharset(['cp1252'], CSV)).to.deep.equal({ ok: true, value: 'windows-1252' });
    expect(refused(requestCharset(['latin1'], UTF8_ONLY))).to.deep.equal({
      code: 'UNSUPPORTED_CHARSET',
      detail:
        'The charset named in Content-Type is not accepted. This connector accepts utf-8 (no charset named means UTF-8).',
    });
    expect(refused(requestCharset(['iso-8859-15'], CSV)).detail).to.contain(
      'accepts utf-8, windows-1252 and iso-8859-1',
    );
    // The sender's own text is never repeated.
    expect(refused(requestCharset(['<script>'], CSV)).detail).not.to.contain('script');
  });

  it('refuses two charset parameters that decode differently; two names of one decoder are fine', () => {
    expect(refused(requestCharset(['utf-8', 'cp1252'], CSV)).code).to.equal('CHARSET_CONFLICT');
    expect(requestCharset(['latin1', 'windows-1252'], CSV).ok).to.equal(true);
  });
});

describe('ingress body encoding: decoding', () => {
  const names = 'Zoë Çelik-Ñúñez;Anaïs d’Hondt;Jürgen Öztürk;Œuvre Šimić';

  it('UTF-8 without a charset: exact code points, the BOM removed and nothing else', () => {
    const utf8 = Buffer.from(names, 'utf8');
    expect(codePoints(text(decodeBodyText(utf8, csv())))).to.deep.equal(codePoints(names));
    const withBom = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), utf8]);
    expect(text(decodeBodyText(withBom, csv()))).to.equal(names);
    expect(text(decodeBodyText(withBom, csv('utf-8')))).to.equal(names);
    // Decomposed text stays decomposed here: normalising is the adapter's decision, not the edge's.
    const decomposed = 'Zoe\u0308';
    expect(text(decodeBodyText(Buffer.from(decomposed, 'utf8'), csv()))).to.equal(decomposed);
  });

  it('windows-1252 and iso-8859-1 (read as windows-1252): the same names, ’ from 0x92 included', () => {
    const bytes = Buffer.from([
      ...Buffer.from('Zo'),
      0xeb,
      ...Buffer.from(' '),
      0xc7,
      ...Buffer.from('elik-'),
      0xd1,
      0xfa,
      0xf1,
      ...Buffer.from('ez;Ana'),
      0xef,
      ...Buffer.from('s d'),
      0x92,
      ...Buffer.from('Hondt;J'),
      0xfc,
      ...Buffer.from('rgen '),
      0xd6,
      ...Buffer.from('zt'),
      0xfc,
      ...Buffer.from('rk;'),
      0x8c,
      ...Buffer.from('uvre '),
      0x8a,
      ...Buffer.from('imi'),
    ]);
    const expected = names.slice(0, -1); // ć is not in windows-1252
    expect(codePoints(text(decodeBodyText(bytes, csv('windows-1252'))))).to.deep.equal(
      codePoints(expected),
    );
    expect(text(decodeBodyText(bytes, csv('iso-8859-1')))).to.equal(expected);
  });

  it('windows-1252 is decoded by the WHATWG table in every byte (Node 20.18.3+ gets 0x80–0x9F wrong)', () => {
    // prettier-ignore
    const high = [
      0x20ac, null, 0x201a, 0x0192, 0x201e, 0x2026, 0x2020, 0x2021, 0x02c6, 0x2030, 0x0160, 0x2039, 0x0152, null, 0x017d, null,
      null, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014, 0x02dc, 0x2122, 0x0161, 0x203a, 0x0153, null, 0x017e, 0x0178,
    ];
    for (let byte = 0; byte < 0x100; byte += 1) {
      const expected = byte >= 0x80 && byte < 0xa0 ? high[byte - 0x80] : byte;
      const result = decodeBodyText(Buffer.from([0x41, byte]), csv('windows-1252'));
      const hex = byte.toString(16);
      if (expected === null) expect(result.ok, hex).to.equal(false);
      else expect(text(result).codePointAt(1), hex).to.equal(expected);
    }
  });

  it('a windows-1252 body without a charset is not guessed: INVALID_ENCODING saying how to name it', () => {
    const latin = Buffer.from([0x5a, 0x6f, 0xeb]); // "Zoë" in windows-1252
    expect(refused(decodeBodyText(latin, csv()))).to.deep.equal({
      code: 'INVALID_ENCODING',
      detail:
        "The body is not valid UTF-8 (it names no charset, so UTF-8 is assumed). This connector also accepts windows-1252 and iso-8859-1: name the body's charset, for example Content-Type: text/csv; charset=windows-1252.",
    });
    const utf8Only: DecodeOptions = {
      charset: undefined,
      accepted: UTF8_ONLY,
      mediaType: 'text/csv',
    };
    expect(refused(decodeBodyText(latin, utf8Only)).detail).to.match(/Send it as UTF-8\.$/);
    expect(refused(decodeBodyText(latin, csv('utf-8'))).detail).to.equal(
      'The body is not valid utf-8, the charset it names. Send it in that charset, or name the one it is in.',
    );
  });

  it('refuses bytes without a character in a single-byte charset (the holes of windows-1252, C1 of ISO-8859-15)', () => {
    for (const hole of [0x81, 0x8d, 0x8f, 0x90, 0x9d]) {
      expect(refused(decodeBodyText(Buffer.from([0x41, hole]), csv('windows-1252'))).code).to.equal(
        'INVALID_ENCODING',
      );
      expect(refused(decodeBodyText(Buffer.from([0x41, hole]), csv('iso-8859-1'))).code).to.equal(
        'INVALID_ENCODING',
      );
    }
    expect(text(decodeBodyText(Buffer.from([0xa4]), xml('iso-8859-15')))).to.equal('€');
    expect(refused(decodeBodyText(Buffer.from([0x80]), xml('iso-8859-15'))).code).to.equal(
      'INVALID_ENCODING',
    );
  });

  it('US-ASCII means ASCII: a byte above 0x7F is INVALID_ENCODING', () => {
    expect(text(decodeBodyText(Buffer.from('plain'), csv('us-ascii')))).to.equal('plain');
    expect(refused(decodeBodyText(Buffer.from('Zoë', 'utf8'), csv('us-ascii'))).code).to.equal(
      'INVALID_ENCODING',
    );
  });

  it("UTF-16 and UTF-32 (by byte-order mark, or by XML's first bytes) are UNSUPPORTED_CHARSET", () => {
    const utf16le = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('a;b', 'utf16le')]);
    expect(refused(decodeBodyText(utf16le, csv()))).to.deep.equal({
      code: 'UNSUPPORTED_CHARSET',
      detail:
        'The body is UTF-16 or UTF-32 (by its byte-order mark or first bytes). This connector accepts utf-8, windows-1252 and iso-8859-1 (no charset named means UTF-8).',
    });
    expect(
      refused(decodeBodyText(Buffer.from([0xfe, 0xff, 0, 0x61]), csv('windows-1252'))).code,
    ).to.equal('UNSUPPORTED_CHARSET');
    expect(
      refused(decodeBodyText(Buffer.from('<?xml version="1.0"?><a/>', 'utf16le'), xml())).code,
    ).to.equal('UNSUPPORTED_CHARSET');
  });

  it('a UTF-8 byte-order mark under another charset is CHARSET_CONFLICT, not ï»¿', () => {
    const body = Buffer.from('\ufeffmutatie_id;Zoë', 'utf8');
    expect(refused(decodeBodyText(body, csv('windows-1252')))).to.deep.equal({
      code: 'CHARSET_CONFLICT',
      detail:
        'The Content-Type says windows-1252 but the byte-order mark says utf-8. Make them agree (or leave one out) and send the message again.',
    });
  });
});

describe('ingress body encoding: the XML declaration', () => {
  const doc = (encoding: string, quote = '"') =>
    `<?xml version="1.0" encoding=${quote}${encoding}${quote}?>\n<a>Zoë</a>`;

  it('without a charset in Content-Type the declaration says how to read the body (RFC 7303 §3.2)', () => {
    const latin1 = Buffer.from(doc('ISO-8859-1'), 'latin1');
    expect(text(decodeBodyText(latin1, xml()))).to.equal(doc('ISO-8859-1'));
    expect(text(decodeBodyText(Buffer.from(doc('windows-1252', "'"), 'latin1'), xml()))).to.equal(
      doc('windows-1252', "'"),
    );
    expect(text(decodeBodyText(Buffer.from(doc('UTF-8'), 'utf8'), xml()))).to.equal(doc('UTF-8'));
    // The same declaration in a CSV body is just text.
    expect(refused(decodeBodyText(latin1, csv())).code).to.equal('INVALID_ENCODING');
  });

  it('a declaration naming a charset the connector does not accept is UNSUPPORTED_CHARSET, whatever the bytes', () => {
    const ascii = Buffer.from('<?xml version="1.0" encoding="ISO-8859-1"?><a>Jan</a>');
    const result = refused(decodeBodyText(ascii, xml(undefined, UTF8_ONLY)));
    expect(result).to.deep.equal({
      code: 'UNSUPPORTED_CHARSET',
      detail:
        'The XML declaration names an encoding that is not accepted. This connector accepts utf-8 (no charset named means UTF-8).',
    });
    for (const unknown of ['Shift_JIS', 'UTF-16', 'x<y'])
      expect(refused(decodeBodyText(Buffer.from(doc(unknown)), xml())).detail).not.to.contain(
        unknown,
      );
  });

  it('Content-Type and declaration that would decode differently: CHARSET_CONFLICT, never one silently preferred', () => {
    const utf8Bytes = Buffer.from(doc('ISO-8859-1'), 'utf8');
    expect(refused(decodeBodyText(utf8Bytes, xml('utf-8')))).to.deep.equal({
      code: 'CHARSET_CONFLICT',
      detail:
        'The Content-Type says utf-8 but the XML declaration says iso-8859-1. Make them agree (or leave one out) and send the message again.',
    });
    expect(
      refused(decodeBodyText(Buffer.from(doc('UTF-8'), 'latin1'), xml('windows-1252'))).code,
    ).to.equal('CHARSET_CONFLICT');
    const bom = Buffer.concat([
      Buffer.from([0xef, 0xbb, 0xbf]),
      Buffer.from(doc('latin1'), 'utf8'),
    ]);
    expect(refused(decodeBodyText(bom, xml())).code).to.equal('CHARSET_CONFLICT');
  });

  it('names that decode alike agree: iso-8859-1 with windows-1252, us-ascii with anything (if the bytes are ASCII)', () => {
    const latin = Buffer.from(doc('ISO-8859-1'), 'latin1');
    expect(text(decodeBodyText(latin, xml('windows-1252')))).to.equal(doc('ISO-8859-1'));
    const ascii = '<?xml version="1.0" encoding="US-ASCII"?><a>Jan</a>';
    expect(text(decodeBodyText(Buffer.from(ascii), xml('utf-8', UTF8_ONLY)))).to.equal(ascii);
    expect(
      refused(decodeBodyText(Buffer.from(doc('us-ascii'), 'utf8'), xml('utf-8'))).code,
    ).to.equal('INVALID_ENCODING');
  });

  it('only a declaration at the very start counts (XML 1.0 §2.8)', () => {
    const late = Buffer.from(' <?xml version="1.0" encoding="ISO-8859-1"?><a>Zoë</a>', 'utf8');
    expect(text(decodeBodyText(late, xml(undefined, UTF8_ONLY)))).to.contain('Zoë');
    const noEncoding = Buffer.from('<?xml version="1.0"?><a>Zoë</a>', 'utf8');
    expect(text(decodeBodyText(noEncoding, xml(undefined, UTF8_ONLY)))).to.contain('Zoë');
  });
});
