import { createHash } from 'node:crypto';
import { normalizeRoomId } from '@flowhub-sync/mapping';

/**
 * The safety guard against a bad feed wiping a menu. A feed that arrives empty, or with less than half the
 * products of the last good sync, is more likely a Flowhub glitch (a room emptied by mistake, a partial
 * answer) than a store that sold out overnight: such a run deactivates nothing and is flagged `suspicious`
 * until someone says otherwise (a manual sync with acceptShrink), or the store changes what shapes its feed
 * (room filter, purchase category, location), which explains a new size.
 */

export interface ShrinkCheck {
  /** Products in this sync's filtered feed. */
  kept: number;
  /** Active products that left the feed and would be deactivated. */
  leaving: number;
  acceptShrink: boolean;
  feedFingerprint: string;
  lastGood: { kept: number; feedFingerprint: string | null; finishedAt: Date | null } | null;
}

export type ShrinkVerdict = { deactivate: true } | { deactivate: false; reason: string };

export function shrinkVerdict(check: ShrinkCheck): ShrinkVerdict {
  if (check.leaving === 0 || check.acceptShrink) return { deactivate: true };
  const advice = 'nothing was deactivated; run a manual sync with acceptShrink to accept the new feed';
  if (check.kept === 0) {
    return { deactivate: false, reason: `the Flowhub feed is empty: ${check.leaving} active products would have been deactivated; ${advice}` };
  }
  const { lastGood } = check;
  if (lastGood && lastGood.feedFingerprint === check.feedFingerprint && check.kept * 2 < lastGood.kept) {
    const since = lastGood.finishedAt ? ` at ${lastGood.finishedAt.toISOString()}` : '';
    return {
      deactivate: false,
      reason: `the Flowhub feed shrank from ${lastGood.kept} to ${check.kept} products (more than half) since the last good sync${since}; ${advice}`,
    };
  }
  return { deactivate: true };
}

/** What shapes a store's feed: a change of any of these explains a change of size. */
export function feedFingerprint(store: { locationId: string | null; roomIds: readonly string[]; purchaseCategory: string }): string {
  const rooms = [...new Set(store.roomIds.map(normalizeRoomId))].sort();
  return createHash('sha1')
    .update(JSON.stringify([store.locationId ?? '', rooms, store.purchaseCategory]))
    .digest('base64url');
}
