import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import type { NatsConnection } from '@nats-io/transport-node';
import { SecretBox, SecretDecryptionError } from '@wirehook/config';
import { ENCRYPTION_KEY_CHECK_CONFIG_KEY, KvBucketNames } from '@wirehook/contracts';
import { NATS_CONNECTION, openBucket } from '@wirehook/nats';
import { PlatformSettingsRepository } from './platform-settings.repository';

const KEY_CHECK_SETTING = 'encryption_key_check';

/**
 * Stops the boot when CONFIG_ENCRYPTION_KEY is not the key the stored secrets were written
 * with: a wrong key must fail loudly at start, never later as undecryptable deliveries. The
 * check value is also replicated for the dispatcher, which checks its own key the same way.
 */
@Injectable()
export class EncryptionKeyCheck implements OnModuleInit {
  constructor(
    private readonly settings: PlatformSettingsRepository,
    private readonly secretBox: SecretBox,
    @Inject(NATS_CONNECTION) private readonly nc: NatsConnection,
  ) {}

  async onModuleInit(): Promise<void> {
    const stored = await this.settings.getOrCreate(KEY_CHECK_SETTING, () => this.secretBox.keyCheckValue());
    try {
      this.secretBox.verifyKeyCheck(stored);
    } catch (error) {
      if (!(error instanceof SecretDecryptionError)) throw error;
      throw new Error(
        'CONFIG_ENCRYPTION_KEY is not the key the stored secrets were encrypted with; start with the original key (secrets cannot be read without it)',
      );
    }
    const bucket = await openBucket(this.nc, KvBucketNames.config);
    await bucket.put(ENCRYPTION_KEY_CHECK_CONFIG_KEY, stored);
  }
}
