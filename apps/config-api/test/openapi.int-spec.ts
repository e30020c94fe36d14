import { startTestServers, type TestServers } from '@wirehook/testing';
import { startConfigApi, type ConfigApiHarness } from './support/config-api-harness';
import { servedRoutes } from './support/served-routes';

type OpenApiDocument = {
  paths: Record<string, Record<string, { summary?: string; security?: unknown[]; parameters?: unknown[]; requestBody?: unknown }>>;
  components: { schemas: Record<string, { properties?: Record<string, { example?: unknown }> }> };
};

/** Routes that are not part of the API (operations, the dashboard and the AsyncAPI document). */
const NOT_API = /^(GET \/health\/|GET \/metrics$|GET \/$|GET \/dashboard\/|GET \/api\/asyncapi\.(yaml|json)$)/;

describe('the OpenAPI document', () => {
  let servers: TestServers;
  let api: ConfigApiHarness;
  let document: OpenApiDocument;

  beforeAll(async () => {
    servers = await startTestServers('config-api-openapi');
    api = await startConfigApi(servers);
    const answer = await fetch(`${api.baseUrl}/api/docs-json`);
    expect(answer.status).toBe(200);
    document = (await answer.json()) as OpenApiDocument;
    expect((await fetch(`${api.baseUrl}/api/docs`)).status).toBe(200);
  });

  afterAll(async () => {
    await api?.close();
    await servers?.stop();
  });

  it('describes every API route the server serves, with a summary', () => {
    const missing: string[] = [];
    for (const route of servedRoutes(api.app).filter((route) => !NOT_API.test(route))) {
      const [method, path] = route.split(' ');
      const openApiPath = path.replace(/:(\w+)/g, '{$1}');
      const operation = document.paths[openApiPath]?.[method.toLowerCase()];
      if (!operation?.summary) missing.push(route);
    }
    expect(missing).toEqual([]);
  });

  it('gives the request bodies schemas with examples', () => {
    for (const schema of ['CreateWebhookDto', 'UpdateWebhookDto', 'CreateTenantDto', 'IngestEventDto', 'RotateSecretDto']) {
      const properties = document.components.schemas[schema]?.properties ?? {};
      expect({ schema, withExamples: Object.values(properties).some((property) => property.example !== undefined) }).toEqual({ schema, withExamples: true });
    }
  });
});
