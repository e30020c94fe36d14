import { AppConfig, withEncryptionKey, withMongo } from '@wirehook/config';

/**
 * Environment of `npm run rotate-encryption-key`: config-api's key ring, MongoDB and NATS
 * settings (and LOG_LEVEL), read as config-api reads them, so the command runs with config-api's
 * environment as it is.
 */
export class KeyRotationConfig extends withEncryptionKey(withMongo(AppConfig)) {}
