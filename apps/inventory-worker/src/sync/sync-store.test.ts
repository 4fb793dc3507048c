// The sync's writes as a store sees them across several syncs: owned and edited fields, unchanged re-syncs,
// products leaving the feed, the shrink guard, bad rows, holds, and failures. The sync runs without BullMQ
// here (jobs/inventory-sync.test.ts covers the job around it).
import type { SimLocation } from '@flowhub-sync/flowhub-sim';
import { enableStore, startSyncTestbed, type SyncTestbed } from '../testing/sync-testbed';
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

describe('owned fields and the store\'s edits', () => {
  it('owned fields follow Flowhub at every sync; fields the sync does not own keep the store\'s edit, or the first value', async () => {
    await enableStore(bed, 'edits', { ownedFields: ['name', 'category', 'strainType', 'cannabinoids', 'terpenes', 'price', 'image', 'weight'] });
    await sync('edits');
    const [edited, untouched] = inFeed();
    const original = await productOf('edits', untouched.variantId);
    // The store edits a field it owns itself (what PATCH does: the value and the edit's record).
    await bed.prisma.product.update({
      where: { storeId_variantId: { storeId: 'edits', variantId: edited.variantId } },
      data: { description: 'Our own words', editedFields: ['description'] },
    });
    location.updateFields(edited.variantId, { productName: 'Renamed in Flowhub', productDescription: 'Flowhub text', preTaxPriceInPennies: 1234 });
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
    await sync('shrink');
    const items = inFeed();
    const kept = items.slice(0, Math.floor(items.length / 3));
    for (const item of items.slice(kept.length)) location.removeProduct(item.variantId);
    location.setQuantity(kept[0].variantId, 77);

    const first = await sync('shrink');
    expect(first.status).toBe('suspicious');
    expect(first.reason).toMatch(new RegExp(`from ${items.length} to ${kept.length} products`));
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
    expect(run.problems).toEqual(expect.arrayContaining([expect.objectContaining({ reason: expect.stringMatching(/^skipped: .*(variantId|quantity)/) })]));
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

describe('holds the new quantities reflect', () => {
  async function holdsFor(storeId: string) {
    await enableStore(bed, storeId);
    await sync(storeId);
    const [item] = inFeed();
    const order = await bed.prisma.order.create({
      data: { storeId, externalId: `${storeId}-1`, type: 'pickup', customer: {}, contentHash: 'x', status: 'completed' },
    });
    const hold = (line: number, state: 'held' | 'consumed', consumedAt?: Date) =>
      bed.prisma.inventoryHold.create({ data: { orderId: order.id, line, storeId, variantId: item.variantId, quantity: 1, state, consumedAt } });
    const sold = await hold(0, 'consumed', new Date(Date.now() - 60_000));
    const soldLater = await hold(1, 'consumed', new Date(Date.now() + 3_600_000)); // after this sync starts
    const held = await hold(2, 'held');
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
    const failure = await syncStore(bed.deps, { storeId: 'bad-key', trigger: 'manual', acceptShrink: false }).catch((error: unknown) => error);
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
    expect(await syncStore(bed.deps, { storeId: 'nobody', trigger: 'scheduled', acceptShrink: false })).toMatchObject({ status: 'skipped' });
    expect(await bed.prisma.syncRun.count({ where: { storeId: { in: ['disabled', 'nobody'] } } })).toBe(0);
    expect(await bed.prisma.product.count({ where: { storeId: 'disabled' } })).toBe(0);
  });
});
