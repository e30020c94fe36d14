import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { createUser } from '@nats-io/nkeys';
import { connect as connectNestClient } from 'nats';
import { startSecuredNatsServer, untrustedNatsCreds, type NatsTestAuth, type SecuredNatsServer } from '@wirehook/testing';
import { NatsAccessError, connectNats, nestNatsOptions, type NatsAuth } from '../src';

/** Stores a message in a stream of its own and reads it back: what the apps need of JetStream. */
async function roundTripThroughJetStream(nc: NatsConnection, stream: string): Promise<string> {
  const jsm = await jetstreamManager(nc);
  await jsm.streams.add({ name: stream, subjects: [`${stream.toLowerCase()}.>`] });
  const ack = await jetstream(nc).publish(`${stream.toLowerCase()}.hello`, 'stored');
  return (await jsm.streams.getMessage(stream, { seq: ack.seq }))?.string() ?? '';
}

/** Credentials of the same kind as the server's, but not ones it accepts. */
async function wrongAuth(auth: NatsAuth | undefined): Promise<NatsAuth> {
  switch (auth?.method) {
    case undefined:
      throw new Error('the test server takes credentials');
    case 'password':
      return { ...auth, password: `${auth.password}-wrong` };
    case 'token':
      return { ...auth, token: `${auth.token}-wrong` };
    case 'nkey':
      return { method: 'nkey', seed: new TextDecoder().decode(createUser().getSeed()) };
    case 'creds':
      return { method: 'creds', creds: await untrustedNatsCreds() };
  }
}

describe.each<{ auth: Exclude<NatsTestAuth, 'none'>; secrets: 'files' | 'values' }>([
  { auth: 'password', secrets: 'files' },
  { auth: 'password', secrets: 'values' },
  { auth: 'token', secrets: 'files' },
  { auth: 'token', secrets: 'values' },
  { auth: 'nkey', secrets: 'files' },
  { auth: 'nkey', secrets: 'values' },
  // A .creds file is always a file.
  { auth: 'creds', secrets: 'files' },
])('NATS that requires $auth login, secrets given as $secrets', ({ auth, secrets }) => {
  let nats: SecuredNatsServer;

  beforeAll(async () => {
    nats = await startSecuredNatsServer({ auth, secretsAsValues: secrets === 'values' });
  });

  afterAll(async () => {
    await nats?.stop();
  });

  it('lets connectNats in with the NATS_* settings, and JetStream works', async () => {
    expect(Object.keys(nats.env).some((name) => name.endsWith('_FILE'))).toBe(secrets === 'files');
    const nc = await connectNats(nats.settings, 'auth-test');
    try {
      expect(await roundTripThroughJetStream(nc, `AUTH_${auth.toUpperCase()}`)).toBe('stored');
    } finally {
      await nc.close();
    }
  });

  it("lets the Nest transports' client (nats v2) in with the same settings", async () => {
    const nestClient = await connectNestClient(nestNatsOptions(nats.settings, 'auth-test-rpc'));
    const nc = await connectNats(nats.settings, 'auth-test-responder');
    try {
      nc.subscribe('auth.echo', {
        callback: (_error, message) => {
          message.respond(`echo ${message.string()}`);
        },
      });
      await nc.flush();
      const reply = await nestClient.request('auth.echo', new TextEncoder().encode('hi'), { timeout: 5_000 });
      expect(new TextDecoder().decode(reply.data)).toBe('echo hi');
    } finally {
      await nestClient.close();
      await nc.close();
    }
  });

  it('refuses wrong credentials with an error that names the refusal', async () => {
    const settings = { ...nats.settings, auth: await wrongAuth(nats.settings.auth) };
    await expect(connectNats(settings, 'wrong')).rejects.toThrow(NatsAccessError);
    await expect(connectNats(settings, 'wrong')).rejects.toThrow(`NATS at ${nats.url} refused the login`);
  });

  it('refuses a client without credentials, saying it had none', async () => {
    await expect(connectNats({ servers: nats.url }, 'anonymous')).rejects.toThrow(
      `NATS at ${nats.url} refused the login without credentials: Authorization Violation`,
    );
  });
});
