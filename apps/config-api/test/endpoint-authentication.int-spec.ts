import { X509Certificate } from 'node:crypto';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import type { Connection } from 'mongoose';
import { SecretBox } from '@wirehook/secret-box';
import { connectMongo } from '@wirehook/mongo';
import {
  ApiClient,
  createTestCertificates,
  expiredClientCertificate,
  startTestServers,
  testClientCertificate,
  type ClientCertificatePem,
  type TestCertificates,
  type TestServers,
} from '@wirehook/testing';
import { startConfigApi, type ConfigApiHarness } from './support/config-api-harness';
import { endpointSnapshot } from './support/endpoint-snapshots';

type Body = { data: Record<string, unknown> & { id: string }; error: { code: string; message: string; fields?: Record<string, string[]> } };

const URL_OK = 'https://127.0.0.1/hook';
const CLIENT_SECRET = 'oauth-client-secret-do-not-show';
const PROXY_PASSWORD = 'proxy-password-do-not-show';

/** Issue 17: mutual TLS client certificates, OAuth2 client credentials and per-endpoint proxies through the API. */
describe('config-api endpoint authentication and proxy settings', () => {
  let servers: TestServers;
  let api: ConfigApiHarness;
  let nc: NatsConnection;
  let mongo: Connection;
  let admin: ApiClient;
  let viewer: ApiClient;
  let certificates: TestCertificates;
  let client: ClientCertificatePem;
  let box: SecretBox;

  beforeAll(async () => {
    servers = await startTestServers('config-api-endpoint-auth');
    // Loopback allow-listed (an in-cluster receiver); 10/8 and cloud metadata are not.
    api = await startConfigApi(servers, { DELIVERY_ALLOW_CIDRS: '127.0.0.0/8,::1/128' });
    nc = await connect({ servers: servers.natsUrl });
    mongo = await connectMongo(servers.mongoUri, '1');
    ({ admin, viewer } = await api.tenant('acme'));
    certificates = createTestCertificates();
    client = testClientCertificate(certificates);
    box = SecretBox.fromBase64(api.encryptionKey);
  });

  afterAll(async () => {
    await mongo?.close();
    await nc?.close();
    await api?.close();
    await servers?.stop();
  });

  const createWith = (body: Record<string, unknown>) => admin.post<Body>('/api/v1/webhooks', { url: URL_OK, events: ['a.b'], ...body });
  const rawDocument = (id: string) => mongo.collection('endpoints').findOne({ _id: id as never });
  const oauth2 = { type: 'oauth2', token_url: 'https://localhost/oauth/token', client_id: 'wirehook', client_secret: CLIENT_SECRET, scope: 'webhooks:write' };
  const everything = () => ({
    auth: oauth2,
    tls_client: { certificate: client.certificate, private_key: client.privateKey },
    proxy_url: `http://user:${PROXY_PASSWORD}@localhost:3128`,
  });

  it('stores the client certificate, OAuth2 secret and proxy URL encrypted, and shows only what may be shown', async () => {
    const created = await createWith(everything());
    expect(created.status).toBe(201);
    const leaf = new X509Certificate(client.certificate);
    const expected = {
      auth: {
        type: 'oauth2',
        token_url: 'https://localhost/oauth/token',
        client_id: 'wirehook',
        client_secret: '********',
        scope: 'webhooks:write',
        audience: null,
      },
      tls_client: {
        subject: 'CN=wirehook test client',
        issuer: 'CN=wirehook test CA',
        not_after: new Date(leaf.validTo).toISOString(),
        fingerprint_sha256: leaf.fingerprint256,
      },
      proxy_url: 'http://user:********@localhost:3128',
    };
    expect(created.body.data).toMatchObject(expected);
    for (const read of [await admin.get<Body>(`/api/v1/webhooks/${created.body.data.id}`), await viewer.get<Body>('/api/v1/webhooks')]) {
      expect(read.status).toBe(200);
      const text = JSON.stringify(read.body);
      for (const secret of [CLIENT_SECRET, PROXY_PASSWORD, 'PRIVATE KEY', 'BEGIN CERTIFICATE']) expect(text).not.toContain(secret);
    }
    expect((await admin.get<Body>(`/api/v1/webhooks/${created.body.data.id}`)).body.data).toMatchObject(expected);

    const stored = await rawDocument(created.body.data.id);
    const storedText = JSON.stringify(stored);
    for (const secret of [CLIENT_SECRET, PROXY_PASSWORD, 'PRIVATE KEY', 'BEGIN CERTIFICATE']) expect(storedText).not.toContain(secret);
    expect(stored).toMatchObject({
      auth: { type: 'oauth2', encryptedValue: expect.stringMatching(/^enc:v1:/), tokenUrl: 'https://localhost/oauth/token', clientId: 'wirehook' },
      tlsClient: { encryptedCertificate: expect.stringMatching(/^enc:v1:/), encryptedPrivateKey: expect.stringMatching(/^enc:v1:/) },
      proxy: { encryptedUrl: expect.stringMatching(/^enc:v1:/), maskedUrl: 'http://user:********@localhost:3128' },
    });

    // The dispatcher's copy carries the ciphertexts, which decrypt to what was given.
    const snapshot = await endpointSnapshot(nc, 'acme', created.body.data.id);
    expect(box.decrypt(snapshot?.tlsClient?.encryptedCertificate as string)).toBe(client.certificate);
    expect(box.decrypt(snapshot?.tlsClient?.encryptedPrivateKey as string)).toBe(client.privateKey);
    expect(box.decrypt(snapshot?.encryptedProxyUrl as string)).toBe(`http://user:${PROXY_PASSWORD}@localhost:3128`);
    expect(snapshot?.auth).toMatchObject({ type: 'oauth2', tokenUrl: 'https://localhost/oauth/token', clientId: 'wirehook', scope: 'webhooks:write' });
    expect(box.decrypt(snapshot?.auth?.encryptedValue as string)).toBe(CLIENT_SECRET);
  });

  it('removes the client certificate and the proxy with null, and keeps them when left out', async () => {
    const { body } = await createWith(everything());
    const path = `/api/v1/webhooks/${body.data.id}`;
    const kept = await admin.request<Body>('PATCH', path, { description: 'renamed' });
    expect(kept.body.data).toMatchObject({
      tls_client: { subject: 'CN=wirehook test client' },
      proxy_url: 'http://user:********@localhost:3128',
      auth: { type: 'oauth2' },
    });
    const cleared = await admin.request<Body>('PATCH', path, { tls_client: null, proxy_url: null, auth: null });
    expect(cleared.status).toBe(200);
    expect(cleared.body.data).toMatchObject({ tls_client: null, proxy_url: null, auth: { type: 'none' } });
    const snapshot = await endpointSnapshot(nc, 'acme', body.data.id);
    expect(snapshot).not.toHaveProperty('tlsClient');
    expect(snapshot).not.toHaveProperty('encryptedProxyUrl');
    expect(await rawDocument(body.data.id)).toMatchObject({ tlsClient: null, proxy: null, auth: null });
  });

  it.each<[string, () => Record<string, unknown>, string, RegExp]>([
    [
      'a certificate that is not PEM',
      () => ({ tls_client: { certificate: 'not a certificate', private_key: client.privateKey } }),
      'tls_client.certificate',
      /must be a PEM certificate/,
    ],
    [
      'a damaged certificate',
      () => ({ tls_client: { certificate: '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n', private_key: client.privateKey } }),
      'tls_client.certificate',
      /could not be read/,
    ],
    [
      'a key that is not PEM',
      () => ({ tls_client: { certificate: client.certificate, private_key: 'nope' } }),
      'tls_client.private_key',
      /must be a PEM private key/,
    ],
    [
      'a key of another certificate',
      () => ({ tls_client: { certificate: client.certificate, private_key: certificates.key } }),
      'tls_client.private_key',
      /does not belong to the certificate/,
    ],
    [
      'an expired certificate',
      () => {
        const old = expiredClientCertificate(certificates);
        return { tls_client: { certificate: old.certificate, private_key: old.privateKey } };
      },
      'tls_client.certificate',
      /expired on 2020-01-02/,
    ],
    ['a missing key', () => ({ tls_client: { certificate: client.certificate } }), 'tls_client', /private_key is required/],
    ['a plain-http token URL', () => ({ auth: { ...oauth2, token_url: 'http://localhost/token' } }), 'auth.token_url', /auth.token_url must use https/],
    [
      'a token URL at a private address',
      () => ({ auth: { ...oauth2, token_url: 'https://10.0.0.1/token' } }),
      'auth.token_url',
      /auth.token_url host 10.0.0.1 is refused/,
    ],
    ['a token URL at the cloud metadata address', () => ({ auth: { ...oauth2, token_url: 'https://169.254.169.254/token' } }), 'auth.token_url', /is refused/],
    ['a token URL that is not a URL', () => ({ auth: { ...oauth2, token_url: 'token' } }), 'auth.token_url', /absolute URL/],
    ['a missing client secret', () => ({ auth: { ...oauth2, client_secret: undefined } }), 'auth', /client_secret is required/],
    ['a proxy URL with a path', () => ({ proxy_url: 'http://localhost:3128/path' }), 'proxy_url', /without a path/],
    ['a SOCKS proxy', () => ({ proxy_url: 'socks5://localhost:1080' }), 'proxy_url', /http or https/],
    ['a proxy at a private address', () => ({ proxy_url: 'http://10.0.0.1:3128' }), 'proxy_url', /proxy_url host 10.0.0.1 is refused/],
  ])('refuses %s with a 400 naming the field', async (_name, body, field, message) => {
    const answer = await createWith(body());
    expect(answer.status).toBe(400);
    expect(answer.body.error.message).toMatch(message);
    const fields = Object.keys(answer.body.error.fields ?? {});
    expect(fields.some((name) => name === field || name.startsWith(`${field}.`))).toBe(true);
    // The message names what is wrong, never the PEM text given.
    for (const pem of [client.privateKey, client.certificate]) expect(JSON.stringify(answer.body)).not.toContain(pem.split('\n')[1]);
  });
});
