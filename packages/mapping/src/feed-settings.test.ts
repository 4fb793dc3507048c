import { sameFeed } from './feed-settings';

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
