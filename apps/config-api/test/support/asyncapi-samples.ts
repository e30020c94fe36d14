import { DeadLetterMessage, EndpointDisabledMessage, PublishedEventMessage, RetentionRunSummaryMessage } from '@wirehook/contracts';

/** A payload that the AsyncAPI schema and the contracts class must both accept, or both refuse. */
export interface Sample {
  label: string;
  type: new () => object;
  /** Its schema in the document's components.schemas. */
  schema: string;
  payload: unknown;
  valid: boolean;
}

const event = { event: 'resume.bulk_upload_parse.started', data: { batchId: 'batch-42' } };
const tooMany = (count: number) => Object.fromEntries(Array.from({ length: count }, (_, index) => [`key${index}`, 'v']));

const eventSamples: Array<[string, unknown, boolean]> = [
  ['the smallest event', event, true],
  [
    'every field',
    { ...event, id: 'batch-42-started', timestamp: '2026-03-26T14:32:00.000Z', identifiers: { batchId: 'batch-42' }, source: 'api-key:key_1' },
    true,
  ],
  ['a timestamp with an offset', { ...event, timestamp: '2026-03-26T16:32:00+02:00' }, true],
  ['a date as timestamp', { ...event, timestamp: '2026-03-26' }, true],
  ['nested data', { ...event, data: { batch: { files: [{ name: 'a.pdf' }] }, count: 2 } }, true],
  ['an event type of 16 segments', { ...event, event: Array.from({ length: 16 }, () => 'a').join('.') }, true],
  ['an event type of 200 characters', { ...event, event: 'a'.repeat(200) }, true],
  ['an id of 128 characters', { ...event, id: 'a'.repeat(128) }, true],
  ['a source with @ and /', { ...event, source: 'billing@eu/worker-1' }, true],
  ['20 identifiers of 256 characters', { ...event, identifiers: Object.fromEntries(Object.keys(tooMany(20)).map((key) => [key, 'x'.repeat(256)])) }, true],
  ['no event', { data: {} }, false],
  ['no data', { event: 'order.created' }, false],
  ['data that is a list', { ...event, data: [1, 2] }, false],
  ['data that is null', { ...event, data: null }, false],
  ['data that is a string', { ...event, data: 'batch-42' }, false],
  ['an event type with a space', { ...event, event: 'order created' }, false],
  ['an event type starting with a dot', { ...event, event: '.order' }, false],
  ['an empty event type', { ...event, event: '' }, false],
  ['an event type of 17 segments', { ...event, event: Array.from({ length: 17 }, () => 'a').join('.') }, false],
  ['an event type of 201 characters', { ...event, event: 'a'.repeat(201) }, false],
  ['an event type that is a number', { ...event, event: 42 }, false],
  ['an id with a space', { ...event, id: 'batch 42' }, false],
  ['an id of 129 characters', { ...event, id: 'a'.repeat(129) }, false],
  ['an id that is a number', { ...event, id: 42 }, false],
  ['a timestamp that is no date', { ...event, timestamp: 'yesterday' }, false],
  ['a timestamp on 30 February', { ...event, timestamp: '2026-02-30T10:00:00Z' }, false],
  ['a timestamp that is a number', { ...event, timestamp: 1774535520 }, false],
  ['21 identifiers', { ...event, identifiers: tooMany(21) }, false],
  ['an identifier of 257 characters', { ...event, identifiers: { batchId: 'x'.repeat(257) } }, false],
  ['an identifier that is a number', { ...event, identifiers: { batchId: 42 } }, false],
  ['identifiers that are a list', { ...event, identifiers: ['batch-42'] }, false],
  ['a source with a space', { ...event, source: 'billing service' }, false],
  ['an unknown field', { ...event, tenant: 'acme' }, false],
  ['a list instead of an event', [event], false],
];

const disabled = {
  tenantId: 'acme',
  endpointId: 'ep_0123456789abcdefghijklmn',
  reason: 'gone',
  detail: 'answered 410 Gone',
  revision: 2,
  disabledAt: '2026-03-26T14:32:00.000Z',
};

const disabledSamples: Array<[string, unknown, boolean]> = [
  ['an endpoint gone', disabled, true],
  ['an endpoint failing', { ...disabled, reason: 'failing' }, true],
  ['another reason', { ...disabled, reason: 'tired' }, false],
  ['revision 0', { ...disabled, revision: 0 }, false],
  ['a fractional revision', { ...disabled, revision: 1.5 }, false],
  ['an endpoint id that is too short', { ...disabled, endpointId: 'ep_short' }, false],
  ['an upper-case tenant', { ...disabled, tenantId: 'Acme' }, false],
  ['a detail of 501 characters', { ...disabled, detail: 'x'.repeat(501) }, false],
  ['no disabledAt', { ...disabled, disabledAt: undefined }, false],
  ['an unknown field', { ...disabled, url: 'https://example.com' }, false],
];

const run = {
  runId: 'run-1',
  trigger: 'schedule',
  dryRun: false,
  result: 'completed',
  startedAt: '2026-03-26T03:00:00.000Z',
  finishedAt: '2026-03-26T03:00:04.210Z',
  durationMs: 4210,
  batches: 3,
  deleted: { deliveries: 12, attempts: 16 },
  tenants: { acme: { deliveries: 12, attempts: 16 } },
};

const runSamples: Array<[string, unknown, boolean]> = [
  ['a completed run', run, true],
  [
    'a skipped run with its reason',
    { ...run, result: 'skipped', deleted: { deliveries: 0, attempts: 0 }, tenants: {}, reason: 'another runner holds the lease' },
    true,
  ],
  ['a dry run from the API', { ...run, trigger: 'rpc', dryRun: true }, true],
  ['another result', { ...run, result: 'done' }, false],
  ['another trigger', { ...run, trigger: 'manual' }, false],
  ['deleted without attempts', { ...run, deleted: { deliveries: 12 } }, false],
  ['a negative count', { ...run, deleted: { deliveries: -1, attempts: 0 } }, false],
  ['an unknown field in deleted', { ...run, deleted: { ...run.deleted, bytes: 1 } }, false],
  ['a tenant that is no tenant id', { ...run, tenants: { 'Not A Tenant': { deliveries: 1, attempts: 1 } } }, false],
  ['a tenant count that is no integer', { ...run, tenants: { acme: { deliveries: 1.5, attempts: 1 } } }, false],
  ['a tenant without attempts', { ...run, tenants: { acme: { deliveries: 1 } } }, false],
  ['dryRun as text', { ...run, dryRun: 'false' }, false],
  ['a reason of 2001 characters', { ...run, reason: 'x'.repeat(2001) }, false],
  ['an unknown field', { ...run, tenantCount: 1 }, false],
];

const deadLetter = {
  reason: 'malformed_json',
  detail: 'body is not valid JSON',
  stream: 'WEBHOOK_EVENTS',
  subject: 'webhooks.events.acme.order.created',
  streamSequence: 7,
  body: '{not json',
  deadLetteredAt: '2026-03-26T14:32:01.000Z',
};

const deadLetterSamples: Array<[string, unknown, boolean]> = [
  ['a malformed event', { ...deadLetter, tenantId: 'acme' }, true],
  ['an invalid subject, without a tenant', { ...deadLetter, reason: 'invalid_subject', subject: 'webhooks.events.x' }, true],
  ['another reason', { ...deadLetter, reason: 'broken' }, false],
  ['a negative sequence', { ...deadLetter, streamSequence: -1 }, false],
  ['no body', { ...deadLetter, body: undefined }, false],
  ['a detail of 4001 characters', { ...deadLetter, detail: 'x'.repeat(4001) }, false],
  ['an unknown field', { ...deadLetter, headers: {} }, false],
];

/** JSON never carries `undefined`: a field set to it stands for a field left out. */
const asJson = (payload: unknown): unknown => JSON.parse(JSON.stringify(payload));

export const SAMPLES: Sample[] = [
  ...eventSamples.map(([label, payload, valid]) => ({
    label: `event: ${label}`,
    type: PublishedEventMessage,
    schema: 'PublishedEventMessage',
    payload,
    valid,
  })),
  ...disabledSamples.map(([label, payload, valid]) => ({
    label: `endpoint disabled: ${label}`,
    type: EndpointDisabledMessage,
    schema: 'EndpointDisabledMessage',
    payload,
    valid,
  })),
  ...runSamples.map(([label, payload, valid]) => ({
    label: `retention run: ${label}`,
    type: RetentionRunSummaryMessage,
    schema: 'RetentionRunSummaryMessage',
    payload,
    valid,
  })),
  ...deadLetterSamples.map(([label, payload, valid]) => ({
    label: `dead letter: ${label}`,
    type: DeadLetterMessage,
    schema: 'DeadLetterMessage',
    payload,
    valid,
  })),
].map((sample) => ({ ...sample, payload: asJson(sample.payload) }));
