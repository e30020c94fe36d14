import type { ArgumentsHost } from '@nestjs/common';
import type { Logger } from 'pino';
import { DomainError, TooManyRequestsError } from './domain.error';
import { HttpExceptionFilter } from './http-exception.filter';

/** What the filter did to the response. */
interface Answer {
  status?: number;
  headers: Record<string, string>;
  body?: unknown;
}

function answerTo(exception: unknown): Answer {
  const answer: Answer = { headers: {} };
  const response = {
    setHeader: (name: string, value: string) => (answer.headers[name.toLowerCase()] = value),
    status: (status: number) => {
      answer.status = status;
      return response;
    },
    json: (body: unknown) => (answer.body = body),
  };
  const host = { switchToHttp: () => ({ getResponse: () => response }) } as unknown as ArgumentsHost;
  const logger = { error: () => undefined } as unknown as Logger;
  new HttpExceptionFilter(logger).catch(exception, host);
  return answer;
}

describe('HttpExceptionFilter', () => {
  it('answers a too-many-requests error with 429, Retry-After in whole seconds and the error body', () => {
    const answer = answerTo(new TooManyRequestsError('too_many_requests', 'at most 4 run at a time (LOG_QUERY_CONCURRENCY_PER_TENANT)', 2));
    expect(answer.status).toBe(429);
    expect(answer.headers['retry-after']).toBe('2');
    expect(answer.body).toEqual({ error: { code: 'too_many_requests', message: 'at most 4 run at a time (LOG_QUERY_CONCURRENCY_PER_TENANT)' } });
  });

  it('sends no Retry-After with other errors', () => {
    const answer = answerTo(new DomainError('unavailable', 'delivery_log_service_unavailable', 'the delivery log service did not answer; try again shortly'));
    expect(answer.status).toBe(503);
    expect(answer.headers).toEqual({});
  });
});
