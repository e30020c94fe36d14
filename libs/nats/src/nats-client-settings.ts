import * as natsClient from '@nats-io/transport-node';
import type { ConnectionOptions, TlsOptions } from '@nats-io/transport-node';

/**
 * How a client proves who it is to NATS: one of the methods a NATS server accepts, never two
 * (the server would check only one of them).
 */
export type NatsAuth =
  /** Operator/JWT mode: the contents of a `.creds` file (the user JWT and its NKey seed). */
  | { method: 'creds'; creds: string }
  /** A user NKey seed (`SU...`); the server knows the public key. */
  | { method: 'nkey'; seed: string }
  | { method: 'password'; user: string; password: string }
  | { method: 'token'; token: string };

/** PEM files of a TLS connection to NATS. */
export interface NatsTlsFiles {
  /** CA that signed the server's certificate; unset, the system's trusted CAs are used. */
  caFile?: string;
  /** Certificate and key the client shows, for a server that verifies clients (mutual TLS). */
  clientCertificate?: { certFile: string; keyFile: string };
}

/** Where a NATS client connects and how: what an app's NATS_* settings say, secrets already read. */
export interface NatsClientSettings {
  /** Server URLs, as a list or comma-separated (NATS_URL). */
  servers: string | readonly string[];
  /** Unset, the client connects without credentials. */
  auth?: NatsAuth;
  /**
   * Set (even empty), the client insists on TLS and refuses a server that does not offer it; a
   * `tls://` server URL does the same. Unset, TLS is still used when the server requires it.
   */
  tls?: NatsTlsFiles;
}

/** The four authenticator factories both NATS clients in use export, with the same behaviour. */
export interface AuthenticatorFactories<A> {
  credsAuthenticator(creds: Uint8Array): A;
  nkeyAuthenticator(seed: Uint8Array): A;
  usernamePasswordAuthenticator(user: string, password: string): A;
  tokenAuthenticator(token: string): A;
}

/** The server URLs of the settings, one per entry. */
export function natsServerUrls(servers: NatsClientSettings['servers']): string[] {
  const list = typeof servers === 'string' ? servers.split(',') : servers;
  return list.map((server) => server.trim()).filter((server) => server.length > 0);
}

/** The authenticator of `auth`, made by the factories of one of the two NATS clients. */
export function authenticatorFor<A>(auth: NatsAuth, factories: AuthenticatorFactories<A>): A {
  const encoder = new TextEncoder();
  switch (auth.method) {
    case 'creds':
      return factories.credsAuthenticator(encoder.encode(auth.creds));
    case 'nkey':
      return factories.nkeyAuthenticator(encoder.encode(auth.seed));
    case 'password':
      return factories.usernamePasswordAuthenticator(auth.user, auth.password);
    case 'token':
      return factories.tokenAuthenticator(auth.token);
  }
}

/**
 * The `tls` option both clients take. nats.js ignores the scheme of a server URL, so a `tls://`
 * URL only means TLS when the option is set; with it set, a server without TLS is refused
 * instead of being spoken to in the clear.
 */
export function tlsOptionsFor(settings: NatsClientSettings): TlsOptions | undefined {
  const wantsTls = settings.tls !== undefined || natsServerUrls(settings.servers).some((server) => /^tls:\/\//i.test(server));
  if (!wantsTls) return undefined;
  const { caFile, clientCertificate } = settings.tls ?? {};
  return {
    ...(caFile ? { caFile } : {}),
    ...(clientCertificate ? { certFile: clientCertificate.certFile, keyFile: clientCertificate.keyFile } : {}),
  };
}

/** Options of `connect` of `@nats-io/transport-node` (nats.js v3) for the settings. */
export function natsConnectionOptions(settings: NatsClientSettings): Pick<ConnectionOptions, 'servers' | 'authenticator' | 'tls'> {
  const tls = tlsOptionsFor(settings);
  return {
    servers: natsServerUrls(settings.servers),
    ...(settings.auth ? { authenticator: authenticatorFor(settings.auth, natsClient) } : {}),
    ...(tls ? { tls } : {}),
  };
}
