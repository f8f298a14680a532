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
export function parseXml(
  text: string,
  repeated: readonly string[],
): { ok: true; document: XmlNode } | { ok: false; message: string } {
  if (/<!DOCTYPE/i.test(text))
    return { ok: false, message: 'DOCTYPE declarations are not accepted' };
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
