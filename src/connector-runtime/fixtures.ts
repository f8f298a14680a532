// Connector fixtures: `connectors/<id>/fixtures/<case>.input.<ext>` next to `<case>.expected.json`
// (the full TranslateResult). Shared by the conformance test, `npm run fixtures:update` and the demo.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

import type { InboundMessage } from '../connector-sdk/types';
import { projectRoot } from '../shared/project-root';

export const CONNECTORS_DIR = path.join(projectRoot(), 'connectors');

/** The fixed context every fixture is translated in, so golden files are stable. */
export const FIXTURE_EMPLOYER_ID = 'zonnebloem';
export const FIXTURE_RECEIVED_AT = '2026-12-03T12:00:00Z';

export interface ConnectorFixture {
  name: string;
  inputPath: string;
  expectedPath: string;
  contentType: string;
}

const CONTENT_TYPE_BY_EXTENSION: Record<string, string> = {
  '.xml': 'application/xml',
  '.csv': 'text/csv',
  '.json': 'application/json',
};

export function listFixtures(connectorId: string): ConnectorFixture[] {
  const dir = path.join(CONNECTORS_DIR, connectorId, 'fixtures');
  return readdirSync(dir)
    .filter((file) => /\.input\.[a-z]+$/.test(file))
    .sort()
    .map((file) => {
      const extension = path.extname(file);
      const name = file.slice(0, -`.input${extension}`.length);
      return {
        name,
        inputPath: path.join(dir, file),
        expectedPath: path.join(dir, `${name}.expected.json`),
        contentType: CONTENT_TYPE_BY_EXTENSION[extension] ?? 'application/octet-stream',
      };
    });
}

/** Decodes bytes the way the ingress does: UTF-8, a leading BOM removed. */
export function decodeBody(bytes: Buffer): string {
  const text = bytes.toString('utf8');
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

export function fixtureMessage(connectorId: string, fixture: ConnectorFixture): InboundMessage {
  return {
    connectorId,
    employerId: FIXTURE_EMPLOYER_ID,
    receivedAt: FIXTURE_RECEIVED_AT,
    contentType: fixture.contentType,
    body: decodeBody(readFileSync(fixture.inputPath)),
    headers: {},
  };
}
