import { useState } from 'react';
import { unwrap, type Replay } from '../api/client';
import { useSession } from '../app/session';
import { ConfirmDialog } from '../components/confirm-dialog';
import { formatCount, formatDate } from '../components/format';
import { useToast } from '../components/toasts';
import { REPLAY_STATE_LABEL, REPLAY_STATE_TONE, isUnfinished, replayProgress } from './replay-model';
import { ActionProblem } from './test-result';

export function ReplayStateBadge({ state }: { state: Replay['state'] }) {
  return <span className={`webhook-badge webhook-badge-${REPLAY_STATE_TONE[state]}`}>{REPLAY_STATE_LABEL[state]}</span>;
}

/** "1 Mar 2026, 10:00:00 to 1 Mar 2026, 12:30:59": the window a replay covers, in the reader's time. */
export function replayWindowText(replay: Pick<Replay, 'from' | 'to'>): string {
  return `${formatDate(replay.from)} to ${formatDate(replay.to)}`;
}

function ReplayProgress({ replay }: { replay: Replay }) {
  const progress = replayProgress(replay);
  const text =
    progress === undefined
      ? 'Waiting to start'
      : `${progress} %${replay.reached_at && replay.state !== 'completed' ? ` · events stored up to ${formatDate(replay.reached_at)}` : ''}`;
  return (
    <div className="webhook-replay-progress">
      {/* Without a value, <progress> is indeterminate: the replay has not started yet. */}
      <progress max={100} value={progress} aria-label={`Progress of the replay of ${replayWindowText(replay)}`} aria-describedby={`${replay.id}-progress`} />
      <span className="small muted" id={`${replay.id}-progress`} data-testid="replay-progress-text">
        {text}
      </span>
    </div>
  );
}

function ReplayItem({ replay, canCancel, onCancel }: { replay: Replay; canCancel: boolean; onCancel(): void }) {
  const counts: Array<[string, number]> = [
    ['Events scanned', replay.events_scanned],
    ['Matched', replay.events_matched],
    ['Deliveries queued', replay.deliveries_queued],
  ];
  return (
    <li className="webhook-replay" data-testid="replay" data-state={replay.state} aria-labelledby={`${replay.id}-title`}>
      <div className="webhook-replay-head">
        <ReplayStateBadge state={replay.state} />
        <span className="webhook-replay-window" id={`${replay.id}-title`}>
          {replayWindowText(replay)}
        </span>
      </div>
      {replay.events && (
        <p className="webhook-replay-line small">
          Only events matching <span className="mono">{replay.events.join(', ')}</span>
        </p>
      )}
      <ReplayProgress replay={replay} />
      <dl className="webhook-replay-counts">
        {counts.map(([label, value]) => (
          <div key={label}>
            <dt>{label}</dt>
            <dd>{formatCount(value)}</dd>
          </div>
        ))}
      </dl>
      {replay.error && (
        <p className="webhook-replay-line webhook-bad-text small" data-testid="replay-error">
          {replay.state === 'failed' ? 'Failed: ' : ''}
          {replay.error}
        </p>
      )}
      <div className="webhook-replay-foot">
        <span className="small muted">
          Requested {formatDate(replay.created_at)}
          {replay.finished_at && ` · ${REPLAY_STATE_LABEL[replay.state].toLowerCase()} ${formatDate(replay.finished_at)}`}
        </span>
        {canCancel && isUnfinished(replay) && (
          <button type="button" className="button button-small" onClick={onCancel}>
            Cancel replay
          </button>
        )}
      </div>
    </li>
  );
}

interface ReplayListProps {
  replays: Replay[];
  /** Called after a cancel, whatever its answer, to read the list again. */
  onChanged(): void;
}

/** The webhook's recent replays with their progress; admins may cancel an unfinished one after a confirmation. */
export function ReplayList({ replays, onChanged }: ReplayListProps) {
  const { api, canEdit } = useSession();
  const toast = useToast();
  const [cancelling, setCancelling] = useState<Replay>();
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<unknown>();

  async function cancel() {
    if (!cancelling) return;
    setBusy(true);
    setProblem(undefined);
    try {
      await unwrap(api.POST('/api/v1/replays/{replayId}/cancel', { params: { path: { replayId: cancelling.id } } }));
      toast('Replay cancelled. Deliveries it queued already still go out.');
    } catch (error) {
      setProblem(error);
    } finally {
      setCancelling(undefined);
      setBusy(false);
      onChanged();
    }
  }

  return (
    <>
      {problem !== undefined && <ActionProblem what="Not cancelled" error={problem} />}
      {replays.length === 0 ? (
        <p className="muted">No replays of this webhook yet.</p>
      ) : (
        <ul className="webhook-replays" aria-label="Recent replays">
          {replays.map((replay) => (
            <ReplayItem key={replay.id} replay={replay} canCancel={canEdit} onCancel={() => setCancelling(replay)} />
          ))}
        </ul>
      )}
      {cancelling && (
        <ConfirmDialog
          open
          title="Cancel this replay?"
          confirmLabel="Cancel replay"
          cancelLabel="Keep it running"
          danger
          busy={busy}
          onConfirm={cancel}
          onCancel={() => setCancelling(undefined)}
        >
          The replay of {replayWindowText(cancelling)} stops within a second. Deliveries it has queued already ({formatCount(cancelling.deliveries_queued)} so
          far) still go out.
        </ConfirmDialog>
      )}
    </>
  );
}
