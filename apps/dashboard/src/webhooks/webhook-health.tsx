import { unwrap, type AttemptLog, type DeliveryLog, type Webhook } from '../api/client';
import { useLoad } from '../api/use-load';
import { useSession } from '../app/session';
import { ErrorAlert } from '../components/error-alert';
import { formatCount, formatDate } from '../components/format';
import { HttpOutcome } from '../components/status';
import { WebhookStateWithReason } from './webhook-state';

/** A row of the attempts view (the default view these reads ask for). */
function asAttempt(row: AttemptLog | DeliveryLog | undefined): AttemptLog | null {
  return row && 'attempt' in row ? row : null;
}

export interface EndpointHealth {
  /** The newest successful attempt, if any is still in the logs. */
  lastSuccess: AttemptLog | null;
  /** Failed attempts (final or to be retried) after the last success: the current failure streak. */
  streak: number;
  /** False when `streak` is a lower bound (the logs count exactly up to 10,000). */
  streakExact: boolean;
  /** The newest of those failures. */
  lastFailure: AttemptLog | null;
}

/**
 * How the endpoint is doing, from its delivery logs (two small reads, newest first):
 * 1. the last success is the newest attempt with `status=success` (`per_page=1`);
 * 2. the failure streak is the count of attempts with `status=failed,retrying` since then
 *    (`from` = one millisecond after the last success, or all of them when none succeeded),
 *    read from the list's `pagination.total`; its first row is the latest failure.
 * Logs removed by retention are not counted.
 */
export function useEndpointHealth(webhookId: string, round: number) {
  const { api } = useSession();
  return useLoad<EndpointHealth>(async (signal) => {
    const successes = await unwrap(
      api.GET('/api/v1/webhooks/{id}/logs', { params: { path: { id: webhookId }, query: { status: ['success'], per_page: 1 } }, signal }),
    );
    const lastSuccess = asAttempt(successes.data[0]);
    const since = lastSuccess ? new Date(Date.parse(lastSuccess.created_at) + 1).toISOString() : undefined;
    const failures = await unwrap(
      api.GET('/api/v1/webhooks/{id}/logs', {
        params: { path: { id: webhookId }, query: { status: ['failed', 'retrying'], per_page: 1, ...(since ? { from: since } : {}) } },
        signal,
      }),
    );
    return { lastSuccess, streak: failures.pagination.total, streakExact: failures.pagination.total_exact, lastFailure: asAttempt(failures.data[0]) };
  }, `${webhookId}:${round}`);
}

export function WebhookHealth({ webhook, round }: { webhook: Webhook; round: number }) {
  const health = useEndpointHealth(webhook.id, round);
  const data = health.data;
  return (
    <section className="card" aria-labelledby="webhook-health" aria-busy={health.state === 'loading'}>
      <h2 id="webhook-health">Endpoint health</h2>
      <dl className="details webhook-details">
        <dt>State</dt>
        <dd>
          <WebhookStateWithReason webhook={webhook} />
        </dd>
        <dt>Last success</dt>
        <dd data-testid="last-success">{data ? (data.lastSuccess ? formatDate(data.lastSuccess.created_at) : 'None in the logs') : '…'}</dd>
        <dt>Failure streak</dt>
        <dd data-testid="failure-streak">
          {data ? (
            data.streak === 0 ? (
              'No failures since the last success'
            ) : (
              <>
                <span className={data.streak > 0 ? 'webhook-bad-text' : undefined}>
                  {formatCount(data.streak, data.streakExact)} failed {data.streak === 1 ? 'attempt' : 'attempts'}
                </span>{' '}
                {data.lastSuccess ? 'since the last success' : 'and no success in the logs'}
              </>
            )
          ) : (
            '…'
          )}
        </dd>
        {data?.lastFailure && (
          <>
            <dt>Last failure</dt>
            <dd>
              {formatDate(data.lastFailure.created_at)} · <HttpOutcome httpStatus={data.lastFailure.http_status} errorCode={data.lastFailure.error_code} />
              {data.lastFailure.error && <div className="muted small break">{data.lastFailure.error}</div>}
            </dd>
          </>
        )}
      </dl>
      {health.state === 'loading' && !data && <p className="muted">Reading the logs…</p>}
      {health.state === 'failed' && <ErrorAlert error={health.error} onRetry={health.reload} />}
    </section>
  );
}
