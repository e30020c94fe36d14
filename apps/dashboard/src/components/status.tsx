import type { AttemptLog } from '../api/client';

type Status = AttemptLog['status'];

const STATUS_TONE: Record<Status, string> = { success: 'ok', failed: 'bad', retrying: 'warn', pending: 'muted' };
const STATUS_LABEL: Record<Status, string> = { success: 'Succeeded', failed: 'Failed', retrying: 'Retrying', pending: 'Pending' };

export function StatusBadge({ status }: { status: Status }) {
  return <span className={`badge badge-${STATUS_TONE[status]}`}>{STATUS_LABEL[status]}</span>;
}

const ERROR_LABEL: Record<NonNullable<AttemptLog['error_code']>, string> = {
  http_status: 'HTTP error',
  timeout: 'Timed out',
  dns: 'Host not found',
  connection_refused: 'Connection refused',
  connection_reset: 'Connection reset',
  tls: 'TLS error',
  ssrf_blocked: 'Address not allowed',
  network: 'Network error',
  endpoint_unavailable: 'Endpoint unavailable',
  auth_token: 'No access token',
};

/** The HTTP status an attempt got, or what kept it from getting one. */
export function HttpOutcome({ httpStatus, errorCode }: { httpStatus: number | null; errorCode: AttemptLog['error_code'] }) {
  if (httpStatus !== null) return <span className={`http http-${Math.floor(httpStatus / 100)}xx`}>{httpStatus}</span>;
  return <span className="http http-none">{errorCode ? ERROR_LABEL[errorCode] : '—'}</span>;
}
