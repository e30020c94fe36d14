import { errors } from '@nats-io/transport-node';
import { ClientCertificateRequiredError, natsAccessErrorOf } from './nats-access-error';

const withCode = (message: string, code: string) => Object.assign(new Error(message), { code });

describe('natsAccessErrorOf', () => {
  const servers = 'tls://nats-1:4222,tls://nats-2:4222';

  it('names a refused login and how the client logged in', () => {
    const refused = new errors.AuthorizationError('Authorization Violation');
    expect(natsAccessErrorOf(refused, { servers, auth: { method: 'password', user: 'app', password: 'pw' } })?.message).toBe(
      "NATS at tls://nats-1:4222,tls://nats-2:4222 refused the login as user 'app' with a password: Authorization Violation",
    );
    expect(natsAccessErrorOf(refused, { servers })?.message).toContain('refused the login without credentials');
    expect(natsAccessErrorOf(refused, { servers, auth: { method: 'token', token: 'secret-token' } })?.message).not.toContain('secret-token');
  });

  it('names an untrusted server certificate and the CAs it was checked against', () => {
    const untrusted = withCode('unable to verify the first certificate', 'UNABLE_TO_VERIFY_LEAF_SIGNATURE');
    expect(natsAccessErrorOf(untrusted, { servers, tls: { caFile: '/etc/nats/ca.pem' } })?.message).toBe(
      "TLS to NATS at tls://nats-1:4222,tls://nats-2:4222 failed: unable to verify the first certificate (UNABLE_TO_VERIFY_LEAF_SIGNATURE); the server's certificate is checked against the CA file /etc/nats/ca.pem",
    );
    expect(natsAccessErrorOf(withCode("Hostname/IP does not match certificate's altnames", 'ERR_TLS_CERT_ALTNAME_INVALID'), { servers })?.message).toContain(
      "checked against the system's CAs",
    );
  });

  it('names a server without TLS and one that wants a client certificate', () => {
    expect(natsAccessErrorOf(new errors.ConnectionError("server does not support 'tls'"), { servers })?.message).toContain(
      'does not offer TLS, and TLS is required',
    );
    expect(natsAccessErrorOf(new ClientCertificateRequiredError(), { servers })?.message).toBe(
      'NATS at tls://nats-1:4222,tls://nats-2:4222 requires a client certificate (mutual TLS) and none is configured',
    );
  });

  it('leaves failures that may pass to waiting', () => {
    expect(natsAccessErrorOf(new errors.ConnectionError('connection refused'), { servers })).toBeUndefined();
    expect(natsAccessErrorOf(new errors.TimeoutError(), { servers })).toBeUndefined();
    expect(natsAccessErrorOf(withCode('getaddrinfo ENOTFOUND nats-1', 'ENOTFOUND'), { servers })).toBeUndefined();
  });
});
