import { plural, type CheckReport, type StepResult } from './check';
import type { InventoryFacts, MissList } from './inventory-facts';

/*
 * The report as an operator pastes it into a support ticket: plain text, secrets masked as the API masks them
 * (`••••` and the last four characters of a long secret), and the result line last.
 */

const LABEL = 24;
const line = (label: string, text: string) => `${label.padEnd(LABEL)}${text}`;
const more = (text: string) => `${' '.repeat(LABEL)}${text}`;
const seconds = (ms: number | null) => (ms === null ? '' : `${(ms / 1000).toFixed(2)} s`);

function step(label: string, result: StepResult, okText: string): string {
  if (result.status === 'ok') return line(label, `ok: ${okText}${result.ms === null ? '' : ` (${seconds(result.ms)})`}`);
  if (result.status === 'skipped') return line(label, `skipped: ${result.reason}`);
  return line(label, `FAILED: ${result.reason}`);
}

export function renderText(report: CheckReport): string {
  const { settings, flowhub } = report;
  const out: string[] = [];
  out.push(`Flowhub check, ${report.startedAt.slice(0, 19).replace('T', ' ')} UTC`);
  out.push(
    line('Flowhub', `${flowhub.apiUrl} (token issuer ${flowhub.authUrl})${flowhub.proxy ? `, through the proxy ${flowhub.proxy}` : ''}`),
  );
  if (settings.source === 'store') {
    const state = [
      settings.enabled ? 'integration enabled' : 'integration disabled',
      settings.syncOrders ? 'syncs orders' : 'does not sync orders',
      plural(settings.categoryMappings ?? 0, 'category mapping'),
    ];
    out.push(line('Settings', `store ${settings.storeId} (${state.join(', ')})`));
  } else {
    out.push(line('Settings', 'from the environment (FLOWHUB_CLIENT_ID, FLOWHUB_API_KEY, FLOWHUB_LOCATION_ID)'));
  }
  out.push(line('  Client ID', settings.clientId));
  out.push(line('  API Key', settings.apiKey ?? '(none)'));
  out.push(line('  Location ID', settings.locationId));
  out.push(
    line(
      '  Order Ahead',
      settings.orderAheadClientId ? `Client Id ${settings.orderAheadClientId}, Token ${settings.orderAheadToken ?? '(none)'}` : '(none)',
    ),
  );
  const rooms = settings.roomIds.length > 0 ? `rooms ${settings.roomIds.join(', ')}` : 'every For-Sale room';
  const purchase = settings.purchaseCategory === 'all' ? 'every purchase category' : `purchase category ${settings.purchaseCategory}`;
  out.push(line('  Filters', `${rooms}; ${purchase}`));
  out.push('');

  out.push(step('Order Ahead token', report.orderAheadToken, 'Flowhub issued an access token'));

  const { locations } = report;
  out.push(
    step(
      'Locations',
      locations,
      `${settings.locationId} is among the ${plural(locations.visible.length, 'location')} these credentials see`,
    ),
  );
  if (locations.found === false || (locations.status === 'ok' && locations.visible.length > 1)) {
    for (const location of locations.visible) {
      const where = [location.locationName, location.timeZone].filter(Boolean).join(', ');
      out.push(
        more(`${location.locationId}${where ? `  ${where}` : ''}${location.locationId === settings.locationId ? '  (this one)' : ''}`),
      );
    }
  }

  const { inventory } = report;
  const facts = inventory.facts;
  out.push(
    step('Inventory', inventory, `${inventory.endpoint}, ${facts ? `${facts.bytes} bytes (${(facts.bytes / 1e6).toFixed(2)} MB)` : ''}`),
  );
  if (facts) out.push(...renderFacts(facts, settings.source === 'store'));

  out.push('');
  const requests = report.requests.map(
    (request) => `${request.method} ${request.endpoint} ${request.status ?? request.outcome} ${request.ms} ms`,
  );
  out.push(line('Requests', requests.length > 0 ? requests.join('; ') : 'none'));
  out.push(line('Took', seconds(report.ms)));
  out.push(report.result);
  return `${out.join('\n')}\n`;
}

function renderFacts(facts: InventoryFacts, fromStore: boolean): string[] {
  const out: string[] = [];
  out.push(line('  Rows', `${facts.rows}, ${facts.invalid} of them invalid`));
  if (facts.invalid > 0) {
    const first = facts.invalidReasons.length < facts.invalid ? `, the first ${facts.invalidReasons.length}` : '';
    out.push(line('  Invalid rows', `${plural(facts.invalid, 'row')}${first}:`));
    for (const reason of facts.invalidReasons) out.push(more(reason));
  }
  out.push(
    line(
      '  Rooms',
      `${plural(facts.rooms.length, 'room')} with stock For Sale${facts.rooms.length > 0 ? ' (ids as the settings take them):' : ''}`,
    ),
  );
  for (const room of facts.rooms) out.push(more(`${room.roomId}  ${room.roomName ?? '(no name)'}  ${plural(room.rows, 'row')}`));
  if (facts.rowsWithoutRoom > 0) out.push(more(`${plural(facts.rowsWithoutRoom, 'row')} without a room`));
  const categories = facts.purchaseCategories.map((entry) => {
    if (entry.value === null) return `none ${entry.rows}`;
    return entry.recognised
      ? `${entry.value} ${entry.rows}`
      : `"${entry.value}" ${entry.rows} (not rec, med or both: passes only the "all" filter)`;
  });
  out.push(line('  Purchase categories', categories.length > 0 ? categories.join(', ') : '(no rows)'));
  const repeated = facts.repeatedVariants;
  out.push(
    line(
      '  Repeated variants',
      repeated.variants === 0
        ? 'none: every variant is on one row'
        : `${plural(repeated.variants, 'variant')} on more than one row: ${repeated.inSeveralRooms} in several rooms, ${repeated.withinOneRoom} on several rows of one room (packages, or repeated rows)`,
    ),
  );
  if (repeated.examples.length > 0) out.push(more(`on several rows of one room: ${repeated.examples.join(', ')}`));
  out.push(
    line(
      '  Sold by weight',
      `${plural(facts.soldByWeight.rows, 'row')} (isSoldByWeight true)${facts.soldByWeight.unsaid > 0 ? `; ${plural(facts.soldByWeight.unsaid, 'row')} do not say` : ''}`,
    ),
  );
  const { sync } = facts;
  const left = [
    sync.outsideRooms > 0 ? `${plural(sync.outsideRooms, 'row')} outside the store's rooms` : null,
    sync.outsidePurchaseCategory > 0 ? `${plural(sync.outsidePurchaseCategory, 'row')} outside its purchase category` : null,
    sync.unreadable > 0 ? `${plural(sync.unreadable, 'product')} on unreadable rows kept as they were` : null,
  ].filter(Boolean);
  out.push(
    line(
      fromStore ? "  The store's sync maps" : '  A sync maps',
      `${plural(sync.variants, 'variant')}${left.length > 0 ? ` (${left.join(', ')})` : ''}`,
    ),
  );
  out.push(...misses('  Uncategorised', sync.uncategorized));
  out.push(...misses('  Unknown strain types', sync.unknownStrainTypes));
  out.push(...misses('  Unknown terpenes', sync.unknownTerpenes));
  return out;
}

function misses(label: string, list: MissList): string[] {
  if (list.count === 0) return [line(label, 'none')];
  const first = list.examples.length < list.count ? `, the first ${list.examples.length}:` : ':';
  return [
    line(label, `${plural(list.count, 'item')}${first}`),
    ...list.examples.map((example) => more(`${example.variantId}  ${example.reason}`)),
  ];
}

/**
 * The last safeguard before anything is printed: every secret the check handled, should it appear anyway, is
 * replaced by its mask. (The Flowhub client already scrubs Flowhub's answers; the report holds masks only.)
 */
export function scrubSecrets(text: string, secrets: readonly (string | null | undefined)[]): string {
  let out = text;
  for (const secret of secrets) {
    // A very short value could match ordinary words: the client's own scrubbing covers those.
    if (!secret || secret.length < 6) continue;
    out = out.split(secret).join(`••••${secret.length > 8 ? secret.slice(-4) : ''}`);
  }
  return out;
}
