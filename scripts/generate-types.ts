// Generates TypeScript types from the JSON Schemas under schemas/ (the single source of the contract).
// `--check` compares instead of writing and exits 1 when a generated file is stale (run by `npm run lint`).
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

import { compile } from 'json-schema-to-typescript';
import type { JSONSchema } from 'json-schema-to-typescript';

const root = path.resolve(__dirname, '..');
const targets = [
  {
    schema: 'schemas/canonical/absence-event.v1.schema.json',
    out: 'src/canonical/generated/canonical-event.ts',
  },
  {
    schema: 'schemas/canonical/dossier-shared.v1.schema.json',
    out: 'src/canonical/generated/dossier-shared-event.ts',
  },
  {
    schema: 'schemas/connector-manifest.schema.json',
    out: 'src/canonical/generated/connector-manifest.ts',
  },
];

async function main(): Promise<void> {
  const check = process.argv.includes('--check');
  let stale = 0;
  for (const target of targets) {
    const schema = JSON.parse(readFileSync(path.join(root, target.schema), 'utf8')) as JSONSchema;
    const source = await compile(schema, schema.title ?? 'Schema', {
      bannerComment: `/* Generated from ${target.schema} by scripts/generate-types.ts. Do not edit. */`,
      additionalProperties: false,
      unreachableDefinitions: false,
      style: { singleQuote: true, printWidth: 100, trailingComma: 'all' },
    });
    const outPath = path.join(root, target.out);
    if (check) {
      let current: string;
      try {
        current = readFileSync(outPath, 'utf8');
      } catch {
        current = '';
      }
      if (current !== source) {
        stale += 1;
        console.error(`stale: ${target.out} (run npm run schemas:types)`);
      }
    } else {
      writeFileSync(outPath, source);
      console.log(`wrote ${target.out}`);
    }
  }
  if (stale > 0) process.exit(1);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
