// What the flowhub:check tests share: a simulator whose secrets are long enough to be recognised in any output,
// runCli with its output captured, and the facts a location's catalogue should give.
import type { RunningSimulator, SimLocation } from '@flowhub-sync/flowhub-sim';
import { runCli } from '../cli';
import type { CheckClientOptions } from '../check';

export const API_KEY = 'sim-api-key-7f3c9a21d4e85b60';
export const OA_CLIENT_ID = 'oa-client-main';
export const OA_SECRET = 'sim-oa-secret-5e8d2b7c1a9f4036';

/** Two locations of one Flowhub client; the first with Order Ahead credentials of its own. */
export const SIM_LOCATIONS = [
  {
    locationId: 'loc-main',
    locationName: 'Main Street',
    clientId: 'client-7',
    key: API_KEY,
    orderAheadClientId: OA_CLIENT_ID,
    orderAheadClientSecret: OA_SECRET,
    rows: 300,
    seed: 5,
    malformedEvery: 60,
  },
  { locationId: 'loc-north', locationName: 'North Side', clientId: 'client-7', key: API_KEY, rows: 20, seed: 6 },
];

export function simEnv(sim: RunningSimulator, extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  return {
    FLOWHUB_API_URL: sim.url,
    FLOWHUB_AUTH_URL: sim.url,
    FLOWHUB_CLIENT_ID: 'client-7',
    FLOWHUB_API_KEY: API_KEY,
    FLOWHUB_LOCATION_ID: 'loc-main',
    FLOWHUB_ORDER_AHEAD_CLIENT_ID: OA_CLIENT_ID,
    FLOWHUB_ORDER_AHEAD_TOKEN: OA_SECRET,
    ...extra,
  };
}

/** Short waits: fault tests must not sit through the production backoff. */
export const FAST: Partial<CheckClientOptions> = { retryBaseDelayMs: 5, maxRetryWaitMs: 50, timeoutMs: 3_000, inventoryTimeoutMs: 5_000 };

export async function check(argv: string[], env: NodeJS.ProcessEnv) {
  let out = '';
  let err = '';
  const status = await runCli(argv, env, { out: (text) => (out += text), err: (text) => (err += text) }, FAST);
  const lines = out.trimEnd().split('\n');
  return { status, out, err, lines, last: lines[lines.length - 1] };
}

/** What the by-rooms inventory of a location holds, counted from its catalogue (not through the client). */
export function catalogueFacts(location: SimLocation) {
  let rows = 0;
  let invalid = 0;
  let soldByWeight = 0;
  let unsaid = 0;
  let inSeveralRooms = 0;
  let variants = 0;
  const rooms = new Map<string, { roomId: string; roomName: string; rows: number }>();
  for (const item of location.catalogue()) {
    const stocked = location.rooms.flatMap((room, index) => (room.forSale && item.stock[index] > 0 ? [index] : []));
    rows += stocked.length;
    if (item.defect !== null) {
      invalid += stocked.length;
      continue;
    }
    if (stocked.length === 0) continue;
    variants += 1;
    if (stocked.length > 1) inSeveralRooms += 1;
    const fields = location.row(item);
    if (fields.isSoldByWeight === true) soldByWeight += stocked.length;
    else if (fields.isSoldByWeight === null || fields.isSoldByWeight === undefined) unsaid += stocked.length;
    for (const index of stocked) {
      const { roomId, roomName } = location.rooms[index];
      const room = rooms.get(roomId) ?? { roomId, roomName, rows: 0 };
      room.rows += 1;
      rooms.set(roomId, room);
    }
  }
  return {
    rows,
    invalid,
    soldByWeight,
    unsaid,
    inSeveralRooms,
    variants,
    rooms: [...rooms.values()].sort((a, b) => a.roomName.localeCompare(b.roomName)),
  };
}
