import type { Server, ServerResponse } from 'node:http';

/**
 * Stops taking requests; lets keep-alive clients go (idle ones now, busy ones after their answer)
 * and cuts what is left after `deadlineMs`, so a stream of requests cannot keep the process up.
 */
export async function closeServer(server: Server, deadlineMs: number): Promise<void> {
  server.prependListener('request', (_req, res: ServerResponse) =>
    res.setHeader('Connection', 'close'),
  );
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeIdleConnections();
  const deadline = setTimeout(() => server.closeAllConnections(), deadlineMs);
  await closed;
  clearTimeout(deadline);
}

/** Listens and resolves with the port actually bound (0 asks for a free one). */
export async function listen(
  app: { listen(port: number, host: string, callback: () => void): Server },
  port: number,
  host: string,
): Promise<{ server: Server; port: number }> {
  const server = await new Promise<Server>((resolve, reject) => {
    const listening = app.listen(port, host, () => resolve(listening));
    listening.once('error', reject);
  });
  const address = server.address();
  return {
    server,
    port: typeof address === 'object' && address !== null ? address.port : port,
  };
}
