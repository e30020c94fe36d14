import { useState, type FormEvent } from 'react';
import { Link } from 'react-router';
import { unwrap } from '../api/client';
import { useSession } from '../app/session';
import { ConfirmDialog } from '../components/confirm-dialog';
import { Field } from '../components/field';
import { formatCount } from '../components/format';
import { useToast } from '../components/toasts';
import { fromLocalInput, toLocalInput } from './local-time';
import { ActionProblem } from './test-result';

/** The most deliveries one recovery queues (POST /recover answers `truncated` past it). */
export const RECOVER_LIMIT = 1000;
const DAY_MS = 24 * 60 * 60 * 1000;

interface Preview {
  from: string;
  to: string;
  total: number;
  exact: boolean;
}

/**
 * Sends again every failed delivery created in a time window: a preview counts them first
 * (the deliveries view of the logs, `status=failed`), then POST /recover queues at most 1,000.
 */
export function WebhookRecover({ webhookId }: { webhookId: string }) {
  const { api } = useSession();
  const toast = useToast();
  const [from, setFrom] = useState(() => toLocalInput(new Date(Date.now() - DAY_MS)));
  const [to, setTo] = useState(() => toLocalInput(new Date()));
  const [problems, setProblems] = useState<{ from?: string[]; to?: string[] }>({});
  const [preview, setPreview] = useState<Preview>();
  const [result, setResult] = useState<{ queued: number; truncated: boolean }>();
  const [problem, setProblem] = useState<{ what: string; error: unknown }>();
  const [busy, setBusy] = useState<'preview' | 'recover'>();
  const [confirming, setConfirming] = useState(false);

  function changeWindow(set: (value: string) => void, value: string) {
    set(value);
    setPreview(undefined);
    setResult(undefined);
  }

  async function countFailed(event: FormEvent) {
    event.preventDefault();
    const window = { from: fromLocalInput(from), to: fromLocalInput(to, true) };
    const found: typeof problems = {};
    if (!window.from) found.from = ['Choose when the window starts.'];
    if (!window.to) found.to = ['Choose when the window ends.'];
    if (window.from && window.to && window.to < window.from) found.to = ['The window ends before it starts.'];
    setProblems(found);
    if (!window.from || !window.to || found.to) return;
    setBusy('preview');
    setProblem(undefined);
    setResult(undefined);
    try {
      const answer = await unwrap(
        api.GET('/api/v1/webhooks/{id}/logs', {
          params: { path: { id: webhookId }, query: { view: 'deliveries', status: ['failed'], from: window.from, to: window.to, per_page: 1 } },
        }),
      );
      setPreview({ from: window.from, to: window.to, total: answer.pagination.total, exact: answer.pagination.total_exact });
    } catch (error) {
      setProblem({ what: 'Not counted', error });
    } finally {
      setBusy(undefined);
    }
  }

  async function recover() {
    if (!preview) return;
    setBusy('recover');
    setProblem(undefined);
    try {
      const answer = (
        await unwrap(api.POST('/api/v1/webhooks/{id}/recover', { params: { path: { id: webhookId } }, body: { from: preview.from, to: preview.to } }))
      ).data;
      setResult(answer);
      setPreview(undefined);
      toast(`${formatCount(answer.queued)} failed ${answer.queued === 1 ? 'delivery' : 'deliveries'} queued to be sent again.`);
    } catch (error) {
      setProblem({ what: 'Not recovered', error });
    } finally {
      setConfirming(false);
      setBusy(undefined);
    }
  }

  const queued = preview ? Math.min(preview.total, RECOVER_LIMIT) : 0;
  return (
    <section className="card" aria-labelledby="webhook-recover">
      <h2 id="webhook-recover">Recover failed deliveries</h2>
      <p className="muted">
        Sends again every delivery that failed for good and was created in a window, for example after an outage of your endpoint. At most{' '}
        {formatCount(RECOVER_LIMIT)} per recovery.
      </p>
      <form onSubmit={countFailed} noValidate aria-label="Recovery window">
        <div className="field-row">
          <Field label="From" errors={problems.from}>
            <input type="datetime-local" value={from} onChange={(event) => changeWindow(setFrom, event.target.value)} />
          </Field>
          <Field label="To" hint="Inclusive, your time." errors={problems.to}>
            <input type="datetime-local" value={to} onChange={(event) => changeWindow(setTo, event.target.value)} />
          </Field>
        </div>
        <button type="submit" className="button" disabled={busy !== undefined}>
          {busy === 'preview' ? 'Counting…' : 'Count failed deliveries'}
        </button>
      </form>
      <div aria-live="polite" className="webhook-recover-output">
        {preview && (
          <div className="webhook-recover-preview" data-testid="recover-preview">
            <p>
              {preview.total === 0
                ? 'No failed deliveries were created in this window.'
                : `${formatCount(preview.total, preview.exact)} failed ${preview.total === 1 ? 'delivery was' : 'deliveries were'} created in this window.`}
              {preview.total > RECOVER_LIMIT && ` This recovery queues the first ${formatCount(RECOVER_LIMIT)}; recover again for the rest.`}
            </p>
            {preview.total > 0 && (
              <button type="button" className="button button-primary" onClick={() => setConfirming(true)} disabled={busy !== undefined}>
                Recover {formatCount(queued)} {queued === 1 ? 'delivery' : 'deliveries'}
              </button>
            )}
          </div>
        )}
        {result && (
          <p className="webhook-notice webhook-notice-ok" data-testid="recover-result">
            Queued {formatCount(result.queued)} {result.queued === 1 ? 'delivery' : 'deliveries'} to be sent again.
            {result.truncated && ` More failed deliveries remain in this window: count and recover again to queue the next ${formatCount(RECOVER_LIMIT)}.`}{' '}
            <Link to={`/logs?${new URLSearchParams({ webhook_id: webhookId, view: 'deliveries' }).toString()}`}>Follow them in the logs</Link>
          </p>
        )}
        {problem && <ActionProblem what={problem.what} error={problem.error} />}
      </div>
      {confirming && preview && (
        <ConfirmDialog
          open
          title="Send failed deliveries again?"
          confirmLabel="Recover"
          busy={busy === 'recover'}
          onConfirm={recover}
          onCancel={() => setConfirming(false)}
        >
          {formatCount(queued)} failed {queued === 1 ? 'delivery is' : 'deliveries are'} queued and sent to the endpoint again, each as a new attempt with its
          original webhook-id.
        </ConfirmDialog>
      )}
    </section>
  );
}
