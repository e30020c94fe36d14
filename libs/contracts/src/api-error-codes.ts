/**
 * Every `error.code` config-api answers with (`{ error: { code, message } }`). Clients branch on
 * them: they are API, so change one only by adding a new code next to it.
 */
export const ApiErrorCode = {
  // 400: the input
  invalidRequest: 'invalid_request',
  validationFailed: 'validation_failed',
  invalidBody: 'invalid_body',
  bodyTooDeeplyNested: 'body_too_deeply_nested',
  invalidField: 'invalid_field',
  invalidUrl: 'invalid_url',
  invalidWindow: 'invalid_window',
  windowInFuture: 'window_in_future',
  windowTooLong: 'window_too_long',
  windowOutsideKeptRange: 'window_outside_kept_range',
  invalidIdempotencyKey: 'invalid_idempotency_key',
  conflictingIds: 'conflicting_ids',

  // 401, 403: the caller
  unauthorized: 'unauthorized',
  forbidden: 'forbidden',

  // 404: nothing of the caller's with that id (`not_found` when an internal service says so)
  notFound: 'not_found',
  tenantNotFound: 'tenant_not_found',
  apiKeyNotFound: 'api_key_not_found',
  webhookNotFound: 'webhook_not_found',
  deliveryNotFound: 'delivery_not_found',
  replayNotFound: 'replay_not_found',
  dashboardFileNotFound: 'dashboard_file_not_found',

  // 405, 413, 415 and other refusals of the HTTP layer
  methodNotAllowed: 'method_not_allowed',
  payloadTooLarge: 'payload_too_large',
  unsupportedMediaType: 'unsupported_media_type',
  requestFailed: 'request_failed',

  // 409: the current state
  tenantExists: 'tenant_exists',
  webhookLimitReached: 'webhook_limit_reached',
  concurrentUpdate: 'concurrent_update',
  retryScheduled: 'retry_scheduled',
  notAttemptedYet: 'not_attempted_yet',
  replayInProgress: 'replay_in_progress',
  replayFinished: 'replay_finished',
  retentionRunInProgress: 'retention_run_in_progress',

  // 429
  tooManyRequests: 'too_many_requests',

  // 500
  internalError: 'internal_error',

  // 503: something behind the API
  eventBusUnavailable: 'event_bus_unavailable',
  // An internal service config-api asks over NATS request/reply did not answer.
  deliveryLogServiceUnavailable: 'delivery_log_service_unavailable',
  dispatcherUnavailable: 'dispatcher_unavailable',
  retentionServiceUnavailable: 'retention_service_unavailable',
  retentionRunAborted: 'retention_run_aborted',
  retentionRunFailed: 'retention_run_failed',
  dashboardNotBuilt: 'dashboard_not_built',
} as const;
export type ApiErrorCode = (typeof ApiErrorCode)[keyof typeof ApiErrorCode];
