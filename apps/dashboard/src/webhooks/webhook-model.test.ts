import { initialValues, toRequestBody } from './webhook-form-model';
import { aWebhook } from './webhook-fixtures';
import { describeRetry, formatDelay, parseDelays, webhookState } from './webhook-model';

describe('webhook helpers', () => {
  it('writes and reads retry delays in the largest unit that fits', () => {
    expect([200, 5_000, 300_000, 7_200_000, 1_500].map(formatDelay)).toEqual(['200ms', '5s', '5m', '2h', '1500ms']);
    expect(parseDelays('10s, 1m\n500ms 2h 1.5s')).toEqual({ delays: [10_000, 60_000, 500, 7_200_000, 1_500] });
    expect(parseDelays('10s, soon')).toEqual({ problem: '"soon" is not a delay such as 500ms, 10s, 5m or 2h.' });
    expect(parseDelays('50ms')).toEqual({ problem: '50ms is out of range: each delay is 100ms to 24h.' });
    expect(parseDelays('25h')).toEqual({ problem: '25h is out of range: each delay is 100ms to 24h.' });
    expect(parseDelays(' ')).toEqual({ problem: 'Enter at least one delay, or choose "No retries".' });
    expect(parseDelays(Array.from({ length: 21 }, () => '1s').join(','))).toEqual({ problem: 'At most 20 retries.' });
  });

  it('names the retry settings and the state the API reads back', () => {
    expect(describeRetry({ policy: 'quick' })).toBe('Quick: 200ms, 400ms, 800ms');
    expect(describeRetry({ policy: 'none' })).toBe('No retries');
    expect(describeRetry({ schedule_ms: [] })).toBe('No retries');
    expect(webhookState({ active: true, disabled_reason: null })).toBe('active');
    expect(webhookState({ active: false, disabled_reason: null })).toBe('paused');
    expect(webhookState({ active: false, disabled_reason: '410 Gone' })).toBe('disabled');
  });

  it('asks for the header value again when the name of a stored auth header changes, and keeps it otherwise', () => {
    const stored = aWebhook({ auth: { type: 'header', header_name: 'x-api-key', header_value: '********' } });
    const unchanged = toRequestBody(initialValues(stored), stored);
    expect(unchanged.body).not.toHaveProperty('auth');
    const renamed = toRequestBody({ ...initialValues(stored), headerName: 'X-Other-Key' }, stored);
    expect(renamed.problems?.['auth.header_value']).toEqual(['Enter the value again: the stored one is kept only while the header name stays the same.']);
    const newValue = toRequestBody({ ...initialValues(stored), headerValue: 'v2' }, stored);
    expect(newValue.body?.auth).toEqual({ type: 'header', header_name: 'x-api-key', header_value: 'v2' });
  });

  it('sends a custom schedule only when it differs from the stored one', () => {
    const stored = aWebhook({ retry: { schedule_ms: [1000, 60_000] } });
    expect(initialValues(stored)).toMatchObject({ retryPolicy: 'custom', schedule: '1s, 1m' });
    expect(toRequestBody(initialValues(stored), stored).body).not.toHaveProperty('retry');
    expect(toRequestBody({ ...initialValues(stored), schedule: '1s, 2m' }, stored).body?.retry).toEqual({ schedule_ms: [1000, 120_000] });
  });

  it('sends OAuth 2 credentials, a client certificate and a proxy only when they change', () => {
    const created = toRequestBody({
      ...initialValues(),
      url: 'https://hooks.example.com/a',
      events: 'order.*',
      authType: 'oauth2',
      tokenUrl: 'https://auth.example.com/token',
      clientId: 'wirehook',
      clientSecret: 'shh',
      scope: 'webhooks:write',
      tlsCertificate: '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----',
      tlsPrivateKey: '-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----',
      proxyUrl: 'http://proxy.example.com:3128',
    });
    expect(created.body).toMatchObject({
      auth: { type: 'oauth2', token_url: 'https://auth.example.com/token', client_id: 'wirehook', client_secret: 'shh', scope: 'webhooks:write' },
      tls_client: { certificate: expect.stringContaining('BEGIN CERTIFICATE') as string, private_key: expect.stringContaining('PRIVATE KEY') as string },
      proxy_url: 'http://proxy.example.com:3128',
    });

    const stored = aWebhook({
      auth: { type: 'oauth2', token_url: 'https://auth.example.com/token', client_id: 'wirehook', client_secret: '********', scope: null, audience: null },
      tls_client: { subject: 'CN=wirehook', issuer: 'CN=ca', not_after: '2027-01-01T00:00:00Z', fingerprint_sha256: 'AB:CD' },
      proxy_url: 'http://user:********@proxy.example.com:3128',
    });
    const kept = toRequestBody(initialValues(stored), stored);
    expect(kept.body).not.toHaveProperty('auth');
    expect(kept.body).not.toHaveProperty('tls_client');
    expect(kept.body).not.toHaveProperty('proxy_url');
    const changed = toRequestBody({ ...initialValues(stored), clientId: 'other', tlsRemove: true, proxyUrl: '' }, stored);
    expect(changed.problems?.['auth.client_secret']?.[0]).toMatch(/Enter the client secret again/);
    const fixed = toRequestBody({ ...initialValues(stored), clientId: 'other', clientSecret: 'new', tlsRemove: true, proxyUrl: '' }, stored);
    expect(fixed.body).toMatchObject({ auth: { type: 'oauth2', client_id: 'other', client_secret: 'new' }, tls_client: null, proxy_url: null });
    expect(toRequestBody({ ...initialValues(stored), proxyUrl: 'http://user:********@proxy.example.com:8080' }, stored).problems?.['proxy_url']).toEqual([
      'Type the proxy password again: the stored one is never shown.',
    ]);
  });
});
