import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createAccount, createOperator, createUser, encodeAccount, encodeOperator, encodeUser, fmtCreds } from '@nats-io/jwt';
import { AppConfig, loadConfig } from '@wirehook/config';
import type { NatsClientSettings } from '@wirehook/nats';
import { createTestCertificates, type TestCertificates } from './https-receiver';
import { findExecutable, startNatsServer, type LocalServer } from './local-servers';
import { ServerEnvironment } from './test-servers';

/** How a {@link startSecuredNatsServer} server lets clients in. */
export type NatsTestAuth = 'none' | 'password' | 'token' | 'nkey' | 'creds';

export interface SecuredNatsOptions {
  auth: NatsTestAuth;
  /** The server speaks TLS only, with a certificate for localhost / 127.0.0.1 from a throwaway CA. */
  tls?: boolean;
  /** The server also requires a client certificate signed by that CA (`verify: true`); implies `tls`. */
  mutualTls?: boolean;
  /** Give the apps their secrets as values instead of `*_FILE` files (default: files, as mounted secrets are). */
  secretsAsValues?: boolean;
}

/** A private nats-server with JetStream that requires credentials and/or TLS. */
export interface SecuredNatsServer {
  /** `tls://` when the server speaks TLS. */
  url: string;
  /** The NATS_* settings an app connects with, NATS_URL included. */
  env: Record<string, string>;
  /** The same settings, loaded as an app loads them: what `connectNats` and the publisher take. */
  settings: NatsClientSettings;
  /** The CA, server and client certificates, when the server speaks TLS. */
  certificates?: TestCertificates;
  server: LocalServer;
  stop(): Promise<void>;
}

/** The nats-server configuration of one way to log in, and what a client logs in with. */
interface AuthSetup {
  serverConfig: string;
  /** The contents of a .creds file. */
  creds?: string;
  user?: string;
  /** A password, token or seed: the setting that takes it, and its value. */
  secret?: { setting: 'NATS_PASSWORD' | 'NATS_TOKEN' | 'NATS_NKEY_SEED'; value: string };
}

/** A JetStream-enabled account of an operator, without other limits, as `nsc` would make it. */
const UNLIMITED_JETSTREAM_ACCOUNT = {
  limits: { subs: -1, data: -1, payload: -1, imports: -1, exports: -1, wildcards: true, conn: -1, leaf: -1, mem_storage: -1, disk_storage: -1, streams: -1, consumer: -1 },
};

/** Operator mode: an operator, a system account (JetStream needs one), an application account and a user in it. */
async function operatorSetup(): Promise<AuthSetup> {
  const operator = createOperator();
  const system = createAccount();
  const application = createAccount();
  const user = createUser();
  const operatorJwt = await encodeOperator('wirehook-test', operator, { system_account: system.getPublicKey() });
  const systemJwt = await encodeAccount('SYS', system, {}, { signer: operator });
  const applicationJwt = await encodeAccount('wirehook', application, UNLIMITED_JETSTREAM_ACCOUNT, { signer: operator });
  const userJwt = await encodeUser('wirehook-app', user, application);
  const serverConfig = [
    `operator: ${operatorJwt}`,
    `system_account: ${system.getPublicKey()}`,
    'resolver: MEMORY',
    'resolver_preload: {',
    `  ${system.getPublicKey()}: ${systemJwt}`,
    `  ${application.getPublicKey()}: ${applicationJwt}`,
    '}',
  ].join('\n');
  return { serverConfig, creds: new TextDecoder().decode(fmtCreds(userJwt, user)) };
}

/** A `.creds` file of a user in an account no test server knows, for tests of a refused login. */
export async function untrustedNatsCreds(): Promise<string> {
  const account = createAccount();
  const user = createUser();
  return new TextDecoder().decode(fmtCreds(await encodeUser('stranger', user, account), user));
}

async function authSetup(auth: NatsTestAuth): Promise<AuthSetup> {
  const secret = randomBytes(18).toString('base64url');
  switch (auth) {
    case 'none':
      return { serverConfig: '' };
    case 'password':
      return { serverConfig: `authorization { user: "wirehook", password: "${secret}" }`, user: 'wirehook', secret: { setting: 'NATS_PASSWORD', value: secret } };
    case 'token':
      return { serverConfig: `authorization { token: "${secret}" }`, secret: { setting: 'NATS_TOKEN', value: secret } };
    case 'nkey': {
      const user = createUser();
      const seed = new TextDecoder().decode(user.getSeed());
      return { serverConfig: `authorization { users: [ { nkey: "${user.getPublicKey()}" } ] }`, secret: { setting: 'NATS_NKEY_SEED', value: seed } };
    }
    case 'creds':
      return operatorSetup();
  }
}

/**
 * Starts nats-server (JetStream on, loopback, free port) that requires the given way of
 * logging in, and TLS or mutual TLS when asked, from a configuration file it writes. The
 * secrets go into files (or values) named by the NATS_* settings an app takes.
 */
export async function startSecuredNatsServer(options: SecuredNatsOptions): Promise<SecuredNatsServer> {
  const binary = findExecutable('nats-server', loadConfig(ServerEnvironment).PATH);
  if (!binary) throw new Error('nats-server is not installed: apt-get install -y nats-server');
  const dir = mkdtempSync(join(tmpdir(), 'wirehook-secured-nats-'));
  const secretFile = (name: string, content: string) => {
    const path = join(dir, name);
    writeFileSync(path, `${content}\n`, { mode: 0o600 });
    return path;
  };

  const { serverConfig, creds, user, secret } = await authSetup(options.auth);
  const env: Record<string, string> = {};
  if (creds) env.NATS_CREDS_FILE = secretFile('user.creds', creds);
  if (user) env.NATS_USER = user;
  if (secret && options.secretsAsValues) env[secret.setting] = secret.value;
  else if (secret) env[`${secret.setting}_FILE`] = secretFile(secret.setting.toLowerCase(), secret.value);

  const tls = options.tls || options.mutualTls;
  const certificates = tls ? createTestCertificates() : undefined;
  const tlsConfig = certificates
    ? [
        'tls {',
        `  cert_file: ${JSON.stringify(certificates.certFile)}`,
        `  key_file: ${JSON.stringify(certificates.keyFile)}`,
        `  ca_file: ${JSON.stringify(certificates.caFile)}`,
        ...(options.mutualTls ? ['  verify: true'] : []),
        '  timeout: 5',
        '}',
      ].join('\n')
    : '';
  if (certificates) {
    env.NATS_TLS_CA_FILE = certificates.caFile;
    if (options.mutualTls) {
      env.NATS_TLS_CERT_FILE = certificates.clientCertFile;
      env.NATS_TLS_KEY_FILE = certificates.clientKeyFile;
    }
  }

  const configFile = join(dir, 'nats-server.conf');
  writeFileSync(configFile, `${serverConfig}\n${tlsConfig}\n`);
  const server = await startNatsServer({ binary, storeDir: join(dir, 'store'), args: ['-c', configFile] });
  const url = `${tls ? 'tls' : 'nats'}://127.0.0.1:${server.port}`;
  env.NATS_URL = url;
  return {
    url,
    env,
    settings: loadConfig(AppConfig, env).natsClientSettings(),
    certificates,
    server,
    async stop() {
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
