import { XMLParser, XMLValidator } from 'fast-xml-parser';

export type XmlNode = { [name: string]: XmlValue };
export type XmlValue = string | XmlNode | XmlValue[];

/**
 * Parses XML into plain objects: every leaf value stays a string (no number guessing, so `0815`
 * keeps its zero), namespace prefixes and attributes are dropped, and the elements named in
 * `repeated` are always arrays, even when they occur once. A DOCTYPE is refused (HR message
 * standards use none; it is how entity tricks get in), and anything the parser cannot take is a
 * malformed message, never a crash.
 */
/** XML 1.0's Char production: a character reference outside it makes the document not well-formed. */
function isXmlChar(code: number): boolean {
  return (
    code === 0x9 ||
    code === 0xa ||
    code === 0xd ||
    (code >= 0x20 && code <= 0xd7ff) ||
    (code >= 0xe000 && code <= 0xfffd) ||
    (code >= 0x10000 && code <= 0x10ffff)
  );
}

function hasForbiddenCharacterReference(text: string): boolean {
  for (const match of text.matchAll(/&#(x[0-9a-fA-F]+|[0-9]+);/g)) {
    const ref = match[1] ?? '';
    const code = ref.startsWith('x') ? parseInt(ref.slice(1), 16) : parseInt(ref, 10);
    if (!isXmlChar(code)) return true;
  }
  return false;
}

export function parseXml(
  text: string,
  repeated: readonly string[],
): { ok: true; document: XmlNode } | { ok: false; message: string } {
  if (/<!DOCTYPE/i.test(text))
    return { ok: false, message: 'DOCTYPE declarations are not accepted' };
  // The parser would drop these silently; a sender must hear that its document is not XML.
  if (hasForbiddenCharacterReference(text)) {
    return { ok: false, message: 'a character reference names a character XML does not allow' };
  }
  let valid: ReturnType<typeof XMLValidator.validate>;
  try {
    valid = XMLValidator.validate(text);
  } catch {
    return { ok: false, message: 'the XML could not be read' };
  }
  if (valid !== true) return { ok: false, message: `not well-formed XML (line ${valid.err.line})` };
  const repeatedSet = new Set(repeated);
  const parser = new XMLParser({
    ignoreAttributes: true,
    removeNSPrefix: true,
    parseTagValue: false,
    trimValues: true,
    ignoreDeclaration: true,
    ignorePiTags: true,
    processEntities: true,
    htmlEntities: true, // numeric character references such as &#235; (ë)
    isArray: (name) => repeatedSet.has(name),
  });
  try {
    return { ok: true, document: parser.parse(text) as XmlNode };
  } catch {
    return {
      ok: false,
      message: 'the XML could not be read (structure too deep or not supported)',
    };
  }
}
