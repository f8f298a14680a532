// Wires the ingress process: registry, credentials, publisher connection, HTTP app.
import type { Server, ServerResponse } from 'node:http';

import { connectorModules } from '../../connectors';
import type { GatewayConfig } from '../config/env';
import { buildRegistry } from '../connector-runtime/registry';
import { CredentialStore } from '../credentials/connector-credentials';
import { createApp } from '../ingress/create-app';
import type { ConfirmPublisher } from '../messaging/publisher';
import type { Logger } from '../shared/logger';
import { databaseFor, publisherConnection, topologyFor } from './wiring';

export interface RunningIngress {
  url: string;
  server: Server;
  publisher: ConfirmPublisher;
  stop(): Promise<void>;
}

export async function startIngress(
  config: GatewayConfig,
  logger: Logger,
  options: { waitForBroker?: boolean } = {},
): Promise<RunningIngress> {
  const log = logger.child({ component: 'ingress' });
  const registry = buildRegistry(connectorModules);
  const topology = topologyFor(config);
  const db = databaseFor(config);
  const { publisher, connection, readiness } = publisherConnection(config, log, {
    name: 'datakluis-ingress',
    assert: topology,
  });
  if (options.waitForBroker === true) await connection.start();
  else connection.startInBackground();
  const app = createApp({
    logger: log,
    registry,
    credentials: new CredentialStore(db),
    publisher,
    exchange: topology.exchanges.absence.name,
    retryAfterSeconds: 5,
    isReady: readiness,
  });
  const server = await new Promise<Server>((resolve, reject) => {
    const listening = app.listen(config.port, config.host, () => resolve(listening));
    listening.once('error', reject);
  });
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : config.port;
  log.info('ingress listening', { host: config.host, port });
  return {
    url: `http://${config.host}:${port}`,
    server,
    publisher,
    async stop() {
      // Stop taking requests; let keep-alive clients go (idle ones now, busy ones after their
      // answer), and cut what is left after a deadline so a stream of requests cannot keep us up.
      server.prependListener('request', (_req, res: ServerResponse) =>
        res.setHeader('Connection', 'close'),
      );
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      const deadline = setTimeout(() => server.closeAllConnections(), 5000);
      await closed;
      clearTimeout(deadline);
      await connection.stop();
      await db.$disconnect();
    },
  };
}
