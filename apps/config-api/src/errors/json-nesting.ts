/** Deepest nesting of objects and arrays accepted in a JSON request body (`{}` is one level). */
export const MAX_JSON_NESTING = 64;

const OPEN_BRACE = 0x7b;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACE = 0x7d;
const CLOSE_BRACKET = 0x5d;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/** A request body nested deeper than {@link MAX_JSON_NESTING}; answered 400 before it is parsed. */
export class JsonTooDeepError extends Error {
  /** Read by body-parser and the HTTP filter. */
  readonly status = 400;
  readonly type = 'entity.too.deep';

  constructor(readonly limit: number) {
    super(`request body is nested more than ${limit} levels deep (objects and arrays); the limit is ${limit}`);
    this.name = 'JsonTooDeepError';
  }
}

/**
 * Throws {@link JsonTooDeepError} when the JSON text in `bytes` nests objects and arrays
 * deeper than `limit`. It scans the raw bytes (brackets inside strings do not count), so a
 * deep body is refused before the parser, the validators or the response writer recurse
 * into it.
 */
export function assertJsonNesting(bytes: Uint8Array, limit = MAX_JSON_NESTING): void {
  let depth = 0;
  let inString = false;
  for (let index = 0; index < bytes.length; index += 1) {
    const byte = bytes[index];
    if (inString) {
      if (byte === BACKSLASH) index += 1;
      else if (byte === QUOTE) inString = false;
    } else if (byte === QUOTE) {
      inString = true;
    } else if (byte === OPEN_BRACE || byte === OPEN_BRACKET) {
      depth += 1;
      if (depth > limit) throw new JsonTooDeepError(limit);
    } else if (byte === CLOSE_BRACE || byte === CLOSE_BRACKET) {
      depth -= 1;
    }
  }
}
