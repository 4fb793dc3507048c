import { Writable } from 'node:stream';
import fc from 'fast-check';
import { createLogger, REDACTED_KEYS, redactLine } from './logger';

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

describe('logger redaction, wherever the field is', () => {
  it('censors fields at any depth, in arrays, in child bindings and in what an error carries', () => {
    const { lines, logger } = capture();
    logger.info({ a: { b: { c: { d: { token: 'DEEP-SECRET-1' } } } } }, 'deep');
    logger.info({ batches: [[{ password: 'ARRAY-SECRET-2' }]] }, 'arrays');
    logger.child({ store: { apiKey: 'CHILD-SECRET-3' } }).info('from a child');
    const error = Object.assign(new Error('Flowhub refused'), { config: { headers: { Authorization: 'Bearer ERROR-SECRET-4' } } });
    logger.error({ err: error }, 'push failed');
    logger.error(error, 'push failed again');
    const output = lines.join('');
    for (const secret of ['DEEP-SECRET-1', 'ARRAY-SECRET-2', 'CHILD-SECRET-3', 'ERROR-SECRET-4']) expect(output).not.toContain(secret);
    const parsed = lines.map((line) => JSON.parse(line) as Record<string, any>);
    expect(parsed[0].a.b.c.d.token).toBe('[redacted]');
    expect(parsed[1].batches[0][0].password).toBe('[redacted]');
    expect(parsed[2].store.apiKey).toBe('[redacted]');
    // The error is still written as an error: its type, message and stack, with only the secret censored.
    expect(parsed[3].err).toMatchObject({
      type: 'Error',
      message: 'Flowhub refused',
      config: { headers: { Authorization: '[redacted]' } },
    });
    expect(parsed[3].err.stack).toContain('Flowhub refused');
    expect(parsed[4].err.config.headers.Authorization).toBe('[redacted]');
  });

  it('writes every other line exactly as pino made it', () => {
    const { lines, logger } = capture();
    const fields = { storeId: 'store-1', runId: 'r-1', counts: { fetched: 10, kept: 9 }, note: 'a "key": in a text', keys: ['apiKey'] };
    logger.info(fields, 'inventory sync finished');
    expect(JSON.parse(lines[0])).toMatchObject({ ...fields, msg: 'inventory sync finished' });
    // A redacted name inside a text, or as a value, is not a field: the line is the very one pino made.
    const line = '{"level":30,"name":"x","note":"a \\"key\\": in a text","keys":["apiKey"],"msg":"m"}\n';
    expect(redactLine(line)).toBe(line);
    // Text that names a redacted field but is not JSON cannot be censored in part: none of it is written.
    const broken = redactLine('{"apiKey":"KEY-SECRET-5"');
    expect(broken).not.toContain('KEY-SECRET-5');
    expect(JSON.parse(broken)).toEqual({ msg: expect.stringMatching(/withheld/) });
  });

  it('never writes a secret, whatever the shape around it (property)', () => {
    const names = fc.constantFrom(...REDACTED_KEYS);
    const plainKey = fc.string({ minLength: 1, maxLength: 8 }).filter((key) => !(REDACTED_KEYS as readonly string[]).includes(key));
    // Objects and arrays up to five levels deep, some of whose keys are redacted names holding a marked secret.
    const { tree } = fc.letrec((tie) => ({
      tree: fc.oneof(
        { depthSize: 'small' },
        fc.string({ maxLength: 6 }),
        fc.integer(),
        fc.array(tie('tree'), { maxLength: 3 }),
        fc.dictionary(fc.oneof(plainKey, names), tie('tree'), { maxKeys: 4 }),
      ),
    }));
    fc.assert(
      fc.property(fc.dictionary(fc.oneof(plainKey, names), tree, { maxKeys: 4 }), (fields) => {
        const { lines, logger } = capture();
        let n = 0;
        // Every value under a redacted name becomes a secret of its own.
        const marked = JSON.parse(JSON.stringify(fields), function (this: Record<string, unknown>, key, value: unknown) {
          return (REDACTED_KEYS as readonly string[]).includes(key) && !Array.isArray(this) ? `SECRET-${n++}-X` : value;
        }) as Record<string, unknown>;
        logger.info(marked, 'line');
        for (let i = 0; i < n; i++) expect(lines.join('')).not.toContain(`SECRET-${i}-X`);
        expect(JSON.parse(lines[0])).toHaveProperty('msg', 'line');
      }),
      { numRuns: 300 },
    );
  });
});
