import { RpcException } from '@nestjs/microservices';
import { InvalidMessageError, RpcErrorCode, validatePlain } from '@wirehook/contracts';

/**
 * Validates the payload of a request/reply handler; an invalid one answers the caller with
 * `invalid_request` and the problems, instead of failing inside the handler.
 */
export function validRpcPayload<T extends object>(type: new () => T, payload: unknown): T {
  try {
    return validatePlain(type, payload);
  } catch (error) {
    if (error instanceof InvalidMessageError) throw new RpcException({ code: RpcErrorCode.invalidRequest, message: error.message });
    throw error;
  }
}
