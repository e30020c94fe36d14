import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

const PREFIX = 'enc:v1:';
const IV_BYTES = 12;
const TAG_BYTES = 16;
const KEY_CHECK_PLAINTEXT = 'wirehook encryption key check';

/** A stored value could not be decrypted: the key is wrong or the value was altered. */
export class SecretDecryptionError extends Error {
  constructor() {
    super('a stored secret could not be decrypted: CONFIG_ENCRYPTION_KEY is not the key it was written with');
    this.name = 'SecretDecryptionError';
  }
}

/**
 * Encrypts secrets at rest with AES-256-GCM. Stored form: `enc:v1:<key id>:<base64 iv|tag|data>`,
 * where the key id (a hash prefix of the key) tells a wrong key apart from altered data.
 */
export class SecretBox {
  private readonly keyId: string;

  constructor(private readonly key: Buffer) {
    if (key.length !== 32) throw new Error('the encryption key must be 32 bytes');
    this.keyId = createHash('sha256').update(key).digest('hex').slice(0, 8);
  }

  /** Builds a box from the base64 text of a 32-byte key (as in `CONFIG_ENCRYPTION_KEY`). */
  static fromBase64(text: string): SecretBox {
    return new SecretBox(Buffer.from(text, 'base64'));
  }

  /** A fresh random key, base64. */
  static generateKey(): string {
    return randomBytes(32).toString('base64');
  }

  encrypt(plaintext: string): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    const data = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return `${PREFIX}${this.keyId}:${Buffer.concat([iv, cipher.getAuthTag(), data]).toString('base64')}`;
  }

  /**
   * A value stored next to encrypted data so a process can tell at boot whether it holds the
   * key that data was written with.
   */
  keyCheckValue(): string {
    return this.encrypt(KEY_CHECK_PLAINTEXT);
  }

  /** Throws {@link SecretDecryptionError} unless `stored` was made by {@link keyCheckValue} with this key. */
  verifyKeyCheck(stored: string): void {
    if (this.decrypt(stored) !== KEY_CHECK_PLAINTEXT) throw new SecretDecryptionError();
  }

  decrypt(stored: string): string {
    if (!stored.startsWith(PREFIX)) throw new SecretDecryptionError();
    const [keyId, payload] = stored.slice(PREFIX.length).split(':');
    if (keyId !== this.keyId || payload === undefined) throw new SecretDecryptionError();
    const raw = Buffer.from(payload, 'base64');
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.key, raw.subarray(0, IV_BYTES));
      decipher.setAuthTag(raw.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
      return Buffer.concat([decipher.update(raw.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]).toString('utf8');
    } catch {
      throw new SecretDecryptionError();
    }
  }
}
