// Rewrites connectors/<id>/fixtures/*.expected.json from the adapter's current output, for review in
// the diff (like `jest -u`, but on purpose): npm run fixtures:update -- <connector-id>
import { writeFileSync } from 'node:fs';

import { connectorModules } from '../connectors';
import { fixtureMessage, listFixtures } from '../src/connector-runtime/fixtures';

const id = process.argv[2];
const entry = connectorModules.find((m) => m.adapter.id === id);
if (id === undefined || entry === undefined) {
  console.error(
    `usage: npm run fixtures:update -- <connector-id>; known: ${connectorModules.map((m) => m.adapter.id).join(', ')}`,
  );
  process.exit(2);
}
for (const fixture of listFixtures(id)) {
  const result = entry.adapter.translate(fixtureMessage(id, fixture));
  writeFileSync(fixture.expectedPath, `${JSON.stringify(result, null, 2)}\n`);
  console.log(`${fixture.name}: ${result.outcome}`);
}
