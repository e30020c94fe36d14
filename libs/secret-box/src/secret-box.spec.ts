import { SecretBox, SecretDecryptionError } from './secret-box';

describe('SecretBox', () => {
  const box = SecretBox.fromBase64(SecretBox.generateKey());

  it('round-trips and never stores the clear text', () => {
    const stored = box.encrypt('whsec_canary-value');
    expect(stored).toMatch(/^enc:v1:[0-9a-f]{8}:/);
    expect(stored).not.toContain('canary');
    expect(box.encrypt('same')).not.toBe(box.encrypt('same'));
    expect(box.decrypt(stored)).toBe('whsec_canary-value');
  });

  it('refuses a value written with another key or altered', () => {
    const other = SecretBox.fromBase64(SecretBox.generateKey());
    expect(() => other.decrypt(box.encrypt('x'))).toThrow(SecretDecryptionError);
    const stored = box.encrypt('secret');
    const altered = stored.slice(0, -4) + (stored.endsWith('AAAA') ? 'BBBB' : 'AAAA');
    expect(() => box.decrypt(altered)).toThrow(SecretDecryptionError);
    expect(() => box.decrypt('plain')).toThrow(SecretDecryptionError);
  });
});

describe('SecretBox key ring', () => {
  const oldKey = SecretBox.generateKey();
  const newKey = SecretBox.generateKey();
  const old = SecretBox.fromBase64(oldKey);
  const ring = SecretBox.fromConfig({ CONFIG_ENCRYPTION_KEY: newKey, CONFIG_ENCRYPTION_PREVIOUS_KEYS: [oldKey] });
  const keyIdOf = (stored: string) => stored.split(':')[2];

  it('encrypts with the current key and decrypts with whichever ring key wrote the value', () => {
    const written = ring.encrypt('whsec_new');
    expect(keyIdOf(written)).toBe(keyIdOf(SecretBox.fromBase64(newKey).encrypt('x')));
    expect(SecretBox.fromBase64(newKey).decrypt(written)).toBe('whsec_new');
    expect(ring.decrypt(old.encrypt('whsec_old'))).toBe('whsec_old');
    expect(ring.decrypt(written)).toBe('whsec_new');
    expect(() => old.decrypt(written)).toThrow(SecretDecryptionError);
  });

  it('tells values under the current key from older ones, and re-encrypts only the older ones', () => {
    const older = old.encrypt('header-value');
    const current = ring.encrypt('header-value');
    expect(ring.isCurrent(older)).toBe(false);
    expect(ring.isCurrent(current)).toBe(true);
    const rewritten = ring.reencrypt(older);
    expect(ring.isCurrent(rewritten)).toBe(true);
    expect(SecretBox.fromBase64(newKey).decrypt(rewritten)).toBe('header-value');
    expect(ring.reencrypt(current)).toBe(current);
  });

  it('names both settings when no ring key wrote a value', () => {
    const stranger = SecretBox.fromBase64(SecretBox.generateKey()).encrypt('whsec_canary');
    expect(() => ring.decrypt(stranger)).toThrow(SecretDecryptionError);
    expect(() => ring.decrypt(stranger)).toThrow(/not in CONFIG_ENCRYPTION_KEY \/ CONFIG_ENCRYPTION_PREVIOUS_KEYS/);
    expect(() => ring.reencrypt(stranger)).toThrow(SecretDecryptionError);
  });

  it('refuses an altered value under the current key even when it is not re-encrypted', () => {
    const current = ring.encrypt('secret');
    const altered = current.slice(0, -4) + (current.endsWith('AAAA') ? 'BBBB' : 'AAAA');
    expect(() => ring.reencrypt(altered)).toThrow(/altered or is corrupt/);
  });

  it('accepts a key check written by any ring key, and only those', () => {
    expect(() => ring.verifyKeyCheck(old.keyCheckValue())).not.toThrow();
    expect(() => ring.verifyKeyCheck(ring.keyCheckValue())).not.toThrow();
    expect(ring.isCurrent(ring.keyCheckValue())).toBe(true);
    expect(() => old.verifyKeyCheck(ring.keyCheckValue())).toThrow(SecretDecryptionError);
    expect(() => ring.verifyKeyCheck(old.encrypt('not the check'))).toThrow(SecretDecryptionError);
  });

  it('refuses a ring that repeats a key', () => {
    expect(() => SecretBox.fromConfig({ CONFIG_ENCRYPTION_KEY: newKey, CONFIG_ENCRYPTION_PREVIOUS_KEYS: [newKey] })).toThrow(/differ/);
    expect(() => SecretBox.fromConfig({ CONFIG_ENCRYPTION_KEY: newKey, CONFIG_ENCRYPTION_PREVIOUS_KEYS: [oldKey, oldKey] })).toThrow(/differ/);
    expect(() => new SecretBox(Buffer.alloc(32, 1), [Buffer.alloc(16)])).toThrow(/32 bytes/);
  });
});
