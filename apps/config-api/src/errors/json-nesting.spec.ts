import { JsonTooDeepError, MAX_JSON_NESTING, assertJsonNesting } from './json-nesting';

const nested = (depth: number, open = '{"a":', close = '}') => `${open.repeat(depth - 1)}${open.replace(/"a":$/, '')}${close.repeat(depth)}`;
const bytes = (text: string) => Buffer.from(text, 'utf8');

describe('assertJsonNesting (issue 12 item 2: a documented nesting limit)', () => {
  it.each([
    ['an object at the limit', `${'{"a":'.repeat(MAX_JSON_NESTING - 1)}{}${'}'.repeat(MAX_JSON_NESTING - 1)}`, true],
    ['an object one level over', `${'{"a":'.repeat(MAX_JSON_NESTING)}{}${'}'.repeat(MAX_JSON_NESTING)}`, false],
    ['arrays at the limit', `${'['.repeat(MAX_JSON_NESTING)}${']'.repeat(MAX_JSON_NESTING)}`, true],
    ['arrays 60,000 deep', `${'['.repeat(60_000)}${']'.repeat(60_000)}`, false],
    ['brackets inside strings', JSON.stringify({ text: '{'.repeat(1000) + '['.repeat(1000) }), true],
    ['escaped quotes inside strings', JSON.stringify({ text: `"${'{'.repeat(100)}\\"` }), true],
    ['a flat body', JSON.stringify({ url: 'https://example.com', events: ['a.b'] }), true],
  ])('%s: accepted %s', (_name, text, accepted) => {
    const check = () => assertJsonNesting(bytes(text));
    if (accepted) expect(check).not.toThrow();
    else expect(check).toThrow(JsonTooDeepError);
  });

  it('names the limit and answers 400', () => {
    const error = (() => {
      try {
        assertJsonNesting(bytes(nested(70)));
      } catch (caught) {
        return caught as JsonTooDeepError;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(JsonTooDeepError);
    expect(error?.status).toBe(400);
    expect(error?.message).toContain(String(MAX_JSON_NESTING));
  });
});
