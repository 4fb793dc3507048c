import { randomBytes } from 'node:crypto';
import { createSecretBox } from '@flowhub-sync/config';
import { createTestDatabase, type TestDatabase } from './testing';
import { rotateStoredSecrets } from './rotate-secrets';

const key = () => randomBytes(32).toString('base64');
let db: TestDatabase;
beforeEach(async () => {
  db = await createTestDatabase();
});
afterEach(() => db.drop());

describe('rotating the encryption key', () => {
  it('re-seals every secret under the new key; the stores still open with the new key alone', async () => {
    const oldKey = key();
    const newKey = key();
    const before = createSecretBox(oldKey);
    for (let i = 0; i < 3; i++) {
      await db.prisma.store.create({
        data: {
          id: `s${i}`,
          apiKeyEncrypted: before.encrypt(`api-${i}`),
          orderAheadTokenEncrypted: i === 0 ? before.encrypt('oa-0') : null,
          // s1 is in the middle of a webhook secret rotation: the previous secret is re-sealed too.
          ...(i === 1
            ? {
                statusWebhookSecretEncrypted: before.encrypt('whsec-new'),
                statusWebhookPreviousSecretEncrypted: before.encrypt('whsec-old'),
                statusWebhookSecretChangedAt: new Date(),
              }
            : {}),
        },
      });
    }
    const during = createSecretBox(newKey, [oldKey]);
    expect(await rotateStoredSecrets(db.prisma, during)).toEqual({ stores: 3, secrets: 6, skipped: 0 });
    expect(await rotateStoredSecrets(db.prisma, during)).toEqual({ stores: 0, secrets: 0, skipped: 0 });

    const after = createSecretBox(newKey); // the old key dropped
    const opened = async (id: string) => {
      const store = await db.prisma.store.findUniqueOrThrow({ where: { id } });
      const open = (sealed: string | null) => (sealed === null ? null : after.decrypt(sealed));
      return {
        apiKey: open(store.apiKeyEncrypted),
        orderAheadToken: open(store.orderAheadTokenEncrypted),
        statusWebhookSecret: open(store.statusWebhookSecretEncrypted),
        statusWebhookPreviousSecret: open(store.statusWebhookPreviousSecretEncrypted),
      };
    };
    expect(await opened('s0')).toMatchObject({ apiKey: 'api-0', orderAheadToken: 'oa-0' });
    expect((await opened('s2')).apiKey).toBe('api-2');
    expect(await opened('s1')).toMatchObject({ statusWebhookSecret: 'whsec-new', statusWebhookPreviousSecret: 'whsec-old' });
  });
});
