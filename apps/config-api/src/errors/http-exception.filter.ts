import { randomUUID } from 'node:crypto';
import { Catch, HttpException, HttpStatus, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { Response } from 'express';
import type { Logger } from 'pino';
import { ApiErrorCode } from '@wirehook/contracts';
import { DomainError, TooManyRequestsError, type DomainErrorKind } from './domain.error';
import { JsonTooDeepError } from './json-nesting';

const STATUS_OF_KIND: Record<DomainErrorKind, number> = {
  invalid: HttpStatus.BAD_REQUEST,
  unauthorized: HttpStatus.UNAUTHORIZED,
  forbidden: HttpStatus.FORBIDDEN,
  not_found: HttpStatus.NOT_FOUND,
  conflict: HttpStatus.CONFLICT,
  too_large: HttpStatus.PAYLOAD_TOO_LARGE,
  too_many_requests: HttpStatus.TOO_MANY_REQUESTS,
  unavailable: HttpStatus.SERVICE_UNAVAILABLE,
};

const CODE_OF_STATUS: Partial<Record<number, ApiErrorCode>> = {
  400: ApiErrorCode.invalidRequest,
  401: ApiErrorCode.unauthorized,
  403: ApiErrorCode.forbidden,
  404: ApiErrorCode.notFound,
  405: ApiErrorCode.methodNotAllowed,
  413: ApiErrorCode.payloadTooLarge,
  415: ApiErrorCode.unsupportedMediaType,
};

export interface ErrorBody {
  error: { code: ApiErrorCode; message: string; fields?: Record<string, string[]>; error_id?: string };
}

/**
 * The one place errors become HTTP answers: domain errors map to 4xx with their code,
 * framework errors keep their status, and anything unexpected is a 500 with an error id that
 * is also in the log.
 */
@Catch()
export class HttpExceptionFilter implements ExceptionFilter {
  constructor(private readonly logger: Logger) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const response = host.switchToHttp().getResponse<Response>();
    const [status, body] = this.toResponse(exception);
    if (exception instanceof TooManyRequestsError) response.setHeader('Retry-After', String(exception.retryAfterSeconds));
    response.status(status).json(body);
  }

  private toResponse(exception: unknown): [number, ErrorBody] {
    if (exception instanceof DomainError) {
      return [STATUS_OF_KIND[exception.kind], { error: { code: exception.code, message: exception.message, fields: exception.fields } }];
    }
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      const raw = exception.getResponse();
      const detail = typeof raw === 'object' && raw !== null ? (raw as { message?: unknown }).message : raw;
      const message = Array.isArray(detail) ? detail.join('; ') : String(detail ?? exception.message);
      if (status < 500) return [status, { error: { code: CODE_OF_STATUS[status] ?? ApiErrorCode.requestFailed, message } }];
    }
    if (exception instanceof JsonTooDeepError) return [400, { error: { code: ApiErrorCode.bodyTooDeeplyNested, message: exception.message } }];
    // body-parser errors carry their own status (e.g. 413 for a body over the limit, 400 for bad JSON).
    const parserStatus = (exception as { status?: number; type?: string }).status;
    if (typeof parserStatus === 'number' && parserStatus >= 400 && parserStatus < 500) {
      const message =
        parserStatus === 413
          ? `request body is larger than the limit (${(exception as { limit?: number }).limit} bytes)`
          : `request body is not valid JSON: ${(exception as Error).message}`;
      return [parserStatus, { error: { code: CODE_OF_STATUS[parserStatus] ?? ApiErrorCode.invalidRequest, message } }];
    }
    const errorId = randomUUID();
    this.logger.error({ err: exception, errorId }, 'unexpected error');
    return [
      500,
      { error: { code: ApiErrorCode.internalError, message: 'an unexpected error occurred; quote the error id when reporting it', error_id: errorId } },
    ];
  }
}
