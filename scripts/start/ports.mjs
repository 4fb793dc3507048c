import net from 'node:net';

const listenable = (port) =>
  new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    // No host: the same wildcard bind the producer and the health servers use.
    server.listen(port, () => server.close(() => resolve(true)));
  });

const anyFreePort = () =>
  new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });

/** The preferred port when nothing listens on it, otherwise a free one; `moved` says which happened. */
export async function choosePort(preferred, taken = new Set()) {
  if (!taken.has(preferred) && (await listenable(preferred))) return { port: preferred, moved: false };
  let port = await anyFreePort();
  while (taken.has(port)) port = await anyFreePort();
  return { port, moved: true };
}
