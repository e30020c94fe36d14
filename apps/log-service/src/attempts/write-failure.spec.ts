import { describeWriteFailure, isTransientWriteFailure } from './write-failure';

describe('isTransientWriteFailure', () => {
  it('waits out an unreachable or stepping-down server, a buffering timeout and unknown errors', () => {
    expect(isTransientWriteFailure(Object.assign(new Error('connect ECONNREFUSED'), { name: 'MongoNetworkError' }))).toBe(true);
    expect(isTransientWriteFailure(Object.assign(new Error('Server selection timed out'), { name: 'MongoServerSelectionError' }))).toBe(true);
    expect(isTransientWriteFailure(new Error('Operation `delivery_attempts.insertMany()` buffering timed out after 10000ms'))).toBe(true);
    expect(isTransientWriteFailure({ code: 10107, message: 'not primary' })).toBe(true);
    expect(isTransientWriteFailure({ code: 2, errorLabels: ['RetryableWriteError'] })).toBe(true);
    expect(isTransientWriteFailure({ code: 2, writeConcernError: { code: 64 } })).toBe(true);
    expect(isTransientWriteFailure('odd')).toBe(true);
  });

  it('gives up on documents MongoDB refuses', () => {
    expect(isTransientWriteFailure({ code: 52, message: "The dollar ($) prefixed field '$x' is not valid for storage" })).toBe(false);
    expect(isTransientWriteFailure({ code: 10334, writeErrors: [{ code: 10334 }, { err: { code: 2 } }] })).toBe(false);
    expect(isTransientWriteFailure({ code: 2, writeErrors: [{ code: 2 }, { code: 91 }] })).toBe(true);
  });
});

describe('describeWriteFailure', () => {
  it('keeps name, code and a bounded message, never the documents of a bulk write', () => {
    const error = Object.assign(new Error('x'.repeat(2000)), {
      name: 'MongoBulkWriteError',
      code: 11000,
      writeErrors: [{ op: { request: { body: 'payload' } } }],
    });
    const described = describeWriteFailure(error);
    expect(described).toEqual({ name: 'MongoBulkWriteError', code: 11000, message: 'x'.repeat(500) });
    expect(JSON.stringify(described)).not.toContain('payload');
  });
});
