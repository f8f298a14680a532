// docs/ERRORS.md lists every code the source can produce, and nothing else (← Fastify's errors test).
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

import { expect } from 'chai';

import { RUNTIME_REJECTION_REASONS } from '../../../src/connector-runtime/run-translate';
import {
  ADAPTER_REJECTION_REASONS,
  ADAPTER_WARNING_CODES,
} from '../../../src/connector-sdk/reasons';
import { API_PROBLEMS } from '../../../src/api/api-problems';
import { INGRESS_PROBLEMS } from '../../../src/ingress/outcome-to-problem';
import { OUTBOX_CAUSES } from '../../../src/messaging/durable-delivery';

const root = path.resolve(__dirname, '../../..');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) return name === 'generated' ? [] : sourceFiles(full);
    return full.endsWith('.ts') ? [full] : [];
  });
}

/** Codes thrown as GatewayErrors anywhere in src/ (found in the text, so a new one cannot hide). */
function thrownCodes(): string[] {
  const codes = new Set<string>();
  for (const file of sourceFiles(path.join(root, 'src'))) {
    for (const match of readFileSync(file, 'utf8').matchAll(
      /(?:PermanentError|TransientError|PublishError)\(\s*'([A-Z_]+)'/g,
    ))
      codes.add(match[1]!);
  }
  return [...codes];
}

/** Codes built outside a GatewayError: the consumer's composite reason and the broker's own dead-lettering. */
const OTHER_CODES = ['RETRIES_EXHAUSTED', 'BROKER_DELIVERY_LIMIT'];

describe('docs/ERRORS.md', () => {
  const doc = readFileSync(path.join(root, 'docs/ERRORS.md'), 'utf8');
  const documented = new Set([...doc.matchAll(/^\|\s*`([A-Z_]+)`\s*\|/gm)].map((m) => m[1]!));
  const produced = new Set<string>([
    ...ADAPTER_REJECTION_REASONS,
    ...ADAPTER_WARNING_CODES,
    ...RUNTIME_REJECTION_REASONS,
    ...Object.keys(INGRESS_PROBLEMS),
    ...Object.keys(API_PROBLEMS),
    ...thrownCodes(),
    ...Object.values(OUTBOX_CAUSES),
    ...OTHER_CODES,
  ]);

  it('documents every code the gateway produces', () => {
    expect([...produced].filter((code) => !documented.has(code))).to.deep.equal([]);
  });

  it('documents nothing that the gateway does not produce', () => {
    expect([...documented].filter((code) => !produced.has(code))).to.deep.equal([]);
  });
});
