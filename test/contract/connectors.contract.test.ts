// The conformance suite every connector must pass (HOUSE-STYLE §8). It runs over every folder under
// connectors/ and every fixture in it.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

import { expect } from 'chai';

import { connectorModules } from '../../connectors';
import { validateCanonicalEvent } from '../../src/canonical/validate-canonical';
import { CONNECTORS_DIR, fixtureMessage, listFixtures } from '../../src/connector-runtime/fixtures';
import { buildRegistry } from '../../src/connector-runtime/registry';
import { ADAPTER_REJECTION_REASONS } from '../../src/connector-sdk/reasons';
import type { InboundMessage, TranslateResult } from '../../src/connector-sdk/types';

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object') {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}

/** Runs `fn` with the clock, randomness and the environment made to throw when touched. */
function withoutSideChannels<T>(fn: () => T): T {
  const RealDate = Date;
  const realRandom = Math.random;
  const realEnv = process.env;
  const forbidden = (what: string) => () => {
    throw new Error(`adapter used ${what}`);
  };
  class NoClockDate extends RealDate {
    constructor(...args: unknown[]) {
      if (args.length === 0) throw new Error('adapter read the clock (new Date())');
      super(...(args as [string]));
    }
    static override now = forbidden('Date.now()');
  }
  globalThis.Date = NoClockDate as unknown as DateConstructor;
  Math.random = forbidden('Math.random()');
  process.env = new Proxy({}, { get: forbidden('process.env') });
  try {
    return fn();
  } finally {
    globalThis.Date = RealDate;
    Math.random = realRandom;
    process.env = realEnv;
  }
}

describe('connector conformance', () => {
  const registry = buildRegistry(connectorModules);

  it('connectors/index.ts registers exactly the connector folders', () => {
    const folders = readdirSync(CONNECTORS_DIR, { withFileTypes: true })
      .filter((entry) => entry.isDirectory() && !entry.name.startsWith('_'))
      .map((entry) => entry.name)
      .sort();
    expect([...registry.keys()].sort()).to.deep.equal(folders);
  });

  for (const { adapter } of connectorModules) {
    describe(adapter.id, () => {
      const connector = registry.get(adapter.id)!;
      const fixtures = listFixtures(adapter.id);

      it('has a README, a manifest named like its folder, and fixtures of both outcomes', () => {
        expect(existsSync(path.join(CONNECTORS_DIR, adapter.id, 'README.md'))).to.equal(true);
        expect(connector.manifest.id).to.equal(adapter.id);
        const outcomes = fixtures.map(
          (f) => (JSON.parse(readFileSync(f.expectedPath, 'utf8')) as TranslateResult).outcome,
        );
        expect(outcomes).to.include('translated');
        expect(outcomes).to.include('rejected');
      });

      for (const fixture of fixtures) {
        describe(fixture.name, () => {
          const expected = JSON.parse(
            readFileSync(fixture.expectedPath, 'utf8'),
          ) as TranslateResult;
          const run = (): TranslateResult => {
            const message: InboundMessage = deepFreeze(fixtureMessage(adapter.id, fixture));
            return withoutSideChannels(() => adapter.translate(message));
          };

          it('translates to its golden output, purely (frozen input, no clock, randomness or env), twice the same', () => {
            const first = run();
            expect(JSON.parse(JSON.stringify(first))).to.deep.equal(expected);
            expect(run()).to.deep.equal(first);
          });

          it('emits only valid canonical events of its own declared kinds, or known rejection reasons', () => {
            const result = run();
            if (result.outcome === 'translated') {
              for (const event of result.events) {
                const validation = validateCanonicalEvent(event);
                expect(
                  validation.ok,
                  JSON.stringify(validation.ok ? [] : validation.issues),
                ).to.equal(true);
                expect(event.source).to.equal(`/connectors/${adapter.id}`);
                expect(event.employerid).to.equal('zonnebloem');
                expect(connector.manifest.eventTypes).to.include(event.type);
              }
            }
            if (result.outcome === 'rejected') {
              expect(ADAPTER_REJECTION_REASONS).to.include(result.reason);
              for (const issue of result.issues)
                expect(ADAPTER_REJECTION_REASONS).to.include(issue.reason);
            }
          });
        });
      }
    });
  }
});
