import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createAccount, createOperator, createUser, encodeAccount, encodeOperator, encodeUser, fmtCreds } from '@nats-io/jwt';
import { AppConfig, loadConfig } from '@wirehook/config';
import type { NatsClientSettings } from '@wirehook/nats';
import { createTestCertificates, type TestCertificates } from './https-receiver';
import { ServerEnvironment, natsServerBinary, startNatsServer, type LocalServer } from '@wirehook/local-run';
import { NatsCluster } from './nats-cluster';

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

/** A private NATS with JetStream, one server or a cluster, that requires credentials and/or TLS. */
export interface SecuredNats {
  /** `tls://` when the servers speak TLS; a cluster's node URLs comma-separated. */
  url: string;
  /** The NATS_* settings an app connects with, NATS_URL included. */
  env: Record<string, string>;
  /** The same settings, loaded as an app loads them: what `connectNats` and the publisher take. */
  settings: NatsClientSettings;
  /** The CA, server and client certificates, when the servers speak TLS. */
  certificates?: TestCertificates;
  stop(): Promise<void>;
}

/** One secured nats-server. */
export interface SecuredNatsServer extends SecuredNats {
  server: LocalServer;
}

/** A secured JetStream cluster: every node requires the login and TLS, routes between nodes included. */
export interface SecuredNatsCluster extends SecuredNats {
  cluster: NatsCluster;
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
  limits: {
    subs: -1,
    data: -1,
    payload: -1,
    imports: -1,
    exports: -1,
    wildcards: true,
    conn: -1,
    leaf: -1,
    mem_storage: -1,
    disk_storage: -1,
    streams: -1,
    consumer: -1,
  },
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
      return {
        serverConfig: `authorization { user: "wirehook", password: "${secret}" }`,
        user: 'wirehook',
        secret: { setting: 'NATS_PASSWORD', value: secret },
      };
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
 * The configuration file of a secured nats-server, or of every node of a secured cluster, and
 * what a client logs in with. Nothing is started: the file is for `nats-server -c`, whose
 * command-line flags (port, store, cluster routes) override what the file says.
 */
export interface SecuredNatsConfig {
  /** The login and client TLS; for a cluster, TLS on the routes between the nodes too. */
  configFile: string;
  /** The NATS_* settings a client connects with, without NATS_URL. */
  clientEnv: Record<string, string>;
  /** The CA, server and client certificates, when the servers speak TLS. */
  certificates?: TestCertificates;
  /** `NATS_URL` of servers on these loopback ports, `tls://` when they speak TLS. */
  urlOf(ports: readonly number[]): string;
  /** Deletes the configuration, secrets and certificates folder. */
  remove(): void;
}

/**
 * Writes the nats-server configuration that requires the given way of logging in, and TLS or
 * mutual TLS when asked; with `cluster`, the routes between the nodes speak (mutual) TLS with
 * the same certificates. The secrets go into files (or values) named by the NATS_* settings an
 * app takes.
 */
export async function writeSecuredNatsConfig(options: SecuredNatsOptions & { cluster?: boolean }): Promise<SecuredNatsConfig> {
  const dir = mkdtempSync(join(tmpdir(), 'wirehook-secured-nats-'));
  const secretFile = (name: string, content: string) => {
    const path = join(dir, name);
    writeFileSync(path, `${content}\n`, { mode: 0o600 });
    return path;
  };

  const { serverConfig, creds, user, secret } = await authSetup(options.auth);
  const clientEnv: Record<string, string> = {};
  if (creds) clientEnv.NATS_CREDS_FILE = secretFile('user.creds', creds);
  if (user) clientEnv.NATS_USER = user;
  if (secret && options.secretsAsValues) clientEnv[secret.setting] = secret.value;
  else if (secret) clientEnv[`${secret.setting}_FILE`] = secretFile(secret.setting.toLowerCase(), secret.value);

  const tls = Boolean(options.tls || options.mutualTls);
  const certificates = tls ? createTestCertificates() : undefined;
  const tlsBlock = (indent: string) =>
    certificates
      ? [
          'tls {',
          `  cert_file: ${JSON.stringify(certificates.certFile)}`,
          `  key_file: ${JSON.stringify(certificates.keyFile)}`,
          `  ca_file: ${JSON.stringify(certificates.caFile)}`,
          ...(options.mutualTls ? ['  verify: true'] : []),
          '  timeout: 5',
          '}',
        ].map((line) => `${indent}${line}`)
      : [];
  // The server certificate carries no extended key usage, so each node shows it to the others
  // as a route client too. The listen address and routes come from the command line.
  const clusterConfig = options.cluster && certificates ? ['cluster {', ...tlsBlock('  '), '}'] : [];
  if (certificates) {
    clientEnv.NATS_TLS_CA_FILE = certificates.caFile;
    if (options.mutualTls) {
      clientEnv.NATS_TLS_CERT_FILE = certificates.clientCertFile;
      clientEnv.NATS_TLS_KEY_FILE = certificates.clientKeyFile;
    }
  }

  const configFile = join(dir, 'nats-server.conf');
  writeFileSync(configFile, [serverConfig, ...tlsBlock(''), ...clusterConfig, ''].join('\n'));
  return {
    configFile,
    clientEnv,
    certificates,
    urlOf: (ports) => ports.map((port) => `${tls ? 'tls' : 'nats'}://127.0.0.1:${port}`).join(','),
    remove() {
      rmSync(dir, { recursive: true, force: true });
      if (certificates) rmSync(dirname(certificates.caFile), { recursive: true, force: true });
    },
  };
}

/**
 * Starts nats-server (JetStream on, loopback, free port) that requires the given way of
 * logging in, and TLS or mutual TLS when asked, from a configuration file it writes.
 */
export async function startSecuredNatsServer(options: SecuredNatsOptions): Promise<SecuredNatsServer> {
  const binary = natsServerBinary(loadConfig(ServerEnvironment).PATH);
  const config = await writeSecuredNatsConfig(options);
  const server = await startedOrRemoved(config, () =>
    startNatsServer({ binary, storeDir: join(dirname(config.configFile), 'store'), args: ['-c', config.configFile] }),
  );
  return { ...securedNats(config, config.urlOf([server.port]), () => server.stop()), server };
}

/**
 * Starts a {@link NatsCluster} of `size` nodes whose every node requires the given way of
 * logging in, and TLS or mutual TLS (routes included) when asked. Operator mode (`creds`)
 * runs JetStream in its application account, with the system account the cluster needs.
 */
export async function startSecuredNatsCluster(size: number, options: SecuredNatsOptions): Promise<SecuredNatsCluster> {
  const config = await writeSecuredNatsConfig({ ...options, cluster: true });
  // The cluster's own connections log in as the apps do, to the node URLs the cluster knows.
  const { auth, tls } = loadConfig(AppConfig, config.clientEnv).natsClientSettings();
  const cluster = await startedOrRemoved(config, () => NatsCluster.start(size, { args: ['-c', config.configFile], client: { auth, tls } }));
  return { ...securedNats(config, cluster.url, () => cluster.stop()), cluster };
}

/** Starts servers on a written configuration, removing its files when they fail to start. */
async function startedOrRemoved<T>(config: SecuredNatsConfig, start: () => Promise<T>): Promise<T> {
  try {
    return await start();
  } catch (error) {
    config.remove();
    throw error;
  }
}

/** What a test needs of secured servers running on `config` at `url`. */
function securedNats(config: SecuredNatsConfig, url: string, stopServers: () => Promise<void>): SecuredNats {
  const env = { ...config.clientEnv, NATS_URL: url };
  return {
    url,
    env,
    settings: loadConfig(AppConfig, env).natsClientSettings(),
    certificates: config.certificates,
    async stop() {
      await stopServers();
      config.remove();
    },
  };
}
