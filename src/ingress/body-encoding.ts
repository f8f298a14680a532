// Character sets at the edge: which charset a message is in, whether its connector accepts it, and
// its bytes decoded to text. Nothing is guessed. A body is read in the charset it names (the
// Content-Type `charset` parameter, a byte-order mark, and for XML the XML declaration), UTF-8 when
// it names none; two names that would decode it differently are refused, and so are bytes that are
// not valid in the charset. Details never repeat the sender's own text, only our charset names.
import { TextDecoder } from 'node:util';

import type { ConnectorManifest } from '../canonical/generated/connector-manifest';

/** The charsets a connector manifest can list (`ingress.charsets`, an enum in its schema). */
export type ManifestCharset = NonNullable<ConnectorManifest['ingress']['charsets']>[number];
/** Every charset a request can name; US-ASCII is a subset of UTF-8 and always accepted. */
export type Charset = ManifestCharset | 'us-ascii';

// Labels, lower-case, of each charset (typed by the manifest schema's enum, so a charset added there
// fails typecheck until it is added here and in decodeIn): the WHATWG Encoding Standard's labels,
// except that US-ASCII keeps its own meaning (WHATWG reads it as windows-1252) and ISO-8859-1 its
// own name, so that a manifest can list what it means.
const LABELS: Record<Charset, readonly string[]> = {
  'utf-8': [
    'utf-8',
    'utf8',
    'unicode-1-1-utf-8',
    'unicode11utf8',
    'unicode20utf8',
    'x-unicode20utf8',
  ],
  'us-ascii': [
    'us-ascii',
    'ascii',
    'ansi_x3.4-1968',
    'iso646-us',
    'iso-ir-6',
    'iso_646.irv:1991',
    'us',
    'cp367',
    'ibm367',
    'csascii',
  ],
  'windows-1252': ['windows-1252', 'cp1252', 'x-cp1252'],
  'iso-8859-1': [
    'iso-8859-1',
    'iso8859-1',
    'iso88591',
    'iso_8859-1',
    'iso_8859-1:1987',
    'latin1',
    'l1',
    'cp819',
    'ibm819',
    'iso-ir-100',
    'csisolatin1',
  ],
  'iso-8859-15': [
    'iso-8859-15',
    'iso8859-15',
    'iso885915',
    'iso_8859-15',
    'latin-9',
    'latin9',
    'l9',
    'csisolatin9',
  ],
};

const BY_LABEL: ReadonlyMap<string, Charset> = new Map(
  (Object.entries(LABELS) as [Charset, readonly string[]][]).flatMap(([charset, labels]) =>
    labels.map((label) => [label, charset] as const),
  ),
);

/** The charset a label names (case-insensitive, surrounding spaces ignored), or undefined. */
export function charsetOf(label: string): Charset | undefined {
  return BY_LABEL.get(label.trim().toLowerCase());
}

/** What a connector accepts: its manifest's list (UTF-8 always), and US-ASCII. */
export function acceptedCharsets(listed: readonly ManifestCharset[] | undefined): Charset[] {
  return [...new Set<Charset>(['utf-8', ...(listed ?? []), 'us-ascii'])];
}

/** "utf-8", "utf-8 and windows-1252", "utf-8, windows-1252 and iso-8859-1" (US-ASCII not named). */
function listed(accepted: readonly Charset[]): string {
  const names = accepted.filter((charset) => charset !== 'us-ascii');
  return names.length === 1
    ? names[0]!
    : `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]!}`;
}

export type EncodingProblemCode = 'UNSUPPORTED_CHARSET' | 'CHARSET_CONFLICT' | 'INVALID_ENCODING';

export type EncodingResult<T> =
  { ok: true; value: T } | { ok: false; code: EncodingProblemCode; detail: string };

const fail = (
  code: EncodingProblemCode,
  detail: string,
): { ok: false; code: EncodingProblemCode; detail: string } => ({
  ok: false,
  code,
  detail,
});

const unsupported = (what: string, accepted: readonly Charset[]) =>
  fail(
    'UNSUPPORTED_CHARSET',
    `${what} This connector accepts ${listed(accepted)} (no charset named means UTF-8).`,
  );

export interface ParsedContentType {
  /** type/subtype, lower-case, without parameters ('' when there is no header). */
  mediaType: string;
  /** Every `charset` parameter's value, unquoted (normally none or one). */
  charsets: string[];
}

// `; name = value` or `; name = "quoted \" value"` (spaces around `=` tolerated, as senders write them).
const PARAMETER = /;\s*([!#$%&'*+.^_`|~0-9A-Za-z-]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^;]*))/gy;

/** Splits a Content-Type header (RFC 9110 §8.3) into its media type and its charset parameters. */
export function parseContentType(header: string | undefined): ParsedContentType {
  const text = header ?? '';
  const end = text.indexOf(';');
  const mediaType = (end === -1 ? text : text.slice(0, end)).trim().toLowerCase();
  const charsets: string[] = [];
  if (end === -1) return { mediaType, charsets };
  const rest = text.slice(end);
  let position = 0;
  while (position < rest.length) {
    PARAMETER.lastIndex = position;
    const match = PARAMETER.exec(rest);
    if (match === null) {
      // A parameter without `=` (or other debris): skip to the next `;`.
      const next = rest.indexOf(';', position + 1);
      if (next === -1) break;
      position = next;
      continue;
    }
    position = PARAMETER.lastIndex;
    if (match[1]!.toLowerCase() === 'charset')
      charsets.push((match[2]?.replace(/\\(.)/g, '$1') ?? match[3] ?? '').trim());
  }
  return { mediaType, charsets };
}

/**
 * The charset named in Content-Type, checked against what the connector accepts (before the body is
 * read); undefined when none is named.
 */
export function requestCharset(
  labels: readonly string[],
  accepted: readonly Charset[],
): EncodingResult<Charset | undefined> {
  const named: Charset[] = [];
  for (const label of labels) {
    const charset = charsetOf(label);
    if (charset === undefined || !accepted.includes(charset))
      return unsupported('The charset named in Content-Type is not accepted.', accepted);
    named.push(charset);
  }
  if (new Set(named.map(decoderKey)).size > 1)
    return fail('CHARSET_CONFLICT', 'Content-Type names more than one charset; name one.');
  return { ok: true, value: named[0] };
}

/** Where a body says which charset it is in. */
type Source = 'Content-Type' | 'byte-order mark' | 'XML declaration';

interface Declared {
  source: Source;
  charset: Charset;
}

/** Charsets that decode every byte alike need not agree by name (ISO-8859-1 is read as windows-1252). */
function decoderKey(charset: Charset): Charset {
  return charset === 'iso-8859-1' ? 'windows-1252' : charset;
}

const UTF8_BOM = [0xef, 0xbb, 0xbf];

function startsWith(body: Buffer, bytes: readonly number[]): boolean {
  return bytes.every((byte, index) => body[index] === byte);
}

/** A UTF-16 or UTF-32 body, by its byte-order mark or, for XML, its first characters. */
function looksWide(body: Buffer, xml: boolean): boolean {
  if (startsWith(body, [0xfe, 0xff]) || startsWith(body, [0xff, 0xfe])) return true;
  if (startsWith(body, [0x00, 0x00, 0xfe, 0xff])) return true;
  // `<?` in UTF-16 (either byte order) or UTF-32 without a byte-order mark (XML 1.0 appendix F).
  return (
    xml &&
    (startsWith(body, [0x3c, 0x00, 0x3f, 0x00]) ||
      startsWith(body, [0x00, 0x3c, 0x00, 0x3f]) ||
      startsWith(body, [0x00, 0x00, 0x00, 0x3c]) ||
      startsWith(body, [0x3c, 0x00, 0x00, 0x00]))
  );
}

const XML_SPACE = '[ \\t\\r\\n]';
// The XML declaration (XML 1.0 §2.8, §4.3.3): at the very start, version first, then encoding.
const XML_DECLARATION = new RegExp(
  `^<\\?xml${XML_SPACE}+version${XML_SPACE}*=${XML_SPACE}*(?:"[^"]*"|'[^']*')` +
    `(?:${XML_SPACE}+encoding${XML_SPACE}*=${XML_SPACE}*(?:"([^"]*)"|'([^']*)'))?`,
);

/** The label in the XML declaration's `encoding`, if any; every accepted charset is ASCII-compatible. */
function xmlDeclaredEncoding(body: Buffer): string | undefined {
  const head = body.subarray(0, 512).toString('latin1');
  const match = XML_DECLARATION.exec(head);
  return match === null ? undefined : (match[1] ?? match[2]);
}

/** Whether a media type is XML (RFC 7303): application/xml, text/xml and any `+xml`. */
export function isXmlMediaType(mediaType: string): boolean {
  return mediaType === 'application/xml' || mediaType === 'text/xml' || mediaType.endsWith('+xml');
}

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const singleByte = {
  // ISO-8859-1 is read as windows-1252, as the WHATWG Encoding Standard and TextDecoder do: the two
  // differ only in 0x80–0x9F, C1 control characters in ISO-8859-1 that no HR message holds and
  // that senders labelling "ISO-8859-1" in practice use as windows-1252 (€, ’, Š, Ž, …).
  'windows-1252': new TextDecoder('windows-1252', { fatal: true, ignoreBOM: true }),
  'iso-8859-15': new TextDecoder('iso-8859-15', { fatal: true, ignoreBOM: true }),
};

// windows-1252's 0x80–0x9F by byte (WHATWG index-windows-1252); a space marks the five bytes
// without a character. Node 20.18.3+ and 22.13+ decode windows-1252 as Latin-1 there (0x92 comes
// out as U+0092, not ’: nodejs/node#56542, #60888), so what TextDecoder leaves as a C1 control is
// mapped here; on a Node that decodes correctly nothing is left to map but the five holes.
const WINDOWS_1252_HIGH = '€ ‚ƒ„…†‡ˆ‰Š‹Œ Ž  ‘’“”•–—˜™š›œ žŸ';
const C1_CONTROL = /[\u0080-\u009f]/u;
const C1_CONTROLS = /[\u0080-\u009f]/gu;

/**
 * A single-byte decoder never fails, so a byte with no character in the charset (the five holes of
 * windows-1252, C1 controls in ISO-8859-15) comes out as a C1 control character: refused here as
 * not valid in that charset (a C1 control never belongs in an HR message either).
 */
function decodeSingleByte(
  charset: 'windows-1252' | 'iso-8859-15',
  bytes: Buffer,
): string | undefined {
  const text = singleByte[charset].decode(bytes);
  if (charset === 'iso-8859-15') return C1_CONTROL.test(text) ? undefined : text;
  let hole = false;
  const mapped = text.replace(C1_CONTROLS, (control) => {
    const char = WINDOWS_1252_HIGH[control.charCodeAt(0) - 0x80]!;
    if (char === ' ') hole = true;
    return char;
  });
  return hole ? undefined : mapped;
}

function decodeIn(charset: Charset, bytes: Buffer): string | undefined {
  try {
    switch (charset) {
      case 'us-ascii':
        return bytes.every((byte) => byte < 0x80) ? utf8.decode(bytes) : undefined;
      case 'utf-8':
        return utf8.decode(bytes);
      case 'windows-1252':
      case 'iso-8859-1':
        return decodeSingleByte('windows-1252', bytes);
      case 'iso-8859-15':
        return decodeSingleByte('iso-8859-15', bytes);
      default: {
        const unknown: never = charset;
        return unknown;
      }
    }
  } catch {
    return undefined; // fatal: not valid in this charset
  }
}

export interface DecodeOptions {
  /** The charset named in Content-Type, already accepted by `requestCharset`. */
  charset: Charset | undefined;
  accepted: readonly Charset[];
  /** The request's media type: for XML the XML declaration is read too. */
  mediaType: string;
}

/**
 * The body as text, without its byte-order mark. The charset is the one the body names, in
 * Content-Type, by a UTF-8 byte-order mark or in its XML declaration, UTF-8 when it names none;
 * names that disagree are refused (never one of them silently preferred).
 */
export function decodeBodyText(body: Buffer, options: DecodeOptions): EncodingResult<string> {
  const { accepted, mediaType } = options;
  const xml = isXmlMediaType(mediaType);
  if (looksWide(body, xml))
    return unsupported(
      'The body is UTF-16 or UTF-32 (by its byte-order mark or first bytes).',
      accepted,
    );
  const declared: Declared[] = [];
  if (options.charset !== undefined)
    declared.push({ source: 'Content-Type', charset: options.charset });
  const bom = startsWith(body, UTF8_BOM);
  if (bom) declared.push({ source: 'byte-order mark', charset: 'utf-8' });
  const content = bom ? body.subarray(UTF8_BOM.length) : body;
  if (xml) {
    const label = xmlDeclaredEncoding(content);
    if (label !== undefined) {
      const charset = charsetOf(label);
      if (charset === undefined || !accepted.includes(charset))
        return unsupported('The XML declaration names an encoding that is not accepted.', accepted);
      declared.push({ source: 'XML declaration', charset });
    }
  }
  // US-ASCII agrees with every accepted charset (all are ASCII-compatible) as long as the bytes are ASCII.
  const specific = declared.filter((d) => d.charset !== 'us-ascii');
  const other = specific.find((d) => decoderKey(d.charset) !== decoderKey(specific[0]!.charset));
  if (other !== undefined) {
    const first = specific[0]!;
    return fail(
      'CHARSET_CONFLICT',
      `The ${first.source} says ${first.charset} but the ${other.source} says ${other.charset}. ` +
        'Make them agree (or leave one out) and send the message again.',
    );
  }
  // Named US-ASCII anywhere: the bytes must be ASCII, whatever else is named.
  const charset = declared.some((d) => d.charset === 'us-ascii')
    ? 'us-ascii'
    : (specific[0]?.charset ?? 'utf-8');
  const text = decodeIn(charset, content);
  if (text === undefined)
    return fail('INVALID_ENCODING', invalidDetail(charset, declared.length > 0, options));
  return { ok: true, value: text };
}

function invalidDetail(charset: Charset, named: boolean, options: DecodeOptions): string {
  if (named)
    return `The body is not valid ${charset}, the charset it names. Send it in that charset, or name the one it is in.`;
  const others = options.accepted.filter((c) => c !== 'utf-8' && c !== 'us-ascii');
  const hint =
    others.length > 0
      ? ` This connector also accepts ${listed(others)}: name the body's charset, for example ` +
        `Content-Type: ${options.mediaType}; charset=${others[0]!}.`
      : ' Send it as UTF-8.';
  return `The body is not valid UTF-8 (it names no charset, so UTF-8 is assumed).${hint}`;
}
