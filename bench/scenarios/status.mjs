// Scenario 5: order statuses. (a) The cost of one status poll of a store (@flowhub-sync/orders' pollStoreStatuses,
// built) with 10, 100 and 1,000 open orders, created in the simulator and marked pushed in the database. (b) A
// Flowhub postback until the new status is visible through the API: POST the producer's postback route, then
// poll GET …/orders/{externalId} (a real producer and order-worker process).
import { randomBytes } from 'node:crypto';
import { inPool, median, percentile, result, sleep, target, timed } from '../lib/measure.mjs';
import { waitFor } from '../lib/processes.mjs';
import { startOrderStack } from '../lib/order-stack.mjs';
import { fromProduct, newRedis } from '../lib/scratch.mjs';

export const title = 'Order statuses: poll cycles and postbacks';
export const targets = [{ name: 'status: postback visible through the API, p95', target: '< 1000 ms' }];

const { pollStoreStatuses } = fromProduct('@flowhub-sync/orders');
const { createFlowhubClient, createRedisRequestBudget } = fromProduct('@flowhub-sync/flowhub-client');

const OPEN_ORDERS = [10, 100, 1_000];
const silent = { info() {}, warn() {}, error() {}, debug() {}, child: () => silent };

export async function run({ quick, serverDatabaseUrl, redisUrl, log }) {
  const stack = await startOrderStack({ label: 'status', stores: OPEN_ORDERS.length + 1, rows: 200, serverDatabaseUrl, redisUrl });
  const reps = quick ? 3 : 5;
  const postbacks = quick ? 40 : 200;
  try {
    const results = [];
    const details = { pollMs: {} };

    // (a) Poll cycles. The statuses do not change (the common case): each order is read and compared.
    const deps = { prisma: stack.prisma, flowhub: stack.flowhub, secrets: stack.secrets, logger: silent };
    for (const [i, count] of OPEN_ORDERS.entries()) {
      const store = stack.stores[i];
      await createPushedOrders(stack, store, count, `poll${count}`);
      const runs = [];
      await pollStoreStatuses(deps, store.storeId); // warm-up: token fetched, code compiled
      for (let rep = 0; rep < reps; rep++) runs.push((await timed(() => pollStoreStatuses(deps, store.storeId))).ms);
      const ms = median(runs);
      details.pollMs[count] = runs.map(Math.round);
      results.push(
        result(`status poll, ${count.toLocaleString('en-US')} open orders: one cycle (no request budget)`, ms, 'ms'),
        result(`status poll, ${count.toLocaleString('en-US')} open orders: per order`, ms / count, 'ms'),
      );
      log(`  poll of ${count} open orders: ${Math.round(ms)} ms`);
    }
    // As production runs it: the store's Flowhub request budget (20 requests/s by default) paces the reads.
    if (!quick) {
      const redis = newRedis(redisUrl);
      try {
        const budgeted = createFlowhubClient({
          apiUrl: stack.sim.url,
          authUrl: stack.sim.url,
          logger: silent,
          budget: createRedisRequestBudget(redis, { maxRps: 20, prefix: stack.budgetPrefix }),
        });
        const { ms } = await timed(() => pollStoreStatuses({ ...deps, flowhub: budgeted }, stack.stores[1].storeId));
        results.push(result('status poll, 100 open orders: one cycle with the default request budget (20 requests/s)', ms, 'ms'));
        log(`  poll of 100 open orders within the request budget: ${Math.round(ms)} ms`);
      } finally {
        redis.disconnect();
      }
    }

    // (b) Postbacks: Flowhub's status changes, the producer is told, the order-worker re-reads and applies it.
    const store = stack.stores[OPEN_ORDERS.length];
    const orders = await createPushedOrders(stack, store, postbacks, 'postback');
    const visible = async (order, status) => {
      const { body } = await stack.api('GET', `/v1/stores/${store.storeId}/orders/${order.externalId}`);
      return body?.status === status;
    };
    async function postback(order) {
      await stack.sim.setOrderStatus(order.flowhubOrderId, 'ready');
      const started = Date.now();
      const answer = await fetch(`${stack.apiUrl}/v1/flowhub/postback/${order.postbackToken}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          orderId: order.flowhubOrderId,
          customerExternalId: order.externalId,
          status: 'ready',
          updatedAt: new Date().toISOString(),
        }),
      });
      if (answer.status !== 202) throw new Error(`the postback route answered ${answer.status}`);
      await waitFor(() => visible(order, 'ready'), { timeoutMs: 10_000, intervalMs: 10, what: `order ${order.externalId} shown ready` });
      return Date.now() - started;
    }
    let latencies;
    try {
      latencies = [await postback(orders[0])];
    } catch (error) {
      const reason = `a postback's status did not show through the API within 10 s (does the order-worker consume order-status-poll?)`;
      log(`  postbacks not measured: ${reason} (${error.message})`);
      return { results, targets: [], notMeasured: reason, note: 'postback latency not measured', details };
    }
    // A few postbacks at a time, spread out, as Flowhub sends them when orders move along.
    latencies.push(
      ...(await inPool(orders.slice(1), 4, async (order, i) => {
        await sleep((i % 4) * 25);
        return postback(order);
      })),
    );
    const p95 = percentile(latencies, 95);
    results.push(
      result(`status: postback → visible through the API, p50 (${latencies.length} postbacks)`, median(latencies), 'ms'),
      result('status: postback → visible through the API, p95', p95, 'ms'),
      result('status: postback → visible through the API, p99', percentile(latencies, 99), 'ms'),
    );
    details.postbackMs = { min: Math.min(...latencies), max: Math.max(...latencies) };
    return {
      results,
      targets: [target(targets[0].name, { target: 1000, value: p95, unit: 'ms', atLeast: false })],
      note: quick ? `quick: ${reps} polls each, ${postbacks} postbacks` : `${reps} polls each, ${postbacks} postbacks`,
      details,
    };
  } finally {
    await stack.close();
  }
}

/**
 * Orders that exist in Flowhub (created through the Order Ahead API, without a postbackUrl: the bench posts back
 * itself) and here, pushed and confirmed, each with its postback token.
 */
async function createPushedOrders(stack, store, count, prefix) {
  const credentials = { clientId: store.orderAheadClientId, clientSecret: store.orderAheadSecret };
  const orders = await inPool(Array.from({ length: count }), 16, async (_, n) => {
    const externalId = `${prefix}-${n}`;
    const product = store.products[n % store.products.length];
    const created = await stack.flowhub.createOrder(credentials, {
      externalCreatedAt: new Date().toISOString(),
      customer: { firstName: 'Bench', lastName: `Customer ${n}`, externalId, phone: '+15555550123', medRecOrBoth: 'rec' },
      orderItems: [{ productId: product.productId, quantityPurchased: 1 }],
      orderType: 'pickup',
    });
    return { externalId, flowhubOrderId: created.orderId, postbackToken: randomBytes(32).toString('base64url') };
  });
  const column = (pick) => orders.map(pick);
  await stack.pg.query(
    `INSERT INTO orders (store_id, external_id, status, type, customer, content_hash, push_state, push_attempts, flowhub_order_id,
       flowhub_status, postback_token, pushed_at, confirmed_at)
     SELECT $1, t.external_id, 'confirmed', 'pickup', '{"firstName":"Bench","lastName":"Customer","phone":"+15555550123","purchaseCategory":"rec"}'::jsonb,
       'bench', 'pushed', 1, t.flowhub_order_id, 'new', t.postback_token, now(), now()
     FROM unnest($2::text[], $3::text[], $4::text[]) AS t(external_id, flowhub_order_id, postback_token)`,
    [store.storeId, column((o) => o.externalId), column((o) => o.flowhubOrderId), column((o) => o.postbackToken)],
  );
  return orders;
}
