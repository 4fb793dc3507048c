// The Flowhub simulator in its own process (as Flowhub would be), and its admin API (/__sim/).
import { freePort, startBuiltApp, waitForHttp } from './processes.mjs';

async function call(url, method, body) {
  const response = await fetch(url, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`simulator ${method} ${new URL(url).pathname}: ${response.status} ${await response.text()}`);
  return response.status === 204 ? null : response.json();
}

/**
 * Starts apps/flowhub-sim with a real clock and a tiny demo location (locations are added through the admin API).
 * `heapMb` raises V8's heap limit for fleets of locations (1,000 × 1,000 rows take about 3 GB).
 */
export async function startSimulator({ heapMb } = {}) {
  const port = await freePort();
  // Orders finish and postbacks arrive as in the demo: the simulator's invented behaviours, switched on.
  const behaviour = 'orderLifecycles,statusPostbacks,gatewayHtmlPages,tokenExpiry';
  const sim = startBuiltApp(
    'flowhub-sim',
    { SIM_PORT: String(port), SIM_ROWS: '10', SIM_SEED: '1', SIM_CLOCK: 'real', SIM_BEHAVIOUR: behaviour },
    {
      execArgv: heapMb ? [`--max-old-space-size=${heapMb}`] : [],
    },
  );
  const url = `http://127.0.0.1:${port}`;
  await waitForHttp(`${url}/__sim/state`, { process: sim });
  const admin = (method, route, body) => call(`${url}/__sim${route}`, method, body);
  return {
    url,
    process: sim,
    /** LocationOptions of the simulator's README: locationId, clientId, key, orderAheadClientId/Secret, rows, seed, rooms. */
    addLocation: (options) => admin('POST', '/locations', options),
    /** The location's catalogue (ids and stock), a page at a time. */
    products: (locationId, { limit = 100, offset = 0 } = {}) =>
      admin('GET', `/locations/${encodeURIComponent(locationId)}/products?limit=${limit}&offset=${offset}`),
    setQuantity: (locationId, variantId, quantity) =>
      admin('PATCH', `/locations/${encodeURIComponent(locationId)}/products/${encodeURIComponent(variantId)}`, { quantity }),
    /** The simulator's state: its clock, locations, faults, and `orders`, how many orders it holds. */
    state: () => admin('GET', '/state'),
    orders: (locationId) => admin('GET', `/orders${locationId ? `?locationId=${encodeURIComponent(locationId)}` : ''}`),
    /** Sets an order's status (Flowhub's side); it posts back when the create carried a postbackUrl. */
    setOrderStatus: (orderId, status) => admin('POST', `/orders/${encodeURIComponent(orderId)}/status`, { status }),
    setLifecycle: (lifecycle) => admin('PUT', '/lifecycle', lifecycle),
    close: () => sim.stop(),
  };
}
