import { PublishedEventMessage } from './messages/published-event.message';
import { InvalidMessageError, decodeMessage } from './validation';

function problemsOf(body: string): InvalidMessageError {
  try {
    decodeMessage(PublishedEventMessage, body);
  } catch (error) {
    if (error instanceof InvalidMessageError) return error;
    throw error;
  }
  throw new Error('expected the message to be refused');
}

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
