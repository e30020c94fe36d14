import { SecretBox } from '@wirehook/secret-box';
import type { ApiClient } from '@wirehook/testing';
import { startConfigApiTestbed, type ConfigApiHarness, type ConfigApiTestbed } from './support/config-api-harness';

type Body = { data: Record<string, unknown> & { id: string }; error: { code: string; message: string; fields?: Record<string, string[]> } };

const URL_OK = 'https://127.0.0.1/hook';

/** Issue 12, items 3, 4, 6, 9, 17 and 20: what an endpoint may be configured with, and what the API says. */
describe('config-api endpoint settings', () => {
  let testbed: ConfigApiTestbed;
  let api: ConfigApiHarness;
  let admin: ApiClient;

  beforeAll(async () => {
    // Loopback allow-listed, as an in-cluster deployment would allow its own range.
    testbed = await startConfigApiTestbed('config-api-endpoint-settings', { DELIVERY_ALLOW_CIDRS: '127.0.0.0/8,::1/128', MAX_WEBHOOKS_PER_TENANT: '100' });
    ({ api, admin } = testbed);
  });

  afterAll(() => testbed?.stop());

  const snapshotOf = (id: string) => testbed.snapshotOf(id);
  const createWith = (body: Record<string, unknown>) => admin.post<Body>('/api/v1/webhooks', { url: URL_OK, events: ['a.b'], ...body });

  it.each([
    ['CR LF', 'a\r\nX-Injected: 1'],
    ['LF', 'a\nb'],
    ['CR', 'a\rb'],
    ['NUL', 'a\u0000b'],
    ['DEL', 'a\u007fb'],
    ['outside Latin-1', 'snow\u2603man'],
    ['an emoji', 'ok \u{1F600}'],
  ])('issue 12 item 3: refuses a header value with %s in custom headers, bearer tokens and header auth', async (_name, value) => {
    for (const body of [
      { headers: { 'X-Team': value } },
      { auth: { type: 'bearer', token: value } },
      { auth: { type: 'header', header_name: 'X-Key', header_value: value } },
    ]) {
      const answer = await createWith(body);
      expect({ body, status: answer.status }).toEqual({ body, status: 400 });
      expect(answer.body.error.message).toMatch(/CR, LF, NUL or other control characters, or characters outside Latin-1/);
    }
  });

  it('issue 12 item 3: accepts Latin-1 and tab in header values', async () => {
    expect((await createWith({ headers: { 'X-Team': 'caf\u00e9\tn\u00famero 4' } })).status).toBe(201);
  });

  it.each([
    'keep-alive',
    'Proxy-Authorization',
    'proxy-authenticate',
    'Connection',
    'Host',
    'Transfer-Encoding',
    'Content-Length',
    'TE',
    'Upgrade',
    'Expect',
    'Trailer',
    'http2-settings',
  ])('issue 12 item 3: refuses the transport header %s as a custom header and as the auth header', async (name) => {
    for (const body of [{ headers: { [name]: 'v' } }, { auth: { type: 'header', header_name: name, header_value: 'v' } }]) {
      const answer = await createWith(body);
      expect({ body, status: answer.status }).toEqual({ body, status: 400 });
      expect(answer.body.error.message).toContain(`'${name}' is a connection header`);
    }
  });

  it.each([
    'webhook-id',
    'webhook-timestamp',
    'Webhook-Signature',
    'X-Webhook-Event',
    'X-Webhook-Timestamp',
    'X-Webhook-Signature',
    'Content-Type',
    'User-Agent',
  ])('issue 12 item 9: refuses %s, which the platform sends itself', async (name) => {
    for (const body of [{ headers: { [name]: 'v' } }, { auth: { type: 'header', header_name: name, header_value: 'v' } }]) {
      const answer = await createWith(body);
      expect({ body, status: answer.status }).toEqual({ body, status: 400 });
      expect(answer.body.error.message).toContain(`'${name}' is set by the platform`);
    }
  });

  it.each(['X-Webhook-Secret', 'X-Webhook-Token', 'X-Api-Key', 'Authorization'])(
    'issue 12 item 9: accepts %s as the custom-header auth name, stored encrypted',
    async (name) => {
      const created = await createWith({ auth: { type: 'header', header_name: name, header_value: `canary-${name}` } });
      expect(created.status).toBe(201);
      expect(created.body.data.auth).toEqual({ type: 'header', header_name: name.toLowerCase(), header_value: '********' });
      const snapshot = await snapshotOf(created.body.data.id);
      expect(snapshot?.auth?.headerName).toBe(name.toLowerCase());
      expect(snapshot?.auth?.encryptedValue).toMatch(/^enc:v1:/);
      expect(SecretBox.fromBase64(api.encryptionKey).decrypt(snapshot?.auth?.encryptedValue as string)).toBe(`canary-${name}`);
      expect(JSON.stringify(api.logs)).not.toContain(`canary-${name}`);
    },
  );

  it('issue 12 item 9: Authorization stays refused as a custom header (auth sets it)', async () => {
    const answer = await createWith({ headers: { Authorization: 'Basic x' } });
    expect(answer.status).toBe(400);
    expect(answer.body.error.message).toContain("'Authorization' is set with auth");
  });

  it.each([
    ['https://[::ffff:0:a00:1]/', 'private or reserved range'],
    ['https://[::ffff:0:a9fe:a9fe]/', 'cloud metadata'],
    ['https://[fec0::1]/', 'private or reserved range'],
    ['https://[::ffff:10.0.0.1]/', 'private or reserved range'],
    ['https://[::a00:1]/', 'private or reserved range'],
    ['https://[2002:a00:1::1]/', 'private or reserved range'],
    ['https://[2002:a9fe:a9fe::1]/', 'cloud metadata'],
    ['https://[64:ff9b::a00:1]/', 'private or reserved range'],
    ['https://[64:ff9b:1::a00:1]/', 'private or reserved range'],
    ['https://[2001:0:4136:e378:8000:63bf:f5ff:fffe]/', 'private or reserved range'],
    ['https://169.254.169.254/', 'cloud metadata'],
    ['https://127.0.0.1:0/', 'port 0'],
  ])('issue 12 item 4: with loopback allow-listed, refuses %s', async (url, reason) => {
    const answer = await createWith({ url });
    expect({ url, status: answer.status }).toEqual({ url, status: 400 });
    expect(answer.body.error.message).toContain(reason);
    expect(answer.body.error.fields).toHaveProperty('url');
  });

  it.each([
    ['  https://127.0.0.1/trimmed  ', 'https://127.0.0.1/trimmed'],
    ['https://127\uff0e0\uff0e0\uff0e1/full-width', 'https://127.0.0.1/full-width'],
    ['https://127\u30020\u30020\u30021/ideographic', 'https://127.0.0.1/ideographic'],
    ['https://\uff11\uff12\uff17.0.0.1/digits', 'https://127.0.0.1/digits'],
    ['https://2130706433/decimal', 'https://127.0.0.1/decimal'],
    ['HTTPS://127.0.0.1:443/default-port', 'https://127.0.0.1/default-port'],
    ['https://[::ffff:127.0.0.1]/mapped', 'https://[::ffff:7f00:1]/mapped'],
  ])('issue 12 item 4: stores %j normalized as %s, in the API and the snapshot', async (url, stored) => {
    const created = await createWith({ url });
    expect(created.status).toBe(201);
    expect(created.body.data.url).toBe(stored);
    expect((await snapshotOf(created.body.data.id))?.url).toBe(stored);
    const patched = await admin.request<Body>('PATCH', `/api/v1/webhooks/${created.body.data.id}`, { url });
    expect(patched.body.data.url).toBe(stored);
  });

  it('issue 12 item 17: a preset retry policy reads back by its name', async () => {
    const cases: Array<[Record<string, unknown>, Record<string, unknown>, number[] | undefined]> = [
      [{ policy: 'quick' }, { policy: 'quick' }, [200, 400, 800]],
      [{ policy: 'none' }, { policy: 'none' }, []],
      [{ policy: 'default' }, { policy: 'default' }, undefined],
      [{ schedule_ms: [1000, 5000] }, { schedule_ms: [1000, 5000] }, [1000, 5000]],
    ];
    for (const [retry, shown, schedule] of cases) {
      const created = await createWith({ retry });
      expect(created.body.data.retry).toEqual(shown);
      const id = created.body.data.id;
      expect((await admin.get<Body>(`/api/v1/webhooks/${id}`)).body.data.retry).toEqual(shown);
      expect((await snapshotOf(id))?.retryScheduleMs).toEqual(schedule);
    }
    const id = (await createWith({ retry: { policy: 'quick' } })).body.data.id;
    const custom = await admin.request<Body>('PATCH', `/api/v1/webhooks/${id}`, { retry: { schedule_ms: [200, 400, 800] } });
    expect(custom.body.data.retry).toEqual({ schedule_ms: [200, 400, 800] });
  });

  it('issue 12 item 20: tenant-facing messages name no operator setting; the log line does', async () => {
    const refusals = [await createWith({ url: 'https://10.0.0.1/x' }), await createWith({ url: 'https://[fd00::1]/x' })];
    for (const answer of refusals) {
      expect(answer.status).toBe(400);
      expect(answer.body.error.message).toContain('this address is not reachable from the webhook service');
      expect(answer.body.error.message).toContain('ask your operator to allow it');
      expect(JSON.stringify(answer.body)).not.toMatch(/DELIVERY_|MAX_WEBHOOKS/);
    }
    expect(api.logs).toContainEqual(expect.objectContaining({ address: '10.0.0.1', hint: expect.stringContaining('DELIVERY_ALLOW_CIDRS') }));

    const httpsOnly = await createWith({ url: 'http://127.0.0.1/x' });
    expect(httpsOnly.body.error.message).toBe('url must use https: use an https:// URL');
    expect(api.logs).toContainEqual(expect.objectContaining({ msg: expect.stringContaining('DELIVERY_REQUIRE_HTTPS') }));
  });

  it('issue 12 item 6: /api/docs has a CSP and no framing, and no answer sends X-Powered-By', async () => {
    for (const path of ['/api/docs', '/api/docs/', '/api/docs/swagger-ui-init.js', '/api/docs/swagger-ui.css']) {
      const response = await fetch(`${api.baseUrl}${path}`);
      expect({ path, status: response.status }).toEqual({ path, status: 200 });
      expect(response.headers.get('content-security-policy')).toMatch(/frame-ancestors 'none'/);
      expect(response.headers.get('content-security-policy')).toMatch(/script-src 'self';/);
      expect(response.headers.get('x-frame-options')).toBe('DENY');
      expect(response.headers.get('x-powered-by')).toBeNull();
    }
    for (const path of ['/api/docs-json', '/api/v1/webhooks', '/health/live', '/', '/nowhere']) {
      expect((await fetch(`${api.baseUrl}${path}`)).headers.get('x-powered-by')).toBeNull();
    }
    expect((await fetch(`${api.baseUrl}/api/v1/webhooks`, { headers: { authorization: `Bearer ${admin.key}` } })).headers.get('x-powered-by')).toBeNull();
  });
});
