import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { createLogger } from '@flowhub-sync/config';
import { createTestDatabase, type TestDatabase } from '@flowhub-sync/db/testing';
import { maintenanceTasks as scheduledTasks, parsePayload, queues, startWorkers, type RunningWorkers } from '@flowhub-sync/queues';
import { serviceUrls, uniqueQueuePrefix, waitFor } from '@flowhub-sync/testing';
import { maintenanceProcessor, maintenanceTasks } from './maintenance';

let db: TestDatabase;
let connection: Redis;
let queue: Queue;
let running: RunningWorkers;
const logger = createLogger({ name: 'maintenance-test', level: 'silent' });

beforeAll(async () => {
  db = await createTestDatabase();
  const prefix = uniqueQueuePrefix('maintenance');
  connection = new Redis(serviceUrls().REDIS_URL, { maxRetriesPerRequest: null });
  queue = new Queue('maintenance', { connection, prefix });
  running = startWorkers([maintenanceProcessor({ prisma: db.prisma, logger })], { owns: ['maintenance'], connection, prefix, logger });
});
afterAll(async () => {
  await running?.close();
  await queue?.obliterate({ force: true });
  await queue?.close();
  await connection?.quit();
  await db?.drop();
});

const finished = (job: { getState(): Promise<string> }, what: string) =>
  waitFor(async () => ['completed', 'failed'].includes(await job.getState()), { what });

describe('the maintenance processor', () => {
  it('has a handler for every task the producer schedules', () => {
    expect(Object.keys(maintenanceTasks).sort()).toEqual([...scheduledTasks].sort());
  });

  it("runs 'expire-pending-orders' jobs from the maintenance queue", async () => {
    await db.prisma.store.create({ data: { id: 'live', enabled: true, pendingHoldMinutes: 5 } });
    await db.prisma.product.create({
      data: { storeId: 'live', variantId: 'v-a', name: 'v-a', posQuantity: 3, heldQuantity: 2, contentHash: 'v-a' },
    });
    const createdAt = new Date(Date.now() - 6 * 60_000);
    await db.prisma.order.create({
      data: {
        storeId: 'live',
        externalId: 'abandoned',
        status: 'pending',
        type: 'pickup',
        customer: { purchaseCategory: 'rec', phone: '+15555550123' },
        contentHash: 'hash-abandoned',
        createdAt,
        items: { create: [{ line: 0, variantId: 'v-a', quantity: 2 }] },
        holds: { create: [{ line: 0, storeId: 'live', variantId: 'v-a', quantity: 2, createdAt }] },
      },
    });

    const data = parsePayload('maintenance', { task: 'expire-pending-orders' });
    const job = await queue.add(queues.maintenance.jobName(data), data);
    await finished(job, 'the expiry job');
    expect(await job.getState()).toBe('completed');
    expect((await queue.getJob(job.id!))!.returnvalue).toEqual({ expired: 1 });
    expect(
      (await db.prisma.order.findUniqueOrThrow({ where: { storeId_externalId: { storeId: 'live', externalId: 'abandoned' } } })).status,
    ).toBe('expired');
    expect(
      (await db.prisma.product.findUniqueOrThrow({ where: { storeId_variantId: { storeId: 'live', variantId: 'v-a' } } })).heldQuantity,
    ).toBe(0);
  });

  it('fails at once, without retries, a task no version knows', async () => {
    const unknown = await queue.add('maintenance:defragment', { task: 'defragment' }, { attempts: 3 });
    await finished(unknown, 'the unknown task to fail');
    const failed = (await queue.getJob(unknown.id!))!;
    expect(await failed.getState()).toBe('failed');
    expect(failed.attemptsMade).toBe(1);
    expect(failed.failedReason).toMatch(/^invalid maintenance job payload: task /);
  });

  it('fails the outbox sweep at once in a process started without its queues', async () => {
    const data = parsePayload('maintenance', { task: 'outbox-sweep' });
    const job = await queue.add(queues.maintenance.jobName(data), data, { attempts: 3 });
    await finished(job, 'the sweep to fail');
    const failed = (await queue.getJob(job.id!))!;
    expect(failed.attemptsMade).toBe(1);
    expect(failed.failedReason).toBe('this order-worker was started without the queues the outbox sweep needs');
  });

  it("runs 'retention' with the default policy when none is given", async () => {
    const data = parsePayload('maintenance', { task: 'retention' });
    const job = await queue.add(queues.maintenance.jobName(data), data);
    await finished(job, 'the retention job');
    expect((await queue.getJob(job.id!))!.returnvalue).toEqual({ syncRuns: 0, webhookDeliveries: 0 });
  });
});
