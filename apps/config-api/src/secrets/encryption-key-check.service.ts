import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import type { NatsConnection } from '@nats-io/transport-node';
import type { Logger } from 'pino';
import { LOGGER } from '@wirehook/logging';
import { SecretBox, SecretDecryptionError } from '@wirehook/secret-box';
import { ENCRYPTION_KEY_CHECK_CONFIG_KEY, KvBucketNames } from '@wirehook/contracts';
import { NATS_CONNECTION, openBucket } from '@wirehook/nats';
import { PlatformSettingsRepository } from './platform-settings.repository';

const KEY_CHECK_SETTING = 'encryption_key_check';

/** The key check value was written with a key that is not in this process's key ring. */
export class EncryptionKeyMismatchError extends Error {
  constructor() {
    super(
      'CONFIG_ENCRYPTION_KEY is not the key the stored secrets were encrypted with, and no key of CONFIG_ENCRYPTION_PREVIOUS_KEYS is either; ' +
        'start with the original key (secrets cannot be read without it), or while rotating, with the old key in CONFIG_ENCRYPTION_PREVIOUS_KEYS',
    );
    this.name = 'EncryptionKeyMismatchError';
  }
}

/**
 * Stops the boot when no key of the ring (CONFIG_ENCRYPTION_KEY, CONFIG_ENCRYPTION_PREVIOUS_KEYS)
 * is the key the stored secrets were written with: a wrong key must fail loudly at start, never
 * later as undecryptable deliveries. The check value is also replicated for the dispatcher,
 * which checks its own ring the same way.
 *
 * The check value stands for the key every stored secret can be read with, so it moves to a new
 * key only in {@link markSecretsCurrent}, after `npm run rotate-encryption-key` re-encrypted all of
 * them; never at boot. Written under the new key any earlier, it would let a process holding only
 * the new key (the old one dropped too soon) boot on data it cannot read; left under the old key
 * after the re-encryption, it would let a process holding only the old key boot on data it can no
 * longer read. Either way the check would stop doing its one job.
 */
@Injectable()
export class EncryptionKeyCheck implements OnModuleInit {
  constructor(
    private readonly settings: PlatformSettingsRepository,
    private readonly secretBox: SecretBox,
    @Inject(NATS_CONNECTION) private readonly nc: NatsConnection,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async onModuleInit(): Promise<void> {
    const stored = await this.verifiedValue();
    if (!this.secretBox.isCurrent(stored)) {
      this.logger.warn(
        'stored secrets may still be encrypted with a key of CONFIG_ENCRYPTION_PREVIOUS_KEYS: once every app runs with the new CONFIG_ENCRYPTION_KEY, run npm run rotate-encryption-key, then remove the old key',
      );
    }
    await this.replicate(stored);
  }

  /**
   * The stored check value (written with the current key when there is none yet: a new
   * platform); throws {@link EncryptionKeyMismatchError} unless a key of the ring wrote it.
   */
  async verifiedValue(): Promise<string> {
    return this.verified(await this.settings.getOrCreate(KEY_CHECK_SETTING, () => this.secretBox.keyCheckValue()));
  }

  /** As {@link verifiedValue}, but writes nothing when there is no check value yet. */
  async verifyStored(): Promise<void> {
    const stored = await this.settings.get(KEY_CHECK_SETTING);
    if (stored !== undefined) this.verified(stored);
  }

  private verified(stored: string): string {
    try {
      this.secretBox.verifyKeyCheck(stored);
    } catch (error) {
      if (!(error instanceof SecretDecryptionError)) throw error;
      throw new EncryptionKeyMismatchError();
    }
    return stored;
  }

  /**
   * Records that every stored secret is now encrypted with the current key: from here on only a
   * ring holding the current key passes the check. Call it only after all of them are.
   */
  async markSecretsCurrent(): Promise<'rewritten' | 'unchanged'> {
    const stored = await this.verifiedValue();
    const outcome = this.secretBox.isCurrent(stored) ? 'unchanged' : 'rewritten';
    const value = outcome === 'rewritten' ? this.secretBox.keyCheckValue() : stored;
    if (outcome === 'rewritten') await this.settings.put(KEY_CHECK_SETTING, value);
    // Always written: a run interrupted between the two writes is completed by the next one.
    await this.replicate(value);
    return outcome;
  }

  private async replicate(value: string): Promise<void> {
    const bucket = await openBucket(this.nc, KvBucketNames.config);
    await bucket.put(ENCRYPTION_KEY_CHECK_CONFIG_KEY, value);
  }
}
