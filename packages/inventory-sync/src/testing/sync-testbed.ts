// The inventory worker's test kit: a database of the test file's own, the Flowhub simulator in-process, a
// secret box, and stores enabled the way the settings API leaves them (secrets encrypted).
import pino from 'pino';
import { createSecretBox, type SecretBox } from '@flowhub-sync/config';
import type { Prisma, PrismaClient } from '@flowhub-sync/db';
import { createTestDatabase, type TestDatabase } from '@flowhub-sync/db/testing';
import { createFlowhubClient, type FlowhubClient } from '@flowhub-sync/flowhub-client';
import { startSimulator, type RunningSimulator, type SimulatorOptions } from '@flowhub-sync/flowhub-sim';
import { testEncryptionKey } from '@flowhub-sync/testing';
import type { SyncStoreDependencies } from '../sync-store';

export interface SyncTestbed {
  db: TestDatabase;
  prisma: PrismaClient;
  sim: RunningSimulator;
  secrets: SecretBox;
  encryptionKey: string;
  flowhub: FlowhubClient;
  deps: SyncStoreDependencies;
  close(): Promise<void>;
}

export const silentLogger = pino({ level: 'silent' });

export async function startSyncTestbed(simOptions: SimulatorOptions = {}): Promise<SyncTestbed> {
  const [db, sim] = await Promise.all([createTestDatabase(), startSimulator({ rows: 300, seed: 7, ...simOptions })]);
  const encryptionKey = testEncryptionKey();
  const secrets = createSecretBox(encryptionKey);
  // Fast retries: the tests wait for outcomes, not for production back-off.
  // createTestDatabase's client is typed from the db package's sources, the workers' from its build: one class, two declarations.
  const prisma = db.prisma as unknown as PrismaClient;
  const flowhub = createFlowhubClient({ apiUrl: sim.url, authUrl: sim.url, retryBaseDelayMs: 20, maxRetryWaitMs: 100 });
  // The test database's pool for named statements (createSqlPool, as the worker's); db.drop() ends it.
  const sql = db.sql;
  return {
    db,
    prisma,
    sim,
    secrets,
    encryptionKey,
    flowhub,
    deps: { prisma, sql, flowhub, secrets, logger: silentLogger },
    async close() {
      await Promise.all([db.drop(), sim.close()]);
    },
  };
}

export interface StoreSettings {
  locationId?: string;
  clientId?: string;
  apiKey?: string;
  roomIds?: string[];
  purchaseCategory?: 'all' | 'med' | 'rec';
  ownedFields?: string[];
  quantityThreshold?: number;
  enabled?: boolean;
  pricesIncludeTax?: boolean;
  mapCustomCategoryToSubCategory?: boolean;
  statusWebhookUrl?: string;
}

/** A store enabled on the simulator's demo location (or the given one), as the settings API would save it. */
export async function enableStore(bed: Pick<SyncTestbed, 'prisma' | 'secrets'>, id: string, settings: StoreSettings = {}) {
  const { apiKey = 'demo-key', ...rest } = settings;
  const data: Prisma.StoreUncheckedCreateInput = {
    id,
    enabled: true,
    clientId: 'demo-client',
    locationId: 'demo-location',
    ...rest,
    apiKeyEncrypted: bed.secrets.encrypt(apiKey),
  };
  return bed.prisma.store.upsert({ where: { id }, create: data, update: data });
}

/** The rows the simulator serves for a location right now, as its admin API shows them. */
export function simulatorRows(sim: RunningSimulator, locationId = 'demo-location') {
  const location = sim.state.location(locationId)!;
  return location.catalogue().map((item) => ({ item, row: location.row(item), forSale: location.forSaleQuantity(item) }));
}
