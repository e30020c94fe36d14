import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ApiClient, HttpsReceiver, createTestCertificates, startTestServers, type TestServers } from '@wirehook/testing';
import type { AccessLevel } from '../src/auth/principal';
import { startConfigApi, type ConfigApiHarness } from './support/config-api-harness';
import { servedRoutes } from './support/served-routes';

/** Everything a route needs to be called: a fresh resource of tenant A, a fresh tenant. */
interface RouteContext {
  webhookId: string;
  tenantId: string;
  keyId: string;
  receiverUrl: string;
  /** Set by the rule's `prepare`. */
  replayId?: string;
}

interface RouteRule {
  access: AccessLevel;
  /** A tenant resource in the path: other tenants must get 404. */
  tenantResource?: boolean;
  path: (context: RouteContext) => string;
  body?: (context: RouteContext) => unknown;
  /** Makes a further resource of tenant A the path names (as its admin). */
  prepare?: (context: RouteContext, admin: ApiClient) => Promise<Partial<RouteContext>>;
}

/** A replay of the last minute (no events: it completes at once) of the context's webhook. */
async function replayOf(context: RouteContext, admin: ApiClient): Promise<Partial<RouteContext>> {
  const created = await admin.post<{ data: { id: string } }>(`/api/v1/webhooks/${context.webhookId}/replay`, {
    from: new Date(Date.now() - 60_000).toISOString(),
  });
  if (created.status !== 202) throw new Error(`creating a replay answered ${created.status}: ${JSON.stringify(created.body)}`);
  return { replayId: created.body.data.id };
}

/** A file of the stand-in for the built dashboard. */
const BUILT_ASSET = 'index-0a1b2c3d.css';

/** The expected access of every route. The test fails when the app has a route missing here. */
const MATRIX: Record<string, RouteRule> = {
  'GET /health/live': { access: 'public', path: () => '/health/live' },
  'GET /health/ready': { access: 'public', path: () => '/health/ready' },
  'GET /metrics': { access: 'public', path: () => '/metrics' },
  'GET /': { access: 'public', path: () => '/' },
  'GET /api/asyncapi.yaml': { access: 'public', path: () => '/api/asyncapi.yaml' },
  'GET /api/asyncapi.json': { access: 'public', path: () => '/api/asyncapi.json' },
  'GET /favicon.svg': { access: 'public', path: () => '/favicon.svg' },
  'GET /assets/:file': { access: 'public', path: () => `/assets/${BUILT_ASSET}` },
  'POST /api/v1/webhook-receiver': { access: 'public', path: () => '/api/v1/webhook-receiver', body: () => ({ event: 'a.b' }) },
  'POST /api/v1/tenants': { access: 'operator', path: () => '/api/v1/tenants', body: () => ({ name: 'New tenant' }) },
  'GET /api/v1/tenants': { access: 'operator', path: () => '/api/v1/tenants' },
  'GET /api/v1/tenants/:tenantId': { access: 'operator', path: (c) => `/api/v1/tenants/${c.tenantId}` },
  'PATCH /api/v1/tenants/:tenantId': { access: 'operator', path: (c) => `/api/v1/tenants/${c.tenantId}`, body: () => ({ name: 'Renamed' }) },
  'DELETE /api/v1/tenants/:tenantId': { access: 'operator', path: (c) => `/api/v1/tenants/${c.tenantId}` },
  'POST /api/v1/tenants/:tenantId/api-keys': { access: 'operator', path: (c) => `/api/v1/tenants/${c.tenantId}/api-keys`, body: () => ({ role: 'viewer' }) },
  'GET /api/v1/tenants/:tenantId/api-keys': { access: 'operator', path: (c) => `/api/v1/tenants/${c.tenantId}/api-keys` },
  'DELETE /api/v1/tenants/:tenantId/api-keys/:keyId': { access: 'operator', path: (c) => `/api/v1/tenants/${c.tenantId}/api-keys/${c.keyId}` },
  'POST /api/v1/webhooks': { access: 'admin', path: () => '/api/v1/webhooks', body: (c) => ({ url: c.receiverUrl, events: ['a.b'] }) },
  'GET /api/v1/webhooks': { access: 'viewer', path: () => '/api/v1/webhooks' },
  'GET /api/v1/webhooks/:id': { access: 'viewer', tenantResource: true, path: (c) => `/api/v1/webhooks/${c.webhookId}` },
  'PATCH /api/v1/webhooks/:id': { access: 'admin', tenantResource: true, path: (c) => `/api/v1/webhooks/${c.webhookId}`, body: () => ({ description: 'x' }) },
  'DELETE /api/v1/webhooks/:id': { access: 'admin', tenantResource: true, path: (c) => `/api/v1/webhooks/${c.webhookId}` },
  'POST /api/v1/webhooks/:id/secret/rotate': {
    access: 'admin',
    tenantResource: true,
    path: (c) => `/api/v1/webhooks/${c.webhookId}/secret/rotate`,
    body: () => ({}),
  },
  'GET /api/v1/webhooks/:id/secret': { access: 'admin', tenantResource: true, path: (c) => `/api/v1/webhooks/${c.webhookId}/secret` },
  // A webhook's logs outlive it, so an id that is not one of the caller's webhooks is looked up in
  // the caller's logs by log-service (not running here: 503); the end-to-end suite checks that
  // another tenant's webhook answers 404 on these routes (e2e/api-conformance.e2e-spec.ts).
  'GET /api/v1/webhooks/:id/logs': { access: 'viewer', path: (c) => `/api/v1/webhooks/${c.webhookId}/logs` },
  'GET /api/v1/deliveries': { access: 'viewer', path: () => '/api/v1/deliveries' },
  'POST /api/v1/events': { access: 'admin', path: () => '/api/v1/events', body: () => ({ event: 'a.b', data: {} }) },
  'GET /api/v1/deliveries/export': { access: 'viewer', path: () => '/api/v1/deliveries/export' },
  // Log ids are looked up with the caller's tenant by log-service (not running in this test);
  // the end-to-end suite checks that another tenant's log id answers 404.
  'GET /api/v1/logs/:id': { access: 'viewer', path: () => '/api/v1/logs/msg_aaaaaaaaaaaaaaaaaaaaaaaaaa_1' },
  'POST /api/v1/logs/:id/retry': { access: 'admin', path: () => '/api/v1/logs/msg_aaaaaaaaaaaaaaaaaaaaaaaaaa_1/retry' },
  'GET /api/v1/webhooks/:id/stats': { access: 'viewer', path: (c) => `/api/v1/webhooks/${c.webhookId}/stats` },
  'GET /api/v1/stats': { access: 'viewer', path: () => '/api/v1/stats' },
  'POST /api/v1/webhooks/:id/test': { access: 'admin', tenantResource: true, path: (c) => `/api/v1/webhooks/${c.webhookId}/test` },
  'POST /api/v1/webhooks/:id/recover': {
    access: 'admin',
    tenantResource: true,
    path: (c) => `/api/v1/webhooks/${c.webhookId}/recover`,
    body: () => ({ from: '2026-01-01T00:00:00Z', to: '2026-01-02T00:00:00Z' }),
  },
  'POST /api/v1/webhooks/:id/replay': {
    access: 'admin',
    tenantResource: true,
    path: (c) => `/api/v1/webhooks/${c.webhookId}/replay`,
    body: () => ({ from: new Date(Date.now() - 60_000).toISOString() }),
  },
  'GET /api/v1/webhooks/:id/replays': { access: 'viewer', tenantResource: true, path: (c) => `/api/v1/webhooks/${c.webhookId}/replays` },
  'GET /api/v1/replays/:replayId': { access: 'viewer', tenantResource: true, prepare: replayOf, path: (c) => `/api/v1/replays/${c.replayId}` },
  'POST /api/v1/replays/:replayId/cancel': { access: 'admin', tenantResource: true, prepare: replayOf, path: (c) => `/api/v1/replays/${c.replayId}/cancel` },
  'GET /api/v1/me': { access: 'viewer', path: () => '/api/v1/me' },
  'GET /api/v1/retention': { access: 'viewer', path: () => '/api/v1/retention' },
  'PUT /api/v1/retention': { access: 'admin', path: () => '/api/v1/retention', body: () => ({ success_days: 7, failed_days: 14 }) },
  'DELETE /api/v1/retention': { access: 'admin', path: () => '/api/v1/retention' },
  'POST /api/v1/retention/runs': { access: 'operator', path: () => '/api/v1/retention/runs', body: () => ({ dry_run: true }) },
};

type Caller = 'anonymous' | 'revoked' | 'otherTenantAdmin' | 'viewer' | 'operator' | 'admin';
const CALLERS: Caller[] = ['anonymous', 'revoked', 'otherTenantAdmin', 'viewer', 'operator', 'admin'];

/** The status class a caller must get: 'ok' means the call went through (not 401/403/404). */
function expected(rule: RouteRule, caller: Caller): 'ok' | 401 | 403 | 404 {
  if (rule.access === 'public') return 'ok';
  if (caller === 'anonymous' || caller === 'revoked') return 401;
  if (rule.access === 'operator') return caller === 'operator' ? 'ok' : 403;
  if (caller === 'operator') return 403;
  if (caller === 'viewer' && rule.access === 'admin') return 403;
  if (caller === 'otherTenantAdmin' && rule.tenantResource) return 404;
  return 'ok';
}

describe('authorization matrix of every config-api route', () => {
  let servers: TestServers;
  let api: ConfigApiHarness;
  let receiver: HttpsReceiver;
  let clients: Record<Caller, ApiClient>;
  let tenantAdmin: ApiClient;
  let counter = 0;

  beforeAll(async () => {
    servers = await startTestServers('config-api-authorization');
    const dashboardDir = mkdtempSync(join(tmpdir(), 'wirehook-dashboard-'));
    mkdirSync(join(dashboardDir, 'assets'));
    for (const file of ['index.html', 'favicon.svg', `assets/${BUILT_ASSET}`]) writeFileSync(join(dashboardDir, file), file);
    api = await startConfigApi(servers, { MAX_WEBHOOKS_PER_TENANT: '1000' }, { dashboardDir });
    receiver = await HttpsReceiver.start(createTestCertificates());
    const a = await api.tenant('tenant-a');
    const b = await api.tenant('tenant-b');
    const revoked = await api.tenant('tenant-revoked');
    await api.operator.request('DELETE', `/api/v1/tenants/tenant-revoked/api-keys/${revoked.adminKeyId}`);
    tenantAdmin = a.admin;
    clients = {
      anonymous: new ApiClient(api.baseUrl),
      revoked: revoked.admin,
      otherTenantAdmin: b.admin,
      viewer: a.viewer,
      operator: api.operator,
      admin: a.admin,
    };
  });

  afterAll(async () => {
    await receiver?.stop();
    await api?.close();
    await servers?.stop();
  });

  it('has a rule for every served route, and every rule is served', () => {
    const served = servedRoutes(api.app).sort();
    expect(served).toEqual(Object.keys(MATRIX).sort());
  });

  it.each(Object.entries(MATRIX))('%s answers each caller as its access level says', async (route, rule) => {
    const [method] = route.split(' ');
    const outcomes: string[] = [];
    const wanted: string[] = [];
    for (const caller of CALLERS) {
      counter += 1;
      // A fresh resource for every call, so a destructive call cannot affect the next caller.
      const tenantId = `fresh-${counter}`;
      await api.operator.post('/api/v1/tenants', { id: tenantId, name: tenantId });
      const key = await api.operator.post<{ data: { id: string } }>(`/api/v1/tenants/${tenantId}/api-keys`, { role: 'viewer' });
      const webhook = await tenantAdmin.post<{ data: { id: string } }>('/api/v1/webhooks', { url: receiver.url(), events: ['a.b'] });
      const context: RouteContext = { webhookId: webhook.body.data.id, tenantId, keyId: key.body.data.id, receiverUrl: receiver.url() };
      Object.assign(context, await rule.prepare?.(context, tenantAdmin));
      const answer = await clients[caller].request(method, rule.path(context), rule.body?.(context));
      const want = expected(rule, caller);
      wanted.push(`${caller}: ${want}`);
      outcomes.push(`${caller}: ${[401, 403, 404].includes(answer.status) ? answer.status : 'ok'}`);
      if (want !== 'ok' && answer.status < 500) expect(answer.body).toHaveProperty('error.message');
    }
    expect(outcomes).toEqual(wanted);
  });
});
