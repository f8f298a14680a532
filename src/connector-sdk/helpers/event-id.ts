import { createHash } from 'node:crypto';

// UUID v5 namespace of the gateway (a fixed random UUID): ids derived from it never collide with
// other systems' v5 ids.
const NAMESPACE = Buffer.from('6f0c9f1e2b7a4c1f9a3d5e8b7c6d4a21', 'hex');

/** RFC 9562 UUID version 5 (SHA-1, name-based) of `name` in the gateway's namespace. */
export function uuidV5(name: string): string {
  const hash = createHash('sha1').update(NAMESPACE).update(name, 'utf8').digest();
  hash[6] = ((hash[6] ?? 0) & 0x0f) | 0x50;
  hash[8] = ((hash[8] ?? 0) & 0x3f) | 0x80;
  const hex = hash.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/**
 * The id of a canonical event, from who sent it and the source's own identity of the fact, so that a
 * resent message gets the same id and the consumer applies it once. Two employers can never share
 * an id, even when their HR systems number cases alike.
 * @example deterministicEventId('acme', 'sivi-verzuim', 'nl.datakluis.absence.reported', 'VZ-1/1')
 */
export function deterministicEventId(
  employerId: string,
  connectorId: string,
  type: string,
  sourceKey: string,
): string {
  return uuidV5(JSON.stringify([employerId, connectorId, type, sourceKey]));
}
