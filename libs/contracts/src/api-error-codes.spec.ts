import { ApiErrorCode } from './api-error-codes';

describe('ApiErrorCode', () => {
  it('gives every code once, in snake_case', () => {
    const codes = Object.values(ApiErrorCode);
    expect(codes.filter((code) => !/^[a-z]+(_[a-z]+)*$/.test(code))).toEqual([]);
    expect(codes.filter((code, index) => codes.indexOf(code) !== index)).toEqual([]);
  });
});
