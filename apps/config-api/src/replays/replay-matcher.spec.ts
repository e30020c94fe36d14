import { deliveryIdFor } from '@wirehook/contracts';
import { replayedDeliveryOf, type ReplayTarget, type StoredEvent } from './replay-matcher';

const target: ReplayTarget = { tenantId: 'acme', endpointId: 'ep_aaaaaaaaaaaaaaaaaaaaaaaa', events: ['resume.*', 'invoice.paid'], tenantField: 'tenantId' };
const storedAt = new Date('2026-03-01T10:00:00.000Z');

function stored(subject: string, body: object | string, sequence = 7): StoredEvent {
  return { subject, data: Buffer.from(typeof body === 'string' ? body : JSON.stringify(body)), sequence, storedAt };
}

describe('replayedDeliveryOf', () => {
  it('gives a matching event the delivery id and body fan-out gives it', () => {
    const event = stored('webhooks.events.acme.resume.parsed', {
      id: 'evt_1',
      event: 'resume.parsed',
      timestamp: '2026-03-01T09:59:59.000Z',
      data: { a: 1 },
      identifiers: { batchId: 'b1' },
      source: 'parser',
    });
    expect(replayedDeliveryOf(event, target, null, 1024)).toEqual({
      deliveryId: deliveryIdFor('acme', 'evt_1', target.endpointId),
      eventId: 'evt_1',
      eventType: 'resume.parsed',
      identifiers: { batchId: 'b1' },
      clientId: 'parser',
      eventTimestamp: '2026-03-01T09:59:59.000Z',
      body: '{"event":"resume.parsed","timestamp":"2026-03-01T09:59:59.000Z","tenantId":"acme","data":{"a":1}}',
    });
  });

  it('names an event without id and timestamp by its stream sequence and store time, as fan-out does', () => {
    const delivery = replayedDeliveryOf(
      stored('webhooks.events.acme.invoice.paid', { event: 'invoice.paid', data: {} }, 42),
      { ...target, tenantField: 'companyId' },
      null,
      1024,
    );
    expect(delivery?.eventId).toBe('seq_42');
    expect(delivery?.deliveryId).toBe(deliveryIdFor('acme', 'seq_42', target.endpointId));
    expect(delivery?.body).toBe('{"event":"invoice.paid","timestamp":"2026-03-01T10:00:00.000Z","companyId":"acme","data":{}}');
  });

  it("matches the endpoint's current patterns, narrowed by the replay's", () => {
    const parsed = stored('webhooks.events.acme.resume.parsed', { event: 'resume.parsed', data: {} });
    const paid = stored('webhooks.events.acme.invoice.paid', { event: 'invoice.paid', data: {} });
    const other = stored('webhooks.events.acme.user.created', { event: 'user.created', data: {} });
    expect(replayedDeliveryOf(other, target, null, 1024)).toBeUndefined();
    expect(replayedDeliveryOf(parsed, target, ['invoice.*'], 1024)).toBeUndefined();
    expect(replayedDeliveryOf(paid, target, ['invoice.*'], 1024)).toBeDefined();
    // Narrowing never widens: the endpoint is not subscribed to user.created.
    expect(replayedDeliveryOf(other, target, ['*'], 1024)).toBeUndefined();
  });

  it("skips another tenant's events and those fan-out refused", () => {
    expect(replayedDeliveryOf(stored('webhooks.events.other.invoice.paid', { event: 'invoice.paid', data: {} }), target, null, 1024)).toBeUndefined();
    expect(replayedDeliveryOf(stored('webhooks.events.acme.invoice.paid', '{not json'), target, null, 1024)).toBeUndefined();
    expect(replayedDeliveryOf(stored('webhooks.events.acme.invoice.paid', { event: 'invoice.refunded', data: {} }), target, null, 1024)).toBeUndefined();
    expect(
      replayedDeliveryOf(stored('webhooks.events.acme.invoice.paid', { event: 'invoice.paid', data: { big: 'x'.repeat(2000) } }), target, null, 1024),
    ).toBeUndefined();
  });
});
