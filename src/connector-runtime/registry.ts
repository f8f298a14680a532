// Builds the connector registry from connectors/index.ts and validates every manifest at start-up:
// a broken connector stops the gateway from starting instead of failing on a request.
import type { ConnectorManifest } from '../canonical/generated/connector-manifest';
import { validateManifestSchema } from '../canonical/schema-registry';
import { toSchemaIssues } from '../canonical/schema-issues';
import type { ConnectorAdapter, ConnectorModule } from '../connector-sdk/types';

export interface RegisteredConnector {
  id: string;
  adapter: ConnectorAdapter;
  manifest: ConnectorManifest;
}

export type ConnectorRegistry = ReadonlyMap<string, RegisteredConnector>;

export function buildRegistry(modules: readonly ConnectorModule[]): ConnectorRegistry {
  const registry = new Map<string, RegisteredConnector>();
  const problems: string[] = [];
  for (const { adapter, manifest } of modules) {
    if (!validateManifestSchema(manifest)) {
      const issues = toSchemaIssues(validateManifestSchema.errors).map(
        (i) => `${i.path} ${i.message}`,
      );
      problems.push(`connector ${adapter.id}: manifest invalid: ${issues.join('; ')}`);
      continue;
    }
    const valid = manifest as ConnectorManifest;
    if (valid.id !== adapter.id)
      problems.push(`connector ${adapter.id}: manifest id is ${valid.id}`);
    if (registry.has(adapter.id)) problems.push(`connector ${adapter.id}: registered twice`);
    registry.set(adapter.id, { id: adapter.id, adapter, manifest: valid });
  }
  if (problems.length > 0)
    throw new Error(`connector registry is invalid:\n  ${problems.join('\n  ')}`);
  return registry;
}
