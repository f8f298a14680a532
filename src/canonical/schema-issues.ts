import type { ErrorObject } from 'ajv';

/** One reason a value failed a schema: where (JSON Pointer) and what rule, never the value itself. */
export interface SchemaIssue {
  path: string;
  rule: string;
  message: string;
}

/**
 * Turns Ajv errors into issues that are safe to log and return: Ajv's own messages name the rule and
 * its parameters (a pattern, a limit, a property name), not the rejected value.
 */
export function toSchemaIssues(errors: readonly ErrorObject[] | null | undefined): SchemaIssue[] {
  const issues: SchemaIssue[] = [];
  const seen = new Set<string>();
  for (const error of errors ?? []) {
    let path = error.instancePath === '' ? '/' : error.instancePath;
    if (error.keyword === 'required' || error.keyword === 'additionalProperties') {
      const property = error.params as { missingProperty?: string; additionalProperty?: string };
      const name = property.missingProperty ?? property.additionalProperty;
      if (name !== undefined) path = `${error.instancePath}/${name}`;
    }
    const message = error.message ?? error.keyword;
    const key = `${path}|${error.keyword}|${message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    issues.push({ path, rule: error.keyword, message });
  }
  return issues;
}
