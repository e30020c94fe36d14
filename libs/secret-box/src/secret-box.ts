import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

const PREFIX = 'enc:v1:';
const IV_BYTES = 12;
const TAG_BYTES = 16;
const KEY_BYTES = 32;
const KEY_CHECK_PLAINTEXT = 'wirehook encryption key check';

/** A stored value could not be decrypted: the ring lacks its key, or the value was altered. */
export class SecretDecryptionError extends Error {
  constructor(message = 'a stored secret could not be decrypted: CONFIG_ENCRYPTION_KEY is not the key it was written with') {
    super(message);
    this.name = 'SecretDecryptionError';
  }
}

/** The settings a {@link SecretBox} is built from (`withEncryptionKey` in common-config). */
export interface EncryptionKeySettings {
  CONFIG_ENCRYPTION_KEY: string;
  CONFIG_ENCRYPTION_PREVIOUS_KEYS?: readonly string[];
}

/** The key id stored in every value: a hash prefix of the key, which tells one key from another without revealing it. */
function keyIdOf(key: Buffer): string {
  return createHash('sha256').update(key).digest('hex').slice(0, 8);
}

/**
 * Encrypts secrets at rest with AES-256-GCM. Stored form: `enc:v1:<key id>:<base64 iv|tag|data>`,
 * where the key id (a hash prefix of the key) tells a wrong key apart from altered data.
 *
 * A box holds a key ring: the current key, which encrypts everything, and the previous keys
 * (`CONFIG_ENCRYPTION_PREVIOUS_KEYS`), which only decrypt, so the key can be rotated while
 * values written with the old one are still stored. The key id in a value picks its key.
 */
export class SecretBox {
  private readonly keyId: string;
  /** Every key of the ring by key id, the current one included. */
  private readonly ring = new Map<string, Buffer>();

  constructor(
    private readonly key: Buffer,
    previousKeys: readonly Buffer[] = [],
  ) {
    if (key.length !== KEY_BYTES) throw new Error('the encryption key must be 32 bytes');
    this.keyId = keyIdOf(key);
    this.ring.set(this.keyId, key);
    for (const previous of previousKeys) {
      if (previous.length !== KEY_BYTES) throw new Error('every previous encryption key must be 32 bytes');
      const id = keyIdOf(previous);
      // Two keys with one id would make a value's key ambiguous; loadConfig refuses a repeated key first.
      if (this.ring.has(id)) throw new Error('the previous encryption keys must differ from the current key and from one another');
      this.ring.set(id, previous);
    }
  }

  /** Builds a box from the base64 text of a 32-byte key (as in `CONFIG_ENCRYPTION_KEY`), with no previous keys. */
  static fromBase64(text: string): SecretBox {
    return new SecretBox(Buffer.from(text, 'base64'));
  }

  /** Builds the key ring of an app: `CONFIG_ENCRYPTION_KEY` and `CONFIG_ENCRYPTION_PREVIOUS_KEYS`. */
  static fromConfig(settings: EncryptionKeySettings): SecretBox {
    return new SecretBox(
      Buffer.from(settings.CONFIG_ENCRYPTION_KEY, 'base64'),
      (settings.CONFIG_ENCRYPTION_PREVIOUS_KEYS ?? []).map((text) => Buffer.from(text, 'base64')),
    );
  }

  /** A fresh random key, base64. */
  static generateKey(): string {
    return randomBytes(KEY_BYTES).toString('base64');
  }

  /** Encrypts with the current key, always. */
  encrypt(plaintext: string): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    const data = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return `${PREFIX}${this.keyId}:${Buffer.concat([iv, cipher.getAuthTag(), data]).toString('base64')}`;
  }

  /** Whether `stored` is written with the current key (it may still be altered: only {@link decrypt} tells). */
  isCurrent(stored: string): boolean {
    return stored.startsWith(`${PREFIX}${this.keyId}:`);
  }

  /**
   * `stored` written with the current key: as it is when it already is, else decrypted with
   * its ring key and encrypted again. Throws {@link SecretDecryptionError} as {@link decrypt} does.
   */
  reencrypt(stored: string): string {
    if (this.isCurrent(stored)) {
      this.decrypt(stored);
      return stored;
    }
    return this.encrypt(this.decrypt(stored));
  }

  /**
   * A value stored next to encrypted data so a process can tell at boot whether it holds the
   * key that data was written with. Written with the current key.
   */
  keyCheckValue(): string {
    return this.encrypt(KEY_CHECK_PLAINTEXT);
  }

  /**
   * Throws {@link SecretDecryptionError} unless `stored` was made by {@link keyCheckValue} with
   * a key of this ring: a process may boot while the data is still under a previous key.
   */
  verifyKeyCheck(stored: string): void {
    if (this.decrypt(stored) !== KEY_CHECK_PLAINTEXT) throw new SecretDecryptionError('the stored key check value is not one this code writes');
  }

  /** Decrypts with whichever key of the ring `stored` names. */
  decrypt(stored: string): string {
    if (!stored.startsWith(PREFIX)) throw new SecretDecryptionError('a stored secret could not be decrypted: it is not an encrypted value (enc:v1:...)');
    const [keyId, payload] = stored.slice(PREFIX.length).split(':');
    if (payload === undefined) throw new SecretDecryptionError('a stored secret could not be decrypted: the value is truncated');
    const key = this.ring.get(keyId);
    if (!key) {
      throw new SecretDecryptionError(
        `a stored secret could not be decrypted: it was written with a key (id ${keyId}) that is not in CONFIG_ENCRYPTION_KEY / CONFIG_ENCRYPTION_PREVIOUS_KEYS`,
      );
    }
    const raw = Buffer.from(payload, 'base64');
    try {
      const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(0, IV_BYTES));
      decipher.setAuthTag(raw.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
      return Buffer.concat([decipher.update(raw.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]).toString('utf8');
    } catch {
      throw new SecretDecryptionError(`a stored secret could not be decrypted with its key (id ${keyId}): the value was altered or is corrupt`);
    }
  }
}
