import { SPECIES_SPELLINGS, TERPENE_SPELLINGS } from './catalogue';
import { startSimulator, type RunningSimulator } from './simulator';
import { DEMO_LOCATION } from './state';
import { DEMO_HEADERS, getInventory, type Row } from './testing/sim-client';

const HEX32 = /^[0-9a-f]{32}$/;
const canonicalRoomId = (roomId: string) => roomId.replace(/-/g, '').toLowerCase();

describe('inventory endpoints', () => {
  let sim: RunningSimulator;
  let all: Row[];
  let nonZero: Row[];
  let byRooms: Row[];

  beforeAll(async () => {
    sim = await startSimulator({ rows: 2000, seed: 1 });
    [all, nonZero, byRooms] = await Promise.all([
      getInventory(sim, 'inventory'),
      getInventory(sim, 'inventoryNonZero'),
      getInventory(sim, 'inventoryByRoomsNonZero'),
    ]);
  });
  afterAll(() => sim.close());

  it('serves the whole catalogue in the {"status":200,"data":[…]} envelope, zero quantities only on /inventory', () => {
    expect(all).toHaveLength(2000);
    expect(all.some((row) => row.quantity === 0)).toBe(true);
    expect(nonZero.length).toBeLessThan(all.length);
    expect(nonZero.every((row) => row.quantity === 'abc' || Number(row.quantity) > 0)).toBe(true);
    expect(nonZero[0]).not.toHaveProperty('roomId');
  });

  it('has no pagination: page / page_size parameters still return every row', async () => {
    const paged = await getInventory(sim, 'inventoryNonZero', { query: '?page=2&page_size=10' });
    expect(paged).toHaveLength(nonZero.length);
  });

  it('sends one by-rooms row per variant and room, with roomId, roomName and upc, summing to inventoryNonZero', () => {
    expect(byRooms.every((row) => typeof row.roomId === 'string' && typeof row.roomName === 'string' && typeof row.upc === 'string')).toBe(
      true,
    );
    const sums = new Map<string, number>();
    for (const row of byRooms) {
      if (typeof row.variantId !== 'string' || row.quantity === 'abc') continue;
      sums.set(row.variantId, (sums.get(row.variantId) ?? 0) + Number(row.quantity));
    }
    const summed = nonZero.filter((row) => typeof row.variantId === 'string' && row.quantity !== 'abc');
    expect(summed.length).toBe(sums.size);
    for (const row of summed) expect(Math.abs((sums.get(row.variantId as string) ?? -1) - Number(row.quantity))).toBeLessThan(1e-6);
  });

  it('puts some variants in two rooms and spells some room ids as dashed UUIDs', () => {
    const roomsPerVariant = new Map<string, Set<string>>();
    for (const row of byRooms) {
      if (typeof row.variantId !== 'string') continue;
      const rooms = roomsPerVariant.get(row.variantId) ?? new Set<string>();
      rooms.add(canonicalRoomId(row.roomId as string));
      roomsPerVariant.set(row.variantId, rooms);
    }
    expect([...roomsPerVariant.values()].some((rooms) => rooms.size >= 2)).toBe(true);
    const ids = byRooms.map((row) => row.roomId as string);
    expect(ids.some((id) => /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/.test(id))).toBe(true);
    expect(ids.some((id) => HEX32.test(id))).toBe(true);
    expect(ids.every((id) => HEX32.test(canonicalRoomId(id)))).toBe(true);
  });

  it('never shows stock kept in a room that is not For Sale', () => {
    const location = sim.state.location('demo-location')!;
    const quarantine = location.rooms.findIndex((room) => !room.forSale);
    expect(byRooms.some((row) => canonicalRoomId(row.roomId as string) === location.rooms[quarantine].roomId)).toBe(false);
    const hiddenOnly = location
      .catalogue()
      .filter((item) => item.stock[quarantine] > 0 && item.stock.every((quantity, index) => index === quarantine || quantity === 0));
    expect(hiddenOnly.length).toBeGreaterThan(0);
    const visible = new Set(nonZero.map((row) => row.productId));
    for (const item of hiddenOnly) expect(visible.has(item.productId)).toBe(false);
  });

  it('is as messy as a real feed: every strain-type and terpene spelling, string numbers, nulls, extra fields', () => {
    const species = new Set(all.map((row) => row.speciesName));
    for (const spellings of Object.values(SPECIES_SPELLINGS)) for (const spelling of spellings) expect(species).toContain(spelling);
    const terpeneNames = new Set(all.flatMap((row) => (Array.isArray(row.terpenes) ? row.terpenes.map((t: Row) => t.name) : [])));
    for (const spellings of Object.values(TERPENE_SPELLINGS)) for (const spelling of spellings) expect(terpeneNames).toContain(spelling);

    expect(all.some((row) => typeof row.quantity === 'string' && row.quantity !== 'abc')).toBe(true);
    expect(all.some((row) => typeof row.preTaxPriceInPennies === 'string')).toBe(true);
    expect(
      all.some(
        (row) =>
          Array.isArray(row.cannabinoidInformation) &&
          row.cannabinoidInformation.some((c: Row) => c.unitOfMeasureToGramsMultiplier === '1000'),
      ),
    ).toBe(true);
    expect(all.some((row) => row.brand === null)).toBe(true);
    expect(all.some((row) => row.productPictureURL === null)).toBe(true);
    expect(all.some((row) => row.terpenes === null)).toBe(true);
    expect(all.some((row) => 'metrcPackageLabel' in row)).toBe(true);
    expect(all.some((row) => row.isSoldByWeight === true && !Number.isInteger(Number(row.quantity)))).toBe(true);
    // A vape with THC both as mg and as %.
    expect(
      all.some(
        (row) =>
          Array.isArray(row.cannabinoidInformation) &&
          new Set(row.cannabinoidInformation.filter((c: Row) => c.name === 'thc').map((c: Row) => c.unitOfMeasure)).size === 2,
      ),
    ).toBe(true);
  });

  it('mixes purchase categories in any case, sometimes missing', () => {
    const values = new Set(all.map((row) => ('purchaseCategory' in row ? row.purchaseCategory : 'missing')));
    for (const value of ['rec', 'med', 'both', 'REC', 'Med', 'missing', null]) expect(values).toContain(value);
  });

  it('has custom categories that map, some that do not, and categories nothing maps', () => {
    const custom = new Set(all.map((row) => row.customCategoryName));
    expect(custom).toContain(null);
    expect(custom).toContain('Staff Picks');
    expect([...custom].some((value) => typeof value === 'string' && /^(Smalls|Disposables|Live Resin|Gummies)$/i.test(value.trim()))).toBe(
      true,
    );
    expect(all.some((row) => ['Misc', 'Samples', 'Gift Cards', 'Promotional'].includes(row.category as string))).toBe(true);
  });

  it('carries about one malformed row in 500: a missing variantId and a quantity "abc"', () => {
    const missingVariant = all.filter((row) => !('variantId' in row));
    const badQuantity = all.filter((row) => row.quantity === 'abc');
    expect(missingVariant.length + badQuantity.length).toBe(4);
    expect(missingVariant.length).toBeGreaterThan(0);
    expect(badQuantity.length).toBeGreaterThan(0);
  });
});

describe('items sold by weight, and variants in several packages', () => {
  let sim: RunningSimulator;

  beforeAll(async () => {
    sim = await startSimulator({ rows: 400, seed: 3, locations: [{ ...DEMO_LOCATION }, { ...PACKAGED, severalPackages: true }] });
  });
  afterAll(() => sim.close());

  const PACKAGED = { locationId: 'packaged', clientId: DEMO_LOCATION.clientId, key: DEMO_LOCATION.key, orderAheadClientId: 'packaged-oa' };
  const rowsOf = (endpoint: 'inventoryNonZero' | 'inventoryByRoomsNonZero' | 'inventory', locationId: string) =>
    getInventory(sim, endpoint, { locationId });
  const byVariant = (rows: Row[]) => {
    const groups = new Map<string, Row[]>();
    for (const row of rows) if (typeof row.variantId === 'string') groups.set(row.variantId, [...(groups.get(row.variantId) ?? []), row]);
    return groups;
  };

  it('has bulk flower sold by weight in grams, with named weight tiers and their prices, and items counted "each"', async () => {
    const all = await rowsOf('inventory', DEMO_LOCATION.locationId);
    const bulk = all.filter((row) => row.isSoldByWeight === true);
    expect(bulk.length).toBeGreaterThan(0);
    for (const row of bulk) {
      expect(row).toMatchObject({ inventoryUnitOfMeasure: 'grams', productUnitOfMeasure: 'grams' });
      expect(row.weightTierInformation).toEqual(
        expect.arrayContaining([
          expect.objectContaining({
            name: '1/8 oz',
            gramAmount: 3.5,
            preTaxPriceInPennies: expect.any(Number),
            postTaxPriceInPennies: expect.any(Number),
          }),
        ]),
      );
    }
    expect(all.some((row) => row.productUnitOfMeasure === 'each' && row.inventoryUnitOfMeasure === 'each')).toBe(true);
  });

  it('lists every variant once per room by default', async () => {
    for (const [, rows] of byVariant(await rowsOf('inventoryNonZero', DEMO_LOCATION.locationId))) expect(rows).toHaveLength(1);
  });

  it('with severalPackages, lists some variants once per package, each with its own package fields, and one package twice', async () => {
    const nonZero = byVariant(await rowsOf('inventoryNonZero', 'packaged'));
    const split = [...nonZero.values()].filter((rows) => rows.length > 1);
    expect(split.length).toBeGreaterThan(3);
    const distinctPackages = (rows: Row[]) => new Set(rows.map((row) => row.regulatoryId)).size;
    expect(split.some((rows) => distinctPackages(rows) === 3)).toBe(true);
    for (const rows of split) {
      expect(new Set(rows.map((row) => row.productId)).size).toBe(1);
      for (const row of rows)
        expect(row).toEqual(expect.objectContaining({ manifestId: expect.any(String), invoiceNumber: expect.any(String) }));
    }
    const repeated = split.filter((rows) => distinctPackages(rows) < rows.length);
    expect(repeated.length).toBeGreaterThan(0);
    for (const rows of repeated) {
      const texts = rows.map((row) => JSON.stringify(row));
      expect(new Set(texts).size).toBe(distinctPackages(rows)); // the repeat is the same row, byte for byte
    }
  });

  it("with severalPackages, the packages' stock adds up to the variant's, by rooms as on the location feed", async () => {
    const location = sim.state.location('packaged')!;
    const sums = (rows: Row[], perRoom: boolean) => {
      const seen = new Set<string>();
      const total = new Map<string, number>();
      for (const row of rows) {
        const key = JSON.stringify([row.variantId, row.regulatoryId, perRoom ? canonicalRoomId(row.roomId as string) : null]);
        if (typeof row.variantId !== 'string' || row.quantity === 'abc' || seen.has(key)) continue;
        seen.add(key);
        total.set(row.variantId, Math.round(((total.get(row.variantId) ?? 0) + Number(row.quantity)) * 1000) / 1000);
      }
      return total;
    };
    const [nonZero, byRooms] = await Promise.all([rowsOf('inventoryNonZero', 'packaged'), rowsOf('inventoryByRoomsNonZero', 'packaged')]);
    const expected = new Map<string, number>();
    for (const item of location.catalogue()) {
      if (item.defect !== null) continue;
      const seen = location.catalogue().filter((other) => other.variantId === item.variantId && other.stock === item.stock);
      if (seen[0] !== item) continue; // an exact repeat counts once
      expected.set(item.variantId, Math.round(((expected.get(item.variantId) ?? 0) + location.forSaleQuantity(item)) * 1000) / 1000);
    }
    for (const [variantId, quantity] of sums(nonZero, false)) expect([variantId, quantity]).toEqual([variantId, expected.get(variantId)]);
    expect(sums(byRooms, true)).toEqual(sums(nonZero, false));
  });

  it('with severalPackages, a sale takes stock from the packages in turn', async () => {
    const location = sim.state.location('packaged')!;
    const packagesOf = (variantId: string) => location.catalogue().filter((item) => item.variantId === variantId);
    const split = location
      .catalogue()
      .find(
        (item) =>
          item.defect === null &&
          packagesOf(item.variantId).length === 2 &&
          packagesOf(item.variantId).every((other) => location.forSaleQuantity(other) >= 1),
      );
    expect(split).toBeDefined();
    const [first, second] = packagesOf(split!.variantId);
    const [inFirst, inSecond] = [location.forSaleQuantity(first), location.forSaleQuantity(second)];
    expect(location.recordSale(split!.productId, inFirst + 1)).toBe(inFirst + 1);
    expect([location.forSaleQuantity(first), location.forSaleQuantity(second)]).toEqual([0, Math.round((inSecond - 1) * 1000) / 1000]);
    expect(location.recordSale(split!.productId, 1_000_000)).toBe(Math.round((inSecond - 1) * 1000) / 1000);
  });

  it('refuses a severalPackages that is not true or false', () => {
    expect(() => sim.state.addLocation({ locationId: 'odd', clientId: 'odd', severalPackages: 'yes' as never })).toThrow(
      'severalPackages must be true or false',
    );
  });
});

describe('catalogue determinism and size', () => {
  it('serves byte-identical inventory for the same seed, and another catalogue for another seed', async () => {
    const [a, b, c] = await Promise.all([
      startSimulator({ rows: 300, seed: 7 }),
      startSimulator({ rows: 300, seed: 7 }),
      startSimulator({ rows: 300, seed: 8 }),
    ]);
    try {
      const body = async (sim: RunningSimulator) =>
        (await fetch(`${sim.url}/v0/locations/demo-location/inventoryByRoomsNonZero`, { headers: DEMO_HEADERS })).text();
      const [first, second, other] = await Promise.all([body(a), body(b), body(c)]);
      expect(first).toBe(second);
      expect(first).not.toBe(other);
    } finally {
      await Promise.all([a.close(), b.close(), c.close()]);
    }
  });

  it('builds 100,000 rows in seconds and serves 50,000 in one response', async () => {
    const started = Date.now();
    const big = await startSimulator({ rows: 100_000 });
    try {
      expect(Date.now() - started).toBeLessThan(15_000);
      big.state.addLocation({ locationId: 'half', rows: 50_000 });
      const rows = await getInventory(big, 'inventory', { locationId: 'half' });
      expect(rows).toHaveLength(50_000);
    } finally {
      await big.close();
    }
  });
});

describe('inventory answers sent from the rows kept encoded', () => {
  const endpoints = ['inventory', 'inventoryNonZero', 'inventoryByRoomsNonZero'] as const;
  let sim: RunningSimulator;
  beforeAll(async () => {
    // More than 1,000 rows (the answer's chunk), some variants in several packages and rooms.
    sim = await startSimulator({ rows: 2_500, seed: 4, locations: [{ ...DEMO_LOCATION, severalPackages: true }] });
  });
  afterAll(() => sim.close());

  /** The answer as the rows' text makes it (what the simulator sent before it kept rows encoded). */
  const fromText = (endpoint: (typeof endpoints)[number]) => {
    const location = sim.state.location(DEMO_LOCATION.locationId)!;
    const rows = {
      inventory: location.inventoryRows(),
      inventoryNonZero: location.nonZeroRows(),
      inventoryByRoomsNonZero: location.byRoomRows(),
    };
    return Buffer.from(`{"status":200,"data":[${[...rows[endpoint]].join(',')}]}`);
  };
  const answered = async (endpoint: (typeof endpoints)[number]) => {
    const response = await fetch(`${sim.url}/v0/locations/${DEMO_LOCATION.locationId}/${endpoint}`, { headers: DEMO_HEADERS });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/json; charset=utf-8');
    return Buffer.from(await response.arrayBuffer());
  };
  const expectSameBytes = async () => {
    for (const endpoint of endpoints) expect((await answered(endpoint)).equals(fromText(endpoint))).toBe(true);
  };

  it("are the bytes of the rows' text, read after read, whatever changed in between", async () => {
    const location = sim.state.location(DEMO_LOCATION.locationId)!;
    await expectSameBytes();
    await expectSameBytes(); // from the kept bytes
    const items = location.catalogue().filter((item) => item.defect === null);
    location.setQuantity(items[0].variantId, 12.5);
    location.setQuantity(items[1].variantId, 0);
    location.setQuantity(items[2].variantId, 3, location.rooms[1].roomId);
    location.updateFields(items[3].variantId, { productName: 'Renamed Ünïcode ☘ product', preTaxPriceInPennies: 4321 });
    location.addProduct({ productName: 'Added after the first read' }, 7);
    location.removeProduct(items[4].variantId);
    location.recordSale(items[5].productId, 1);
    items[6].quantityAsString = !items[6].quantityAsString;
    items[7].defect = 'quantityNotNumber';
    location.rooms[0].roomName = 'Renamed room';
    await expectSameBytes();
    location.regenerate();
    await expectSameBytes();
    await expectSameBytes();
  });
});
