// A TCP proxy for tests of a network partition: put it between a client and Redis, then `partition()` makes Redis
// stop answering that client without closing anything, as a broken network does (commands are sent and never
// answered; no error reaches the client). `heal()` lets the held-up bytes through, as TCP would after the partition.
import net from 'node:net';

export interface TcpProxy {
  /** The proxy's address as a redis:// URL. */
  readonly url: string;
  partition(): void;
  heal(): void;
  close(): Promise<void>;
}

export async function startTcpProxy(target: string): Promise<TcpProxy> {
  const { hostname, port } = new URL(target);
  const sockets = new Set<net.Socket>();
  // Bytes sent during a partition, in order, delivered when it heals.
  let held: [net.Socket, Buffer][] | null = null;
  const forward = (from: net.Socket, to: net.Socket) =>
    from.on('data', (chunk: Buffer) => {
      if (held) held.push([to, chunk]);
      else to.write(chunk);
    });
  const server = net.createServer((client) => {
    const upstream = net.connect(Number(port), hostname);
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.setNoDelay(true);
      socket.on('error', () => undefined);
      socket.on('close', () => {
        sockets.delete(socket);
        client.destroy();
        upstream.destroy();
      });
    }
    forward(client, upstream);
    forward(upstream, client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address() as net.AddressInfo;
  return {
    url: `redis://127.0.0.1:${address.port}`,
    partition() {
      held ??= [];
    },
    heal() {
      const late = held ?? [];
      held = null;
      for (const [to, chunk] of late) if (!to.destroyed) to.write(chunk);
    },
    async close() {
      held = null;
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
