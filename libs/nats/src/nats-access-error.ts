import { errors } from '@nats-io/transport-node';
import { natsServerUrls, type NatsAuth, type NatsClientSettings } from './nats-client-settings';

/**
 * NATS refused the connection for a reason waiting will not fix: the credentials, or TLS as
 * configured. The message names the problem; the error NATS or TLS gave is the `cause`.
 */
export class NatsAccessError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'NatsAccessError';
  }
}

/** The server verifies client certificates (mutual TLS) and the client has none to show. */
export class ClientCertificateRequiredError extends Error {
  constructor() {
    super('the server requires a client certificate (mutual TLS) and none is configured');
    this.name = 'ClientCertificateRequiredError';
  }
}

/** Node's codes for a server certificate it does not trust or that does not match the host. */
const CERTIFICATE_ERROR = /CERT|UNABLE_TO_VERIFY|UNABLE_TO_GET_ISSUER|ERR_TLS_|ERR_SSL_/;

function describeLogin(auth: NatsAuth | undefined): string {
  switch (auth?.method) {
    case undefined:
      return 'without credentials';
    case 'creds':
      return 'with the user JWT of the .creds file';
    case 'nkey':
      return 'with the NKey seed';
    case 'password':
      return `as user '${auth.user}' with a password`;
    case 'token':
      return 'with the token';
  }
}

/**
 * The {@link NatsAccessError} a failed connection attempt stands for, or undefined when the
 * failure may pass (the server is down or unreachable for now).
 */
export function natsAccessErrorOf(error: unknown, settings: NatsClientSettings): NatsAccessError | undefined {
  // Errors of Node's TLS layer may come from another realm (Jest's sandbox): no `instanceof Error`.
  if (typeof error !== 'object' || error === null || typeof (error as Error).message !== 'string') return undefined;
  const { message, code } = error as { message: string; code?: unknown };
  const servers = natsServerUrls(settings.servers).join(',');
  if (error instanceof ClientCertificateRequiredError) {
    return new NatsAccessError(`NATS at ${servers} requires a client certificate (mutual TLS) and none is configured`, { cause: error });
  }
  if (error instanceof errors.AuthorizationError || error instanceof errors.UserAuthenticationExpiredError) {
    return new NatsAccessError(`NATS at ${servers} refused the login ${describeLogin(settings.auth)}: ${error.message}`, { cause: error });
  }
  if (/does not support 'tls'|tls.*not available/i.test(message)) {
    return new NatsAccessError(`NATS at ${servers} does not offer TLS, and TLS is required (a tls:// URL, a CA file or a client certificate is configured)`, {
      cause: error,
    });
  }
  if (typeof code === 'string' && CERTIFICATE_ERROR.test(code)) {
    const trusted = settings.tls?.caFile ? `the CA file ${settings.tls.caFile}` : "the system's CAs (no CA file is configured)";
    return new NatsAccessError(`TLS to NATS at ${servers} failed: ${message} (${code}); the server's certificate is checked against ${trusted}`, {
      cause: error,
    });
  }
  return undefined;
}
