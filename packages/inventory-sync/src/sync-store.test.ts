// The sync's writes as a store sees them across several syncs: owned and edited fields, unchanged re-syncs,
// products leaving the feed, the shrink guard, bad rows, holds, and failures. The sync runs without BullMQ
// here (jobs/inventory-sync.test.ts covers the job around it).
import type { CatalogueItem, SimLocation } from '@flowhub-sync/flowhub-sim';
import { enableStore, startSyncTestbed, type SyncTestbed } from './testing/sync-testbed';
import { SyncFailed, syncStore, type SyncOutcome } from './sync-store';

let bed: SyncTestbed;
let location: SimLocation;

beforeAll(async () => {
  bed = await startSyncTestbed({ rows: 200, seed: 5 });
  location = bed.sim.state.location('demo-location')!;
});
afterAll(() => bed.close());
afterEach(() => {
  bed.sim.state.faults.clear();
  location.regenerate();
});

const sync = (storeId: string, options: { acceptShrink?: boolean; trigger?: 'manual' | 'scheduled' } = {}) =>
  syncStore(bed.deps, { storeId, trigger: options.trigger ?? 'manual', acceptShrink: options.acceptShrink ?? false }) as Promise<
    Extract<SyncOutcome, { runId: string }>
  >;
const products = (storeId: string) => bed.prisma.product.findMany({ where: { storeId }, orderBy: { variantId: 'asc' } });
const productOf = (storeId: string, variantId: string) =>
  bed.prisma.product.findUniqueOrThrow({ where: { storeId_variantId: { storeId, variantId } } });
const runOf = (runId: string) => bed.prisma.syncRun.findUniqueOrThrow({ where: { id: runId } });
const inFeed = () => location.catalogue().filter((item) => item.defect === null && location.forSaleQuantity(item) > 0);

describe('writes only what changed', () => {
  it('an unchanged re-sync writes no product row', async () => {
    await enableStore(bed, 'unchanged');
    const first = await sync('unchanged');
    expect(first.counts).toMatchObject({ created: inFeed().length, updated: 0, unchanged: 0 });
    const before = await products('unchanged');

    const again = await sync('unchanged');
    expect(again.status).toBe('succeeded');
    expect(again.counts).toMatchObject({ kept: before.length, created: 0, updated: 0, unchanged: before.length, deactivated: 0 });
    const after = await products('unchanged');
    expect(after.map((p) => p.updatedAt.getTime())).toEqual(before.map((p) => p.updatedAt.getTime()));
  });

  it('a change in Flowhub rewrites that product alone', async () => {
    await enableStore(bed, 'one-change');
    await sync('one-change');
    const [target] = inFeed();
    location.setQuantity(target.variantId, 42);
    const outcome = await sync('one-change');
    expect(outcome.counts).toMatchObject({ updated: 1, created: 0, unchanged: outcome.counts.kept - 1 });
    expect(await productOf('one-change', target.variantId)).toMatchObject({ posQuantity: 42 });
  });
});

describe("owned fields and the store's edits", () => {
  it("owned fields follow Flowhub at every sync; fields the sync does not own keep the store's edit, or the first value", async () => {
    await enableStore(bed, 'edits', {
      ownedFields: ['name', 'category', 'strainType', 'cannabinoids', 'terpenes', 'price', 'image', 'weight'],
    });
    await sync('edits');
    const [edited, untouched] = inFeed();
    const original = await productOf('edits', untouched.variantId);
    // The store edits a field it owns itself (what PATCH does: the value and the edit's record).
    await bed.prisma.product.update({
      where: { storeId_variantId: { storeId: 'edits', variantId: edited.variantId } },
      data: { description: 'Our own words', editedFields: ['description'] },
    });
    location.updateFields(edited.variantId, {
      productName: 'Renamed in Flowhub',
      productDescription: 'Flowhub text',
      preTaxPriceInPennies: 1234,
    });
    location.updateFields(untouched.variantId, { productDescription: 'New Flowhub text', brand: 'New Brand' });

    await sync('edits');
    expect(await productOf('edits', edited.variantId)).toMatchObject({
      name: 'Renamed in Flowhub', // owned: overwritten
      priceCents: 1234, // owned: overwritten
      description: 'Our own words', // not owned, edited: kept
      editedFields: ['description'],
    });
    // Not owned, never edited: written once at creation, then left alone.
    expect(await productOf('edits', untouched.variantId)).toMatchObject({ description: original.description, brand: original.brand });

    // Another sync later: the edit is still there.
    await sync('edits');
    expect((await productOf('edits', edited.variantId)).description).toBe('Our own words');
  });

  it('a field the store later lets the sync own follows Flowhub, and the old edit is forgotten', async () => {
    await enableStore(bed, 'now-owned', { ownedFields: ['name'] });
    await sync('now-owned');
    const [item] = inFeed();
    await bed.prisma.product.update({
      where: { storeId_variantId: { storeId: 'now-owned', variantId: item.variantId } },
      data: { brand: 'House Brand', editedFields: ['brand'] },
    });
    location.updateFields(item.variantId, { brand: 'Flowhub Brand' });
    await sync('now-owned');
    expect((await productOf('now-owned', item.variantId)).brand).toBe('House Brand');

    await bed.prisma.store.update({ where: { id: 'now-owned' }, data: { ownedFields: ['name', 'brand'] } });
    const outcome = await sync('now-owned');
    expect(outcome.counts.updated).toBeGreaterThan(0);
    expect(await productOf('now-owned', item.variantId)).toMatchObject({ brand: 'Flowhub Brand', editedFields: [] });
  });
});

describe('products that leave the feed', () => {
  it('are deactivated with nothing in stock, and come back when they return', async () => {
    await enableStore(bed, 'removal');
    await sync('removal');
    const [gone, soldOut] = inFeed();
    location.removeProduct(gone.variantId);
    location.setQuantity(soldOut.variantId, 0); // not in the non-zero feed any more
    const outcome = await sync('removal');
    expect(outcome.counts.deactivated).toBe(2);
    expect(await productOf('removal', gone.variantId)).toMatchObject({ active: false, posQuantity: 0 });
    expect(await productOf('removal', soldOut.variantId)).toMatchObject({ active: false, posQuantity: 0 });

    location.setQuantity(soldOut.variantId, 3);
    const back = await sync('removal');
    expect(back.counts).toMatchObject({ updated: 1, deactivated: 0 });
    expect(await productOf('removal', soldOut.variantId)).toMatchObject({ active: true, posQuantity: 3 });
  });

  it('an empty feed deactivates nothing: the run is suspicious and says why; acceptShrink then lets it through', async () => {
    await enableStore(bed, 'empty');
    const first = await sync('empty');
    bed.sim.state.faults.add({ kind: 'emptyInventory', locationId: 'demo-location' });

    const suspicious = await sync('empty');
    expect(suspicious.status).toBe('suspicious');
    expect(await runOf(suspicious.runId)).toMatchObject({
      status: 'suspicious',
      deactivated: 0,
      error: expect.stringMatching(/feed is empty.*acceptShrink/),
    });
    expect(await bed.prisma.product.count({ where: { storeId: 'empty', active: true } })).toBe(first.counts.kept);

    const accepted = await sync('empty', { acceptShrink: true });
    expect(accepted.status).toBe('succeeded');
    expect(accepted.counts.deactivated).toBe(first.counts.kept);
    expect(await bed.prisma.product.count({ where: { storeId: 'empty', active: true } })).toBe(0);
  });

  it('a feed that lost more than half deactivates nothing but still updates what it has; later syncs stay suspicious until accepted', async () => {
    await enableStore(bed, 'shrink');
    // The simulator's own bad rows that name their product count as present too, in both sizes.
    const { unreadable } = (await sync('shrink')).counts;
    const items = inFeed();
    const kept = items.slice(0, Math.floor(items.length / 3));
    for (const item of items.slice(kept.length)) location.removeProduct(item.variantId);
    location.setQuantity(kept[0].variantId, 77);

    const first = await sync('shrink');
    expect(first.status).toBe('suspicious');
    expect(first.reason).toMatch(new RegExp(`from ${items.length + unreadable} to ${kept.length + unreadable} products`));
    expect(first.counts.deactivated).toBe(0);
    expect(await productOf('shrink', kept[0].variantId)).toMatchObject({ posQuantity: 77 });
    expect(await bed.prisma.product.count({ where: { storeId: 'shrink', active: true } })).toBe(items.length);
    expect((await sync('shrink')).status).toBe('suspicious');

    const accepted = await sync('shrink', { acceptShrink: true });
    expect(accepted.counts.deactivated).toBe(items.length - kept.length);
    // The accepted size is the new baseline.
    expect((await sync('shrink')).status).toBe('succeeded');
  });

  it('a change of the room filter explains a smaller feed', async () => {
    await enableStore(bed, 'rooms');
    const all = await sync('rooms');
    const vault = location.rooms.find((room) => room.roomName === 'Vault')!;
    await bed.prisma.store.update({ where: { id: 'rooms' }, data: { roomIds: [vault.roomId] } });
    const narrowed = await sync('rooms');
    expect(narrowed.counts.kept * 2).toBeLessThan(all.counts.kept); // a shrink the guard would otherwise stop
    expect(narrowed.status).toBe('succeeded');
    expect(narrowed.counts.deactivated).toBe(all.counts.kept - narrowed.counts.kept);
  });
});

describe('bad rows', () => {
  it('a malformed row is skipped and reported; the rest of the sync goes on', async () => {
    await enableStore(bed, 'bad-row');
    const defects = location.catalogue().filter((item) => item.defect !== null && location.forSaleQuantity(item) > 0);
    expect(defects.length).toBeGreaterThan(0);
    const outcome = await sync('bad-row');
    expect(outcome.status).toBe('succeeded');
    expect(outcome.counts).toMatchObject({ invalid: defects.length, kept: inFeed().length });
    const run = await runOf(outcome.runId);
    expect(run.problems).toEqual(
      expect.arrayContaining([expect.objectContaining({ reason: expect.stringMatching(/^skipped: .*(variantId|quantity)/) })]),
    );
  });

  it("a NUL character in Flowhub's texts (which PostgreSQL's text cannot hold) does not stop the menu: it is shown as U+FFFD", async () => {
    await enableStore(bed, 'nul-text');
    const [target] = inFeed();
    location.updateFields(target.variantId, { productName: 'Blue\u0000Dream', brand: 'Nul\u0000' });
    const outcome = await sync('nul-text');
    expect(outcome.status).toBe('succeeded');
    expect(outcome.counts).toMatchObject({ created: inFeed().length });
    expect(await productOf('nul-text', target.variantId)).toMatchObject({ name: 'Blue\ufffdDream', brand: 'Nul\ufffd' });
  });

  it('a price beyond what the menu stores fails its row alone: the product keeps its last good values, reported', async () => {
    await enableStore(bed, 'big-price');
    const first = await sync('big-price');
    const [target, other] = inFeed();
    const before = await productOf('big-price', target.variantId);
    location.updateFields(target.variantId, { preTaxPriceInPennies: 9_999_999_999, postTaxPriceInPennies: 9_999_999_999 });
    location.setQuantity(other.variantId, 99);
    const outcome = await sync('big-price');
    expect(outcome.status).toBe('succeeded');
    expect(outcome.counts).toMatchObject({ unreadable: first.counts.unreadable + 1, deactivated: 0 });
    expect(await productOf('big-price', target.variantId)).toMatchObject({ active: true, priceCents: before.priceCents });
    expect(await productOf('big-price', other.variantId)).toMatchObject({ posQuantity: 99 });
    expect((await runOf(outcome.runId)).problems).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          variantId: target.variantId,
          reason: expect.stringMatching(/PriceInPennies: expected a price of at most/),
        }),
      ]),
    );
  });

  it('ids that differ only by surrounding spaces name one product: its packages add up, and an unreadable row keeps it', async () => {
    await enableStore(bed, 'spaced-ids');
    location.addProduct({ productId: 'ws-p1', variantId: 'ws-v1', regulatoryId: 'PKG-1' }, 2);
    location.addProduct({ productId: 'ws-p2', variantId: ' ws-v1 ', regulatoryId: 'PKG-2' }, 5);
    location.addProduct({ productId: 'ws-p3', variantId: ' ws-v3' }, 4);
    const first = await sync('spaced-ids');
    expect(first.status).toBe('succeeded');
    expect(await productOf('spaced-ids', 'ws-v1')).toMatchObject({ posQuantity: 7, active: true });

    location.updateFields(' ws-v3', { preTaxPriceInPennies: 'ten dollars' });
    const second = await sync('spaced-ids');
    expect(second.counts).toMatchObject({ unreadable: first.counts.unreadable + 1, deactivated: 0 });
    expect(await productOf('spaced-ids', 'ws-v3')).toMatchObject({ posQuantity: 4, active: true });
    expect(await productOf('spaced-ids', 'ws-v1')).toMatchObject({ posQuantity: 7, active: true });
  });

  it('lists at most 100 problems, counting them all', async () => {
    await enableStore(bed, 'many-bad');
    bed.sim.state.faults.add({ kind: 'malformedRows', share: 0.7, locationId: 'demo-location' });
    const outcome = await sync('many-bad');
    const run = await runOf(outcome.runId);
    expect(run.invalid).toBeGreaterThan(100);
    expect(run.problems).toHaveLength(100);
    expect(run.problemsTruncated).toBe(true);
    expect((run.problems as { reason: string }[]).every((problem) => problem.reason.startsWith('skipped: '))).toBe(true);
    expect(run.kept).toBeGreaterThan(0);
  });
});

describe('rows Flowhub still lists but that cannot be read', () => {
  /** The item's row as Flowhub would send it with these fields left out (an id that never arrives). */
  function withoutFields(item: CatalogueItem, ...fields: string[]) {
    const row = location.row(item);
    for (const field of fields) delete row[field];
    item.json = JSON.stringify(row).slice(0, -1);
  }

  it('keep their products as the last good sync left them (active, same quantity), reported; the rest of the feed syncs', async () => {
    await enableStore(bed, 'unreadable');
    // The simulator's catalogue has bad rows of its own (never synced): counts below are on top of them.
    const first = await sync('unreadable');
    const items = inFeed();
    // 12 rows whose quantity cannot be read, one of them also changed in Flowhub; one without a variantId (its productId
    // still names it); one product that really left; one ordinary change.
    const unreadable = items.slice(0, 12);
    const [noVariantId, gone, changed] = items.slice(12, 15);
    const before = new Map((await products('unreadable')).map((product) => [product.variantId, product]));
    for (const item of unreadable) item.defect = 'quantityNotNumber';
    location.setQuantity(unreadable[0].variantId, 555);
    withoutFields(noVariantId, 'variantId');
    location.removeProduct(gone.variantId);
    location.setQuantity(changed.variantId, 31);

    const outcome = await sync('unreadable');
    expect(outcome.status).toBe('succeeded');
    expect(outcome.counts).toMatchObject({ deactivated: 1, unreadable: first.counts.unreadable + 13, updated: 1 });
    for (const item of [...unreadable, noVariantId]) {
      const product = await productOf('unreadable', item.variantId);
      const last = before.get(item.variantId)!;
      expect(product).toMatchObject({ active: true, posQuantity: last.posQuantity, contentHash: last.contentHash });
      expect(product.updatedAt).toEqual(last.updatedAt);
    }
    expect(await productOf('unreadable', gone.variantId)).toMatchObject({ active: false, posQuantity: 0 });
    expect(await productOf('unreadable', changed.variantId)).toMatchObject({ active: true, posQuantity: 31 });
    const run = await runOf(outcome.runId);
    const problems = run.problems as { variantId: string | null; reason: string }[];
    for (const item of unreadable) {
      expect(problems).toContainEqual({
        variantId: item.variantId,
        reason: expect.stringMatching(/^skipped: quantity: expected a number/),
      });
    }
    expect(problems).toContainEqual({ variantId: null, reason: expect.stringMatching(/^skipped: row \d+: variantId: missing/) });

    // Readable again: the products follow Flowhub as before.
    location.regenerate();
    location.setQuantity(unreadable[0].variantId, 555);
    const healed = await sync('unreadable');
    expect(healed.counts).toMatchObject({ unreadable: first.counts.unreadable });
    expect(await productOf('unreadable', unreadable[0].variantId)).toMatchObject({ active: true, posQuantity: 555 });
  });

  it('count as present for the shrink guard: a feed with most rows unreadable deactivates nothing and is not suspicious', async () => {
    await enableStore(bed, 'mostly-unreadable');
    const first = await sync('mostly-unreadable');
    const items = inFeed();
    for (const item of items.slice(0, Math.ceil(items.length * 0.7))) item.defect = 'quantityNotNumber';
    const outcome = await sync('mostly-unreadable');
    expect(outcome.status).toBe('succeeded');
    expect(outcome.counts.kept * 2).toBeLessThan(first.counts.kept); // what the guard would otherwise take for a shrink
    expect(outcome.counts.deactivated).toBe(0);
    expect(await bed.prisma.product.count({ where: { storeId: 'mostly-unreadable', active: true } })).toBe(first.counts.kept);
  });

  it('rows with no readable id cannot be tied to a product: reported, they protect nothing, and many of them trip the shrink guard', async () => {
    await enableStore(bed, 'no-ids');
    const first = await sync('no-ids');
    const items = inFeed();
    const few = items.slice(0, 5);
    for (const item of few) withoutFields(item, 'variantId', 'productId');
    const outcome = await sync('no-ids');
    expect(outcome.status).toBe('succeeded');
    expect(outcome.counts).toMatchObject({ deactivated: 5, unreadable: first.counts.unreadable });
    for (const item of few) expect(await productOf('no-ids', item.variantId)).toMatchObject({ active: false });
    const problems = (await runOf(outcome.runId)).problems as { variantId: string | null; reason: string }[];
    expect(
      problems.filter((problem) => /variantId: missing; productId: missing|productId: missing; variantId: missing/.test(problem.reason)),
    ).toHaveLength(5);

    // Most of the feed without ids: not counted as present, so the guard holds the menu back.
    for (const item of items.slice(5, Math.ceil(items.length * 0.7))) withoutFields(item, 'variantId', 'productId');
    const shrunk = await sync('no-ids');
    expect(shrunk.status).toBe('suspicious');
    expect(shrunk.counts.deactivated).toBe(0);
    expect(await bed.prisma.product.count({ where: { storeId: 'no-ids', active: true } })).toBe(first.counts.kept - 5);
  });

  it('a sale of an unreadable product stays held: its quantity was not read again, so it cannot reflect the sale yet', async () => {
    const storeId = 'unreadable-holds';
    await enableStore(bed, storeId);
    await sync(storeId);
    const [item, other] = inFeed();
    const order = await bed.prisma.order.create({
      data: { storeId, externalId: `${storeId}-1`, type: 'pickup', customer: {}, contentHash: 'x', status: 'completed' },
    });
    const consumedAt = new Date(Date.now() - 60_000);
    const sold = await bed.prisma.inventoryHold.create({
      data: { orderId: order.id, line: 0, storeId, variantId: item.variantId, quantity: 1, state: 'consumed', consumedAt },
    });
    const soldOther = await bed.prisma.inventoryHold.create({
      data: { orderId: order.id, line: 1, storeId, variantId: other.variantId, quantity: 1, state: 'consumed', consumedAt },
    });
    for (const variantId of [item.variantId, other.variantId]) {
      await bed.prisma.product.update({ where: { storeId_variantId: { storeId, variantId } }, data: { heldQuantity: 1 } });
    }
    item.defect = 'quantityNotNumber';

    const outcome = await sync(storeId);
    expect(outcome.releasedHolds).toBe(1);
    expect(await bed.prisma.inventoryHold.findUniqueOrThrow({ where: { id: sold.id } })).toMatchObject({ state: 'consumed' });
    expect(await bed.prisma.inventoryHold.findUniqueOrThrow({ where: { id: soldOther.id } })).toMatchObject({ state: 'released' });
    expect(await productOf(storeId, item.variantId)).toMatchObject({ heldQuantity: 1 });

    item.defect = null;
    expect((await sync(storeId)).releasedHolds).toBe(1);
    expect(await productOf(storeId, item.variantId)).toMatchObject({ heldQuantity: 0 });
  });
});

describe("fencing: a sync that is no longer the store's lock holder writes nothing", () => {
  const fenced = (storeId: string, fence: number, held = true) =>
    syncStore(bed.deps, { storeId, trigger: 'manual', acceptShrink: false, lock: { fence, held: () => held } }) as Promise<
      Extract<SyncOutcome, { runId: string }>
    >;

  it("a write with an older token than the last writer's is refused: the run fails saying why, and the menu keeps the newer writer's values", async () => {
    await enableStore(bed, 'fenced');
    expect((await fenced('fenced', 10)).status).toBe('succeeded');
    const [item] = inFeed();
    location.setQuantity(item.variantId, 4321);
    // A holder that stalled past its lock (a long pause) and does not know it: token 9, the newer holder wrote with 10.
    const failure = await fenced('fenced', 9).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(SyncFailed);
    expect((failure as SyncFailed).handling.action).toBe('fail');
    expect(await runOf((failure as SyncFailed).runId)).toMatchObject({
      status: 'failed',
      error: expect.stringMatching(/fencing token 9 .*10.*another sync of this store.*nothing was written/),
    });
    expect((await productOf('fenced', item.variantId)).posQuantity).not.toBe(4321);

    const newer = await fenced('fenced', 11);
    expect(newer.counts.updated).toBe(1);
    expect(await productOf('fenced', item.variantId)).toMatchObject({ posQuantity: 4321 });
  });

  it('a sync that lost its lock before the write phase stops there: the run fails saying why, nothing is written', async () => {
    await enableStore(bed, 'lock-lost');
    await fenced('lock-lost', 1);
    const [item] = inFeed();
    location.setQuantity(item.variantId, 777);
    const failure = await fenced('lock-lost', 2, false).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(SyncFailed);
    expect(await runOf((failure as SyncFailed).runId)).toMatchObject({
      status: 'failed',
      error: expect.stringMatching(/lost the store lock.*nothing was written/),
    });
    expect((await productOf('lock-lost', item.variantId)).posQuantity).not.toBe(777);
  });
});

describe('holds the new quantities reflect', () => {
  async function holdsFor(storeId: string) {
    await enableStore(bed, storeId);
    await sync(storeId);
    const [item] = inFeed();
    const order = await bed.prisma.order.create({
      data: { storeId, externalId: `${storeId}-1`, type: 'pickup', customer: {}, contentHash: 'x', status: 'completed' },
    });
    const hold = (line: number, state: 'held' | 'consumed', consumedAt?: Date) =>
      bed.prisma.inventoryHold.create({
        data: { orderId: order.id, line, storeId, variantId: item.variantId, quantity: 1, state, consumedAt },
      });
    const sold = await hold(0, 'consumed', new Date(Date.now() - 60_000));
    const soldLater = await hold(1, 'consumed', new Date(Date.now() + 3_600_000)); // after this sync starts
    await hold(2, 'held');
    await bed.prisma.product.update({ where: { storeId_variantId: { storeId, variantId: item.variantId } }, data: { heldQuantity: 3 } }); // held + both consumed
    const state = async () =>
      Object.fromEntries(
        (await bed.prisma.inventoryHold.findMany({ where: { orderId: order.id } })).map((h) => [
          h.id === sold.id ? 'sold' : h.id === soldLater.id ? 'soldLater' : 'held',
          h.state,
        ]),
      );
    return { item, state };
  }

  it('a successful sync releases holds consumed before it started, and nothing else', async () => {
    const { item, state } = await holdsFor('holds');
    const outcome = await sync('holds');
    expect(outcome.releasedHolds).toBe(1);
    expect(await state()).toEqual({ sold: 'released', soldLater: 'consumed', held: 'held' });
    // The released sale's unit stops counting; the later sale and the open order still do.
    expect((await productOf('holds', item.variantId)).heldQuantity).toBe(2);
  });

  it('a suspicious run releases none', async () => {
    const { state } = await holdsFor('holds-suspicious');
    bed.sim.state.faults.add({ kind: 'emptyInventory', locationId: 'demo-location' });
    expect((await sync('holds-suspicious')).status).toBe('suspicious');
    expect(await state()).toEqual({ sold: 'consumed', soldLater: 'consumed', held: 'held' });
  });
});

describe('stores that cannot sync', () => {
  it('credentials Flowhub refuses (its 403 HTML page): the run fails with a reason an operator can act on', async () => {
    await enableStore(bed, 'bad-key', { apiKey: 'wrong-key' });
    const failure = await syncStore(bed.deps, { storeId: 'bad-key', trigger: 'manual', acceptShrink: false }).catch(
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(SyncFailed);
    expect((failure as SyncFailed).handling.action).toBe('fail');
    const run = await runOf((failure as SyncFailed).runId);
    expect(run.status).toBe('failed');
    expect(run.error).toMatch(/Flowhub rejected .*403.*Client ID and API Key/);
    expect(run.error).not.toContain('wrong-key');
    expect(run.finishedAt).not.toBeNull();
  });

  it('a disabled or unknown store is not synced and records nothing', async () => {
    await enableStore(bed, 'disabled', { enabled: false });
    expect(await syncStore(bed.deps, { storeId: 'disabled', trigger: 'scheduled', acceptShrink: false })).toEqual({
      status: 'skipped',
      reason: expect.stringContaining('disabled'),
    });
    expect(await syncStore(bed.deps, { storeId: 'nobody', trigger: 'scheduled', acceptShrink: false })).toMatchObject({
      status: 'skipped',
    });
    expect(await bed.prisma.syncRun.count({ where: { storeId: { in: ['disabled', 'nobody'] } } })).toBe(0);
    expect(await bed.prisma.product.count({ where: { storeId: 'disabled' } })).toBe(0);
  });
});

describe('one variant in several packages', () => {
  let packaged: SimLocation;
  beforeAll(() => {
    packaged = bed.sim.state.addLocation({
      locationId: 'packaged',
      clientId: 'demo-client',
      key: 'demo-key',
      orderAheadClientId: 'packaged-oa',
      rows: 300,
      seed: 5,
      malformedEvery: 0,
      severalPackages: true,
    });
  });
  afterEach(() => packaged.regenerate());

  /** What the store sells of each variant: every package once, an exact repeat not again. */
  function soldQuantities(): Map<string, number> {
    const sums = new Map<string, number>();
    const stocks = new Set<number[]>();
    for (const item of packaged.catalogue()) {
      if (stocks.has(item.stock)) continue;
      stocks.add(item.stock);
      sums.set(item.variantId, Math.round(((sums.get(item.variantId) ?? 0) + packaged.forSaleQuantity(item)) * 1e6) / 1e6);
    }
    for (const [variantId, quantity] of sums) if (quantity === 0) sums.delete(variantId);
    return sums;
  }
  const split = () => {
    const counts = new Map<string, number>();
    for (const item of packaged.catalogue()) counts.set(item.variantId, (counts.get(item.variantId) ?? 0) + 1);
    return [...counts].filter(([, count]) => count > 1).map(([variantId]) => variantId);
  };

  it.each([
    ['the location feed', 'packages-all', false],
    ['the by-rooms feed (every For-Sale room chosen)', 'packages-rooms', true],
  ])(
    "in %s, adds up a variant's packages, counts an exact repeat once, and says so in the run's counts",
    async (_feed, storeId, byRooms) => {
      const roomIds = byRooms ? packaged.rooms.filter((room) => room.forSale).map((room) => room.roomId) : [];
      await enableStore(bed, storeId, { locationId: 'packaged', roomIds });
      const outcome = await sync(storeId);
      expect(outcome.status).toBe('succeeded');
      const expected = soldQuantities();
      const stored = await products(storeId);
      expect(new Map(stored.map((product) => [product.variantId, product.posQuantity]))).toEqual(expected);
      expect(split().filter((variantId) => expected.has(variantId)).length).toBeGreaterThan(3);
      expect(outcome.counts.packagesMerged).toBeGreaterThan(3);
      expect(outcome.counts.repeatedRows).toBeGreaterThan(0);
      expect(outcome.counts.invalid).toBe(0);
      expect(await runOf(outcome.runId)).toMatchObject({
        packagesMerged: outcome.counts.packagesMerged,
        repeatedRows: outcome.counts.repeatedRows,
      });
    },
  );

  it("a sale from one package changes the variant's quantity by what was sold, not to that package's", async () => {
    await enableStore(bed, 'packages-sale', { locationId: 'packaged' });
    await sync('packages-sale');
    const variantId = split().find((id) =>
      packaged
        .catalogue()
        .filter((item) => item.variantId === id)
        .every((item) => packaged.forSaleQuantity(item) >= 1),
    )!;
    const before = await productOf('packages-sale', variantId);
    packaged.recordSale(packaged.variant(variantId)!.productId, 1);
    await sync('packages-sale');
    expect((await productOf('packages-sale', variantId)).posQuantity).toBe(Math.round((before.posQuantity - 1) * 1e6) / 1e6);
  });
});

describe('items sold by weight', () => {
  it('keep their grams, unit and weight tiers (prices as the store shows prices); a weight in "each" is no weight', async () => {
    await enableStore(bed, 'by-weight', { pricesIncludeTax: true });
    await sync('by-weight');
    const bulk = location
      .catalogue()
      .find(
        (item) =>
          item.isSoldByWeight && item.defect === null && location.forSaleQuantity(item) > 0 && location.row(item).isSoldByWeight === true,
      )!;
    expect(bulk).toBeDefined();
    const row = location.row(bulk) as {
      postTaxPriceInPennies: number;
      weightTierInformation: { name: string; gramAmount: number; postTaxPriceInPennies: number }[];
    };
    expect(await productOf('by-weight', bulk.variantId)).toMatchObject({
      soldByWeight: true,
      quantityUnit: 'grams',
      posQuantity: location.forSaleQuantity(bulk),
      priceCents: Number(row.postTaxPriceInPennies),
      weightTiers: row.weightTierInformation.map((tier) => ({
        name: tier.name,
        grams: tier.gramAmount,
        priceCents: tier.postTaxPriceInPennies,
      })),
    });

    const each = location
      .catalogue()
      .find((item) => item.defect === null && location.forSaleQuantity(item) > 0 && location.row(item).productUnitOfMeasure === 'each')!;
    expect(await productOf('by-weight', each.variantId)).toMatchObject({
      soldByWeight: false,
      quantityUnit: 'each',
      weightTiers: [],
      weight: null,
    });
  });
});
