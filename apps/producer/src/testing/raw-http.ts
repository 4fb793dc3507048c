import net from 'node:net';

/** An answer as the bytes came: the status, the head as written, its headers (lower-case names) and the body. */
export interface RawAnswer {
  status: number;
  head: string;
  headers: Record<string, string>;
  body: string;
}

/** A request's text: the request line, `Host` and `Connection: close`, then `headers` exactly as given, then `body`. */
export function requestText(port: number, requestLine: string, headers: string[] = [], body = ''): string {
  return [requestLine, `Host: 127.0.0.1:${port}`, 'Connection: close', ...headers].join('\r\n') + `\r\n\r\n${body}`;
}

/**
 * Writes `request` on its own TCP connection exactly as given and reads until the server closes it. HTTP helpers
 * (inject, fetch) normalise targets and headers, or refuse to send what a hostile client can, so these requests are
 * written by hand.
 */
export function rawRequest(port: number, request: string | Buffer): Promise<RawAnswer> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    socket.setTimeout(10_000, () => socket.destroy());
    socket.on('data', (chunk) => chunks.push(chunk));
    // A server that closes at once after its answer may reset the connection: what arrived is the answer.
    socket.on('error', () => undefined);
    socket.on('close', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const end = text.indexOf('\r\n\r\n');
      const head = end < 0 ? text : text.slice(0, end);
      const headers: Record<string, string> = {};
      for (const line of head.split('\r\n').slice(1)) {
        const colon = line.indexOf(':');
        const name = line.slice(0, colon).trim().toLowerCase();
        const value = line.slice(colon + 1).trim();
        headers[name] = name in headers ? `${headers[name]}, ${value}` : value;
      }
      resolve({ status: Number(head.split(' ')[1]), head, headers, body: end < 0 ? '' : text.slice(end + 4) });
    });
    socket.write(request);
  });
}
