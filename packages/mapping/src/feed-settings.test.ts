import { createHash } from 'node:crypto';
import { feedIdentity, sameFeed } from './feed-settings';

const feed = {
  clientId: 'client',
  locationId: 'location',
  roomIds: ['0123456789abcdef0123456789ABCDEF', 'ffffffffffffffffffffffffffffffff'],
  purchaseCategory: 'all',
};

describe('sameFeed', () => {
  it('is the same feed whatever the order and spelling of the rooms', () => {
    expect(sameFeed(feed, { ...feed, roomIds: ['FFFFFFFF-FFFF-FFFF-FFFF-FFFFFFFFFFFF', '0123456789abcdef0123456789abcdef'] })).toBe(true);
  });

  it('is another feed with another client, location, purchase category or set of rooms', () => {
    expect(sameFeed(feed, { ...feed, clientId: 'other' })).toBe(false);
    expect(sameFeed(feed, { ...feed, locationId: null })).toBe(false);
    expect(sameFeed(feed, { ...feed, purchaseCategory: 'med' })).toBe(false);
    expect(sameFeed(feed, { ...feed, roomIds: feed.roomIds.slice(1) })).toBe(false);
  });
});

describe('feedIdentity', () => {
  it('is what sync runs recorded before it moved here: stored fingerprints keep matching', () => {
    // The formula the shrink guard used (sha1 of [locationId, normalised rooms, purchaseCategory]), computed by hand.
    const rooms = ['0123456789abcdef0123456789abcdef', 'ffffffffffffffffffffffffffffffff'];
    const expected = createHash('sha1')
      .update(JSON.stringify(['location', rooms, 'all']))
      .digest('base64url');
    expect(feedIdentity(feed)).toBe(expected);
  });

  it('counts a room listed twice once, and ignores the client (credentials, not the feed)', () => {
    expect(feedIdentity({ ...feed, roomIds: [...feed.roomIds, feed.roomIds[0]] })).toBe(feedIdentity(feed));
    expect(sameFeed(feed, { ...feed, roomIds: [...feed.roomIds, feed.roomIds[1].toUpperCase()] })).toBe(true);
  });
});
