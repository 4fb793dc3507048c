// The demo: a store wired to the simulator's demo location, and a simulator fast enough to watch.
import { requestJson } from './http.mjs';

export const DEMO_STORE_ID = 'demo-store';

/** Order steps take 1 to 25 simulated minutes; at this scale an order walks from new to sold in about a minute. */
const DEMO_LIFECYCLE = { timeScale: 0.01, cancelShare: 0 };

/** The simulator's demo location (apps/flowhub-sim/README.md). */
const demoSettings = {
  enabled: true,
  maui: true,
  clientId: 'demo-client',
  apiKey: 'demo-key',
  locationId: 'demo-location',
  orderAheadClientId: 'demo-oa-client',
  orderAheadToken: 'demo-oa-secret',
  syncOrders: true,
};

export async function speedUpSimulator(simUrl) {
  const answer = await requestJson('PUT', `${simUrl}/__sim/lifecycle`, { body: DEMO_LIFECYCLE });
  if (answer.status !== 200) throw new Error(`the simulator refused the demo lifecycle: HTTP ${answer.status}`);
}

/** Saves the demo store's settings through the API, as an operator would; enabling it schedules its syncs. */
export async function configureDemoStore(apiUrl, token) {
  const answer = await requestJson('PUT', `${apiUrl}/v1/stores/${DEMO_STORE_ID}/flowhub`, { token, body: demoSettings });
  if (answer.status !== 200) {
    const reason = answer.body?.error?.message ?? `HTTP ${answer.status}`;
    throw new Error(`configuring the demo store failed: ${reason}`);
  }
}

/** Reports the first menu sync that finishes after `since`, in one line; gives up quietly after `timeoutMs`. */
export async function reportFirstSync(apiUrl, token, since, write, { timeoutMs = 180_000, isStopping = () => false } = {}) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline && !isStopping()) {
    try {
      const answer = await requestJson('GET', `${apiUrl}/v1/stores/${DEMO_STORE_ID}/flowhub`, { token });
      const run = answer.body?.status?.lastSync;
      if (run?.finishedAt && Date.parse(run.finishedAt) >= since) {
        const { fetched, kept, invalid } = run.counts;
        write(
          run.status === 'failed'
            ? `the menu sync of ${DEMO_STORE_ID} failed: ${run.error ?? 'no reason given'}`
            : `the menu of ${DEMO_STORE_ID} is synced (${run.status}): ${kept} products from ${fetched} Flowhub rows, ${invalid} malformed rows skipped`,
        );
        return;
      }
    } catch {
      /* the producer is stopping or busy: try again */
    }
    await new Promise((resolve) => setTimeout(resolve, 2_000));
  }
}
