import { EndpointSnapshotMessage } from '@wirehook/contracts';
import type { ApiClient } from '@wirehook/testing';
import { startConfigApiTestbed, type ConfigApiHarness, type ConfigApiTestbed } from './support/config-api-harness';
import { servedRoutes } from './support/served-routes';

type Body = { data: Record<string, unknown> & { id: string }; error: { code: string; message: string; fields?: Record<string, string[]> } };

const nestedObject = (depth: number) => `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
const URL_OK = 'https://127.0.0.1/hook';

/** Issue 12, items 1, 2 and 13: null, deep bodies, numeric bounds and one message per problem. */
describe('config-api refuses bad input with a 400 that names it, never a 500', () => {
  let testbed: ConfigApiTestbed;
  let api: ConfigApiHarness;
  let admin: ApiClient;

  beforeAll(async () => {
    testbed = await startConfigApiTestbed('config-api-input-hardening');
    ({ api, admin } = testbed);
  });

  afterAll(() => testbed?.stop());

  const snapshotOf = (id: string) => testbed.snapshotOf(id);
  const create = async (body: Record<string, unknown> = {}) => {
    const created = await admin.post<Body>('/api/v1/webhooks', { url: URL_OK, events: ['a.b'], ...body });
    expect(created.status).toBe(201);
    return created.body.data.id;
  };

  it('issue 12 item 2: JSON nested 60,000 levels deep answers 400 on every write route, the unauthenticated receiver included', async () => {
    const body = nestedObject(60_000);
    const writes = servedRoutes(api.app).filter((route) => /^(POST|PUT|PATCH|DELETE) /.test(route));
    expect(writes).toEqual(expect.arrayContaining(['POST /api/v1/webhook-receiver', 'POST /api/v1/events', 'PATCH /api/v1/webhooks/:id']));
    const answers: string[] = [];
    for (const route of writes) {
      const [method, path] = route.split(' ');
      for (const key of [admin.key, api.operatorKey, undefined]) {
        const response = await fetch(`${api.baseUrl}${path.replace(/:[A-Za-z]+/g, 'x1')}`, {
          method,
          headers: { 'content-type': 'application/json', ...(key ? { authorization: `Bearer ${key}` } : {}) },
          body,
        });
        const answer = (await response.json()) as Body;
        answers.push(`${route} ${response.status} ${answer.error?.code}`);
        expect({ route, status: response.status, code: answer.error?.code }).toEqual({ route, status: 400, code: 'body_too_deeply_nested' });
        expect(answer.error.message).toMatch(/nested more than 64 levels/);
      }
    }
    expect(answers.length).toBeGreaterThanOrEqual(3 * 10);
  });

  it('issue 12 item 2: event data nested 20,000 deep answers 400, and data 63 levels deep is accepted', async () => {
    const deep = await fetch(`${api.baseUrl}/api/v1/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${admin.key}` },
      body: `{"event":"a.b","data":${nestedObject(20_000)}}`,
    });
    expect(deep.status).toBe(400);
    const data = JSON.parse(nestedObject(62)) as Record<string, unknown>;
    expect((await admin.post('/api/v1/events', { event: 'a.b', data })).status).toBe(202);
    const echoed = await fetch(`${api.baseUrl}/api/v1/webhook-receiver`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: nestedObject(64),
    });
    expect(echoed.status).toBe(200);
  });

  // Each row: field, the route, and what null does there: 'cleared' (with the snapshot's value) or refused.
  const NULL_CASES: Array<[string, 'create' | 'update', 'refused' | Record<string, unknown>]> = [
    ['active', 'create', 'refused'],
    ['auth', 'create', { auth: undefined }],
    ['headers', 'create', { encryptedHeaders: {} }],
    ['timeout_ms', 'create', 'refused'],
    ['retry', 'create', 'refused'],
    ['max_concurrency', 'create', 'refused'],
    ['tenant_field', 'create', 'refused'],
    ['description', 'create', { description: '' }],
    ['rate_limit', 'create', { rateLimitPerSecond: undefined }],
    ['url', 'update', 'refused'],
    ['events', 'update', 'refused'],
    ['active', 'update', 'refused'],
    ['timeout_ms', 'update', 'refused'],
    ['retry', 'update', 'refused'],
    ['max_concurrency', 'update', 'refused'],
    ['tenant_field', 'update', 'refused'],
    ['auth', 'update', { auth: undefined }],
    ['headers', 'update', { encryptedHeaders: {} }],
    ['description', 'update', { description: '' }],
    ['rate_limit', 'update', { rateLimitPerSecond: undefined }],
  ];

  it.each(NULL_CASES)('issue 12 items 1 and 2: null for %s on %s is %p', async (field, route, outcome) => {
    const configured = { description: 'CRM', auth: { type: 'bearer', token: 'T1' }, headers: { 'X-Team': 'billing' }, rate_limit: 5 };
    const id = route === 'update' ? await create(configured) : undefined;
    const answer =
      route === 'create'
        ? await admin.post<Body>('/api/v1/webhooks', { url: URL_OK, events: ['a.b'], ...configured, [field]: null })
        : await admin.request<Body>('PATCH', `/api/v1/webhooks/${id}`, { [field]: null });
    if (outcome === 'refused') {
      expect(answer.status).toBe(400);
      expect(answer.body.error.message).toBe(`${field} must not be null (leave it out to keep its value)`);
      expect(answer.body.error.fields).toEqual({ [field]: [answer.body.error.message] });
      return;
    }
    expect(answer.status).toBe(route === 'create' ? 201 : 200);
    const snapshot = await snapshotOf(answer.body.data.id);
    expect(snapshot).toBeDefined();
    for (const [name, value] of Object.entries(outcome)) expect(snapshot?.[name as keyof EndpointSnapshotMessage]).toEqual(value);
    expect(snapshot?.revision).toBe(route === 'create' ? 1 : 2);
  });

  it('issue 12 item 1: a PATCH with a new URL, new bearer token and description null reaches the snapshot', async () => {
    const id = await create({ auth: { type: 'bearer', token: 'OLD-TOKEN' }, description: 'old' });
    const patched = await admin.request<Body>('PATCH', `/api/v1/webhooks/${id}`, {
      url: 'https://127.0.0.2/new',
      auth: { type: 'bearer', token: 'NEW-TOKEN' },
      description: null,
    });
    expect(patched.status).toBe(200);
    expect(patched.body.data).toMatchObject({ url: 'https://127.0.0.2/new', description: '', auth: { type: 'bearer', token: '********' } });
    expect(await snapshotOf(id)).toMatchObject({ url: 'https://127.0.0.2/new', description: '', revision: 2 });
  });

  it('issue 12 item 2: page=100000000 and other out-of-range numbers answer 400 naming the parameter', async () => {
    const cases: Array<[string, string]> = [
      ['/api/v1/webhooks?page=100000000', 'page'],
      ['/api/v1/webhooks?page=0', 'page'],
      ['/api/v1/webhooks?page=1e400', 'page'],
      ['/api/v1/webhooks?per_page=101', 'per_page'],
      ['/api/v1/webhooks?per_page=-1', 'per_page'],
    ];
    for (const [path, name] of cases) {
      const answer = await admin.get<Body>(path);
      expect({ path, status: answer.status }).toEqual({ path, status: 400 });
      expect(Object.keys(answer.body.error.fields ?? {})).toEqual([name]);
    }
    expect((await admin.get('/api/v1/webhooks?page=10000')).status).toBe(200);
  });

  it('issue 12 item 13: one message per problem', async () => {
    const perPage = await admin.get<Body>('/api/v1/webhooks?per_page=abc');
    expect(perPage.status).toBe(400);
    expect(perPage.body.error.message).toBe('per_page must be an integer between 1 and 100');
    expect(perPage.body.error.fields).toEqual({ per_page: ['per_page must be an integer between 1 and 100'] });

    const retention = await admin.request<Body>('PUT', '/api/v1/retention', { success_days: 30 });
    expect(retention.status).toBe(400);
    expect(retention.body.error.message).toBe('failed_days is required: an integer between 1 and 365');

    const inverted = await admin.request<Body>('PUT', '/api/v1/retention', { success_days: 30, failed_days: 10 });
    expect(inverted.body.error.message).toBe('failed_days must be at least success_days (failures are kept at least as long as successes)');

    const timeout = await admin.post<Body>('/api/v1/webhooks', { url: URL_OK, events: ['a.b'], timeout_ms: 'soon', max_concurrency: 0 });
    expect(timeout.body.error.message).toBe('timeout_ms must be between 1000 and 30000; max_concurrency must be between 1 and 100');
  });
});
