// npm start's terminal: the product's processes log JSON lines, as in production (a process whose output is not a
// terminal logs JSON: the Docker images, a service manager); here each line becomes one short line through
// pino-pretty, e.g.
//   [10:21:33] INFO (producer): PUT /v1/stores/:storeId/flowhub → 200 in 122 ms
//   [10:21:34] INFO (inventory-worker): inventory sync started storeId=demo-store trigger=initial
// Anything that is not a pino line (a crash message, another tool's output) is printed as it came.
import { createRequire } from 'node:module';
import path from 'node:path';
import readline from 'node:readline';

/** pino's own fields, and ids that only matter to someone searching a log store. */
const HIDDEN = new Set(['level', 'time', 'name', 'msg', 'pid', 'hostname', 'reqId', 'tokenId', 'queue', 'jobId', 'runId']);
const MAX_VALUE = 100;
// A terminal's escapes, line breaks: one line, nothing interpreted. Matching control characters is the point here.
// eslint-disable-next-line no-control-regex
const controlCharacters = /[\u0000-\u001f\u007f-\u009f]+/g;

function valueText(value) {
  let text;
  if (value && typeof value === 'object' && typeof value.message === 'string')
    text = JSON.stringify(value.message); // an err
  else if (typeof value === 'string') text = /^[\w.,:/@{}~+#*=-]+$/.test(value) ? value : JSON.stringify(value);
  else text = JSON.stringify(value) ?? String(value);
  return text.length > MAX_VALUE ? `${text.slice(0, MAX_VALUE - 1)}…` : text;
}

/** The message of one log line: its msg (a request as method, route and status), then its fields as key=value. */
export function messageOf(log) {
  let rest = Object.entries(log).filter(([key, value]) => !HIDDEN.has(key) && value !== undefined);
  let message = typeof log.msg === 'string' ? log.msg : '';
  if (message === 'request' && log.method && 'status' in log) {
    message = `${log.method} ${log.route ?? log.url ?? '(no route)'} → ${log.status}${typeof log.ms === 'number' ? ` in ${log.ms} ms` : ''}`;
    rest = rest.filter(([key]) => !['method', 'route', 'url', 'status', 'ms'].includes(key));
  }
  const fields = rest.map(([key, value]) => `${key}=${valueText(value)}`).join(' ');
  return `${message}${message && fields ? ' ' : ''}${fields}`.replace(controlCharacters, ' ');
}

/**
 * Formats the product's log lines for a person. pino-pretty is loaded from the config package (whose logger uses
 * it), after `npm start` has installed the dependencies.
 */
export function createLogLines(root, out = process.stdout) {
  const require = createRequire(path.join(root, 'packages', 'config', 'package.json'));
  const { prettyFactory } = require('pino-pretty');
  const prettify = prettyFactory({
    translateTime: 'SYS:HH:MM:ss',
    ignore: 'pid,hostname',
    hideObject: true, // the fields are in the message, on the same line
    messageFormat: (log) => messageOf(log),
  });

  /** One line of a child's output, ready to print (with its newline). */
  const format = (line) => {
    if (line.startsWith('{')) {
      try {
        const log = JSON.parse(line);
        if (log && typeof log.level === 'number' && 'msg' in log) return prettify(log);
      } catch {
        /* not JSON after all: as it came */
      }
    }
    return `${line}\n`;
  };

  return {
    format,
    /** Prints a child's stdout line by line; resolves once it has ended. */
    follow(stream) {
      const lines = readline.createInterface({ input: stream, crlfDelay: Infinity });
      lines.on('line', (line) => out.write(format(line)));
      return new Promise((resolve) => lines.once('close', resolve));
    },
  };
}
