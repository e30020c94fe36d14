import { AppConfig, withDeliveryPolicy, withEncryptionKey, withMongo } from './common-config';
import { ConfigError, loadConfig } from './load-config';
import { SecretBox } from './secret-box';

class SampleConfig extends withDeliveryPolicy(withEncryptionKey(AppConfig)) {}

function errorOf(env: Record<string, string>): ConfigError {
  try {
    loadConfig(SampleConfig, env);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig', () => {
  const key = SecretBox.generateKey();

  it('applies defaults and converts values', () => {
    const config = loadConfig(SampleConfig, {
      CONFIG_ENCRYPTION_KEY: key,
      PORT: '4000',
      DELIVERY_REQUIRE_HTTPS: 'false',
      DELIVERY_ALLOW_CIDRS: '10.0.0.0/8, fd00::/8',
      UNRELATED: 'x',
    });
    expect(config).toMatchObject({ PORT: 4000, DELIVERY_REQUIRE_HTTPS: false, DELIVERY_ALLOW_CIDRS: ['10.0.0.0/8', 'fd00::/8'], LOG_LEVEL: 'info' });
    expect(config).not.toHaveProperty('UNRELATED');
  });

  it('names every bad variable and what it got', () => {
    const error = errorOf({ PORT: 'eighty', DELIVERY_REQUIRE_HTTPS: 'maybe', DELIVERY_ALLOW_CIDRS: '10.0.0.0/33', LOG_LEVEL: 'loud' });
    expect(error.message).toContain("PORT must be an integer between 1 and 65535 (got 'eighty')");
    expect(error.message).toContain("DELIVERY_REQUIRE_HTTPS must be true or false (got 'maybe')");
    expect(error.message).toContain('DELIVERY_ALLOW_CIDRS must be a comma-separated list of CIDRs');
    expect(error.message).toContain('LOG_LEVEL must be one of');
    expect(error.message).toContain('CONFIG_ENCRYPTION_KEY must be the base64 text of 32 random bytes (openssl rand -base64 32) (it is not set)');
  });

  it('never repeats the value of a secret setting it refuses', () => {
    const error = errorOf({ CONFIG_ENCRYPTION_KEY: 'short-but-secret-key', METRICS_TOKEN: 'secret-token' });
    expect(error.message).toContain('CONFIG_ENCRYPTION_KEY must be the base64 text of 32 random bytes');
    expect(error.message).toContain('METRICS_TOKEN must be at least 16 characters (the value is a secret and not shown)');
    expect(error.message).not.toContain('short-but-secret-key');
    expect(error.message).not.toContain('secret-token');
  });

  it('never repeats a MongoDB URI it refuses: it may carry a password', () => {
    class MongoConfig extends withMongo(AppConfig) {}
    expect(() => loadConfig(MongoConfig, { MONGODB_URI: 'mysql://user:hunter2@db/x' })).toThrow(
      'MONGODB_URI must be a mongodb:// or mongodb+srv:// URI (the value is a secret and not shown)',
    );
  });
});
