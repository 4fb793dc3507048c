import type { PrismaClient } from './generated/client';

export interface SecretRotator {
  decrypt(ciphertext: string): string;
  encrypt(plaintext: string): string;
  needsRotation(ciphertext: string): boolean;
}

const SECRET_COLUMNS = [
  'apiKeyEncrypted',
  'orderAheadTokenEncrypted',
  'statusWebhookSecretEncrypted',
  'statusWebhookPreviousSecretEncrypted',
] as const;

/**
 * Re-encrypts every stored secret that was sealed with an old key under the current ENCRYPTION_KEY (the Flowhub
 * credentials, the webhook secret, and the previous webhook secret kept while one is being rotated).
 * Safe while the product runs: each store is rewritten on its own with a compare-and-set on the old
 * ciphertext, so a settings save racing the rotation wins and is not overwritten, and processes still
 * holding only the old key set keep decrypting what they read until they restart with the new one
 * (ENCRYPTION_KEYS_OLD keeps the old keys readable everywhere during the rotation).
 */
export async function rotateStoredSecrets(
  prisma: PrismaClient,
  box: SecretRotator,
): Promise<{ stores: number; secrets: number; skipped: number }> {
  let stores = 0;
  let secrets = 0;
  let skipped = 0;
  let cursor: string | undefined;
  for (;;) {
    const page = await prisma.store.findMany({
      take: 500,
      ...(cursor ? { skip: 1, cursor: { id: cursor } } : {}),
      orderBy: { id: 'asc' },
      select: {
        id: true,
        apiKeyEncrypted: true,
        orderAheadTokenEncrypted: true,
        statusWebhookSecretEncrypted: true,
        statusWebhookPreviousSecretEncrypted: true,
      },
    });
    if (page.length === 0) break;
    cursor = page[page.length - 1].id;
    for (const store of page) {
      const update: Partial<Record<(typeof SECRET_COLUMNS)[number], string>> = {};
      for (const column of SECRET_COLUMNS) {
        const sealed = store[column];
        if (sealed && box.needsRotation(sealed)) update[column] = box.encrypt(box.decrypt(sealed));
      }
      const changed = Object.keys(update).length;
      if (changed === 0) continue;
      const where = {
        id: store.id,
        ...Object.fromEntries(Object.keys(update).map((column) => [column, store[column as (typeof SECRET_COLUMNS)[number]]])),
      };
      const result = await prisma.store.updateMany({ where, data: update });
      if (result.count === 1) {
        stores += 1;
        secrets += changed;
      } else skipped += 1; // saved meanwhile: already sealed with the current key
    }
  }
  return { stores, secrets, skipped };
}
