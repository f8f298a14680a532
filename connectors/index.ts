// The connector registry: one import line per connector, alphabetical. The conformance test fails
// when a folder under connectors/ is missing here, or this names a folder that does not exist.
import type { ConnectorModule } from '../src/connector-sdk';
import csvManifest from './csv/manifest.json';
import { csvAdapter } from './csv/adapter';
import siviVerzuimManifest from './sivi-verzuim/manifest.json';
import { siviVerzuimAdapter } from './sivi-verzuim/adapter';

export const connectorModules: readonly ConnectorModule[] = [
  { adapter: csvAdapter, manifest: csvManifest },
  { adapter: siviVerzuimAdapter, manifest: siviVerzuimManifest },
];
