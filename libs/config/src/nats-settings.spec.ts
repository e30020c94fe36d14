import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createAccount, createUser, encodeUser, fmtCreds } from '@nats-io/jwt';
import { createTestCertificates, type TestCertificates } from '@wirehook/testing';
import { AppConfig } from './common-config';
import { ConfigError, loadConfig } from './load-config';

function problemsOf(env: Record<string, string>): string {
  try {
    loadConfig(AppConfig, env);
  } catch (error) {
    if (error instanceof ConfigError) return error.message;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

const settingsOf = (env: Record<string, string>) => loadConfig(AppConfig, env).natsClientSettings();

describe('AppConfig NATS credentials and TLS', () => {
  const dir = mkdtempSync(join(tmpdir(), 'wirehook-nats-settings-'));
  const file = (name: string, content: string) => {
    const path = join(dir, name);
    writeFileSync(path, content);
    return path;
  };
  const seed = new TextDecoder().decode(createUser().getSeed());
  let creds: string;
  let certificates: TestCertificates;

  beforeAll(async () => {
    const user = createUser();
    creds = new TextDecoder().decode(fmtCreds(await encodeUser('app', user, createAccount()), user));
    certificates = createTestCertificates();
  });

  it('connects without credentials or TLS when none are set', () => {
    expect(settingsOf({ NATS_URL: 'nats://a:4222,nats://b:4222' })).toEqual({ servers: 'nats://a:4222,nats://b:4222', auth: undefined, tls: undefined });
  });

  it('takes each way to log in from a value or from a file, without the file trailing line break', () => {
    expect(settingsOf({ NATS_CREDS_FILE: file('app.creds', creds) }).auth).toEqual({ method: 'creds', creds });
    expect(settingsOf({ NATS_NKEY_SEED: seed }).auth).toEqual({ method: 'nkey', seed });
    expect(settingsOf({ NATS_NKEY_SEED_FILE: file('seed', `${seed}\n`) }).auth).toEqual({ method: 'nkey', seed });
    expect(settingsOf({ NATS_USER: 'app', NATS_PASSWORD: 'pa ss ' }).auth).toEqual({ method: 'password', user: 'app', password: 'pa ss ' });
    expect(settingsOf({ NATS_USER: 'app', NATS_PASSWORD_FILE: file('password', 'from-file\r\n') }).auth).toEqual({
      method: 'password',
      user: 'app',
      password: 'from-file',
    });
    expect(settingsOf({ NATS_TOKEN: 't0ken' }).auth).toEqual({ method: 'token', token: 't0ken' });
    expect(settingsOf({ NATS_TOKEN_FILE: file('token', 'file-token\n\n') }).auth).toEqual({ method: 'token', token: 'file-token' });
  });

  it('reads a secret file once, at load, and never serialises its content', () => {
    const path = file('once', 'first\n');
    const config = loadConfig(AppConfig, { NATS_TOKEN_FILE: path });
    writeFileSync(path, 'second\n');
    expect(config.natsClientSettings().auth).toEqual({ method: 'token', token: 'first' });
    expect(JSON.stringify(config)).toContain(path);
    expect(JSON.stringify(config)).not.toContain('first');
  });

  it('turns TLS on with a CA file or a client certificate, and passes the files on', () => {
    expect(settingsOf({ NATS_TLS_CA_FILE: certificates.caFile }).tls).toEqual({ caFile: certificates.caFile });
    expect(settingsOf({ NATS_TLS_CERT_FILE: certificates.clientCertFile, NATS_TLS_KEY_FILE: certificates.clientKeyFile }).tls).toEqual({
      clientCertificate: { certFile: certificates.clientCertFile, keyFile: certificates.clientKeyFile },
    });
    // A tls:// URL alone is seen by the connection options of libs/nats.
    expect(settingsOf({ NATS_URL: 'tls://nats:4222' })).toEqual({ servers: 'tls://nats:4222', auth: undefined, tls: undefined });
  });

  it('refuses two ways to log in at once, naming them once', () => {
    const message = problemsOf({ NATS_CREDS_FILE: file('both.creds', creds), NATS_TOKEN: 'secret-token' });
    expect(message).toContain('NATS_CREDS_FILE, NATS_TOKEN: set one way to authenticate to NATS, not several');
    expect(message.match(/not several/g)).toHaveLength(1);
    expect(problemsOf({ NATS_NKEY_SEED: seed, NATS_USER: 'app', NATS_PASSWORD: 'pw' })).toContain('NATS_NKEY_SEED, NATS_USER, NATS_PASSWORD: set one way');
  });

  it('refuses a password without a user and a user without a password', () => {
    expect(problemsOf({ NATS_PASSWORD: 'pw' })).toContain('NATS_PASSWORD needs NATS_USER as well');
    expect(problemsOf({ NATS_PASSWORD_FILE: file('lonely', 'pw') })).toContain('NATS_PASSWORD_FILE needs NATS_USER as well');
    expect(problemsOf({ NATS_USER: 'app' })).toContain("NATS_USER needs NATS_PASSWORD or NATS_PASSWORD_FILE as well (got 'app')");
  });

  it('refuses a value and its _FILE twin together', () => {
    const seedFile = file('twin-seed', seed);
    expect(problemsOf({ NATS_NKEY_SEED: seed, NATS_NKEY_SEED_FILE: seedFile })).toContain(
      'NATS_NKEY_SEED and NATS_NKEY_SEED_FILE are both set: set one of them',
    );
    expect(problemsOf({ NATS_USER: 'app', NATS_PASSWORD: 'pw', NATS_PASSWORD_FILE: file('twin-pw', 'pw') })).toContain(
      'NATS_PASSWORD and NATS_PASSWORD_FILE are both set',
    );
    expect(problemsOf({ NATS_TOKEN: 'tk', NATS_TOKEN_FILE: file('twin-token', 'tk') })).toContain('NATS_TOKEN and NATS_TOKEN_FILE are both set');
  });

  it('refuses files that cannot be read or hold nothing, naming the file and why', () => {
    const missing = join(dir, 'missing');
    expect(problemsOf({ NATS_TOKEN_FILE: missing })).toContain(
      `NATS_TOKEN_FILE must name a readable file holding the token (ENOENT: no such file or directory, open '${missing}') (got '${missing}')`,
    );
    expect(problemsOf({ NATS_CREDS_FILE: dir })).toContain('NATS_CREDS_FILE must name a readable .creds file (EISDIR');
    expect(problemsOf({ NATS_USER: 'app', NATS_PASSWORD_FILE: file('empty', '\n') })).toContain(
      'NATS_PASSWORD_FILE must name a readable file holding the password (the file is empty)',
    );
    expect(problemsOf({ NATS_TLS_CA_FILE: missing })).toContain(`NATS_TLS_CA_FILE must name a readable PEM certificate file (ENOENT`);
  });

  it('refuses a seed, a .creds file or PEM files that are not what they should be', () => {
    expect(problemsOf({ NATS_NKEY_SEED: `SA${seed.slice(2)}` })).toContain('NATS_NKEY_SEED must be a user NKey seed');
    // One changed character inside the seed breaks its checksum (the last one is partly padding).
    const corrupted = `${seed.slice(0, 10)}${seed[10] === 'A' ? 'B' : 'A'}${seed.slice(11)}`;
    expect(problemsOf({ NATS_NKEY_SEED: corrupted })).toContain('NATS_NKEY_SEED must be a user NKey seed');
    expect(problemsOf({ NATS_NKEY_SEED_FILE: file('not-a-seed', 'hello\n') })).toContain('NATS_NKEY_SEED_FILE must hold a user NKey seed');
    expect(problemsOf({ NATS_CREDS_FILE: file('seed-only.creds', seed) })).toContain(
      'NATS_CREDS_FILE must be a NATS .creds file holding a user JWT and its NKey seed',
    );
    expect(problemsOf({ NATS_TLS_CA_FILE: certificates.clientKeyFile })).toContain(
      'NATS_TLS_CA_FILE must name a readable PEM certificate file (no PEM certificate in it)',
    );
    expect(problemsOf({ NATS_TLS_CERT_FILE: certificates.clientCertFile, NATS_TLS_KEY_FILE: certificates.clientCertFile })).toContain(
      'NATS_TLS_KEY_FILE must name a readable PEM private key file (no PEM private key in it)',
    );
  });

  it('refuses a client certificate without its key, or with another key', () => {
    expect(problemsOf({ NATS_TLS_CERT_FILE: certificates.clientCertFile })).toContain('NATS_TLS_CERT_FILE needs NATS_TLS_KEY_FILE as well');
    expect(problemsOf({ NATS_TLS_KEY_FILE: certificates.clientKeyFile })).toContain('NATS_TLS_KEY_FILE needs NATS_TLS_CERT_FILE as well');
    expect(problemsOf({ NATS_TLS_CERT_FILE: certificates.clientCertFile, NATS_TLS_KEY_FILE: certificates.keyFile })).toContain(
      'NATS_TLS_KEY_FILE is not the private key of the certificate in NATS_TLS_CERT_FILE',
    );
  });

  it('never repeats a secret value in an error', () => {
    const message = problemsOf({ NATS_TOKEN: 'tok-en-value', NATS_NKEY_SEED: seed, NATS_PASSWORD: 'pass-word-value' });
    expect(message).toContain('NATS_NKEY_SEED, NATS_PASSWORD, NATS_TOKEN: set one way to authenticate to NATS, not several');
    expect(message).toContain('(the value is a secret and not shown)');
    for (const secret of ['tok-en-value', seed, 'pass-word-value']) expect(message).not.toContain(secret);
  });
});
