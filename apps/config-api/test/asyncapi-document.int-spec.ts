import { Parser } from '@asyncapi/parser';
import { targetConstructorToSchema } from 'class-validator-jsonschema';
import { load } from 'js-yaml';
import {
  DeadLetterMessage,
  DeadLetterReason,
  DeadLetterSubjects,
  EndpointDisabledMessage,
  EventSubjects,
  InvalidMessageError,
  MessageHeaders,
  OperationalSubjects,
  PublishedEventMessage,
  RetentionCounts,
  RetentionRunSummaryMessage,
  RetentionSubjects,
  TENANT_ID_PATTERN,
  TraceHeaders,
  encodeMessage,
  validatePlain,
} from '@wirehook/contracts';
import { AsyncApiDocument, startTestServers, type TestServers } from '@wirehook/testing';
import { SAMPLES } from './support/asyncapi-samples';
import { startConfigApi, type ConfigApiHarness } from './support/config-api-harness';

/** Spectral's severities: 0 error, 1 warning, 2 information, 3 hint. */
const WARNING = 1;

/** The contracts classes the document describes, under the names of their schemas. */
const CONTRACT_CLASSES: Record<string, new () => object> = {
  PublishedEventMessage,
  EndpointDisabledMessage,
  RetentionRunSummaryMessage,
  RetentionCounts,
  DeadLetterMessage,
};

type SchemaOptions = NonNullable<Parameters<typeof targetConstructorToSchema>[1]>;

/**
 * JSON Schema for the contracts' own validators (ValidateBy), which class-validator-jsonschema
 * cannot know. Typed loosely: its types are OpenAPI 3.0's, without `propertyNames`.
 */
const CUSTOM_VALIDATORS = {
  isStringRecord: (meta: { constraints: unknown[] }) => ({
    type: 'object',
    maxProperties: meta.constraints[0],
    additionalProperties: { type: 'string', maxLength: meta.constraints[1] },
  }),
  isTenantCounts: {
    type: 'object',
    propertyNames: { pattern: TENANT_ID_PATTERN.source },
    additionalProperties: {
      type: 'object',
      required: ['deliveries', 'attempts'],
      properties: { deliveries: { type: 'integer' }, attempts: { type: 'integer' } },
    },
  },
} as unknown as SchemaOptions['additionalConverters'];

/**
 * The schema of a contracts class, generated from its class-validator decorators. Unknown
 * fields are refused by every decode (`forbidNonWhitelisted`), hence `additionalProperties: false`.
 */
function schemaOf(type: new () => object): Record<string, unknown> {
  const schema = targetConstructorToSchema(type, { refPointerPrefix: '#/components/schemas/', additionalConverters: CUSTOM_VALIDATORS });
  // A validator without a converter comes out as a reference to its property's TypeScript type.
  expect(JSON.stringify(schema)).not.toMatch(/#\/components\/schemas\/(Object|String|Number)"/);
  return { ...schema, additionalProperties: false };
}

/** A schema without what only explains it. */
function withoutAnnotations(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(withoutAnnotations);
  if (typeof schema !== 'object' || schema === null) return schema;
  return Object.fromEntries(
    Object.entries(schema)
      .filter(([key]) => !['description', 'examples', 'title'].includes(key))
      .map(([key, value]) => [
        key,
        key === 'properties'
          ? Object.fromEntries(Object.entries(value as object).map(([name, property]) => [name, withoutAnnotations(property)]))
          : withoutAnnotations(value),
      ]),
  );
}

function contractsAccept(type: new () => object, payload: unknown): boolean {
  try {
    validatePlain(type, payload);
    return true;
  } catch (error) {
    if (error instanceof InvalidMessageError) return false;
    throw error;
  }
}

describe('docs/asyncapi.yaml', () => {
  const document = AsyncApiDocument.load();

  it('is a valid AsyncAPI 3 document, without errors or warnings', async () => {
    const { document: parsed, diagnostics } = await new Parser().parse(document.text);
    expect(
      diagnostics.filter((diagnostic) => diagnostic.severity <= WARNING).map((diagnostic) => `${diagnostic.path.join('.')}: ${diagnostic.message}`),
    ).toEqual([]);
    expect(parsed?.version()).toMatch(/^3\./);
    expect(
      parsed
        ?.operations()
        .all()
        .map((operation) => `${operation.action()} ${operation.channels().all()[0].address()}`),
    ).toEqual([
      `send ${EventSubjects.prefix}.{tenantId}.{eventType}`,
      `receive ${OperationalSubjects.endpointDisabled}`,
      `receive ${RetentionSubjects.runCompleted}`,
      `receive ${DeadLetterSubjects.prefix}.{reason}`,
    ]);
  });

  it.each(Object.entries(CONTRACT_CLASSES))('has the schema %s the contracts class generates', (name, type) => {
    expect(withoutAnnotations(document.yaml.components.schemas[name])).toEqual(schemaOf(type));
  });

  it("names the platform's subjects, dead-letter reasons and headers", () => {
    const { channels, components } = document.yaml;
    expect(channels.deadLetters.parameters?.reason.enum).toEqual(Object.values(DeadLetterReason));
    expect(Object.keys(components.schemas.EventHeaders.properties as object)).toEqual([
      MessageHeaders.messageId,
      TraceHeaders.traceparent,
      TraceHeaders.tracestate,
    ]);
    expect(document.checkMessage('webhooks.events.acme.resume.bulk_upload_parse.started', { event: 'resume.bulk_upload_parse.started', data: {} })).toEqual({
      channel: 'events',
      parameters: { tenantId: 'acme', eventType: 'resume.bulk_upload_parse.started' },
      problems: [],
    });
    expect(document.checkMessage(`${DeadLetterSubjects.prefix}.tired`, {}).problems).toEqual([
      `subject ${DeadLetterSubjects.prefix}.tired is on no channel of the document`,
    ]);
  });

  it('has examples that its schemas accept', () => {
    const problems = Object.values(document.yaml.components.messages).flatMap((message) =>
      (message.examples ?? []).flatMap((example) => [
        ...document.schemaProblems(message.payload.$ref.split('/').pop() as string, example.payload),
        ...(message.headers ? document.schemaProblems(message.headers.$ref.split('/').pop() as string, example.headers ?? {}) : []),
      ]),
    );
    expect(problems).toEqual([]);
  });

  it.each(SAMPLES.map((sample) => [sample.label, sample] as const))('agrees with the contracts on %s', (_label, sample) => {
    const verdicts = { schema: document.schemaProblems(sample.schema, sample.payload).length === 0, contracts: contractsAccept(sample.type, sample.payload) };
    expect(verdicts).toEqual({ schema: sample.valid, contracts: sample.valid });
  });

  it('is stricter than the contracts only where it says what to send: RFC 3339 times with an offset, and no nulls', () => {
    const event = { event: 'order.created', data: {} };
    for (const lenient of [
      { ...event, timestamp: '2026-03-26T14:32:00' },
      { ...event, timestamp: '2026-W13' },
      { ...event, id: null },
    ]) {
      expect({
        lenient,
        schema: document.schemaProblems('PublishedEventMessage', lenient).length === 0,
        contracts: contractsAccept(PublishedEventMessage, lenient),
      }).toEqual({
        lenient,
        schema: false,
        contracts: true,
      });
    }
  });

  it('accepts the operational messages and dead letters the apps encode', () => {
    const encoded = (message: object): unknown => JSON.parse(Buffer.from(encodeMessage(message)).toString('utf8'));
    const disabled = Object.assign(new EndpointDisabledMessage(), {
      tenantId: 'acme',
      endpointId: 'ep_abcdefghij0123456789',
      reason: 'failing' as const,
      detail: 'failing since 2026-03-01T10:00:00.000Z (412 failures)',
      revision: 4,
      disabledAt: new Date().toISOString(),
    });
    const deadLetter = Object.assign(new DeadLetterMessage(), {
      reason: DeadLetterReason.invalidFields,
      detail: 'data must be a JSON object',
      stream: 'WEBHOOK_EVENTS',
      subject: 'webhooks.events.acme.order.created',
      streamSequence: 3,
      body: '{"event":"order.created","data":[]}',
      tenantId: undefined,
      deadLetteredAt: new Date().toISOString(),
    });
    expect(document.checkMessage(OperationalSubjects.endpointDisabled, encoded(disabled)).problems).toEqual([]);
    expect(document.checkMessage(`${DeadLetterSubjects.prefix}.${deadLetter.reason}`, encoded(deadLetter)).problems).toEqual([]);
  });
});

describe('config-api serving the AsyncAPI document', () => {
  let servers: TestServers;
  let api: ConfigApiHarness;

  beforeAll(async () => {
    servers = await startTestServers('config-api-asyncapi');
    api = await startConfigApi(servers);
  });

  afterAll(async () => {
    await api?.close();
    await servers?.stop();
  });

  it('serves it as YAML and as JSON, without an API key, next to the OpenAPI document', async () => {
    const { text } = AsyncApiDocument.load();
    const yaml = await fetch(`${api.baseUrl}/api/asyncapi.yaml`);
    expect(yaml.status).toBe(200);
    expect(yaml.headers.get('content-type')).toBe('application/yaml; charset=utf-8');
    expect(yaml.headers.get('x-content-type-options')).toBe('nosniff');
    expect(await yaml.text()).toBe(text);

    const json = await fetch(`${api.baseUrl}/api/asyncapi.json`);
    expect(json.status).toBe(200);
    expect(json.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(await json.json()).toEqual(load(text));
  });
});
