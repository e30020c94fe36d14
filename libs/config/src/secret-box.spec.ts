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
