import type { OutgoingWebhook, SendResult } from './webhook-sender';
import { OAuth2TokenCache, type OAuth2Credentials, type TokenRequestContext } from './oauth2-token-cache';

/** A token URL that answers as told, counting requests; answers wait until released when `hold` is set. */
class FakeTokenUrl {
  readonly requests: OutgoingWebhook[] = [];
  answer: (n: number) => SendResult = (n) => ({
    response: { status: 200, headers: {}, body: JSON.stringify({ access_token: `t${n}`, token_type: 'bearer', expires_in: 600 }), bodyTruncated: false },
    durationMs: 1,
  });
  hold = false;
  private readonly waiting: Array<() => void> = [];

  async send(request: OutgoingWebhook): Promise<SendResult> {
    this.requests.push(request);
    const n = this.requests.length;
    if (this.hold) await new Promise<void>((resolve) => this.waiting.push(resolve));
    return this.answer(n);
  }

  release(): void {
    this.waiting.splice(0).forEach((resolve) => resolve());
  }
}

const credentials: OAuth2Credentials = {
  key: 'k1',
  tokenUrl: 'https://auth.example.com/token',
  clientId: 'my client',
  clientSecret: 'p@ss:word',
  scope: 'a b',
  audience: 'api',
};
const context: TokenRequestContext = { endpointId: 'ep_1', timeoutMs: 5000, userAgent: 'wirehook/test' };

describe('OAuth2TokenCache', () => {
  let now: number;
  let url: FakeTokenUrl;
  let cache: OAuth2TokenCache;

  beforeEach(() => {
    now = 1_000_000;
    url = new FakeTokenUrl();
    cache = new OAuth2TokenCache(url, () => now);
  });

  it('asks with client_secret_basic and a client_credentials form, and keeps the token until shortly before it expires', async () => {
    expect(await cache.token(credentials, context)).toEqual({ token: 't1' });
    const request = url.requests[0];
    expect(request.headers.authorization).toBe(`Basic ${Buffer.from('my+client:p%40ss%3Aword').toString('base64')}`);
    expect(request.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(Object.fromEntries(new URLSearchParams(request.body))).toEqual({ grant_type: 'client_credentials', scope: 'a b', audience: 'api' });
    now += 569_000;
    expect(await cache.token(credentials, context)).toEqual({ token: 't1' });
    now += 2_000; // within 30 s of expires_in
    expect(await cache.token(credentials, context)).toEqual({ token: 't2' });
    expect(url.requests).toHaveLength(2);
  });

  it('shares one request among concurrent callers', async () => {
    url.hold = true;
    const results = Promise.all([1, 2, 3, 4, 5].map(() => cache.token(credentials, context)));
    await Promise.resolve();
    url.release();
    expect(await results).toEqual(Array(5).fill({ token: 't1' }));
    expect(url.requests).toHaveLength(1);
  });

  it('fetches once after a 401, however many deliveries saw it', async () => {
    await cache.token(credentials, context);
    const [a, b] = await Promise.all([cache.refresh(credentials, context, 't1'), cache.refresh(credentials, context, 't1')]);
    expect([a, b]).toEqual([{ token: 't2' }, { token: 't2' }]);
    expect(await cache.refresh(credentials, context, 't1')).toEqual({ token: 't2' });
    expect(url.requests).toHaveLength(2);
  });

  it('starts over when the credentials change', async () => {
    await cache.token(credentials, context);
    expect(await cache.token({ ...credentials, key: 'k2' }, context)).toEqual({ token: 't2' });
  });

  it.each([
    [
      { response: { status: 401, headers: {}, body: '{"error":"invalid_client","error_description":"bad secret"}', bodyTruncated: false }, durationMs: 1 },
      /HTTP 401: invalid_client \(bad secret\)/,
    ],
    [{ response: { status: 200, headers: {}, body: '{"token_type":"bearer"}', bodyTruncated: false }, durationMs: 1 }, /without an access_token/],
    [{ response: { status: 200, headers: {}, body: '{"access_token":"x","token_type":"mac"}', bodyTruncated: false }, durationMs: 1 }, /only bearer tokens/],
    [{ response: { status: 200, headers: {}, body: '<html>', bodyTruncated: false }, durationMs: 1 }, /without a JSON body/],
    [
      { error: { code: 'connection_refused' as const, message: 'Connection refused: ... (connect ECONNREFUSED 10.1.1.1:443)' }, durationMs: 1 },
      /the token request failed: Connection refused/,
    ],
  ])('turns a failed token request into an auth_token error that is not cached (%#)', async (answer, message) => {
    url.answer = () => answer;
    const result = await cache.token(credentials, context);
    expect(result.error).toEqual({ code: 'auth_token', message: expect.stringMatching(message) });
    expect(result.error?.message).not.toContain('p@ss');
    await cache.token(credentials, context);
    expect(url.requests).toHaveLength(2);
  });

  it('keeps an address refusal as ssrf_blocked, naming the token URL', async () => {
    url.answer = () => ({ error: { code: 'ssrf_blocked', message: 'Address not allowed: ... (refused to connect to 10.0.0.1)' }, durationMs: 0 });
    expect((await cache.token(credentials, context)).error).toEqual({
      code: 'ssrf_blocked',
      message: expect.stringMatching(/^token_url: Address not allowed/),
    });
  });
});
