import { cursorScope, decodeCursor, encodeCursor } from './log-cursor';
import { LogQueryError } from './log-query.error';

const scope = cursorScope(['attempts', 'acme', 'failed']);
const after = { primary: 503, createdAt: new Date('2026-03-02T08:00:00.000Z'), id: 'msg_1_2' };

describe('log cursors', () => {
  it('round-trips the page and the row key', () => {
    expect(decodeCursor(encodeCursor({ page: 3, after }, scope), scope, true)).toEqual({ page: 3, after });
  });

  it.each([
    ['text that is no cursor', 'not-a-cursor'],
    ['a cursor of another list', encodeCursor({ page: 2, after }, cursorScope(['attempts', 'globex', 'failed']))],
    ['a damaged key', Buffer.from(JSON.stringify({ v: 1, s: scope, p: 2, k: [503, 'yesterday', 'x'] })).toString('base64url')],
    ['a first page', Buffer.from(JSON.stringify({ v: 1, s: scope, p: 1, k: [503, 1, 'x'] })).toString('base64url')],
    ['an unknown version', Buffer.from(JSON.stringify({ v: 9, s: scope, p: 2, k: [503, 1, 'x'] })).toString('base64url')],
  ])('refuses %s, naming cursor', (_, text) => {
    expect(() => decodeCursor(text, scope, true)).toThrow(LogQueryError);
    expect(() => decodeCursor(text, scope, true)).toThrow(/cursor/);
  });

  it('refuses a sort value where the list sorts by time', () => {
    expect(() => decodeCursor(encodeCursor({ page: 2, after }, scope), scope, false)).toThrow(LogQueryError);
  });
});
