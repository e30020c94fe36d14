import { DeliveryTaskMessage } from './messages/delivery-task.message';
import { EndpointSnapshotMessage } from './messages/endpoint-snapshot.message';
import { PublishedEventMessage } from './messages/published-event.message';
import { InvalidMessageError, decodeFlatMessage, decodeMessage } from './validation';

function refusal(decode: typeof decodeMessage, type: new () => object, body: string): InvalidMessageError {
  try {
    decode(type, body);
  } catch (error) {
    if (error instanceof InvalidMessageError) return error;
    throw error;
  }
  throw new Error('expected the message to be refused');
}

const problemsOf = (body: string) => refusal(decodeMessage, PublishedEventMessage, body);

describe('decodeMessage', () => {
  it('accepts a well-formed event', () => {
    const event = decodeMessage(PublishedEventMessage, JSON.stringify({ event: 'a.b', data: { x: 1 }, identifiers: { messageId: 'm-1' } }));
    expect(event).toMatchObject({ event: 'a.b', data: { x: 1 }, identifiers: { messageId: 'm-1' } });
  });

  it('says when the body is not JSON', () => {
    const error = problemsOf('{nope');
    expect(error.reason).toBe('malformed_json');
    expect(error.message).toMatch(/not valid JSON/);
  });

  it('names every bad field', () => {
    const error = problemsOf(JSON.stringify({ event: 'bad event!', data: 'text', timestamp: 'yesterday', identifiers: { a: 1 }, extra: true }));
    expect(error.reason).toBe('invalid_fields');
    const text = error.problems.join('\n');
    for (const field of ['event', 'data', 'timestamp', 'identifiers', 'extra']) expect(text).toContain(field);
  });

  it('refuses a JSON value that is not an object', () => {
    expect(problemsOf('[1,2]').problems).toEqual(['message must be a JSON object']);
  });
});

describe('decodeFlatMessage', () => {
  const task = {
    deliveryId: 'msg_abcdefghijklmnopqrstuvwxyz',
    tenantId: 'acme',
    endpointId: 'ep_0123456789abcdefghij',
    eventId: 'evt-1',
    eventType: 'invoice.paid',
    body: '{"event":"invoice.paid"}',
    createdAt: '2026-11-23T20:00:00.000Z',
    attempt: 2,
    trigger: 'auto',
  };

  const flatRefusal = (body: string) => refusal(decodeFlatMessage, DeliveryTaskMessage, body);

  it('returns an instance with the fields as sent', () => {
    const decoded = decodeFlatMessage(DeliveryTaskMessage, JSON.stringify(task));
    expect(decoded).toBeInstanceOf(DeliveryTaskMessage);
    expect({ ...decoded }).toEqual(task);
    const event = decodeFlatMessage(PublishedEventMessage, JSON.stringify({ event: 'a.b', data: { nested: { list: [1, 2] } } }));
    expect(event.data).toEqual({ nested: { list: [1, 2] } });
  });

  it.each([
    ['a bad field', { ...task, attempt: 0 }, 'attempt'],
    ['a number sent as text', { ...task, attempt: '2' }, 'attempt'],
    ['an unknown field', { ...task, extra: true }, 'extra'],
    ['a missing field', { ...task, body: undefined }, 'body'],
  ])('refuses %s with the same problems as decodeMessage', (_case, message, field) => {
    const body = JSON.stringify(message);
    const problems = flatRefusal(body).problems;
    expect(problems.join('\n')).toContain(field);
    expect(problems).toEqual(refusal(decodeMessage, DeliveryTaskMessage, body).problems);
  });

  it('refuses an own __proto__ field instead of letting it replace the prototype', () => {
    const body = `{"__proto__":{"polluted":true},${JSON.stringify(task).slice(1)}`;
    expect(flatRefusal(body).problems).toEqual(['property __proto__ should not exist']);
  });

  it('says when the body is not JSON or not an object', () => {
    expect(flatRefusal('{nope').reason).toBe('malformed_json');
    expect(flatRefusal('"text"').problems).toEqual(['message must be a JSON object']);
  });

  it('is refused for classes with nested messages', () => {
    expect(() => decodeFlatMessage(EndpointSnapshotMessage, '{}')).toThrow(/EndpointSnapshotMessage\.\w+ is a nested message/);
  });
});
