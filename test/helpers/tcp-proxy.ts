// A TCP proxy in front of a real server, for faults one test can cause without touching the shared
// server: 'hang' keeps every connection open but forwards nothing (a network partition or a
// failover to a host that does not answer), 'up' cuts the hung connections and forwards again.
import net from 'node:net';

export interface TcpProxy {
  port: number;
  hang(): void;
  up(): void;
  close(): Promise<void>;
}

export async function startTcpProxy(
  targetPort: number,
  targetHost = '127.0.0.1',
): Promise<TcpProxy> {
  let hanging = false;
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    const upstream = net.connect(targetPort, targetHost);
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
      socket.on('error', () => {
        client.destroy();
        upstream.destroy();
      });
    }
    client.on('data', (data) => hanging || upstream.write(data));
    upstream.on('data', (data) => hanging || client.write(data));
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address() as net.AddressInfo;
  return {
    port: address.port,
    hang: () => {
      hanging = true;
    },
    up: () => {
      // What was swallowed is gone: those connections are broken, as after a real partition.
      for (const socket of sockets) socket.destroy();
      hanging = false;
    },
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
