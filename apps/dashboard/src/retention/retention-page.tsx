import { useState, type FormEvent } from 'react';
import { ApiError, unwrap, type RetentionPolicy } from '../api/client';
import { useLoad } from '../api/use-load';
import { useSession } from '../app/session';
import { ConfirmDialog } from '../components/confirm-dialog';
import { ErrorAlert } from '../components/error-alert';
import { Field } from '../components/field';
import { formatDate } from '../components/format';
import { PageHeader } from '../components/page-header';
import { useToast } from '../components/toasts';

const SUBTITLE = 'How long delivery logs are kept once a delivery reached its final state. Pending and retrying deliveries are never removed.';

export function RetentionPage() {
  const { api, canEdit } = useSession();
  const policy = useLoad(async (signal) => (await unwrap(api.GET('/api/v1/retention', { signal }))).data, 'retention');
  return (
    <>
      <PageHeader title="Retention" subtitle={SUBTITLE} />
      {policy.state === 'failed' && <ErrorAlert error={policy.error} onRetry={policy.reload} />}
      {policy.state === 'loading' && !policy.data && <p className="muted">Loading…</p>}
      {policy.data && (
        <div className="grid">
          <CurrentPolicy policy={policy.data} />
          {canEdit && <PolicyForm key={policy.data.updated_at ?? 'defaults'} policy={policy.data} onSaved={policy.reload} />}
        </div>
      )}
    </>
  );
}

function CurrentPolicy({ policy }: { policy: RetentionPolicy }) {
  return (
    <section className="card" aria-labelledby="current-policy">
      <h2 id="current-policy">Current policy</h2>
      <dl className="tiles">
        <div className="tile tile-ok">
          <dt className="tile-label">Successful deliveries</dt>
          <dd className="tile-value">{policy.success_days} days</dd>
        </div>
        <div className="tile tile-bad">
          <dt className="tile-label">Failed deliveries</dt>
          <dd className="tile-value">{policy.failed_days} days</dd>
        </div>
      </dl>
      <p>
        {policy.source === 'tenant'
          ? `Your team's own policy, set ${formatDate(policy.updated_at)}.`
          : 'The platform defaults apply (your team has no policy of its own).'}
      </p>
      <p className="muted">
        Platform defaults: {policy.defaults.success_days} days for successes, {policy.defaults.failed_days} days for failures.
      </p>
    </section>
  );
}

function PolicyForm({ policy, onSaved }: { policy: RetentionPolicy; onSaved: () => void }) {
  const { api } = useSession();
  const toast = useToast();
  const [successDays, setSuccessDays] = useState(String(policy.success_days));
  const [failedDays, setFailedDays] = useState(String(policy.failed_days));
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const [confirmReset, setConfirmReset] = useState(false);
  const fields = error instanceof ApiError ? error.fields : {};

  async function save(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      await unwrap(api.PUT('/api/v1/retention', { body: { success_days: Number(successDays), failed_days: Number(failedDays) } }));
      toast('Retention policy saved.');
      onSaved();
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(false);
    }
  }

  async function reset() {
    setBusy(true);
    setError(undefined);
    try {
      await unwrap(api.DELETE('/api/v1/retention'));
      toast('Retention reset to the platform defaults.');
      setConfirmReset(false);
      onSaved();
    } catch (failure) {
      setConfirmReset(false);
      setError(failure);
    } finally {
      setBusy(false);
    }
  }

  return (
    <form className="card form" onSubmit={save} noValidate aria-labelledby="change-policy">
      <h2 id="change-policy">Change the policy</h2>
      <p className="muted">Failed deliveries are kept at least as long as successful ones, 1 to 365 days each.</p>
      <div className="field-row">
        <Field label="Keep successful deliveries (days)" errors={fields['success_days']}>
          <input type="number" min={1} max={365} step={1} required value={successDays} onChange={(event) => setSuccessDays(event.target.value)} />
        </Field>
        <Field label="Keep failed deliveries (days)" errors={fields['failed_days']}>
          <input type="number" min={1} max={365} step={1} required value={failedDays} onChange={(event) => setFailedDays(event.target.value)} />
        </Field>
      </div>
      {error !== undefined && <ErrorAlert error={error} />}
      <div className="actions actions-start">
        <button type="submit" className="button button-primary" disabled={busy}>
          {busy ? 'Saving…' : 'Save policy'}
        </button>
        <button type="button" className="button" disabled={busy || policy.source !== 'tenant'} onClick={() => setConfirmReset(true)}>
          Reset to defaults
        </button>
      </div>
      <ConfirmDialog
        open={confirmReset}
        title="Reset retention to the defaults?"
        confirmLabel="Reset"
        busy={busy}
        onConfirm={reset}
        onCancel={() => setConfirmReset(false)}
      >
        Logs will be kept {policy.defaults.success_days} days (successes) and {policy.defaults.failed_days} days (failures).
      </ConfirmDialog>
    </form>
  );
}
