import { MutualTlsReceiver, OAuth2TokenServer, eventually, testClientCertificate, type HttpsReceiver } from '@wirehook/testing';
import { startDispatcherTestbed, type DispatcherHarness, type DispatcherTestbed } from './support/dispatcher-harness';

/** Mutual TLS and OAuth2 client credentials, against a receiver that requires a client certificate and a real token endpoint. */
describe('endpoint authentication: mutual TLS and OAuth2', () => {
  let testbed: DispatcherTestbed;
  let mtls: MutualTlsReceiver;
  let receiver: HttpsReceiver;
  let tokens: OAuth2TokenServer;
  let dispatcher: DispatcherHarness;
  let client: { certificate: string; privateKey: string };

  beforeAll(async () => {
    testbed = await startDispatcherTestbed('dispatcher-endpoint-auth');
    ({ receiver, dispatcher } = testbed);
    client = testClientCertificate(testbed.certificates);
    mtls = await MutualTlsReceiver.start(testbed.certificates);
    tokens = await OAuth2TokenServer.start(testbed.certificates);
  });

  afterAll(async () => {
    await testbed?.stop();
    await Promise.all([mtls?.stop(), tokens?.stop()]);
  });

  /** Publishes `count` events of a type only the endpoint under test subscribes to; waits for their attempt records. */
  const deliver = async (endpointId: string, event: string, count = 1) => {
    const before = dispatcher.attemptsOf(endpointId).length;
    for (let i = 0; i < count; i += 1) await dispatcher.publisher.publish('acme', { event, data: { i } });
    await eventually(() => dispatcher.attemptsOf(endpointId).length >= before + count, { timeoutMs: 20_000 });
    return dispatcher.attemptsOf(endpointId).slice(before);
  };

  const oauth2Auth = () => ({
    type: 'oauth2' as const,
    tokenUrl: tokens.url(),
    clientId: tokens.clientId,
    encryptedValue: dispatcher.encrypt(tokens.clientSecret),
    scope: 'webhooks:write',
  });

  it('presents the endpoint client certificate to a receiver that requires one', async () => {
    const endpoint = await dispatcher.addEndpoint('acme', {
      url: mtls.url(),
      events: ['mtls.with'],
      retryScheduleMs: [],
      tlsClient: { encryptedCertificate: dispatcher.encrypt(client.certificate), encryptedPrivateKey: dispatcher.encrypt(client.privateKey) },
    });
    const [attempt] = await deliver(endpoint.id, 'mtls.with');
    expect(attempt).toMatchObject({ status: 'success', response: { status: 200 } });
    expect(mtls.clientSubjects).toContain('wirehook test client');
  });

  it('fails with tls without a client certificate', async () => {
    const endpoint = await dispatcher.addEndpoint('acme', { url: mtls.url(), events: ['mtls.without'], retryScheduleMs: [] });
    const [attempt] = await deliver(endpoint.id, 'mtls.without');
    expect(attempt.status).toBe('failed');
    // Under TLS 1.3 the server checks the client's certificate after the client has finished its
    // handshake: the refusal comes as a closed connection once the request is sent, not as a TLS error.
    expect(attempt.error?.code).toMatch(/^(tls|connection_reset)$/);
    expect(mtls.clientSubjects).not.toContain('');
  });

  it('fetches one token for many deliveries and sends it as a bearer token', async () => {
    const endpoint = await dispatcher.addEndpoint('acme', { url: receiver.url('/oauth-cached'), events: ['oauth.cached'], auth: oauth2Auth() });
    const before = tokens.requests.length;
    await deliver(endpoint.id, 'oauth.cached');
    const attempts = await deliver(endpoint.id, 'oauth.cached', 4);
    expect(attempts.map((attempt) => attempt.status)).toEqual(Array(4).fill('success'));
    expect(tokens.requests.length - before).toBe(1);
    const request = tokens.requests.at(-1);
    expect(request).toMatchObject({
      authorization: tokens.expectedBasic(),
      contentType: 'application/x-www-form-urlencoded',
      form: { grant_type: 'client_credentials', scope: 'webhooks:write' },
    });
    const token = tokens.latest;
    expect(receiver.requestsTo('/oauth-cached').map((received) => received.headers.authorization)).toEqual(Array(5).fill(`Bearer ${token}`));
    expect(attempts[0].request.headers.authorization).toBe('[redacted]');
  });

  it('fetches a new token once the cached one expired', async () => {
    tokens.expiresInSeconds = 1;
    try {
      const endpoint = await dispatcher.addEndpoint('acme', { url: receiver.url('/oauth-expiry'), events: ['oauth.expiry'], auth: oauth2Auth() });
      const before = tokens.requests.length;
      await deliver(endpoint.id, 'oauth.expiry');
      const expired = Date.now() + 1000;
      await eventually(() => Date.now() > expired);
      await deliver(endpoint.id, 'oauth.expiry');
      expect(tokens.requests.length - before).toBe(2);
      const seen = receiver.requestsTo('/oauth-expiry').map((received) => received.headers.authorization);
      expect(new Set(seen).size).toBe(2);
    } finally {
      tokens.expiresInSeconds = 3600;
    }
  });

  it('on a 401 fetches exactly one new token and retries within the same attempt', async () => {
    const endpoint = await dispatcher.addEndpoint('acme', { url: receiver.url('/oauth-revoked'), events: ['oauth.revoked'], auth: oauth2Auth() });
    await deliver(endpoint.id, 'oauth.revoked');
    const revoked = tokens.latest;
    const before = tokens.requests.length;
    receiver.respondWith((request) =>
      request.path === '/oauth-revoked' && request.headers.authorization === `Bearer ${revoked}` ? { status: 401 } : { status: 200 },
    );
    try {
      const [attempt] = await deliver(endpoint.id, 'oauth.revoked');
      expect(attempt).toMatchObject({ attempt: 1, status: 'success', response: { status: 200 } });
      expect(tokens.requests.length - before).toBe(1);
      expect(
        receiver
          .requestsTo('/oauth-revoked')
          .slice(-2)
          .map((received) => received.headers.authorization),
      ).toEqual([`Bearer ${revoked}`, `Bearer ${tokens.latest}`]);
    } finally {
      receiver.respondWith(() => ({ status: 200 }));
    }
  });

  it('records a failed token request as auth_token and does not call the endpoint', async () => {
    const endpoint = await dispatcher.addEndpoint('acme', {
      url: receiver.url('/oauth-bad-secret'),
      events: ['oauth.bad'],
      retryScheduleMs: [],
      auth: { ...oauth2Auth(), encryptedValue: dispatcher.encrypt('wrong secret') },
    });
    const [attempt] = await deliver(endpoint.id, 'oauth.bad');
    expect(attempt.status).toBe('failed');
    expect(attempt.error).toEqual({ code: 'auth_token', message: expect.stringContaining('HTTP 401: invalid_client') });
    expect(attempt.error?.message).not.toContain('wrong secret');
    expect(receiver.requestsTo('/oauth-bad-secret')).toHaveLength(0);
  });

  it.each(['https://10.0.0.1/token', 'https://169.254.169.254/latest/meta-data'])('refuses a token URL at a forbidden address (%s)', async (tokenUrl) => {
    const before = tokens.requests.length;
    const endpoint = await dispatcher.addEndpoint('acme', {
      url: receiver.url('/oauth-ssrf'),
      events: ['oauth.ssrf'],
      auth: { ...oauth2Auth(), tokenUrl },
    });
    const [attempt] = await deliver(endpoint.id, 'oauth.ssrf');
    expect(attempt).toMatchObject({ status: 'failed', error: { code: 'ssrf_blocked', message: expect.stringMatching(/^token_url: /) } });
    expect(attempt.nextAttemptAt).toBeUndefined();
    expect(tokens.requests.length).toBe(before);
    await dispatcher.putEndpoint({ ...endpoint, active: false, revision: 2 });
  });
});
