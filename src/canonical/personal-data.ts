// Finds the properties that identify a person from the schema's "x-personal-data" annotations and
// redacts them. Logs and support tooling use this, so marking a new field in the schema is enough.
import { canonicalEventSchema, PERSONAL_DATA_KEYWORD } from './schema-registry';

type SchemaNode = Record<string, unknown>;

export const REDACTED = '[redacted]';

function resolveRef(root: SchemaNode, ref: string): SchemaNode {
  if (!ref.startsWith('#/')) throw new Error(`only local $refs are supported: ${ref}`);
  let node: unknown = root;
  for (const part of ref.slice(2).split('/')) node = (node as SchemaNode)[part];
  return node as SchemaNode;
}

function collectPaths(root: SchemaNode, node: SchemaNode, path: string[], out: Set<string>): void {
  if (node[PERSONAL_DATA_KEYWORD] === true) out.add(path.join('/'));
  if (typeof node.$ref === 'string') collectPaths(root, resolveRef(root, node.$ref), path, out);
  for (const key of ['allOf', 'anyOf', 'oneOf'] as const) {
    const branches = node[key];
    if (Array.isArray(branches)) {
      for (const branch of branches) collectPaths(root, branch as SchemaNode, path, out);
    }
  }
  const properties = node.properties as Record<string, SchemaNode> | undefined;
  if (properties !== undefined) {
    for (const [name, child] of Object.entries(properties))
      collectPaths(root, child, [...path, name], out);
  }
  if (typeof node.items === 'object' && node.items !== null) {
    collectPaths(root, node.items as SchemaNode, [...path, '*'], out);
  }
}

/** Slash-separated property paths (`*` for any array item) of personal data, for any canonical event. */
export function personalDataPaths(schema: SchemaNode = canonicalEventSchema): string[] {
  const out = new Set<string>();
  collectPaths(schema, schema, [''], out);
  return [...out].sort();
}

const CANONICAL_PATHS = personalDataPaths();

function redactAt(value: unknown, parts: readonly string[]): unknown {
  if (parts.length === 0) return value === undefined ? value : REDACTED;
  if (value === null || typeof value !== 'object') return value;
  const [head, ...rest] = parts as [string, ...string[]];
  if (Array.isArray(value)) {
    return head === '*' ? value.map((item: unknown) => redactAt(item, rest)) : value;
  }
  const record = value as Record<string, unknown>;
  if (!(head in record)) return value;
  return { ...record, [head]: redactAt(record[head], rest) };
}

/**
 * A copy of a canonical event (or anything shaped like one) with every personal-data property
 * replaced by "[redacted]". The input is not changed.
 */
export function redactPersonalData<T>(value: T, paths: readonly string[] = CANONICAL_PATHS): T {
  let result: unknown = value;
  for (const path of paths) result = redactAt(result, path.split('/').slice(1));
  return result as T;
}
