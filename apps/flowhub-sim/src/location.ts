import { buildRooms, DEFAULT_ROOMS, generateCatalogue, type CatalogueItem, type Room, type RoomSpec } from './catalogue';
import { EncodedAnswer, type AnswerLease, type RowParts } from './encoded-answer';
import { SimInputError } from './input-error';
import { dashedUuid, hashString, mulberry32, randomInt, randomUuid } from './random';

/** How a location is set up: its credentials, catalogue size and seed, and rooms. */
export interface LocationOptions {
  locationId: string;
  locationName?: string;
  /** Inventory credentials (headers `clientId` / `key`); locations sharing a clientId form one Flowhub client. */
  clientId?: string;
  key?: string;
  /** Order Ahead OAuth client credentials; a token issued for them creates orders at this location. */
  orderAheadClientId?: string;
  orderAheadClientSecret?: string;
  rows?: number;
  seed?: number;
  /** A number of For-Sale rooms (plus one room not for sale), or the rooms themselves. */
  rooms?: number | RoomSpec[];
  /** One malformed row per this many rows; 0 for none. Default 500. */
  malformedEvery?: number;
  /** Some variants listed in several packages, one package listed twice (catalogue.ts, CatalogueSettings). Default false. */
  severalPackages?: boolean;
  /** clientsLocations: the zone name as Flowhub's document's example spells it. Default `US/Mountain`. */
  timeZone?: string;
  /** clientsLocations: `rec` and/or `med`, as in Flowhub's document's example. Default `["rec", "med"]`. */
  licenseType?: string[];
  /** clientsLocations: the location's importId; Flowhub's document's example gives it the locationId's value. Default: the locationId. */
  importId?: string;
}

export type LocationSettings = Required<Omit<LocationOptions, 'rooms'>> & { rooms: number | RoomSpec[] };

export const MAX_ROWS = 100_000;
const ID_PATTERN = /^[A-Za-z0-9._-]{1,64}$/;
const ROOM_ID_PATTERN = /^[0-9a-f]{32}$/;

export function locationSettings(options: LocationOptions, defaults: { rows: number; seed: number }): LocationSettings {
  if (typeof options.locationId !== 'string' || !ID_PATTERN.test(options.locationId)) {
    throw new SimInputError('locationId must be 1 to 64 letters, digits, ".", "_" or "-"');
  }
  const settings: LocationSettings = {
    locationId: options.locationId,
    locationName: options.locationName ?? `Location ${options.locationId}`,
    clientId: options.clientId ?? 'demo-client',
    key: options.key ?? 'demo-key',
    orderAheadClientId: options.orderAheadClientId ?? `${options.locationId}-oa-client`,
    orderAheadClientSecret: options.orderAheadClientSecret ?? `${options.locationId}-oa-secret`,
    rows: options.rows ?? defaults.rows,
    seed: options.seed ?? defaults.seed,
    rooms: options.rooms ?? DEFAULT_ROOMS.map((room) => ({ ...room })),
    malformedEvery: options.malformedEvery ?? 500,
    severalPackages: options.severalPackages ?? false,
    timeZone: options.timeZone ?? 'US/Mountain',
    licenseType: options.licenseType ?? ['rec', 'med'],
    importId: options.importId ?? options.locationId,
  };
  for (const name of ['locationName', 'clientId', 'key', 'orderAheadClientId', 'orderAheadClientSecret', 'timeZone', 'importId'] as const) {
    if (typeof settings[name] !== 'string' || settings[name].length === 0) throw new SimInputError(`${name} must be a non-empty string`);
  }
  if (!Number.isInteger(settings.rows) || settings.rows < 0 || settings.rows > MAX_ROWS) {
    throw new SimInputError(`rows must be a whole number from 0 to ${MAX_ROWS}`);
  }
  if (!Number.isInteger(settings.seed)) throw new SimInputError('seed must be a whole number');
  if (!Number.isInteger(settings.malformedEvery) || settings.malformedEvery < 0) {
    throw new SimInputError('malformedEvery must be a whole number, 0 for no malformed rows');
  }
  if (typeof settings.severalPackages !== 'boolean') throw new SimInputError('severalPackages must be true or false');
  if (!Array.isArray(settings.licenseType) || !settings.licenseType.every((value) => typeof value === 'string')) {
    throw new SimInputError('licenseType must be a list of strings');
  }
  validateRooms(settings.rooms);
  return settings;
}

function validateRooms(rooms: unknown): void {
  if (typeof rooms === 'number') {
    if (!Number.isInteger(rooms) || rooms < 1 || rooms > 20)
      throw new SimInputError('rooms must be a number of For-Sale rooms from 1 to 20, or a list of rooms');
    return;
  }
  if (!Array.isArray(rooms) || rooms.length === 0)
    throw new SimInputError('rooms must be a number of For-Sale rooms or a non-empty list of rooms');
  const ids = new Set<string>();
  rooms.forEach((room: unknown, index) => {
    const spec = room as Partial<RoomSpec> | null;
    if (!spec || typeof spec.roomName !== 'string' || spec.roomName.length === 0)
      throw new SimInputError(`rooms[${index}].roomName must be a non-empty string`);
    if (spec.forSale !== undefined && typeof spec.forSale !== 'boolean')
      throw new SimInputError(`rooms[${index}].forSale must be true or false`);
    if (spec.roomId !== undefined) {
      if (typeof spec.roomId !== 'string' || !ROOM_ID_PATTERN.test(spec.roomId))
        throw new SimInputError(`rooms[${index}].roomId must be 32 lower-case hex characters`);
      if (ids.has(spec.roomId)) throw new SimInputError(`rooms[${index}].roomId is used twice`);
      ids.add(spec.roomId);
    }
  });
}

/** Fields a row never carries in the catalogue: responses add them per endpoint. */
const RESPONSE_FIELDS = new Set(['quantity', 'roomId', 'roomName', 'upc']);

/** The inventory endpoints, each a way of listing a location's stock. */
export type InventoryEndpoint = 'inventory' | 'inventoryNonZero' | 'inventoryByRoomsNonZero';

/** One Flowhub location: its rooms and catalogue, with the stock the inventory endpoints report. */
export class SimLocation {
  rooms: Room[] = [];
  private items: CatalogueItem[] = [];
  private readonly byVariantId = new Map<string, CatalogueItem>();
  private readonly byProductId = new Map<string, CatalogueItem>();
  private added = 0;
  /** Each endpoint's last answer as sent (encoded-answer.ts): the next one encodes only what changed. */
  private readonly answers = new Map<InventoryEndpoint, EncodedAnswer>();

  constructor(readonly settings: LocationSettings) {
    this.regenerate();
  }

  get locationId(): string {
    return this.settings.locationId;
  }

  /** Back to the generated catalogue: stock, added and removed products all restored. */
  regenerate(): void {
    const { settings } = this;
    this.rooms = buildRooms(settings.seed, settings.locationId, settings.rooms);
    this.items = generateCatalogue({
      locationId: settings.locationId,
      locationName: settings.locationName,
      clientId: settings.clientId,
      rows: settings.rows,
      seed: settings.seed,
      rooms: this.rooms,
      malformedEvery: settings.malformedEvery,
      severalPackages: settings.severalPackages,
    });
    this.byVariantId.clear();
    this.byProductId.clear();
    for (const item of this.items) this.index(item);
    this.added = 0;
  }

  get size(): number {
    return this.items.length;
  }

  catalogue(): readonly CatalogueItem[] {
    return this.items;
  }

  variant(variantId: string): CatalogueItem | undefined {
    return this.byVariantId.get(variantId);
  }

  product(productId: string): CatalogueItem | undefined {
    return this.byProductId.get(productId);
  }

  /** What the API reports: stock in For-Sale rooms only. */
  forSaleQuantity(item: CatalogueItem): number {
    let total = 0;
    for (let i = 0; i < this.rooms.length; i++) if (this.rooms[i].forSale) total += item.stock[i];
    return roundQuantity(total);
  }

  /** Index of a room given its id in any of the formats feeds use (dashes, upper case). */
  roomIndex(roomId: string): number {
    const canonical = roomId.replace(/-/g, '').toLowerCase();
    return this.rooms.findIndex((room) => room.roomId === canonical);
  }

  /**
   * Sets a variant's stock. With a room: that room's stock. Without: the variant's whole For-Sale stock,
   * put in the first For-Sale room that holds some (or the first For-Sale room), other For-Sale rooms emptied.
   */
  setQuantity(variantId: string, quantity: number, roomId?: string): CatalogueItem | undefined {
    const item = this.byVariantId.get(variantId);
    if (!item) return undefined;
    if (typeof quantity !== 'number' || !Number.isFinite(quantity) || quantity < 0)
      throw new SimInputError('quantity must be a number >= 0');
    if (roomId !== undefined) {
      const index = this.roomIndex(roomId);
      if (index < 0) throw new SimInputError(`roomId ${roomId} is not a room of location ${this.locationId}`);
      item.stock[index] = quantity;
      return item;
    }
    const forSale = this.rooms.flatMap((room, index) => (room.forSale ? [index] : []));
    if (forSale.length === 0) throw new SimInputError(`location ${this.locationId} has no For-Sale room`);
    const target = forSale.find((index) => item.stock[index] > 0) ?? forSale[0];
    for (const index of forSale) item.stock[index] = index === target ? quantity : 0;
    return item;
  }

  /** Replaces or adds fields of a variant's row (e.g. a new price or name), as an edit in Flowhub would. */
  updateFields(variantId: string, fields: Record<string, unknown>): CatalogueItem | undefined {
    const item = this.byVariantId.get(variantId);
    if (!item) return undefined;
    const row = { ...this.row(item), ...withoutResponseFields(fields) };
    if (row.productId !== item.productId || (row.variantId !== undefined && row.variantId !== item.variantId)) {
      throw new SimInputError('productId and variantId cannot be changed; add a new product instead');
    }
    item.json = JSON.stringify(row).slice(0, -1);
    return item;
  }

  /** Adds a product with the given fields; ids left out are generated. */
  addProduct(fields: Record<string, unknown>, quantity: number, roomId?: string): CatalogueItem {
    if (typeof quantity !== 'number' || !Number.isFinite(quantity) || quantity < 0)
      throw new SimInputError('quantity must be a number >= 0');
    const random = mulberry32(hashString(`added:${this.locationId}:${this.added++}`, this.settings.seed));
    const productId = fields.productId === undefined ? randomUuid(random) : String(fields.productId);
    const variantId = fields.variantId === undefined ? randomUuid(random) : String(fields.variantId);
    if (this.byVariantId.has(variantId)) throw new SimInputError(`variantId ${variantId} already exists`);
    if (this.byProductId.has(productId)) throw new SimInputError(`productId ${productId} already exists`);
    const name = typeof fields.productName === 'string' ? fields.productName : 'Added Product';
    const row: Record<string, unknown> = {
      productId,
      variantId,
      parentProductId: productId,
      productName: name,
      parentProductName: name,
      variantName: null,
      sku: null,
      brand: null,
      category: 'Flower',
      customCategoryName: null,
      type: null,
      strainName: null,
      speciesName: null,
      purchaseCategory: 'rec',
      preTaxPriceInPennies: 1000,
      postTaxPriceInPennies: 1200,
      productWeight: 1,
      productUnitOfMeasure: 'each',
      isSoldByWeight: false,
      productPictureURL: null,
      productDescription: null,
      productUpdatedAt: new Date(Date.UTC(2025, 0, 1)).toISOString(),
      locationId: this.locationId,
      locationName: this.settings.locationName,
      clientId: this.settings.clientId,
      cannabinoidInformation: [],
      terpenes: [],
      ...withoutResponseFields(fields),
    };
    row.productId = productId;
    row.variantId = variantId;
    const item: CatalogueItem = {
      productId,
      variantId,
      upc: String(randomInt(random, 100000, 999999)) + String(randomInt(random, 100000, 999999)),
      json: JSON.stringify(row).slice(0, -1),
      stock: this.rooms.map(() => 0),
      isSoldByWeight: row.isSoldByWeight === true,
      quantityAsString: false,
      defect: null,
      roomIdStyleSeed: randomInt(random, 0, 999),
    };
    this.items.push(item);
    this.index(item);
    this.setQuantity(variantId, quantity, roomId);
    return item;
  }

  removeProduct(variantId: string): boolean {
    const item = this.byVariantId.get(variantId);
    if (!item) return false;
    // Every package of the variant (severalPackages) goes with it.
    this.items = this.items.filter((other) => other.variantId !== item.variantId);
    this.byVariantId.delete(item.variantId);
    this.byProductId.delete(item.productId);
    return true;
  }

  /**
   * A completed sale takes stock out of the For-Sale rooms, in room order, from the product's packages in catalogue
   * order (one package unless severalPackages); returns what it took.
   */
  recordSale(productId: string, quantity: number): number {
    const first = this.byProductId.get(productId);
    if (!first || !(quantity > 0)) return 0;
    const packages = this.settings.severalPackages ? this.packagesOf(first) : [first];
    let left = quantity;
    for (const item of packages) {
      for (let i = 0; i < this.rooms.length && left > 0; i++) {
        if (!this.rooms[i].forSale || item.stock[i] <= 0) continue;
        const taken = Math.min(item.stock[i], left);
        item.stock[i] = roundQuantity(item.stock[i] - taken);
        left -= taken;
      }
    }
    return roundQuantity(quantity - left);
  }

  /** The catalogue items of a variant's packages, each stock once (an exact repeat shares its package's stock). */
  private packagesOf(first: CatalogueItem): CatalogueItem[] {
    const stocks = new Set<number[]>();
    return this.items.filter((item) => item.variantId === first.variantId && !stocks.has(item.stock) && (stocks.add(item.stock), true));
  }

  /** The row's catalogue fields, parsed (for the admin API). */
  row(item: CatalogueItem): Record<string, unknown> {
    return JSON.parse(`${item.json}}`) as Record<string, unknown>;
  }

  /** Rows of `/inventory`: every variant, its For-Sale stock summed, zero included. */
  *inventoryRows(): Generator<string> {
    for (const row of this.rowParts('inventory')) yield row.json + row.tail;
  }

  /** Rows of `/inventoryNonZero`: variants with For-Sale stock above zero, summed across rooms. */
  *nonZeroRows(): Generator<string> {
    for (const row of this.rowParts('inventoryNonZero')) yield row.json + row.tail;
  }

  /** Rows of `/inventoryByRoomsNonZero`: one per variant and For-Sale room holding stock. */
  *byRoomRows(): Generator<string> {
    for (const row of this.rowParts('inventoryByRoomsNonZero')) yield row.json + row.tail;
  }

  /**
   * The endpoint's answer (`{"status":200,"data":[…]}` of its rows) as UTF-8 bytes, in the chunks it is sent in: made
   * from the last answer's bytes where rows did not change (encoded-answer.ts), the same bytes as the rows' text. With a
   * lease, the kept bytes themselves, lent to the response until it releases the lease.
   */
  answer(endpoint: InventoryEndpoint, lease?: AnswerLease): Generator<Buffer> {
    let answer = this.answers.get(endpoint);
    if (!answer) this.answers.set(endpoint, (answer = new EncodedAnswer()));
    return answer.envelope(this.rowParts(endpoint), lease);
  }

  /** The endpoint's rows, each as the item's catalogue fields (`json`) and what the endpoint adds to them (`tail`). */
  private *rowParts(endpoint: InventoryEndpoint): Generator<RowParts> {
    if (endpoint === 'inventoryByRoomsNonZero') {
      const roomNames = this.rooms.map((room) => JSON.stringify(room.roomName));
      for (const item of this.items) {
        for (let i = 0; i < this.rooms.length; i++) {
          if (!this.rooms[i].forSale || !(item.stock[i] > 0)) continue;
          const roomId = roomIdAsSent(this.rooms[i].roomId, item.roomIdStyleSeed + i * 37);
          const tail = `,"roomId":"${roomId}","roomName":${roomNames[i]},"upc":"${item.upc}","quantity":${quantityJson(item, item.stock[i])}}`;
          yield { json: item.json, tail };
        }
      }
      return;
    }
    const nonZero = endpoint === 'inventoryNonZero';
    for (const item of this.items) {
      const quantity = this.forSaleQuantity(item);
      if (!nonZero || quantity > 0) yield { json: item.json, tail: `,"quantity":${quantityJson(item, quantity)}}` };
    }
  }

  /** A variant listed in several packages (severalPackages) is found as its first package. */
  private index(item: CatalogueItem): void {
    if (!this.byVariantId.has(item.variantId)) this.byVariantId.set(item.variantId, item);
    if (!this.byProductId.has(item.productId)) this.byProductId.set(item.productId, item);
  }
}

function withoutResponseFields(fields: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(fields).filter(([name]) => !RESPONSE_FIELDS.has(name)));
}

function quantityJson(item: CatalogueItem, quantity: number): string {
  if (item.defect === 'quantityNotNumber') return '"abc"';
  const value = roundQuantity(quantity);
  return item.quantityAsString ? `"${value}"` : String(value);
}

/** Real feeds vary: some rows carry the room id as a dashed UUID, some in upper case. */
function roomIdAsSent(roomId: string, styleSeed: number): string {
  const style = styleSeed % 100;
  if (style < 10) return dashedUuid(roomId);
  if (style < 14) return roomId.toUpperCase();
  if (style < 16) return dashedUuid(roomId).toUpperCase();
  return roomId;
}

const { round } = Math; // a local alias: Jest's sandbox makes `Math.x` lookups slow, and this runs per row

/** Weighed stock is decimal grams; keep sums free of floating-point dust. */
export function roundQuantity(value: number): number {
  return round(value * 1000) / 1000;
}
