import { createSecretBox } from '@flowhub-sync/config';
import { rotateStoredSecrets } from '@flowhub-sync/db';
import { testEncryptionKey } from '@flowhub-sync/testing';
import { syncStore } from './sync-store';
import { enableStore, startSyncTestbed, type SyncTestbed } from './testing/sync-testbed';

let bed: SyncTestbed;
beforeAll(async () => {
  bed = await startSyncTestbed({ rows: 60 });
});
afterAll(() => bed.close());

describe('key rotation', () => {
  it('after rotating every stored secret to a new key, a sync with only the new key succeeds', async () => {
    await enableStore(bed, 'rotating'); // sealed with the testbed's key, about to become the old one
    const newKey = testEncryptionKey();
    const during = createSecretBox(newKey, [bed.encryptionKey]);
    expect(await rotateStoredSecrets(bed.prisma, during)).toMatchObject({ stores: 1, secrets: 1 });

    const afterRotation = createSecretBox(newKey); // the old key dropped from ENCRYPTION_KEYS_OLD
    const outcome = await syncStore(
      { ...bed.deps, secrets: afterRotation },
      { storeId: 'rotating', trigger: 'manual', acceptShrink: false },
    );
    expect(outcome.status).toBe('succeeded');
    expect(await bed.prisma.product.count({ where: { storeId: 'rotating', active: true } })).toBeGreaterThan(0);
  });
});
