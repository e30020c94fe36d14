import type { ClientProxy } from '@nestjs/microservices';
import { firstValueFrom, timeout } from 'rxjs';
import { ApiErrorCode, RpcErrorCode } from '@wirehook/contracts';
import { DomainError, TooManyRequestsError } from '../errors/domain.error';

/** The internal services config-api asks, by the name its messages give them, with the code a 503 answers. */
const UNAVAILABLE_CODES = {
  'delivery log service': ApiErrorCode.deliveryLogServiceUnavailable,
  dispatcher: ApiErrorCode.dispatcherUnavailable,
  'retention-service': ApiErrorCode.retentionServiceUnavailable,
} as const satisfies Record<string, ApiErrorCode>;

/** An internal service config-api asks over NATS request/reply, as its messages name it. */
export type InternalService = keyof typeof UNAVAILABLE_CODES;

/**
 * Asks an internal service over NATS request/reply. Its error codes become domain errors
 * (`too_busy` a 429 with the service's `retryAfterSeconds`); no answer within `timeoutMs` (or no
 * service listening) is a 503 with the service's own {@link ApiErrorCode} (`dispatcher_unavailable`, ...).
 */
export async function callService<T>(client: ClientProxy, pattern: string, payload: object, timeoutMs: number, service: InternalService): Promise<T> {
  try {
    return await firstValueFrom(client.send<T>(pattern, payload).pipe(timeout(timeoutMs)));
  } catch (error) {
    // Nest's NATS transport delivers the object an RpcException was made with, as JSON.
    const rpc = error as { code?: string; message?: string; retryAfterSeconds?: unknown; fields?: Record<string, string[]> };
    if (rpc.code === RpcErrorCode.invalidRequest) throw new DomainError('invalid', ApiErrorCode.invalidRequest, rpc.message ?? 'invalid request', rpc.fields);
    if (rpc.code === RpcErrorCode.notFound) throw new DomainError('not_found', ApiErrorCode.notFound, rpc.message ?? 'not found');
    if (rpc.code === RpcErrorCode.tooBusy) {
      const retryAfterSeconds = typeof rpc.retryAfterSeconds === 'number' ? rpc.retryAfterSeconds : 1;
      throw new TooManyRequestsError(ApiErrorCode.tooManyRequests, rpc.message ?? `the ${service} is busy; try again shortly`, retryAfterSeconds);
    }
    throw new DomainError('unavailable', UNAVAILABLE_CODES[service], `the ${service} did not answer; try again shortly`);
  }
}
