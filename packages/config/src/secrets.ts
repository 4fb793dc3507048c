import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

/**
 * AES-256-GCM for secrets at rest. A ciphertext names the key that sealed it (a short fingerprint,
 * not the key), so during a rotation the old keys in ENCRYPTION_KEYS_OLD still open what they sealed
 * while everything new is sealed with ENCRYPTION_KEY.
 *
 * Format: `v1:<key fingerprint>:<iv>:<auth tag>:<ciphertext>` (base64url parts).
 */
export interface SecretBox {
  encrypt(plaintext: string): string;
  decrypt(ciphertext: string): string;
  /** True when the value was sealed with an old key and should be re-encrypted. */
  needsRotation(ciphertext: string): boolean;
}

export class SecretDecryptionError extends Error {
  constructor(reason: string) {
    super(`cannot decrypt a stored secret: ${reason}`);
    this.name = 'SecretDecryptionError';
  }
}

const fingerprint = (key: Buffer) => createHash('sha256').update(key).digest('hex').slice(0, 8);

function decodeKey(base64: string): Buffer {
  const key = Buffer.from(base64, 'base64');
  if (key.length !== 32) throw new Error('an encryption key must be 32 bytes, base64-encoded');
  return key;
}

export function createSecretBox(currentKey: string, oldKeys: readonly string[] = []): SecretBox {
  const current = decodeKey(currentKey);
  const currentId = fingerprint(current);
  const keys = new Map<string, Buffer>([[currentId, current]]);
  for (const old of oldKeys) {
    const key = decodeKey(old);
    if (!keys.has(fingerprint(key))) keys.set(fingerprint(key), key);
  }

  return {
    encrypt(plaintext) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', current, iv);
      const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
      return ['v1', currentId, iv.toString('base64url'), cipher.getAuthTag().toString('base64url'), body.toString('base64url')].join(':');
    },
    decrypt(ciphertext) {
      const parts = ciphertext.split(':');
      if (parts.length !== 5 || parts[0] !== 'v1') throw new SecretDecryptionError('unrecognised format');
      const [, keyId, iv, tag, body] = parts;
      const key = keys.get(keyId);
      if (!key) throw new SecretDecryptionError(`sealed with an unknown key (${keyId}); is it missing from ENCRYPTION_KEYS_OLD?`);
      try {
        const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
        decipher.setAuthTag(Buffer.from(tag, 'base64url'));
        return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString('utf8');
      } catch {
        throw new SecretDecryptionError('integrity check failed');
      }
    },
    needsRotation(ciphertext) {
      return ciphertext.split(':')[1] !== currentId;
    },
  };
}

/** How the API shows a secret: never the value, only its last four characters. */
export function maskSecret(secret: string | null | undefined): string | null {
  if (!secret) return null;
  return `••••${secret.length > 8 ? secret.slice(-4) : ''}`;
}

export function isMaskedSecret(value: unknown): boolean {
  return typeof value === 'string' && value.startsWith('••••');
}
