import type { CanonicalEvent } from './generated/canonical-event';
import { validateCanonicalSchema } from './schema-registry';
import { toSchemaIssues } from './schema-issues';
import type { SchemaIssue } from './schema-issues';

export type CanonicalValidation =
  { ok: true; event: CanonicalEvent } | { ok: false; issues: SchemaIssue[] };

/** Validates one value against canonical event v1 (every boundary calls this: ingress and consumer). */
export function validateCanonicalEvent(value: unknown): CanonicalValidation {
  if (validateCanonicalSchema(value)) return { ok: true, event: value as CanonicalEvent };
  return { ok: false, issues: toSchemaIssues(validateCanonicalSchema.errors) };
}
