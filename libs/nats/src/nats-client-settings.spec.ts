import { createAccount, createUser, encodeUser, fmtCreds } from '@nats-io/jwt';
import { fromPublic } from '@nats-io/nkeys';
import type { Auth } from '@nats-io/transport-node';
import { natsConnectionOptions, natsServerUrls, type NatsClientSettings } from './nats-client-settings';
import { nestNatsOptions } from './nest-nats-options';

/** What each client sends in CONNECT for a server nonce, with the v3 and with the v2 (Nest) options. */
function loginsFor(settings: NatsClientSettings, nonce = 'server-nonce'): Auth[] {
  const v3 = natsConnectionOptions(settings).authenticator;
  const v2: unknown = nestNatsOptions(settings, 'test').authenticator;
  if (typeof v3 !== 'function' || typeof v2 !== 'function') throw new Error('expected an authenticator from both');
  return [v3(nonce), (v2 as (nonce: string) => Auth)(nonce)];
}

/** Whether the login carries a signature of the nonce by the public key. */
function signs(login: Auth, publicKey: string, nonce: string): boolean {
  if (!login || !('sig' in login) || typeof login.sig !== 'string') return false;
  return fromPublic(publicKey).verify(new TextEncoder().encode(nonce), Buffer.from(login.sig, 'base64url'));
}

describe('NATS client options from settings', () => {
  it('lists the servers of a comma-separated NATS_URL or a list', () => {
    expect(natsServerUrls(' nats://a:4222 , nats://b:4222,')).toEqual(['nats://a:4222', 'nats://b:4222']);
    expect(natsConnectionOptions({ servers: ['nats://a:4222'] }).servers).toEqual(['nats://a:4222']);
    expect(nestNatsOptions({ servers: 'nats://a:4222,nats://b:4222' }, 'log-service-rpc')).toEqual({
      servers: ['nats://a:4222', 'nats://b:4222'],
      name: 'log-service-rpc',
    });
  });

  it('asks for no TLS and sends no credentials when none are configured', () => {
    expect(natsConnectionOptions({ servers: 'nats://a:4222' })).toEqual({ servers: ['nats://a:4222'] });
  });

  it('insists on TLS for a tls:// URL, a CA file or a client certificate, with the same files for both clients', () => {
    expect(natsConnectionOptions({ servers: 'tls://a:4222' }).tls).toEqual({});
    expect(natsConnectionOptions({ servers: 'nats://a:4222', tls: { caFile: '/ca.pem' } }).tls).toEqual({ caFile: '/ca.pem' });
    const mutual: NatsClientSettings = { servers: 'nats://a:4222', tls: { caFile: '/ca.pem', clientCertificate: { certFile: '/c.pem', keyFile: '/k.pem' } } };
    expect(natsConnectionOptions(mutual).tls).toEqual({ caFile: '/ca.pem', certFile: '/c.pem', keyFile: '/k.pem' });
    expect(nestNatsOptions(mutual, 'rpc').tls).toEqual({ caFile: '/ca.pem', certFile: '/c.pem', keyFile: '/k.pem' });
  });

  it('logs in with a user and password, or a token', () => {
    expect(loginsFor({ servers: 'nats://a', auth: { method: 'password', user: 'app', password: 'pw' } })).toEqual([
      { user: 'app', pass: 'pw' },
      { user: 'app', pass: 'pw' },
    ]);
    expect(loginsFor({ servers: 'nats://a', auth: { method: 'token', token: 'tk' } })).toEqual([{ auth_token: 'tk' }, { auth_token: 'tk' }]);
  });

  it('signs the server nonce with an NKey seed', () => {
    const user = createUser();
    const seed = new TextDecoder().decode(user.getSeed());
    for (const login of loginsFor({ servers: 'nats://a', auth: { method: 'nkey', seed } }, 'nonce-1')) {
      expect(login).toMatchObject({ nkey: user.getPublicKey() });
      expect(signs(login, user.getPublicKey(), 'nonce-1')).toBe(true);
    }
  });

  it('sends the user JWT of a .creds file and signs the nonce with its seed', async () => {
    const user = createUser();
    const jwt = await encodeUser('app', user, createAccount());
    const creds = new TextDecoder().decode(fmtCreds(jwt, user));
    for (const login of loginsFor({ servers: 'nats://a', auth: { method: 'creds', creds } }, 'nonce-2')) {
      expect(login).toMatchObject({ jwt, nkey: user.getPublicKey() });
      expect(signs(login, user.getPublicKey(), 'nonce-2')).toBe(true);
    }
  });
});
