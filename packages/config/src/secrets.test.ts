import { randomBytes } from 'node:crypto';
import { createSecretBox, isMaskedSecret, maskSecret, SecretDecryptionError } from './secrets';

const newKey = () => randomBytes(32).toString('base64');

describe('secret box', () => {
  it('round-trips and never stores the clear text', () => {
    const box = createSecretBox(newKey());
    const sealed = box.encrypt('flowhub-api-key-123');
    expect(sealed).not.toContain('flowhub-api-key-123');
    expect(box.decrypt(sealed)).toBe('flowhub-api-key-123');
    expect(box.encrypt('same')).not.toBe(box.encrypt('same'));
  });

  it('still opens secrets sealed with an old key during a rotation, and says they need rotating', () => {
    const oldKey = newKey();
    const sealedOld = createSecretBox(oldKey).encrypt('token');
    const rotated = createSecretBox(newKey(), [oldKey]);
    expect(rotated.decrypt(sealedOld)).toBe('token');
    expect(rotated.needsRotation(sealedOld)).toBe(true);
    expect(rotated.needsRotation(rotated.encrypt('token'))).toBe(false);
  });

  it('refuses tampered or foreign ciphertext with a readable reason', () => {
    const box = createSecretBox(newKey());
    const sealed = box.encrypt('secret');
    const tampered = sealed.slice(0, -2) + (sealed.endsWith('A') ? 'BB' : 'AA');
    expect(() => box.decrypt(tampered)).toThrow(SecretDecryptionError);
    expect(() => createSecretBox(newKey()).decrypt(sealed)).toThrow(/unknown key/);
    expect(() => box.decrypt('plain text')).toThrow(/unrecognised format/);
  });
});

describe('masking', () => {
  it('shows only the last four characters of a long secret', () => {
    expect(maskSecret('abcdefghijkl')).toBe('••••ijkl');
    expect(maskSecret('short')).toBe('••••');
    expect(maskSecret(null)).toBeNull();
    expect(isMaskedSecret('••••ijkl')).toBe(true);
    expect(isMaskedSecret('ijkl')).toBe(false);
  });
});
