import { useState, type FormEvent } from 'react';
import { ApiError, unwrap, type ReplayRequest, type Webhook } from '../api/client';
import { useSession } from '../app/session';
import { ConfirmDialog } from '../components/confirm-dialog';
import { ErrorAlert } from '../components/error-alert';
import { Field } from '../components/field';
import { formatDate } from '../components/format';
import { useToast } from '../components/toasts';
import { toLocalInput } from './local-time';
import { ReplayList } from './replay-list';
import { EVENTS_KEPT_DAYS, replayRequestOf, type ReplayFormProblems } from './replay-model';
import { ActionProblem } from './test-result';
import { useReplays } from './use-replays';
import { webhookName } from './webhook-model';

const HOUR_MS = 60 * 60 * 1000;

/** The request the admin is asked to confirm, with the window as the page shows it. */
interface Pending {
  body: ReplayRequest;
}

/**
 * Sends again the events of a time window that the webhook is subscribed to now
 * (POST /replay), and follows the webhook's recent replays while they run. Viewers see the list only.
 */
export function WebhookReplay({ webhook }: { webhook: Webhook }) {
  const { canEdit } = useSession();
  const replays = useReplays(webhook.id);
  return (
    <section className="card" aria-labelledby="webhook-replay">
      <h2 id="webhook-replay">Replay events</h2>
      <p className="muted">
        Sends again the events of a time window that this webhook is subscribed to now, each under its original webhook-id so that your endpoint can tell a
        repeat and skip it. Use it after the webhook was paused or its endpoint was down, or to fill a new endpoint with recent events. Events are kept{' '}
        {EVENTS_KEPT_DAYS} days.
      </p>
      {canEdit && <ReplayForm webhook={webhook} onStarted={replays.reload} />}
      <h3 className="webhook-replays-title">Recent replays</h3>
      {replays.data ? (
        <ReplayList replays={replays.data} onChanged={replays.reload} />
      ) : (
        replays.state === 'loading' && (
          <p className="muted" aria-busy="true">
            Reading the replays…
          </p>
        )
      )}
      {replays.state === 'failed' && <ErrorAlert error={replays.error} onRetry={replays.reload} />}
    </section>
  );
}

function ReplayForm({ webhook, onStarted }: { webhook: Webhook; onStarted(): void }) {
  const { api } = useSession();
  const toast = useToast();
  const [from, setFrom] = useState(() => toLocalInput(new Date(Date.now() - HOUR_MS)));
  const [to, setTo] = useState('');
  const [events, setEvents] = useState<string[]>([]);
  const [problems, setProblems] = useState<ReplayFormProblems>({});
  const [pending, setPending] = useState<Pending>();
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<unknown>();

  function review(event: FormEvent) {
    event.preventDefault();
    const { body, problems: found } = replayRequestOf({ from, to, events });
    setProblems(found);
    setProblem(undefined);
    if (body) setPending({ body });
  }

  function toggle(pattern: string, on: boolean) {
    setEvents((current) =>
      on ? webhook.events.filter((known) => known === pattern || current.includes(known)) : current.filter((known) => known !== pattern),
    );
  }

  async function start() {
    if (!pending) return;
    setBusy(true);
    try {
      await unwrap(api.POST('/api/v1/webhooks/{id}/replay', { params: { path: { id: webhook.id } }, body: pending.body }));
      toast('Replay queued: it starts within a moment. Follow it below.');
    } catch (error) {
      setProblem(error);
    } finally {
      setPending(undefined);
      setBusy(false);
      onStarted();
    }
  }

  const running = problem instanceof ApiError && problem.status === 409;
  return (
    <>
      <form onSubmit={review} noValidate aria-label="Replay window" className="webhook-replay-form">
        <div className="field-row">
          <Field label="From" hint={`Your time; at most ${EVENTS_KEPT_DAYS} days ago.`} errors={problems.from}>
            <input type="datetime-local" value={from} required onChange={(event) => setFrom(event.target.value)} />
          </Field>
          <Field label="To" hint="Inclusive. Leave empty to replay up to now." errors={problems.to}>
            <input type="datetime-local" value={to} onChange={(event) => setTo(event.target.value)} />
          </Field>
        </div>
        {webhook.events.length > 1 && (
          <fieldset className="checks">
            <legend>Only these event types (optional)</legend>
            {webhook.events.map((pattern) => (
              <label key={pattern} className="check">
                <input type="checkbox" checked={events.includes(pattern)} onChange={(event) => toggle(pattern, event.target.checked)} />
                <span className="mono">{pattern}</span>
              </label>
            ))}
            <p className="hint webhook-replay-hint">None chosen: every event the webhook is subscribed to.</p>
          </fieldset>
        )}
        <button type="submit" className="button" disabled={busy}>
          Replay events
        </button>
      </form>
      <div aria-live="polite" className="webhook-recover-output">
        {problem !== undefined && <ActionProblem what="Replay not started" error={problem} />}
        {running && (
          <p className="webhook-notice webhook-notice-warn">
            That replay is listed under Recent replays below: wait for it to finish, or cancel it and start again.
          </p>
        )}
      </div>
      {pending && (
        <ConfirmDialog open title="Replay these events?" confirmLabel="Start replay" busy={busy} onConfirm={start} onCancel={() => setPending(undefined)}>
          <p>
            Every event stored from <strong>{formatDate(pending.body.from)}</strong> to <strong>{pending.body.to ? formatDate(pending.body.to) : 'now'}</strong>{' '}
            that {webhookName(webhook)} is subscribed to now
            {pending.body.events ? (
              <>
                {' '}
                and that matches <span className="mono">{pending.body.events.join(', ')}</span>
              </>
            ) : null}{' '}
            is sent to its endpoint again, under its original webhook-id.
          </p>
        </ConfirmDialog>
      )}
    </>
  );
}
