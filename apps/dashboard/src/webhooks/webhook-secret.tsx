import { useId, useState } from 'react';
import { unwrap } from '../api/client';
import { useSession } from '../app/session';
import { ConfirmDialog } from '../components/confirm-dialog';
import { formatDate } from '../components/format';
import { useToast } from '../components/toasts';
import { ActionProblem } from './test-result';

const MAX_GRACE_HOURS = 168;

/** Reveal and rotate the signing secret (admins only: the detail page leaves this out for viewers). */
export function WebhookSecret({ webhookId }: { webhookId: string }) {
  const { api } = useSession();
  const toast = useToast();
  const graceId = useId();
  const [graceHours, setGraceHours] = useState('24');
  const [shown, setShown] = useState<{ label: string; secret: string; until?: string }>();
  const [problem, setProblem] = useState<{ what: string; error: unknown }>();
  const [busy, setBusy] = useState<'reveal' | 'rotate'>();
  const [confirming, setConfirming] = useState(false);
  const hours = Number(graceHours);
  const graceValid = graceHours.trim() !== '' && Number.isFinite(hours) && hours >= 0 && hours <= MAX_GRACE_HOURS;
  const path = { params: { path: { id: webhookId } } };

  async function reveal() {
    setBusy('reveal');
    setProblem(undefined);
    try {
      const { secret } = (await unwrap(api.GET('/api/v1/webhooks/{id}/secret', path))).data;
      setShown({ label: 'Current signing secret', secret });
    } catch (error) {
      setProblem({ what: 'Secret not revealed', error });
    } finally {
      setBusy(undefined);
    }
  }

  async function rotate() {
    setBusy('rotate');
    setProblem(undefined);
    try {
      const rotated = (await unwrap(api.POST('/api/v1/webhooks/{id}/secret/rotate', { ...path, body: { grace_period_seconds: Math.round(hours * 3600) } })))
        .data;
      setShown({
        label: 'New signing secret',
        secret: rotated.secret,
        until: rotated.previous_secret_expires_at
          ? `The previous secret keeps signing until ${formatDate(rotated.previous_secret_expires_at)}.`
          : 'The previous secret no longer signs.',
      });
      toast('Signing secret rotated.');
    } catch (error) {
      setProblem({ what: 'Secret not rotated', error });
    } finally {
      setConfirming(false);
      setBusy(undefined);
    }
  }

  async function copy(secret: string) {
    try {
      await navigator.clipboard.writeText(secret);
      toast('Secret copied to the clipboard.');
    } catch {
      toast('Copying is not allowed here; select the secret and copy it by hand.', 'bad');
    }
  }

  return (
    <section className="card" aria-labelledby="webhook-secret">
      <h2 id="webhook-secret">Signing secret</h2>
      <p className="muted">
        Receivers verify the webhook-signature header with this secret. During a rotation both the new and the previous secret sign each delivery.
      </p>
      <div className="webhook-secret-controls">
        <button type="button" className="button" onClick={reveal} disabled={busy !== undefined}>
          {busy === 'reveal' ? 'Revealing…' : 'Reveal secret'}
        </button>
        <div className="webhook-secret-rotate">
          <label htmlFor={graceId}>Keep the previous secret signing for (hours)</label>
          <input
            id={graceId}
            type="number"
            min={0}
            max={MAX_GRACE_HOURS}
            step={1}
            inputMode="numeric"
            className="input-narrow"
            value={graceHours}
            aria-invalid={graceValid ? undefined : true}
            onChange={(event) => setGraceHours(event.target.value)}
          />
          <button type="button" className="button" onClick={() => setConfirming(true)} disabled={busy !== undefined || !graceValid}>
            Rotate secret
          </button>
        </div>
        {!graceValid && <p className="webhook-field-error">The grace period is 0 to {MAX_GRACE_HOURS} hours.</p>}
      </div>
      <div aria-live="polite" className="webhook-secret-output">
        {shown && (
          <div className="webhook-secret-box">
            <div className="small muted">{shown.label}</div>
            <div className="webhook-secret-row">
              <code className="webhook-secret-value mono" data-testid="secret">
                {shown.secret}
              </code>
              <button type="button" className="button button-small" onClick={() => copy(shown.secret)}>
                Copy
              </button>
            </div>
            {shown.until && <p className="hint">{shown.until}</p>}
          </div>
        )}
        {problem && <ActionProblem what={problem.what} error={problem.error} />}
      </div>
      {confirming && (
        <ConfirmDialog
          open
          title="Rotate the signing secret?"
          confirmLabel="Rotate secret"
          busy={busy === 'rotate'}
          onConfirm={rotate}
          onCancel={() => setConfirming(false)}
        >
          A new secret signs every delivery from now on.{' '}
          {hours > 0
            ? `The current one keeps signing too for ${hours} ${hours === 1 ? 'hour' : 'hours'}, so receivers can switch over.`
            : 'The current one stops signing at once: receivers still using it will refuse deliveries.'}
        </ConfirmDialog>
      )}
    </section>
  );
}
