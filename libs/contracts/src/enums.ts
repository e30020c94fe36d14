/** Where a delivery stands. `pending` before its first attempt, `retrying` between attempts. */
export const DeliveryStatus = {
  pending: 'pending',
  retrying: 'retrying',
  success: 'success',
  failed: 'failed',
} as const;
export type DeliveryStatus = (typeof DeliveryStatus)[keyof typeof DeliveryStatus];
export const DELIVERY_STATUSES = Object.values(DeliveryStatus);

/** What caused an attempt. */
export const AttemptTrigger = {
  auto: 'auto',
  manual: 'manual',
  test: 'test',
} as const;
export type AttemptTrigger = (typeof AttemptTrigger)[keyof typeof AttemptTrigger];
export const ATTEMPT_TRIGGERS = Object.values(AttemptTrigger);

/** Stable codes for why an attempt did not succeed. */
export const AttemptErrorCode = {
  httpStatus: 'http_status',
  timeout: 'timeout',
  dns: 'dns',
  connectionRefused: 'connection_refused',
  connectionReset: 'connection_reset',
  tls: 'tls',
  ssrfBlocked: 'ssrf_blocked',
  network: 'network',
  endpointUnavailable: 'endpoint_unavailable',
  /** The endpoint's OAuth2 token URL did not give an access token (refused, failed or answered without one). */
  authToken: 'auth_token',
} as const;
export type AttemptErrorCode = (typeof AttemptErrorCode)[keyof typeof AttemptErrorCode];
export const ATTEMPT_ERROR_CODES = Object.values(AttemptErrorCode);

/** Why a message was dead-lettered instead of processed. */
export const DeadLetterReason = {
  malformedJson: 'malformed_json',
  invalidFields: 'invalid_fields',
  invalidSubject: 'invalid_subject',
  payloadTooLarge: 'payload_too_large',
  unknownTenant: 'unknown_tenant',
  unknownEndpoint: 'unknown_endpoint',
} as const;
export type DeadLetterReason = (typeof DeadLetterReason)[keyof typeof DeadLetterReason];

/** How an endpoint authenticates our requests to it. */
export const EndpointAuthType = {
  none: 'none',
  bearer: 'bearer',
  header: 'header',
  /** OAuth2 client credentials: the dispatcher gets an access token from a token URL and sends it as a bearer token. */
  oauth2: 'oauth2',
} as const;
export type EndpointAuthType = (typeof EndpointAuthType)[keyof typeof EndpointAuthType];

/** Error codes answered by internal request/reply handlers. */
export const RpcErrorCode = {
  invalidRequest: 'invalid_request',
  notFound: 'not_found',
  unavailable: 'unavailable',
  internal: 'internal',
  tooBusy: 'too_busy',
} as const;
export type RpcErrorCode = (typeof RpcErrorCode)[keyof typeof RpcErrorCode];
