import { Writable } from 'node:stream';
import { createLogger } from './logger';

function capture() {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk, _encoding, done) {
      lines.push(chunk.toString());
      done();
    },
  });
  return { lines, logger: createLogger({ name: 'test', destination, level: 'debug' }) };
}

describe('logger redaction', () => {
  it('never writes credentials, tokens, phone numbers or medical ids', () => {
    const { lines, logger } = capture();
    logger.info({ apiKey: 'KEY-SECRET-1', store: { orderAheadToken: 'OAT-SECRET-2' } }, 'settings saved');
    logger.info({ req: { headers: { authorization: 'Bearer API-TOKEN-3' } } }, 'request');
    logger.info({ order: { customer: { phone: '+15555550123', medicalId: 'MED-42' } } }, 'pushing');
    logger.info({ access_token: 'ACCESS-4', client_secret: 'CS-5' }, 'token');
    const output = lines.join('');
    for (const secret of ['KEY-SECRET-1', 'OAT-SECRET-2', 'API-TOKEN-3', '+15555550123', 'MED-42', 'ACCESS-4', 'CS-5']) {
      expect(output).not.toContain(secret);
    }
    expect(output).toContain('[redacted]');
    expect(output).toContain('settings saved');
  });

  it('keeps the ids an operator needs', () => {
    const { lines, logger } = capture();
    logger.info({ storeId: 'store-1', jobId: 'j1', externalId: 'A-1' }, 'order pushed');
    expect(JSON.parse(lines[0])).toMatchObject({ storeId: 'store-1', jobId: 'j1', externalId: 'A-1', msg: 'order pushed' });
  });
});
