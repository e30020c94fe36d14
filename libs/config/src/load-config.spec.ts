import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AppConfig, withDeliveryPolicy, withEncryptionKey, withMongo } from './common-config';
import { ConfigError, loadConfig } from './load-config';
import { SecretBox } from '@wirehook/secret-box';

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

  describe('CONFIG_ENCRYPTION_PREVIOUS_KEYS', () => {
    const previous = [SecretBox.generateKey(), SecretBox.generateKey()];

    it('is empty unless set, and takes keys separated by commas', () => {
      expect(loadConfig(SampleConfig, { CONFIG_ENCRYPTION_KEY: key }).CONFIG_ENCRYPTION_PREVIOUS_KEYS).toEqual([]);
      expect(
        loadConfig(SampleConfig, { CONFIG_ENCRYPTION_KEY: key, CONFIG_ENCRYPTION_PREVIOUS_KEYS: ` ${previous[0]}, ${previous[1]},` })
          .CONFIG_ENCRYPTION_PREVIOUS_KEYS,
      ).toEqual(previous);
    });

    it('names the malformed entry without showing any key', () => {
      const error = errorOf({ CONFIG_ENCRYPTION_KEY: key, CONFIG_ENCRYPTION_PREVIOUS_KEYS: `${previous[0]},not-a-key-but-secret` });
      expect(error.problems).toEqual([
        'CONFIG_ENCRYPTION_PREVIOUS_KEYS must be a comma-separated list of base64 keys of 32 bytes (openssl rand -base64 32); entry 2 of 2 is not one (the value is a secret and not shown)',
      ]);
      expect(error.message).not.toContain(previous[0]);
      expect(error.message).not.toContain('not-a-key-but-secret');
    });

    it('refuses the current key and a key listed twice, comparing the keys and not their spelling', () => {
      expect(errorOf({ CONFIG_ENCRYPTION_KEY: key, CONFIG_ENCRYPTION_PREVIOUS_KEYS: `${previous[0]},${key}` }).problems).toEqual([
        'CONFIG_ENCRYPTION_PREVIOUS_KEYS must not list CONFIG_ENCRYPTION_KEY (entry 2 of 2 is the current key): list only the keys it replaced (the value is a secret and not shown)',
      ]);
      expect(errorOf({ CONFIG_ENCRYPTION_KEY: key, CONFIG_ENCRYPTION_PREVIOUS_KEYS: `${previous[0]},${previous[1]},${previous[0]}` }).problems).toEqual([
        'CONFIG_ENCRYPTION_PREVIOUS_KEYS lists the same key twice (entry 3 of 3) (the value is a secret and not shown)',
      ]);
      // The last base64 digit carries 2 bits a 32-byte key does not use: another spelling, the same key.
      const digits = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
      const last = digits.indexOf(key[42]);
      const respelled = `${key.slice(0, 42)}${digits[last ^ 1]}=`;
      expect(Buffer.from(respelled, 'base64').equals(Buffer.from(key, 'base64'))).toBe(true);
      expect(errorOf({ CONFIG_ENCRYPTION_KEY: key, CONFIG_ENCRYPTION_PREVIOUS_KEYS: respelled }).problems[0]).toContain('must not list CONFIG_ENCRYPTION_KEY');
    });
  });

  describe('secrets from files (X_FILE)', () => {
    const directory = mkdtempSync(join(tmpdir(), 'wirehook-config-'));
    const file = (name: string, content: string) => {
      const path = join(directory, name);
      writeFileSync(path, content);
      return path;
    };

    it('reads a secret setting from the file its _FILE variable names, without the trailing line break', () => {
      const config = loadConfig(SampleConfig, {
        CONFIG_ENCRYPTION_KEY_FILE: file('encryption.key', `${key}\n`),
        METRICS_TOKEN_FILE: file('metrics.token', 'metrics-token-from-a-file\r\n'),
      });
      expect(config).toMatchObject({ CONFIG_ENCRYPTION_KEY: key, METRICS_TOKEN: 'metrics-token-from-a-file' });
      expect(config).not.toHaveProperty('CONFIG_ENCRYPTION_KEY_FILE');
    });

    it('refuses a secret set both ways, an unreadable file and an empty one, naming the variable', () => {
      const error = errorOf({
        CONFIG_ENCRYPTION_KEY: key,
        CONFIG_ENCRYPTION_KEY_FILE: file('twice.key', key),
        METRICS_TOKEN_FILE: join(directory, 'missing.token'),
      });
      expect(error.problems).toContain('set CONFIG_ENCRYPTION_KEY or CONFIG_ENCRYPTION_KEY_FILE, not both');
      expect(error.message).toMatch(/METRICS_TOKEN_FILE must name a readable file holding METRICS_TOKEN \(ENOENT/);
      expect(errorOf({ CONFIG_ENCRYPTION_KEY_FILE: file('empty.key', '\n') }).problems).toContain(
        'CONFIG_ENCRYPTION_KEY_FILE names an empty file; it must hold CONFIG_ENCRYPTION_KEY',
      );
    });

    it('checks a secret read from a file like any other, without showing it', () => {
      const error = errorOf({ CONFIG_ENCRYPTION_KEY_FILE: file('bad.key', 'not-a-key-but-secret') });
      expect(error.message).toContain(
        'CONFIG_ENCRYPTION_KEY must be the base64 text of 32 random bytes (openssl rand -base64 32) (the value is a secret and not shown)',
      );
      expect(error.message).not.toContain('not-a-key-but-secret');
    });

    it('reads previous encryption keys from a file, one a line or separated by commas', () => {
      const previous = [SecretBox.generateKey(), SecretBox.generateKey(), SecretBox.generateKey()];
      const config = loadConfig(SampleConfig, {
        CONFIG_ENCRYPTION_KEY: key,
        CONFIG_ENCRYPTION_PREVIOUS_KEYS_FILE: file('previous.keys', `${previous[0]}\n${previous[1]},${previous[2]}\n`),
      });
      expect(config.CONFIG_ENCRYPTION_PREVIOUS_KEYS).toEqual(previous);
      expect(errorOf({ CONFIG_ENCRYPTION_KEY: key, CONFIG_ENCRYPTION_PREVIOUS_KEYS_FILE: file('current.keys', `${key}\n`) }).problems[0]).toMatch(
        /^CONFIG_ENCRYPTION_PREVIOUS_KEYS must not list CONFIG_ENCRYPTION_KEY .*\(the value is a secret and not shown\)$/,
      );
    });

    it('leaves a _FILE variable the class reads itself to that setting (NATS_PASSWORD_FILE)', () => {
      const config = loadConfig(SampleConfig, { CONFIG_ENCRYPTION_KEY: key, NATS_USER: 'svc', NATS_PASSWORD_FILE: file('nats.password', 'pw\n') });
      expect(config.NATS_PASSWORD).toBeUndefined();
      expect(config.NATS_PASSWORD_FILE?.value).toBe('pw');
    });
  });
});
