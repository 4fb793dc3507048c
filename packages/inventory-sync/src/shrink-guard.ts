/**
 * The safety guard against a bad feed wiping a menu. A feed that arrives empty, or with less than half the
 * products of the last good sync, is more likely a Flowhub glitch (a room emptied by mistake, a partial
 * answer) than a store that sold out overnight: such a run deactivates nothing and is flagged `suspicious`
 * until someone says otherwise (a manual sync with acceptShrink), or the store changes what shapes its feed
 * (room filter, purchase category, location), which explains a new size.
 *
 * A feed's size is the products it lists: the rows that could be read (`kept`) and the rows that could not be read
 * but name their product (`unreadable`, see UnreadableRows in packages/mapping/src/feed.ts), in this run and in the last good
 * one alike. Rows that name no product at all are not counted: many of them make the feed look smaller, and the
 * guard then holds the menu back, which is what a feed this broken deserves.
 */

export interface ShrinkCheck {
  /** Products in this sync's filtered feed, from rows that could be read. */
  kept: number;
  /** Rows of the filtered feed that could not be read but name their product: present all the same. */
  unreadable: number;
  /** Active products that left the feed and would be deactivated. */
  leaving: number;
  acceptShrink: boolean;
  feedFingerprint: string;
  lastGood: { kept: number; unreadable: number; feedFingerprint: string | null; finishedAt: Date | null } | null;
}

export type ShrinkVerdict = { deactivate: true } | { deactivate: false; reason: string };

export function shrinkVerdict(check: ShrinkCheck): ShrinkVerdict {
  if (check.leaving === 0 || check.acceptShrink) return { deactivate: true };
  const advice = 'nothing was deactivated; run a manual sync with acceptShrink to accept the new feed';
  const present = check.kept + check.unreadable;
  if (present === 0) {
    return {
      deactivate: false,
      reason: `the Flowhub feed is empty: ${check.leaving} active products would have been deactivated; ${advice}`,
    };
  }
  const { lastGood } = check;
  const before = lastGood ? lastGood.kept + lastGood.unreadable : 0;
  if (lastGood && lastGood.feedFingerprint === check.feedFingerprint && present * 2 < before) {
    const since = lastGood.finishedAt ? ` at ${lastGood.finishedAt.toISOString()}` : '';
    const unread = check.unreadable > 0 ? `; ${check.unreadable} of them in rows that could not be read` : '';
    return {
      deactivate: false,
      reason: `the Flowhub feed shrank from ${before} to ${present} products (more than half${unread}) since the last good sync${since}; ${advice}`,
    };
  }
  return { deactivate: true };
}
