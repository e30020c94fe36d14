import { validateSync } from 'class-validator';
import { AttemptRecordedMessage } from './messages/attempt-recorded.message';
import { DeliveryTaskMessage } from './messages/delivery-task.message';
import { EndpointSnapshotMessage } from './messages/endpoint-snapshot.message';
import { PublishedEventMessage } from './messages/published-event.message';
import { compileValidityCheck } from './validity-check';

const VALIDATION_OPTIONS = { whitelist: true, forbidNonWhitelisted: true } as const;

/** Values that break one rule or another of most fields. */
const ODD_VALUES: unknown[] = [
  undefined,
  null,
  '',
  ' ',
  'x'.repeat(300),
  'not a date',
  '2026-13-45T99:00:00Z',
  'bad event!',
  0,
  -1,
  1.5,
  101,
  true,
  [],
  ['a'],
  {},
  { a: 1 },
  { a: 'b' },
  Object.fromEntries(Array.from({ length: 21 }, (_, index) => [`k${index}`, 'v'])),
];

const task = {
  deliveryId: 'msg_pwt7oogegduanbqc7wdgsrz4nx',
  tenantId: 'acme',
  endpointId: 'ep_000000000000000000000002',
  eventId: 'evt_1',
  eventType: 'order.created',
  identifiers: { messageId: 'm-1' },
  body: '{"event":"order.created"}',
  createdAt: '2026-11-30T10:00:00.000Z',
  clientId: 'billing',
  eventTimestamp: '2026-11-30T09:59:59.000Z',
  attempt: 1,
  trigger: 'auto',
  notBefore: '2026-11-30T10:01:00.000Z',
};

const event = {
  id: 'evt_1',
  event: 'order.created',
  timestamp: '2026-11-30T10:00:00.000Z',
  data: { total: 12 },
  source: 'billing',
  identifiers: { orderId: 'o-1' },
};

/** The sample itself, then every field left out, and set to each odd value, and an unknown field added. */
function variants(sample: Record<string, unknown>): Array<Record<string, unknown>> {
  const all: Array<Record<string, unknown>> = [sample, { ...sample, unknown: 1 }];
  for (const field of Object.keys(sample)) {
    const { [field]: _left, ...without } = sample;
    all.push(without);
    for (const value of ODD_VALUES) all.push({ ...sample, [field]: value });
  }
  return all;
}

describe('compileValidityCheck', () => {
  it.each([
    ['DeliveryTaskMessage', DeliveryTaskMessage, task],
    ['PublishedEventMessage', PublishedEventMessage, event],
  ] as const)('agrees with class-validator on every variant of a %s', (_name, type, sample) => {
    const check = compileValidityCheck(type);
    expect(check).toBeDefined();
    let valid = 0;
    for (const variant of variants(sample)) {
      const instance = Object.assign(new type(), variant);
      const expected = validateSync(instance, VALIDATION_OPTIONS).length === 0;
      if (check?.(instance) !== expected) throw new Error(`the check says ${!expected} and class-validator ${expected} for ${JSON.stringify(variant)}`);
      if (expected) valid += 1;
    }
    // Both answers occur: optional fields may be left out, required ones may not.
    expect(valid).toBeGreaterThan(1);
    expect(valid).toBeLessThan(variants(sample).length);
  });

  it('declines classes with nested messages', () => {
    expect(compileValidityCheck(AttemptRecordedMessage)).toBeUndefined();
    expect(compileValidityCheck(EndpointSnapshotMessage)).toBeUndefined();
  });
});
