import { Writable } from 'node:stream';
import { Redis } from 'ioredis';
import { Client } from 'pg';
import { createLogger } from '@flowhub-sync/config';
import type { PrismaClient } from '@flowhub-sync/db';
import { createFlowhubClient } from '@flowhub-sync/flowhub-client';
import { startSimulator, type RunningSimulator } from '@flowhub-sync/flowhub-sim';
import { serviceUrls, waitFor } from '@flowhub-sync/testing';
import { inventorySyncProcessor } from '@flowhub-sync/inventory-sync';
import { orderPushProcessor } from '@flowhub-sync/orders';
import { startWorkers } from '@flowhub-sync/queues';
import { auth, createProducerHarness, type ProducerHarness } from '../testing/harness';
import { orderBody } from '../testing/orders';

/*
 * Secrets at rest and in the logs: credentials are stored as ciphertext and answered masked, and a whole
 * settings save, menu sync, order creation and push, with every log line of the producer, the inventory sync
 * and the order push captured at debug level, leaves no credential, token, phone number or medical id in them.
 */

const SECRETS = {
  apiKey: 'demo-key',
  orderAheadToken: 'demo-oa-secret',
  phone: '+15555550199',
  medicalId: 'MED-9182736455',
};

let captured = '';
const capture = new Writable({
  write(chunk, _encoding, done) {
    captured += chunk.toString();
    done();
  },
});
const logger = createLogger({ name: 'capture', level: 'trace', destination: capture });

let sim: RunningSimulator;
let h: ProducerHarness;
const issuedTokens: string[] = [];

beforeAll(async () => {
  sim = await startSimulator({ rows: 120, seed: 5 });
  // The Order Ahead access tokens the simulator hands out, to look for them in the logs.
  const issue = sim.state.tokens.issue.bind(sim.state.tokens);
  sim.state.tokens.issue = (...args: Parameters<typeof issue>) => {
    const issued = issue(...args);
    issuedTokens.push(issued.access_token);
    return issued;
  };
  h = await createProducerHarness({ flowhubUrl: sim.url, logger });
}, 60_000);
afterAll(async () => {
  await h?.close();
  await sim?.close();
});

it('stored credentials are ciphertext, and the API answers them masked', async () => {
  const saved = await h.app.inject({
    method: 'PUT',
    url: '/v1/stores/vault/flowhub?verify=false',
    headers: auth,
    payload: {
      enabled: false,
      clientId: 'demo-client',
      apiKey: 'vault-api-key-31337',
      locationId: 'demo-location',
      syncOrders: true,
      orderAheadClientId: 'oa',
      orderAheadToken: 'vault-oa-secret-4242',
    },
  });
  expect(saved.statusCode).toBe(200);
  const sql = new Client({ connectionString: h.db.url });
  sql.on('error', () => undefined);
  await sql.connect();
  const { rows } = await sql.query('select * from stores where id = $1', ['vault']).finally(() => sql.end());
  const row = JSON.stringify(rows[0]);
  expect(row).not.toContain('vault-api-key-31337');
  expect(row).not.toContain('vault-oa-secret-4242');
  expect(rows[0]).toMatchObject({
    api_key_encrypted: expect.stringMatching(/^v1:/),
    order_ahead_token_encrypted: expect.stringMatching(/^v1:/),
  });
  // And the ciphertext opens with the key: it is the credential, encrypted.
  expect(h.deps.secrets.decrypt(rows[0].api_key_encrypted)).toBe('vault-api-key-31337');

  for (const response of [saved, await h.app.inject({ method: 'GET', url: '/v1/stores/vault/flowhub', headers: auth })]) {
    expect(response.body).not.toContain('vault-api-key-31337');
    expect(response.body).not.toContain('vault-oa-secret-4242');
    expect(response.json()).toMatchObject({ apiKey: '••••1337', orderAheadToken: '••••4242' });
  }
});

it('a whole sync and push leaves no credential, token, phone or medical id in the logs', async () => {
  const saved = await h.app.inject({
    method: 'PUT',
    url: '/v1/stores/logged/flowhub?verify=false',
    headers: auth,
    payload: {
      enabled: true,
      clientId: 'demo-client',
      apiKey: SECRETS.apiKey,
      locationId: 'demo-location',
      syncOrders: true,
      orderAheadClientId: 'demo-oa-client',
      orderAheadToken: SECRETS.orderAheadToken,
    },
  });
  expect(saved.statusCode).toBe(200);

  const prisma = h.db.prisma as unknown as PrismaClient;
  const flowhub = createFlowhubClient({ apiUrl: sim.url, authUrl: sim.url, logger });
  const connections = [0, 1].map(() => new Redis(serviceUrls().REDIS_URL, { maxRetriesPerRequest: null }));
  const workers = startWorkers(
    [
      inventorySyncProcessor({ prisma, sql: h.db.sql, flowhub, secrets: h.deps.secrets, redis: connections[1], queuePrefix: h.prefix }),
      orderPushProcessor({ prisma, sql: h.deps.sql, flowhub, secrets: h.deps.secrets, logger }),
    ],
    { owns: ['inventory-sync', 'order-push'], connection: connections[0], prefix: h.prefix, logger },
  );
  try {
    const menu = await waitFor(
      async () => {
        const page = (await h.app.inject({ method: 'GET', url: '/v1/stores/logged/products?limit=5', headers: auth })).json();
        return page.items?.length ? page.items : null;
      },
      { what: 'the first sync to fill the menu', timeoutMs: 60_000 },
    );

    const medCustomer = {
      firstName: 'Grace',
      lastName: 'Hopper',
      birthDate: '1980-12-09',
      email: 'grace@example.com',
      phone: SECRETS.phone,
      medicalId: SECRETS.medicalId,
      medicalIdExpiration: '2030-01-31',
      purchaseCategory: 'med',
    };
    const created = await h.app.inject({
      method: 'POST',
      url: '/v1/stores/logged/orders',
      headers: auth,
      payload: orderBody('LOG-1', [{ variantId: menu[0].variantId, quantity: 1 }], { customer: medCustomer, status: 'confirmed' }),
    });
    expect(created.statusCode).toBeLessThan(300);
    await waitFor(
      async () =>
        (await h.app.inject({ method: 'GET', url: '/v1/stores/logged/orders/LOG-1', headers: auth })).json().push?.state === 'pushed',
      {
        what: 'the order to be pushed',
        timeoutMs: 60_000,
      },
    );
  } finally {
    await workers.close();
    connections.forEach((connection) => connection.disconnect());
  }

  // The logs are real: the run and the push were logged, with the store named.
  expect(captured).toMatch(/logged/);
  expect(captured.split('\n').length).toBeGreaterThan(5);
  expect(issuedTokens.length).toBeGreaterThan(0);
  for (const [what, secret] of [...Object.entries(SECRETS), ...issuedTokens.map((token) => ['access token', token] as const)]) {
    expect({ what, inLogs: captured.includes(secret) }).toEqual({ what, inLogs: false });
  }
  // The digits of the phone number, however formatted.
  expect(captured.replace(/\D/g, ' ')).not.toContain('5555550199');
}, 120_000);
