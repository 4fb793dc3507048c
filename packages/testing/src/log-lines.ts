import { Writable } from 'node:stream';

/**
 * A pino destination that keeps every JSON line it is given, parsed, so a test can assert what a process logged
 * (and, as often, what it never logged: secrets). `lines` is the live array; empty it with `lines.length = 0`.
 */
export function captureLogLines(): { destination: Writable; lines: Record<string, unknown>[] } {
  const lines: Record<string, unknown>[] = [];
  const destination = new Writable({
    write(chunk, _encoding, done) {
      for (const line of chunk.toString('utf8').split('\n').filter(Boolean)) lines.push(JSON.parse(line));
      done();
    },
  });
  return { destination, lines };
}
