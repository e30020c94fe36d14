import { parentIdOf, parseTraceparent, parseTracestate, traceContextOf, traceIdOf } from './trace-context';

const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const PARENT_ID = '00f067aa0ba902b7';
const VALID = `00-${TRACE_ID}-${PARENT_ID}-01`;

describe('parseTraceparent', () => {
  it('keeps a valid version-00 traceparent as it is', () => {
    expect(parseTraceparent(VALID)).toBe(VALID);
    expect(parseTraceparent(`00-${TRACE_ID}-${PARENT_ID}-00`)).toBe(`00-${TRACE_ID}-${PARENT_ID}-00`);
  });

  it('drops the blanks around a header value', () => {
    expect(parseTraceparent(`  ${VALID} `)).toBe(VALID);
  });

  it('reads a later version by its first four fields and passes it on as version 00', () => {
    expect(parseTraceparent(`01-${TRACE_ID}-${PARENT_ID}-01`)).toBe(VALID);
    expect(parseTraceparent(`cc-${TRACE_ID}-${PARENT_ID}-01-what-the-future-brings`)).toBe(VALID);
  });

  it.each([
    ['absent', undefined],
    ['not a string', 42],
    ['empty', ''],
    ['garbage', 'not a traceparent at all, but long enough to pass the length check'],
    ['version ff', `ff-${TRACE_ID}-${PARENT_ID}-01`],
    ['version 00 with more fields', `${VALID}-extra`],
    ['a later version glued to more text', `01-${TRACE_ID}-${PARENT_ID}-01x`],
    ['an all-zero trace id', `00-${'0'.repeat(32)}-${PARENT_ID}-01`],
    ['an all-zero parent id', `00-${TRACE_ID}-${'0'.repeat(16)}-01`],
    ['upper-case hex', `00-${TRACE_ID.toUpperCase()}-${PARENT_ID}-01`],
    ['a short trace id', `00-${TRACE_ID.slice(1)}-${PARENT_ID}-01`],
    ['a short parent id', `00-${TRACE_ID}-${PARENT_ID.slice(1)}-01`],
    ['non-hex flags', `00-${TRACE_ID}-${PARENT_ID}-0g`],
    ['a missing separator', `00${TRACE_ID}-${PARENT_ID}-01`],
    ['far too long', `01-${TRACE_ID}-${PARENT_ID}-01-${'a'.repeat(600)}`],
  ])('ignores a traceparent that is %s', (_case, value) => {
    expect(parseTraceparent(value)).toBeUndefined();
  });

  it('reads the trace id and parent id of a version-00 traceparent', () => {
    expect(traceIdOf(VALID)).toBe(TRACE_ID);
    expect(parentIdOf(VALID)).toBe(PARENT_ID);
  });
});

describe('parseTracestate', () => {
  it('keeps valid entries, without the blanks and empty members around them', () => {
    expect(parseTracestate('rojo=00f067aa0ba902b7, congo=t61rcWkgMzE')).toBe('rojo=00f067aa0ba902b7,congo=t61rcWkgMzE');
    expect(parseTracestate('tenant@vendor=value,,')).toBe('tenant@vendor=value');
  });

  it.each([
    ['empty', ''],
    ['an entry without a value', 'rojo'],
    ['an upper-case key', 'Rojo=1'],
    ['a value holding =', 'rojo=a=b'],
    ['over 512 characters', `rojo=${'a'.repeat(520)}`],
    ['over 32 entries', Array.from({ length: 33 }, (_, i) => `k${i}=v`).join(',')],
  ])('drops a tracestate that is %s', (_case, value) => {
    expect(parseTracestate(value)).toBeUndefined();
  });
});

describe('traceContextOf', () => {
  it('is the traceparent with a valid tracestate', () => {
    expect(traceContextOf(VALID, 'rojo=1')).toEqual({ traceparent: VALID, tracestate: 'rojo=1' });
    expect(traceContextOf(VALID)).toEqual({ traceparent: VALID });
  });

  it('drops an invalid tracestate alone', () => {
    expect(traceContextOf(VALID, 'NOT VALID')).toEqual({ traceparent: VALID });
  });

  it('is undefined without a valid traceparent, whatever the tracestate', () => {
    expect(traceContextOf(undefined, 'rojo=1')).toBeUndefined();
    expect(traceContextOf('00-bad', 'rojo=1')).toBeUndefined();
  });
});
