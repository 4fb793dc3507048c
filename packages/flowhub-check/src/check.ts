import { maskSecret } from '@flowhub-sync/config';
import {
  createFlowhubClient,
  isFlowhubError,
  type FlowhubClient,
  type FlowhubClientOptions,
  type FlowhubLocation,
  type FlowhubRequestEvent,
  type InventoryResult,
} from '@flowhub-sync/flowhub-client';
import { type FeedFilter, type ProductMappingSettings, type RoomRows } from '@flowhub-sync/mapping';
import { inventoryFacts, type InventoryFacts } from './inventory-facts';

/**
 * `npm run flowhub:check`: what a store's Flowhub settings give, read-only. Three steps, each reported on its own:
 * the Order Ahead token (when Order Ahead credentials are given), `clientsLocations` (is the location among the
 * client's?), and one read of the location's by-rooms inventory, parsed by the Flowhub client exactly as a sync
 * parses it and looked at as a sync would (inventory-facts.ts). Nothing is written anywhere and no order is created:
 * the only calls are the token, clientsLocations and the inventory read (retries of a read included).
 */

/** What is checked: a store's settings (secrets opened), from the environment or the database (targets.ts). */
export interface CheckTarget {
  source: CheckSource;
  clientId: string;
  apiKey: string;
  locationId: string;
  orderAhead: { clientId: string; clientSecret: string } | null;
  /** The store's room and purchase category filters; none from the environment. */
  filter: FeedFilter;
  /** How the store's rows map (its Category Settings); the built-in defaults from the environment. */
  mapping: ProductMappingSettings;
}

export type CheckSource =
  { kind: 'environment' } | { kind: 'store'; storeId: string; enabled: boolean; syncOrders: boolean; categoryMappings: number };

/** Where Flowhub is: FLOWHUB_API_URL, FLOWHUB_AUTH_URL and HTTPS_PROXY, and any other client option (tests). */
export type CheckClientOptions = Pick<FlowhubClientOptions, 'apiUrl' | 'authUrl' | 'proxyUrl'> & Partial<FlowhubClientOptions>;

export type StepStatus = 'ok' | 'failed' | 'skipped';

export interface StepResult {
  status: StepStatus;
  /** How long the step took, retries included; null when it did not run. */
  ms: number | null;
  /** Why it failed or was skipped; null when ok. */
  reason: string | null;
  /** The Flowhub client's error kind and HTTP status when Flowhub (or the way to it) failed the step. */
  error: { kind: string; status: number | null } | null;
}

export interface LocationsCheck extends StepResult {
  /** Whether the location is among the client's; null when the locations could not be read. */
  found: boolean | null;
  /** The locations the credentials see. */
  visible: Pick<FlowhubLocation, 'locationId' | 'locationName' | 'timeZone' | 'licenseType'>[];
}

export interface InventoryCheck extends StepResult {
  /** `GET /v0/locations/{locationId}/inventoryByRoomsNonZero` */
  endpoint: string;
  /** What the read showed; null when there was no read. */
  facts: InventoryFacts | null;
}

export interface CheckReport {
  /** The last line of the text output: `flowhub:check: ok, <rows> rows, <invalid> invalid` or `flowhub:check: failed: <reason>`. */
  result: string;
  ok: boolean;
  startedAt: string;
  ms: number;
  flowhub: { apiUrl: string; authUrl: string; proxy: string | null };
  /** The settings checked, secrets masked as the API masks them. */
  settings: {
    source: 'environment' | 'store';
    storeId: string | null;
    enabled: boolean | null;
    syncOrders: boolean | null;
    clientId: string;
    apiKey: string | null;
    locationId: string;
    orderAheadClientId: string | null;
    orderAheadToken: string | null;
    roomIds: string[];
    purchaseCategory: string;
    categoryMappings: number | null;
  };
  orderAheadToken: StepResult;
  locations: LocationsCheck;
  inventory: InventoryCheck;
  /** Every HTTP attempt, retries included: endpoint name, status, outcome and duration (never an id or a secret). */
  requests: FlowhubRequestEvent[];
}

export const RESULT_PREFIX = 'flowhub:check:';

/** The last line for a check that could not run at all (bad arguments, environment or store). */
export const failedLine = (reason: string) => `${RESULT_PREFIX} failed: ${oneLine(reason)}`;

export function oneLine(text: string): string {
  return text.replace(/\s*[\r\n]+\s*/g, ' ').trim();
}

/** A proxy URL as it may be shown: its password masked. */
export function showProxy(proxyUrl: string | undefined): string | null {
  if (!proxyUrl) return null;
  try {
    const url = new URL(proxyUrl);
    const user = url.username ? `${decodeURIComponent(url.username)}${url.password ? ':••••' : ''}@` : '';
    return `${url.protocol}//${user}${url.host}${url.pathname === '/' ? '' : url.pathname}`;
  } catch {
    return '(not a valid URL)';
  }
}

const elapsed = (since: number) => Date.now() - since;

function failure(error: unknown, ms: number | null, prefix = ''): StepResult {
  if (isFlowhubError(error)) {
    return { status: 'failed', ms, reason: `${prefix}${error.message}`, error: { kind: error.kind, status: error.status ?? null } };
  }
  return { status: 'failed', ms, reason: `${prefix}${error instanceof Error ? error.message : String(error)}`, error: null };
}

const skipped = (reason: string): StepResult => ({ status: 'skipped', ms: null, reason, error: null });

/** Runs the check against Flowhub. Never throws for anything Flowhub does: every failure is in the report. */
export async function runFlowhubCheck(target: CheckTarget, clientOptions: CheckClientOptions): Promise<CheckReport> {
  const started = Date.now();
  const requests: FlowhubRequestEvent[] = [];
  const flowhub: FlowhubClient = createFlowhubClient({
    ...clientOptions,
    // No shared request budget: the check runs without Redis, and makes a handful of requests.
    budget: undefined,
    onRequest: (event) => requests.push(event),
  });

  const orderAheadToken = await checkOrderAheadToken(flowhub, target);
  const locations = await checkLocations(flowhub, target);
  const inventory = await checkInventory(flowhub, target, locations);

  const failed = [orderAheadToken, locations, inventory].filter((step) => step.status === 'failed');
  const ok = failed.length === 0;
  const facts = inventory.facts;
  const result =
    ok && facts
      ? `${RESULT_PREFIX} ok, ${facts.rows} rows, ${facts.invalid} invalid`
      : failedLine(failed.map((step) => step.reason).join('; ') || 'the inventory was not read');

  const { source } = target;
  return {
    result,
    ok: ok && facts !== null,
    startedAt: new Date(started).toISOString(),
    ms: elapsed(started),
    flowhub: { apiUrl: clientOptions.apiUrl, authUrl: clientOptions.authUrl, proxy: showProxy(clientOptions.proxyUrl) },
    settings: {
      source: source.kind,
      storeId: source.kind === 'store' ? source.storeId : null,
      enabled: source.kind === 'store' ? source.enabled : null,
      syncOrders: source.kind === 'store' ? source.syncOrders : null,
      clientId: target.clientId,
      apiKey: maskSecret(target.apiKey),
      locationId: target.locationId,
      orderAheadClientId: target.orderAhead?.clientId ?? null,
      orderAheadToken: maskSecret(target.orderAhead?.clientSecret),
      roomIds: [...target.filter.roomIds],
      purchaseCategory: target.filter.purchaseCategory,
      categoryMappings: source.kind === 'store' ? source.categoryMappings : null,
    },
    orderAheadToken,
    locations,
    inventory,
    requests,
  };
}

async function checkOrderAheadToken(flowhub: FlowhubClient, target: CheckTarget): Promise<StepResult> {
  if (!target.orderAhead) {
    return skipped(
      target.source.kind === 'store' ? 'the store has no Order Ahead Client Id and Token' : 'no Order Ahead credentials given',
    );
  }
  const started = Date.now();
  try {
    // The token itself is never kept nor shown: only that Flowhub's issuer gave one.
    await flowhub.getAccessToken(target.orderAhead, { forceRefresh: true });
    return { status: 'ok', ms: elapsed(started), reason: null, error: null };
  } catch (error) {
    return failure(error, elapsed(started), 'Order Ahead token: ');
  }
}

async function checkLocations(flowhub: FlowhubClient, target: CheckTarget): Promise<LocationsCheck> {
  const started = Date.now();
  let locations: FlowhubLocation[];
  try {
    locations = await flowhub.getLocations({ clientId: target.clientId, apiKey: target.apiKey });
  } catch (error) {
    return { ...failure(error, elapsed(started), 'clientsLocations: '), found: null, visible: [] };
  }
  const ms = elapsed(started);
  const visible = locations.map(({ locationId, locationName, timeZone, licenseType }) => ({
    locationId,
    locationName,
    timeZone,
    licenseType,
  }));
  if (locations.some((location) => location.locationId === target.locationId)) {
    return { status: 'ok', ms, reason: null, error: null, found: true, visible };
  }
  const listed = visible
    .slice(0, 5)
    .map((location) => location.locationId)
    .join(', ');
  const more = visible.length > 5 ? ` and ${visible.length - 5} more` : '';
  const seen =
    visible.length === 0
      ? 'these credentials see no location'
      : `these credentials see ${plural(visible.length, 'location')}: ${listed}${more}`;
  return {
    status: 'failed',
    ms,
    reason: `clientsLocations: location ${target.locationId} is not among the client's locations (${seen})`,
    error: null,
    found: false,
    visible,
  };
}

async function checkInventory(flowhub: FlowhubClient, target: CheckTarget, locations: LocationsCheck): Promise<InventoryCheck> {
  const endpoint = `GET /v0/locations/${encodeURIComponent(target.locationId)}/inventoryByRoomsNonZero`;
  // Not read when Flowhub already said no: the same credentials, or a location the client does not have.
  if (locations.found === false) return { ...skipped("not read: the location is not among the client's locations"), endpoint, facts: null };
  if (locations.error?.kind === 'credentials_rejected')
    return { ...skipped('not read: Flowhub rejected the credentials'), endpoint, facts: null };
  const started = Date.now();
  let answer: InventoryResult;
  try {
    // The by-rooms endpoint: the only one that shows the rooms. A sync of a store without rooms reads the summed one,
    // which holds the same variants (For-Sale rooms only); the check sums them per variant as that sync would see them.
    answer = await flowhub.getInventory(
      { clientId: target.clientId, apiKey: target.apiKey, locationId: target.locationId },
      { byRooms: true },
    );
  } catch (error) {
    return { ...failure(error, elapsed(started), 'inventory: '), endpoint, facts: null };
  }
  const ms = elapsed(started);
  return { status: 'ok', ms, reason: null, error: null, endpoint, facts: inventoryFacts(answer, target) };
}

export function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

export type { RoomRows };
