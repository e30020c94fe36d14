import { jetstreamManager } from '@nats-io/jetstream';
import { connect as connectNestClient } from 'nats';
import { startSecuredNatsServer, type SecuredNatsServer } from '@wirehook/testing';
import { NatsAccessError, connectNats, nestNatsOptions, type NatsClientSettings } from '../src';

/** Connects as the apps do and asks JetStream for the account: proof of a working connection. */
async function jetStreamAnswers(settings: NatsClientSettings): Promise<boolean> {
  const nc = await connectNats(settings, 'tls-test');
  try {
    return (await (await jetstreamManager(nc)).getAccountInfo()).limits !== undefined;
  } finally {
    await nc.close();
  }
}

describe('NATS over TLS', () => {
  let nats: SecuredNatsServer;

  beforeAll(async () => {
    nats = await startSecuredNatsServer({ auth: 'none', tls: true });
  });

  afterAll(async () => {
    await nats?.stop();
  });

  it('connects with the CA file of the NATS_* settings, from connectNats and from the Nest client', async () => {
    expect(nats.env).toMatchObject({ NATS_URL: nats.url, NATS_TLS_CA_FILE: nats.certificates?.caFile });
    expect(nats.url).toMatch(/^tls:\/\//);
    expect(await jetStreamAnswers(nats.settings)).toBe(true);
    const nestClient = await connectNestClient(nestNatsOptions(nats.settings, 'tls-test-rpc'));
    expect(nestClient.info?.tls_required).toBe(true);
    await nestClient.close();
  });

  it("refuses a server certificate the system's CAs do not vouch for, saying what it checked against", async () => {
    const withoutCa = { servers: nats.url };
    await expect(connectNats(withoutCa, 'no-ca')).rejects.toThrow(NatsAccessError);
    await expect(connectNats(withoutCa, 'no-ca')).rejects.toThrow(
      `TLS to NATS at ${nats.url} failed: unable to verify the first certificate (UNABLE_TO_VERIFY_LEAF_SIGNATURE); the server's certificate is checked against the system's CAs`,
    );
  });
});

describe('NATS without TLS, for a client that asks for it', () => {
  let nats: SecuredNatsServer;

  beforeAll(async () => {
    nats = await startSecuredNatsServer({ auth: 'none' });
  });

  afterAll(async () => {
    await nats?.stop();
  });

  it('is refused rather than spoken to in the clear, whether a tls:// URL or a CA file asked for TLS', async () => {
    const port = nats.server.port;
    await expect(connectNats({ servers: `tls://127.0.0.1:${port}` }, 'tls-url')).rejects.toThrow(
      `NATS at tls://127.0.0.1:${port} does not offer TLS, and TLS is required`,
    );
    await expect(connectNats({ servers: nats.url, tls: { caFile: '/unused/ca.pem' } }, 'ca-file')).rejects.toThrow('does not offer TLS, and TLS is required');
    expect(await jetStreamAnswers({ servers: nats.url })).toBe(true);
  });
});

describe('NATS with mutual TLS (verify: true)', () => {
  let nats: SecuredNatsServer;

  beforeAll(async () => {
    nats = await startSecuredNatsServer({ auth: 'none', mutualTls: true });
  });

  afterAll(async () => {
    await nats?.stop();
  });

  it('lets in a client that shows the certificate of NATS_TLS_CERT_FILE / NATS_TLS_KEY_FILE', async () => {
    expect(nats.env).toMatchObject({ NATS_TLS_CERT_FILE: nats.certificates?.clientCertFile, NATS_TLS_KEY_FILE: nats.certificates?.clientKeyFile });
    expect(await jetStreamAnswers(nats.settings)).toBe(true);
    const nestClient = await connectNestClient(nestNatsOptions(nats.settings, 'mtls-test-rpc'));
    await nestClient.flush();
    await nestClient.close();
  });

  it('refuses a client without a certificate at once, saying one is required', async () => {
    const withoutCertificate = { servers: nats.url, tls: { caFile: nats.certificates?.caFile } };
    await expect(connectNats(withoutCertificate, 'no-cert')).rejects.toThrow(
      `NATS at ${nats.url} requires a client certificate (mutual TLS) and none is configured`,
    );
  });
});
