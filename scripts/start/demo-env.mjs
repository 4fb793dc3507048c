// The demo's secrets: generated on the first `npm start`, kept in .stack/demo.env (git-ignored) so that later
// runs reuse them, and the data encrypted with them stays readable.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

const generators = {
  API_TOKEN: () => `demo-${randomBytes(18).toString('base64url')}`,
  ENCRYPTION_KEY: () => randomBytes(32).toString('base64'),
  BULL_BOARD_USER: () => 'admin',
  BULL_BOARD_PASSWORD: () => randomBytes(12).toString('base64url'),
};

function parse(text) {
  const values = {};
  for (const line of text.split('\n')) {
    const match = line.match(/^\s*([A-Z_][A-Z0-9_]*)=(.*)$/);
    if (match) values[match[1]] = match[2].trim();
  }
  return values;
}

/** Reads the demo secrets, generating (and saving) whichever is missing. Returns them with `created` naming the new ones. */
export function loadDemoSecrets(file) {
  const existing = fs.existsSync(file) ? parse(fs.readFileSync(file, 'utf8')) : {};
  const values = {};
  const created = [];
  for (const [name, generate] of Object.entries(generators)) {
    values[name] = existing[name] || generate();
    if (!existing[name]) created.push(name);
  }
  if (created.length > 0) {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const body = [
      '# Demo secrets for `npm start`, generated once and reused. Demo values only: never use them in production.',
      '# Delete this file for new ones (data encrypted with the old ENCRYPTION_KEY then becomes unreadable).',
      ...Object.entries(values).map(([name, value]) => `${name}=${value}`),
      '',
    ].join('\n');
    fs.writeFileSync(file, body, { mode: 0o600 });
  }
  return { values, created };
}
