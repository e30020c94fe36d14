import type { ClientProxy } from '@nestjs/microservices';
import { firstValueFrom, timeout } from 'rxjs';
import { RpcErrorCode } from '@wirehook/contracts';
import { DomainError } from '../errors/domain.error';

/**
 * Asks an internal service over NATS request/reply. Its error codes become domain errors; no
 * answer within `timeoutMs` (or no service listening) is a 503 that names the service.
 */
export async function callService<T>(client: ClientProxy, pattern: string, payload: object, timeoutMs: number, service: string): Promise<T> {
  try {
    return await firstValueFrom(client.send<T>(pattern, payload).pipe(timeout(timeoutMs)));
  } catch (error) {
    const rpc = error as { code?: string; message?: string };
    if (rpc.code === RpcErrorCode.invalidRequest) throw new DomainError('invalid', 'invalid_request', rpc.message ?? 'invalid request');
    if (rpc.code === RpcErrorCode.notFound) throw new DomainError('not_found', 'not_found', rpc.message ?? 'not found');
    throw new DomainError('unavailable', `${service.replace(/-/g, '_')}_unavailable`, `the ${service} did not answer; try again shortly`);
  }
}
