import { InvalidJobPayload, jobIds, parsePayload, QUEUE_NAMES, queues } from './definitions';

describe('queue definitions', () => {
  it('names every queue of architecture.md', () => {
    expect(QUEUE_NAMES.sort()).toEqual(['inventory-sync', 'maintenance', 'order-push', 'order-status-poll', 'webhook-delivery']);
  });

  it('gives jobs the readable names operators search for in Bull Board', () => {
    expect(queues['inventory-sync'].jobName({ storeId: 's1' })).toBe('inventory-sync:s1');
    expect(queues['order-push'].jobName({ storeId: 's1', externalId: 'A-1001' })).toBe('order-push:s1:A-1001');
    expect(queues['order-status-poll'].jobName({ storeId: 's1' })).toBe('order-status-poll:s1');
  });

  it('builds ids BullMQ accepts even for all-digit store ids', () => {
    for (const id of [jobIds.orderPush('123', '456'), jobIds.inventoryLane('123'), jobIds.webhookDelivery('789')]) {
      expect(id).not.toMatch(/^\d+$/);
      expect(id).not.toContain(':');
    }
  });

  it('refuses a payload that can never succeed, naming the field', () => {
    expect(() => parsePayload('order-push', { storeId: 's1' })).toThrow(InvalidJobPayload);
    expect(() => parsePayload('order-push', { storeId: 's1' })).toThrow(/externalId/);
    expect(() => parsePayload('inventory-sync', { storeId: 'bad id!', trigger: 'manual' })).toThrow(/storeId/);
    expect(parsePayload('inventory-sync', { storeId: 's1', trigger: 'manual' })).toEqual({
      storeId: 's1',
      trigger: 'manual',
      acceptShrink: false,
    });
  });

  it('bounds what finished jobs keep in Redis (noeviction: a full Redis stops everything)', () => {
    for (const name of QUEUE_NAMES) {
      expect(queues[name].defaults.removeOnComplete).toEqual(
        expect.objectContaining({ age: expect.any(Number), count: expect.any(Number) }),
      );
      expect(queues[name].defaults.removeOnFail).toEqual(expect.objectContaining({ age: expect.any(Number), count: expect.any(Number) }));
    }
  });
});
