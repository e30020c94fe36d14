import { ApiErrorCode } from '@wirehook/contracts';

/** What kind of failure a domain error is; the HTTP edge maps each kind to one status. */
export type DomainErrorKind = 'invalid' | 'unauthorized' | 'forbidden' | 'not_found' | 'conflict' | 'too_large' | 'too_many_requests' | 'unavailable';

/** A failure the caller can act on, with a stable machine-readable code. */
export class DomainError extends Error {
  constructor(
    readonly kind: DomainErrorKind,
    readonly code: ApiErrorCode,
    message: string,
    readonly fields?: Record<string, string[]>,
  ) {
    super(message);
    this.name = 'DomainError';
  }
}

/** What each code of a {@link NotFoundError} is about, as its message names it. */
const NOT_FOUND_SUBJECTS = {
  [ApiErrorCode.tenantNotFound]: 'tenant',
  [ApiErrorCode.apiKeyNotFound]: 'api key',
  [ApiErrorCode.webhookNotFound]: 'webhook',
  [ApiErrorCode.replayNotFound]: 'replay',
  [ApiErrorCode.dashboardFileNotFound]: 'dashboard file',
} as const;

export type NotFoundCode = keyof typeof NOT_FOUND_SUBJECTS;

/** Nothing with this id belongs to the caller: "webhook 'x' was not found". */
export class NotFoundError extends DomainError {
  constructor(code: NotFoundCode, id: string) {
    super('not_found', code, `${NOT_FOUND_SUBJECTS[code]} '${id}' was not found`);
  }
}

/**
 * The caller asked for more at once than its share: try again after `retryAfterSeconds`
 * (whole seconds, at least 1), which the HTTP edge sends as `Retry-After`.
 */
export class TooManyRequestsError extends DomainError {
  readonly retryAfterSeconds: number;

  constructor(code: ApiErrorCode, message: string, retryAfterSeconds: number) {
    super('too_many_requests', code, message);
    this.retryAfterSeconds = Number.isFinite(retryAfterSeconds) ? Math.max(1, Math.ceil(retryAfterSeconds)) : 1;
  }
}
