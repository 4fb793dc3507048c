import { createLogger } from '@flowhub-sync/config';
import { DEFAULT_RETENTION } from '@flowhub-sync/db';
import { createTestDatabase, type TestDatabase } from '@flowhub-sync/db/testing';
import { retentionTask } from './retention';

let db: TestDatabase;
const logger = createLogger({ name: 'retention-test', level: 'silent' });
const DAY = 86_400_000;

beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(() => db?.drop());

describe('maintenance / retention', () => {
  it("deletes finished webhook deliveries past the policy's age, on the environment's policy or the default one", async () => {
    const now = new Date();
    await db.prisma.store.create({ data: { id: 'kept' } });
    const order = await db.prisma.order.create({
      data: { storeId: 'kept', externalId: 'A-1', type: 'pickup', customer: {}, contentHash: 'x' },
    });
    const delivery = (sequence: number, ageDays: number, status: 'delivered' | 'failed' | 'pending') => ({
      storeId: 'kept',
      orderId: order.id,
      event: 'status_changed',
      sequence,
      payload: {},
      status,
      createdAt: new Date(now.getTime() - ageDays * DAY),
    });
    await db.prisma.webhookDelivery.createMany({
      data: [delivery(1, 20, 'delivered'), delivery(2, 10, 'failed'), delivery(3, 20, 'pending')],
    });

    // The default keeps 14 days: only the 20-day-old finished delivery goes.
    expect(DEFAULT_RETENTION.webhookDeliveryMaxAgeDays).toBe(14);
    expect(await retentionTask({ prisma: db.prisma, logger }, now)).toEqual({ syncRuns: 0, webhookDeliveries: 1 });
    // A policy of 7 days takes the failed one too; a pending delivery is never deleted.
    const policy = { ...DEFAULT_RETENTION, webhookDeliveryMaxAgeDays: 7 };
    expect(await retentionTask({ prisma: db.prisma, logger, retention: policy }, now)).toEqual({ syncRuns: 0, webhookDeliveries: 1 });
    expect((await db.prisma.webhookDelivery.findMany()).map((row) => row.sequence)).toEqual([3]);
  });
});
