import { Link } from 'react-router';
import { ApiError, type AttemptResult } from '../api/client';
import { describeError } from '../api/describe-error';
import { formatDuration } from '../components/format';

/** What a test send did: delivered or not, the HTTP status and time, the error, and the attempt in the logs. */
export function TestResult({ result }: { result: AttemptResult }) {
  const outcome = result.http_status !== null ? `HTTP ${result.http_status}` : 'no HTTP answer';
  return (
    <div className={`webhook-notice ${result.success ? 'webhook-notice-ok' : 'webhook-notice-bad'}`} data-testid="test-result">
      <strong>{result.success ? 'Test event delivered' : 'Test event failed'}</strong> — {outcome} in {formatDuration(result.duration_ms)}
      {result.error && (
        <div className="webhook-result-error">
          <span className="mono">{result.error_code ?? 'error'}</span>: {result.error}
        </div>
      )}
      <div>
        <Link to={`/logs/${encodeURIComponent(result.log_id)}`}>View the attempt in the logs</Link>
      </div>
    </div>
  );
}

/** An action that did not happen, and why, in plain words (the server's message for a refused input). */
export function ActionProblem({ what, error }: { what: string; error: unknown }) {
  const why = error instanceof ApiError && (error.status === 400 || error.status === 409) ? error.message : describeError(error);
  return (
    <div className="webhook-notice webhook-notice-bad" role="alert">
      {what}: {why}
    </div>
  );
}
