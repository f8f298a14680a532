import { XMLParser, XMLValidator } from 'fast-xml-parser';

export type XmlNode = { [name: string]: XmlValue };
export type XmlValue = string | XmlNode | XmlValue[];

/**
 * Parses XML into plain objects: every leaf value stays a string (no number guessing, so `0815`
 * keeps its zero), namespace prefixes and attributes are dropped, and the elements named in
 * `repeated` are always arrays, even when they occur once.
 */
export function parseXml(
  text: string,
  repeated: readonly string[],
): { ok: true; document: XmlNode } | { ok: false; message: string } {
  const valid = XMLValidator.validate(text);
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
  const document = parser.parse(text) as XmlNode;
  return { ok: true, document };
}
