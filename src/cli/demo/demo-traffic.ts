// Sends every fixture of every connector to the running ingress, as an HR system would.
import { readFileSync } from 'node:fs';

import type { ConnectorFixture } from '../../connector-runtime/fixtures';
import { listFixtures } from '../../connector-runtime/fixtures';

export interface SentMessage {
  connectorId: string;
  fixture: string;
  status: number;
  expectedStatus: number;
  code?: string;
  eventIds: string[];
  eventTypes: string[];
}

/** 202 for what the golden file says translates, 400 for malformed, 422 for any other rejection. */
function expectedStatus(fixture: ConnectorFixture): number {
  const expected = JSON.parse(readFileSync(fixture.expectedPath, 'utf8')) as {
    outcome: string;
    reason?: string;
  };
  if (expected.outcome !== 'rejected') return 202;
  return expected.reason === 'MALFORMED_PAYLOAD' ? 400 : 422;
}

export async function sendFixtures(
  baseUrl: string,
  connectorId: string,
  token: string,
): Promise<SentMessage[]> {
  const sent: SentMessage[] = [];
  for (const fixture of listFixtures(connectorId)) {
    const response = await fetch(`${baseUrl}/v1/connectors/${connectorId}/messages`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${token}`,
        'content-type': fixture.contentType,
        'x-correlation-id': `demo-${connectorId}-${fixture.name}`.slice(0, 128),
      },
      body: readFileSync(fixture.inputPath),
    });
    const body = (await response.json()) as {
      code?: string;
      events?: { id: string; type: string }[];
    };
    sent.push({
      connectorId,
      fixture: fixture.name,
      status: response.status,
      expectedStatus: expectedStatus(fixture),
      ...(body.code === undefined ? {} : { code: body.code }),
      eventIds: (body.events ?? []).map((e) => e.id),
      eventTypes: (body.events ?? []).map((e) => e.type.replace('nl.datakluis.', '')),
    });
  }
  return sent;
}
