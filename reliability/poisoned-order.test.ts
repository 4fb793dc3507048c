import { Queue, QueueEvents } from 'bullmq';
import { enableStore, scenario, seconds, startStack, type Stack } from './scenario-kit';

const STORE = 'poll-store';
const FOLLOWED = 1_500;
const POISONED = 3; // among the oldest: the ones every poll used to start with

let stack: Stack;
beforeAll(async () => {
  // A generous request budget (the default 20 per second would make two polls of 1,000 orders take 100 s), and a
  // poll schedule that does not fire during the scenario: the polls are the scenario's own.
  stack = await startStack({ sim: { rows: 50, seed: 21 }, env: { FLOWHUB_MAX_RPS: '1000', STATUS_POLL_EVERY_MS: '86400000' } });
  await stack.start('producer');
  await stack.start('order-worker');
  await enableStore(stack, STORE, { syncOrders: true });
}, 180_000);
afterAll(() => stack?.close());

it("i: a poisoned order among 1,500 followed ones: every other order's status arrives within two polls", async () => {
  await scenario(
    {
      scenario: 'i. a poisoned order among 1,500 followed ones',
      injected: `${FOLLOWED} pushed orders followed by one store, all moved to ready in Flowhub; one order's status answer has no status field`,
      checked:
        "within two status polls every other order is ready (through the API); the poisoned one's follow.lastError and errorCount show the failure",
    },
    async () => {
      // The orders in Flowhub, moved to ready by hand (they stop moving on their own), and the same orders here, pushed.
      const location = stack.sim.state.location('demo-location')!;
      const flowhubIds: string[] = [];
      for (let index = 0; index < FOLLOWED; index += 1) {
        const order = stack.sim.state.createOrder(location, { orderType: 'pickup', customer: { externalId: `P-${index}` } });
        stack.sim.state.setOrderStatus(order.orderId, 'ready');
        flowhubIds.push(order.orderId);
      }
      const pushedSince = Date.now() - 3_600_000;
      await stack.db.prisma.order.createMany({
        data: flowhubIds.map((flowhubOrderId, index) => ({
          storeId: STORE,
          externalId: `P-${index}`,
          type: 'pickup' as const,
          customer: {},
          contentHash: 'x',
          status: 'confirmed' as const,
          pushState: 'pushed' as const,
          flowhubOrderId,
          flowhubStatus: 'new',
          pushedAt: new Date(pushedSince + index * 1000),
        })),
      });
      stack.sim.state.faults.add({ kind: 'missingStatus', orderId: flowhubIds[POISONED] });

      const connection = { url: stack.env.REDIS_URL };
      const queue = new Queue('order-status-poll', { connection, prefix: stack.prefix });
      const events = new QueueEvents('order-status-poll', { connection, prefix: stack.prefix });
      await events.waitUntilReady();
      const started = Date.now();
      const polls: { checked: number; failed: number; ms: number }[] = [];
      try {
        for (let poll = 0; poll < 2; poll += 1) {
          const pollStarted = Date.now();
          const job = await queue.add(`order-status-poll:${STORE}`, { storeId: STORE }, { attempts: 1 });
          const result = (await job.waitUntilFinished(events, 240_000)) as { checked: number; failed: number };
          polls.push({ ...result, ms: Date.now() - pollStarted });
        }
      } finally {
        await events.close();
        await queue.close();
      }
      const ms = Date.now() - started;

      // Every other order, as the platform sees it.
      const notReady: string[] = [];
      for (let index = 0; index < FOLLOWED; index += 50) {
        const batch = Array.from({ length: Math.min(50, FOLLOWED - index) }, (_, offset) => index + offset).filter((i) => i !== POISONED);
        const answers = await Promise.all(batch.map((i) => stack.api('GET', `/v1/stores/${STORE}/orders/P-${i}`)));
        answers.forEach((answer, offset) => {
          if (answer.status !== 200 || answer.body.status !== 'ready' || answer.body.flowhubStatus !== 'ready')
            notReady.push(`P-${batch[offset]}`);
        });
      }
      expect(notReady).toEqual([]);
      const poisoned = await stack.api('GET', `/v1/stores/${STORE}/orders/P-${POISONED}`);
      expect(poisoned.body).toMatchObject({
        status: 'confirmed',
        follow: { errorCount: 2, lastError: expect.stringContaining('no status'), stoppedReason: null },
      });
      expect(polls.map((poll) => poll.checked + poll.failed)).toEqual([1_000, 1_000]);
      return (
        `${FOLLOWED - 1} orders ready after 2 polls (${polls.map((poll) => `${poll.checked} read, ${poll.failed} failed in ${seconds(poll.ms)}`).join('; ')}; ` +
        `${seconds(ms)} in all); the poisoned order: errorCount ${poisoned.body.follow.errorCount}, "${String(poisoned.body.follow.lastError).slice(0, 80)}"`
      );
    },
  );
}, 600_000);
