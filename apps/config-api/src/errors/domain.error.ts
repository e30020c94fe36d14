/** What kind of failure a domain error is; the HTTP edge maps each kind to one status. */
export type DomainErrorKind = 'invalid' | 'unauthorized' | 'forbidden' | 'not_found' | 'conflict' | 'too_large' | 'too_many_requests' | 'unavailable';

/** A failure the caller can act on, with a stable machine-readable code. */
export class DomainError extends Error {
  constructor(
    readonly kind: DomainErrorKind,
    readonly code: string,
    message: string,
    readonly fields?: Record<string, string[]>,
  ) {
    super(message);
    this.name = 'DomainError';
  }
}

export class NotFoundError extends DomainError {
  constructor(what: string, id: string) {
    super('not_found', `${what}_not_found`, `${what.replace(/_/g, ' ')} '${id}' was not found`);
  }
}

/**
 * The caller asked for more at once than its share: try again after `retryAfterSeconds`
 * (whole seconds, at least 1), which the HTTP edge sends as `Retry-After`.
 */
export class TooManyRequestsError extends DomainError {
  readonly retryAfterSeconds: number;

  constructor(code: string, message: string, retryAfterSeconds: number) {
    super('too_many_requests', code, message);
    this.retryAfterSeconds = Number.isFinite(retryAfterSeconds) ? Math.max(1, Math.ceil(retryAfterSeconds)) : 1;
  }
}
