import { Module } from '@nestjs/common';
import { repositoryProvider } from '../store/store.module';
import { EncryptionKeyCheck } from './encryption-key-check.service';
import { PlatformSettingsRepository } from './platform-settings.repository';

/** The check at boot that the encryption key ring can read the stored secrets. */
@Module({
  providers: [repositoryProvider(PlatformSettingsRepository), EncryptionKeyCheck],
})
export class SecretsModule {}
