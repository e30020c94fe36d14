import { useEffect, useState } from 'react';
import { useLocation, useNavigate, useParams } from 'react-router';
import { ApiError, unwrap, type AttemptResult, type LogDetail } from '../api/client';
import { useLoad } from '../api/use-load';
import { useSession } from '../app/session';
import { ErrorAlert } from '../components/error-alert';
import { formatDate } from '../components/format';
import { PageHeader } from '../components/page-header';
import { StatusBadge } from '../components/status';
import { Link } from 'react-router';
import { describeRetry, describeRetryError, retryLog } from '../logs/retry';
import { useTabVisible } from '../logs/use-log-list';
import { RequestCard, ResponseCard, Summary, Timeline } from './attempt-sections';
import './attempt.css';

/** What the page carries to the new attempt after Retry now: its result, shown until the attempt is logged. */
interface RetriedState {
  retried?: AttemptResult;
}

/** How long and how often a new attempt is looked for: log-service stores it a moment after the retry answered. */
const FOLLOW_INTERVAL_MS = 500;
const FOLLOW_TRIES = 60;
/** A delivery still retrying is asked again at this pace, so its next attempt shows up. */
const REFRESH_MS = 5000;

export function AttemptPage() {
  const { id = '' } = useParams();
  // A new id is a new page: nothing of the previous attempt (data, result, problem) stays on screen.
  return <AttemptView key={id} id={id} />;
}

function AttemptView({ id }: { id: string }) {
  const { api, canEdit } = useSession();
  const navigate = useNavigate();
  const location = useLocation();
  const retried = (location.state as RetriedState | null)?.retried;
  const detail = useLoad(async (signal) => (await unwrap(api.GET('/api/v1/logs/{id}', { params: { path: { id } }, signal }))).data, id);
  const [tries, setTries] = useState(0);
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string>();
  const visible = useTabVisible();
  const log = detail.data;

  // After a retry the new attempt may not be logged yet (404 for a moment): look again until it is.
  const following =
    retried?.log_id === id && detail.state === 'failed' && detail.error instanceof ApiError && detail.error.status === 404 && tries < FOLLOW_TRIES;
  const { reload, state } = detail;
  useEffect(() => {
    if (!following) return;
    const timer = setTimeout(() => {
      setTries((count) => count + 1);
      reload();
    }, FOLLOW_INTERVAL_MS);
    return () => clearTimeout(timer);
  }, [following, reload]);

  // A delivery that will be attempted again (retrying, pending) refreshes while the tab is shown.
  const unsettled = log?.delivery?.status === 'retrying' || log?.delivery?.status === 'pending';
  useEffect(() => {
    if (!unsettled || !visible || state !== 'ready') return;
    const timer = setTimeout(reload, REFRESH_MS);
    return () => clearTimeout(timer);
  }, [unsettled, visible, state, reload]);

  useEffect(() => {
    document.title = log ? `${log.event} #${log.attempt} · wirehook` : 'Delivery attempt · wirehook';
  }, [log]);

  async function retryNow(of: LogDetail) {
    setBusy(true);
    setProblem(undefined);
    try {
      const result = await retryLog(api, of.id);
      navigate(`/logs/${encodeURIComponent(result.log_id)}`, { state: { retried: result } satisfies RetriedState });
    } catch (error) {
      setProblem(describeRetryError(error));
      setBusy(false);
    }
  }

  const crumb = { to: log ? `/logs?webhook_id=${encodeURIComponent(log.webhook_id)}` : '/logs', label: 'Delivery logs' };
  const result = retried?.log_id === id && (
    <div className={`alert attempt-notice ${retried.success ? 'attempt-notice-ok' : 'attempt-notice-bad'}`} data-testid="attempt-result">
      {describeRetry(retried)}
      {!log && (following ? ` Loading attempt #${retried.attempt}…` : ` Attempt #${retried.attempt} is not in the logs yet; try again in a moment.`)}
    </div>
  );
  if (!log) {
    return (
      <>
        <PageHeader title="Delivery attempt" crumb={crumb} />
        <div aria-live="polite">{result}</div>
        {detail.state === 'failed' && !following && <ErrorAlert error={detail.error} onRetry={reload} />}
        {(detail.state === 'loading' || following) && !result && <p className="loading">Loading…</p>}
      </>
    );
  }

  const final = log.delivery ? log.delivery.status === 'failed' || log.delivery.status === 'success' : log.status === 'failed' || log.status === 'success';
  const retryControl = canEdit && final && log.attempt > 0 && (
    <button type="button" className={`button ${log.delivery?.status === 'success' ? '' : 'button-primary'}`} onClick={() => retryNow(log)} disabled={busy}>
      {busy ? 'Retrying…' : 'Retry now'}
    </button>
  );
  return (
    <>
      <PageHeader
        title={<span className="mono attempt-title">{log.event}</span>}
        crumb={crumb}
        subtitle={
          <span className="attempt-subtitle">
            <StatusBadge status={log.status} /> {log.trigger !== 'auto' && <span className="tag">{log.trigger}</span>} Attempt #{log.attempt} to{' '}
            <Link to={`/webhooks/${encodeURIComponent(log.webhook_id)}`}>{log.webhook_name || log.url}</Link>
          </span>
        }
        actions={retryControl}
      />
      <div aria-live="polite">
        {result}
        {problem && (
          <div className="alert attempt-notice attempt-notice-warn" role="alert">
            {problem}
          </div>
        )}
      </div>
      {!final && log.delivery && (
        <p className="alert attempt-notice attempt-notice-warn">
          {log.delivery.status === 'retrying'
            ? `This delivery will be attempted again${log.delivery.next_attempt_at ? ` at ${formatDate(log.delivery.next_attempt_at)}` : ''}; this page shows the new attempt's result when it is there.`
            : 'This delivery is waiting for its first attempt.'}
        </p>
      )}
      {detail.state === 'failed' && <ErrorAlert error={detail.error} onRetry={reload} />}
      {log.error && (
        <div className="alert attempt-notice attempt-notice-bad" data-testid="attempt-error">
          <strong className="mono">{log.error_code ?? 'error'}</strong>: {log.error}
        </div>
      )}
      <div className="grid">
        <Summary log={log} />
        <Timeline log={log} />
      </div>
      <div className="grid">
        <RequestCard log={log} />
        <ResponseCard log={log} />
      </div>
    </>
  );
}
