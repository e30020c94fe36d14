import type { ClientProxy } from '@nestjs/microservices';
import { NEVER, of, throwError, type Observable } from 'rxjs';
import { ApiErrorCode, RpcErrorCode } from '@wirehook/contracts';
import { DomainError, TooManyRequestsError } from '../errors/domain.error';
import { callService, type InternalService } from './rpc-call';

/** A client whose every request answers with `reply`, as Nest's NATS client would hand it back. */
const clientAnswering = (reply: Observable<unknown>) => ({ send: () => reply }) as unknown as ClientProxy;

/** The error an RpcException made with `error` reaches the caller as. */
const failingWith = (error: object) => clientAnswering(throwError(() => error));

async function failureOf(client: ClientProxy, timeoutMs = 1000): Promise<unknown> {
  return callService(client, 'rpc.test.v1.ask', {}, timeoutMs, 'delivery log service').then(
    () => {
      throw new Error('expected the call to fail');
    },
    (error: unknown) => error,
  );
}

describe('callService', () => {
  it('answers with the reply', async () => {
    await expect(callService(clientAnswering(of({ ok: true })), 'rpc.test.v1.ask', {}, 1000, 'delivery log service')).resolves.toEqual({ ok: true });
  });

  it("turns too_busy into a 429 error with the service's message and retry-after", async () => {
    const error = await failureOf(
      failingWith({ code: RpcErrorCode.tooBusy, message: 'at most 4 run at a time (LOG_QUERY_CONCURRENCY_PER_TENANT)', retryAfterSeconds: 2 }),
    );
    expect(error).toBeInstanceOf(TooManyRequestsError);
    expect(error).toMatchObject({
      kind: 'too_many_requests',
      code: 'too_many_requests',
      message: 'at most 4 run at a time (LOG_QUERY_CONCURRENCY_PER_TENANT)',
      retryAfterSeconds: 2,
    });
  });

  it('retries after whole seconds, at least one, whatever the service sent', async () => {
    expect(await failureOf(failingWith({ code: RpcErrorCode.tooBusy, message: 'busy', retryAfterSeconds: 0.2 }))).toMatchObject({ retryAfterSeconds: 1 });
    expect(await failureOf(failingWith({ code: RpcErrorCode.tooBusy, message: 'busy', retryAfterSeconds: 2.5 }))).toMatchObject({ retryAfterSeconds: 3 });
    expect(await failureOf(failingWith({ code: RpcErrorCode.tooBusy, message: 'busy', retryAfterSeconds: -4 }))).toMatchObject({ retryAfterSeconds: 1 });
    expect(await failureOf(failingWith({ code: RpcErrorCode.tooBusy, message: 'busy', retryAfterSeconds: '7' }))).toMatchObject({ retryAfterSeconds: 1 });
    expect(await failureOf(failingWith({ code: RpcErrorCode.tooBusy }))).toMatchObject({
      retryAfterSeconds: 1,
      message: 'the delivery log service is busy; try again shortly',
    });
  });

  it('keeps invalid_request a 400, not_found a 404, and anything else or no answer a 503 naming the service', async () => {
    expect(await failureOf(failingWith({ code: RpcErrorCode.invalidRequest, message: 'tenantId must be a tenant id' }))).toMatchObject({
      kind: 'invalid',
      code: 'invalid_request',
    });
    expect(await failureOf(failingWith({ code: RpcErrorCode.notFound, message: "log 'x' was not found" }))).toMatchObject({
      kind: 'not_found',
      code: 'not_found',
    });
    const unknown = await failureOf(failingWith({ status: 'error', message: 'Internal server error' }));
    expect(unknown).toBeInstanceOf(DomainError);
    expect(unknown).not.toBeInstanceOf(TooManyRequestsError);
    expect(unknown).toMatchObject({ kind: 'unavailable', code: 'delivery_log_service_unavailable' });
    expect(await failureOf(clientAnswering(NEVER), 10)).toMatchObject({ kind: 'unavailable', code: 'delivery_log_service_unavailable' });
  });

  it('answers error codes from contracts constants when a service is away: never a code built from a label', async () => {
    const away = clientAnswering(throwError(() => ({ status: 'error', message: 'Internal server error' })));
    const codes: Array<[InternalService, string]> = [
      ['delivery log service', ApiErrorCode.deliveryLogServiceUnavailable],
      ['dispatcher', ApiErrorCode.dispatcherUnavailable],
      ['retention-service', ApiErrorCode.retentionServiceUnavailable],
    ];
    for (const [service, code] of codes) {
      const error = await callService(away, 'rpc.test.v1.ask', {}, 1000, service).catch((failure: unknown) => failure);
      expect(error).toMatchObject({ kind: 'unavailable', code, message: `the ${service} did not answer; try again shortly` });
      expect(code).toMatch(/^[a-z]+(_[a-z]+)*$/);
    }
    expect(codes.map(([, code]) => code)).toEqual(['delivery_log_service_unavailable', 'dispatcher_unavailable', 'retention_service_unavailable']);
  });
});
