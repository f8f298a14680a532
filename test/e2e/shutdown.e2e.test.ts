// SIGTERM semantics of the ingress: it stops within its deadline even while keep-alive clients keep
// sending, and every request is answered 202 or refused, never left hanging.
import { Agent, request as httpRequest } from 'node:http';

import { expect } from 'chai';

import { startIngress } from '../../src/app/ingress-process';
import { createLogger } from '../../src/shared/logger';
import { getTestEnvironment, testNamespaceConfig } from '../helpers/test-environment';

describe('ingress shutdown', function () {
  this.timeout(30000);

  it('stops within its deadline while keep-alive clients keep sending', async () => {
    await getTestEnvironment();
    const ingress = await startIngress(
      testNamespaceConfig('shutdown'),
      createLogger({ console: false }),
      { waitForBroker: true },
    );
    let sending = true;
    const statuses: number[] = [];
    const agent = new Agent({ keepAlive: true, maxSockets: 4 });
    const get = (): Promise<number> =>
      new Promise((resolve, reject) => {
        const request = httpRequest(`${ingress.url}/readyz`, { agent }, (response) => {
          response.resume();
          response.on('end', () => resolve(response.statusCode ?? 0));
        });
        request.on('error', reject);
        request.end();
      });
    const clients = Array.from({ length: 4 }, async () => {
      while (sending) {
        try {
          const status = await get();
          statuses.push(status);
        } catch {
          statuses.push(0); // refused: the server is closed
          await new Promise((resolve) => setTimeout(resolve, 20));
        }
      }
    });
    await new Promise((resolve) => setTimeout(resolve, 300));
    const started = Date.now();
    await ingress.stop();
    const took = Date.now() - started;
    sending = false;
    await Promise.all(clients);
    agent.destroy();
    expect(took).to.be.below(7000);
    expect(statuses.filter((s) => s === 200).length).to.be.greaterThan(0);
    expect(statuses.filter((s) => s !== 200 && s !== 0)).to.deep.equal([]);
  });
});
