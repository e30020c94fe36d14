import { ApiError, unwrap, type Api, type AttemptResult } from '../api/client';
import { describeError } from '../api/describe-error';
import { formatDuration } from '../components/format';

/** Attempts the delivery of log `id` again now (admins); answers the new attempt. */
export async function retryLog(api: Api, id: string): Promise<AttemptResult> {
  return (await unwrap(api.POST('/api/v1/logs/{id}/retry', { params: { path: { id } } }))).data;
}

/** "Retry delivered: HTTP 200 in 143 ms." or "Retry failed: HTTP 500 in 2.1 s." */
export function describeRetry(result: AttemptResult): string {
  const outcome = result.http_status !== null ? `HTTP ${result.http_status}` : (result.error ?? 'no answer');
  return `Retry ${result.success ? 'delivered' : 'failed'} (attempt #${result.attempt}): ${outcome} in ${formatDuration(result.duration_ms)}.`;
}

/** Why a retry was refused, in plain words (409: an automatic retry is scheduled, or nothing was sent yet). */
export function describeRetryError(error: unknown): string {
  if (error instanceof ApiError && error.status === 409) {
    return error.code === 'not_attempted_yet'
      ? 'This delivery has not been attempted yet; it is sent as soon as its webhook has room.'
      : `Not retried: ${error.message}.`;
  }
  return describeError(error);
}
