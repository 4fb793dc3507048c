import { feedIdentity } from '@flowhub-sync/mapping';
import { shrinkVerdict, type ShrinkCheck } from './shrink-guard';

const store = { locationId: 'loc-1', roomIds: [] as string[], purchaseCategory: 'all' };
const fingerprint = feedIdentity(store);
const lastGood = { kept: 1000, unreadable: 0, feedFingerprint: fingerprint, finishedAt: new Date('2026-01-01T00:00:00Z') };
const check = (overrides: Partial<ShrinkCheck>): ShrinkCheck => ({
  kept: 1000,
  unreadable: 0,
  leaving: 10,
  acceptShrink: false,
  feedFingerprint: fingerprint,
  lastGood,
  ...overrides,
});

describe('the shrink guard', () => {
  it('lets ordinary churn through', () => {
    expect(shrinkVerdict(check({ kept: 990, leaving: 12 }))).toEqual({ deactivate: true });
    expect(shrinkVerdict(check({ kept: 500, leaving: 500 }))).toEqual({ deactivate: true }); // exactly half
  });

  it('holds back an empty feed, saying how many products it would have taken off', () => {
    const verdict = shrinkVerdict(check({ kept: 0, leaving: 1000 }));
    expect(verdict).toEqual({ deactivate: false, reason: expect.stringContaining('empty: 1000 active products') });
    // Even on a first sync with a filter change: an empty feed needs someone to accept it.
    expect(shrinkVerdict(check({ kept: 0, leaving: 3, lastGood: null })).deactivate).toBe(false);
  });

  it('holds back a feed that lost more than half of the last good sync, naming both sizes', () => {
    const verdict = shrinkVerdict(check({ kept: 499, leaving: 501 }));
    expect(verdict.deactivate).toBe(false);
    expect(verdict).toMatchObject({ reason: expect.stringMatching(/from 1000 to 499 products.*acceptShrink/) });
  });

  it('lets a shrink through when the sync accepts it, or when what shapes the feed changed', () => {
    expect(shrinkVerdict(check({ kept: 0, leaving: 1000, acceptShrink: true }))).toEqual({ deactivate: true });
    const fewerRooms = feedIdentity({ ...store, roomIds: ['0123456789abcdef0123456789abcdef'] });
    expect(shrinkVerdict(check({ kept: 100, leaving: 900, feedFingerprint: fewerRooms }))).toEqual({ deactivate: true });
  });

  it('counts rows that could not be read but name their product as present, in this run and in the last good one', () => {
    // 400 of 1000 rows unreadable (their products stay as they were): not a shrink.
    expect(shrinkVerdict(check({ kept: 595, unreadable: 400, leaving: 5 }))).toEqual({ deactivate: true });
    expect(shrinkVerdict(check({ kept: 280, unreadable: 700, leaving: 20 }))).toEqual({ deactivate: true });
    // Every row unreadable but named: not an empty feed.
    expect(shrinkVerdict(check({ kept: 0, unreadable: 1000, leaving: 3 }))).toEqual({ deactivate: true });
    // The last good run had 400 unreadable rows: its size was 1000, so 450 now is a shrink past half.
    const verdict = shrinkVerdict(check({ kept: 450, leaving: 150, lastGood: { ...lastGood, kept: 600, unreadable: 400 } }));
    expect(verdict).toMatchObject({ deactivate: false, reason: expect.stringContaining('from 1000 to 450 products') });
    // Rows without ids are not counted at all (the caller leaves them out): many of them look like a shrink.
    expect(shrinkVerdict(check({ kept: 300, unreadable: 0, leaving: 700 })).deactivate).toBe(false);
  });

  it('has nothing to guard when nothing would be deactivated', () => {
    expect(shrinkVerdict(check({ kept: 0, leaving: 0 }))).toEqual({ deactivate: true });
  });

  it('fingerprints the feed settings, not the spelling of room ids or their order', () => {
    const a = feedIdentity({ ...store, roomIds: ['AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA', 'bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb'] });
    const b = feedIdentity({ ...store, roomIds: ['bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb', 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa'] });
    expect(a).toBe(b);
    expect(feedIdentity({ ...store, purchaseCategory: 'med' })).not.toBe(fingerprint);
    expect(feedIdentity({ ...store, locationId: 'loc-2' })).not.toBe(fingerprint);
  });
});
