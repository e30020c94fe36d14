import { OpenApiResponses, startTestServers, type ApiClient, type OpenApiDocument, type TestServers } from '@wirehook/testing';
import { startConfigApi, type ConfigApiHarness } from './support/config-api-harness';
import { servedRoutes } from './support/served-routes';

/** Routes that are not part of the API (operations, the dashboard and the AsyncAPI document). */
const NOT_API = /^(GET \/health\/|GET \/metrics$|GET \/$|GET \/assets\/|GET \/favicon\.svg$|GET \/api\/asyncapi\.(yaml|json)$)/;

describe('the OpenAPI document', () => {
  let servers: TestServers;
  let api: ConfigApiHarness;
  let document: OpenApiDocument;
  let responses: OpenApiResponses;

  beforeAll(async () => {
    servers = await startTestServers('config-api-openapi');
    api = await startConfigApi(servers);
    const answer = await fetch(`${api.baseUrl}/api/docs-json`);
    expect(answer.status).toBe(200);
    document = (await answer.json()) as OpenApiDocument;
    responses = new OpenApiResponses(document);
    expect((await fetch(`${api.baseUrl}/api/docs`)).status).toBe(200);
  });

  afterAll(async () => {
    await api?.close();
    await servers?.stop();
  });

  /** Every API route the server serves, with its operation in the document. */
  function apiOperations() {
    return servedRoutes(api.app)
      .filter((route) => !NOT_API.test(route))
      .map((route) => {
        const [method, path] = route.split(' ');
        return { route, path, operation: document.paths[path.replace(/:(\w+)/g, '{$1}')]?.[method.toLowerCase()] };
      });
  }

  it('describes every API route the server serves, with a summary', () => {
    expect(
      apiOperations()
        .filter(({ operation }) => !operation?.summary)
        .map(({ route }) => route),
    ).toEqual([]);
  });

  it('declares the success answer of every route with a schema, and its error answers with the error envelope', () => {
    const problems: string[] = [];
    for (const { route, path, operation } of apiOperations()) {
      const answers = operation?.responses ?? {};
      const successes = Object.keys(answers).filter((status) => status.startsWith('2'));
      if (successes.length === 0) problems.push(`${route}: no success answer`);
      for (const status of successes) {
        const content = answers[status].content ?? {};
        if (status !== '204' && !Object.values(content).some((media) => media.schema)) problems.push(`${route} ${status}: no schema`);
      }
      const errors = Object.keys(answers).filter((status) => /^[45]/.test(status));
      for (const status of errors) {
        if (answers[status].content?.['application/json']?.schema?.['$ref'] !== '#/components/schemas/ErrorEnvelope')
          problems.push(`${route} ${status}: not the error envelope`);
      }
      const isPublic = operation?.security === undefined || operation.security.length === 0;
      if (!isPublic && !errors.includes('401')) problems.push(`${route}: 401 not declared`);
      if (path.includes('/:') && !errors.includes('404')) problems.push(`${route}: 404 not declared`);
      if (operation?.requestBody && !errors.includes('400')) problems.push(`${route}: 400 not declared`);
    }
    expect(problems).toEqual([]);
  });

  it('types every property: no field is an object without properties (what a scalar or a union without `type` becomes)', () => {
    const untyped: string[] = [];
    for (const [name, schema] of Object.entries(document.components.schemas)) {
      for (const [property, definition] of Object.entries((schema.properties ?? {}) as Record<string, Record<string, unknown>>)) {
        const composite = ['$ref', 'allOf', 'oneOf', 'anyOf', 'properties', 'additionalProperties'].some((key) => key in definition);
        if (definition['type'] === 'object' && !composite) untyped.push(`${name}.${property}`);
      }
    }
    expect(untyped).toEqual([]);
  });

  it('answers as it documents: bodies fit the declared schemas, errors included', async () => {
    const problems: string[] = [];
    const check = async (client: ApiClient, method: string, path: string, documented: string, body?: unknown) => {
      const answer = await client.request(method, path, body);
      problems.push(...responses.problems(method, documented, answer.status, answer.body));
      return answer;
    };
    const operator = api.operator;
    await check(operator, 'POST', '/api/v1/tenants', '/api/v1/tenants', { id: 'openapi', name: 'OpenAPI' });
    await check(operator, 'POST', '/api/v1/tenants', '/api/v1/tenants', { id: 'openapi', name: 'Again' });
    await check(operator, 'POST', '/api/v1/tenants', '/api/v1/tenants', { id: 'Not An Id', name: 'Bad' });
    await check(operator, 'GET', '/api/v1/tenants', '/api/v1/tenants');
    await check(operator, 'GET', '/api/v1/tenants/openapi', '/api/v1/tenants/{tenantId}');
    await check(operator, 'GET', '/api/v1/tenants/nobody', '/api/v1/tenants/{tenantId}');
    await check(operator, 'PATCH', '/api/v1/tenants/openapi', '/api/v1/tenants/{tenantId}', { name: 'OpenAPI Inc' });
    const issued = await check(operator, 'POST', '/api/v1/tenants/openapi/api-keys', '/api/v1/tenants/{tenantId}/api-keys', { role: 'admin', name: 'docs' });
    const viewerKey = await check(operator, 'POST', '/api/v1/tenants/openapi/api-keys', '/api/v1/tenants/{tenantId}/api-keys', { role: 'viewer' });
    await check(operator, 'GET', '/api/v1/tenants/openapi/api-keys', '/api/v1/tenants/{tenantId}/api-keys');

    const admin = operator.withKey((issued.body as { data: { key: string } }).data.key);
    const viewer = operator.withKey((viewerKey.body as { data: { key: string } }).data.key);
    await check(admin, 'GET', '/api/v1/me', '/api/v1/me');
    await check(admin, 'GET', '/api/v1/tenants', '/api/v1/tenants');
    await check(operator.withKey('whk_not-a-key'), 'GET', '/api/v1/webhooks', '/api/v1/webhooks');
    const created = await check(admin, 'POST', '/api/v1/webhooks', '/api/v1/webhooks', {
      url: 'https://127.0.0.1:9/hooks',
      events: ['order.*'],
      description: 'Orders',
      auth: { type: 'header', header_name: 'X-Api-Key', header_value: 'k-123' },
      headers: { 'X-Team': 'billing' },
      retry: { schedule_ms: [1000, 5000] },
      rate_limit: 20,
    });
    await check(admin, 'POST', '/api/v1/webhooks', '/api/v1/webhooks', { url: 'ftp://example.com', events: [] });
    await check(viewer, 'POST', '/api/v1/webhooks', '/api/v1/webhooks', { url: 'https://127.0.0.1:9/hooks', events: ['order.*'] });
    const id = (created.body as { data: { id: string } }).data.id;
    await check(admin, 'POST', '/api/v1/webhooks', '/api/v1/webhooks', {
      url: 'https://127.0.0.1:9/other',
      events: ['*'],
      auth: { type: 'bearer', token: 't-1' },
    });
    await check(viewer, 'GET', '/api/v1/webhooks', '/api/v1/webhooks');
    await check(viewer, 'GET', `/api/v1/webhooks/${id}`, '/api/v1/webhooks/{id}');
    await check(viewer, 'GET', '/api/v1/webhooks/ep_00000000000000000000', '/api/v1/webhooks/{id}');
    await check(admin, 'PATCH', `/api/v1/webhooks/${id}`, '/api/v1/webhooks/{id}', { active: false, rate_limit: null, auth: null });
    await check(admin, 'POST', `/api/v1/webhooks/${id}/secret/rotate`, '/api/v1/webhooks/{id}/secret/rotate', {});
    await check(admin, 'GET', `/api/v1/webhooks/${id}/secret`, '/api/v1/webhooks/{id}/secret');
    await check(admin, 'POST', '/api/v1/events', '/api/v1/events', { event: 'order.created', data: { orderId: 'o-1' }, id: 'openapi-1' });
    await check(admin, 'POST', '/api/v1/events', '/api/v1/events', { event: 'order.created', data: { orderId: 'o-1' }, id: 'openapi-1' });
    await check(admin, 'POST', '/api/v1/events', '/api/v1/events', { event: 'order created', data: 'not an object' });
    await check(operator.withKey(undefined), 'POST', '/api/v1/webhook-receiver', '/api/v1/webhook-receiver', { hello: 'world' });
    await check(admin, 'DELETE', `/api/v1/webhooks/${id}`, '/api/v1/webhooks/{id}');
    await check(
      operator,
      'DELETE',
      `/api/v1/tenants/openapi/api-keys/${(issued.body as { data: { id: string } }).data.id}`,
      '/api/v1/tenants/{tenantId}/api-keys/{keyId}',
    );
    await check(operator, 'DELETE', '/api/v1/tenants/openapi', '/api/v1/tenants/{tenantId}');
    expect(problems).toEqual([]);
  });

  it('gives the request bodies schemas with examples', () => {
    for (const schema of ['CreateWebhookDto', 'UpdateWebhookDto', 'CreateTenantDto', 'IngestEventDto', 'RotateSecretDto']) {
      const properties = document.components.schemas[schema]?.properties ?? {};
      expect({ schema, withExamples: Object.values(properties).some((property) => property.example !== undefined) }).toEqual({ schema, withExamples: true });
    }
  });
});
