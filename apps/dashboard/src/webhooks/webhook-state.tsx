import type { Webhook } from '../api/client';
import { formatDate } from '../components/format';
import { webhookState } from './webhook-model';

const LABEL = { active: 'Active', paused: 'Paused', disabled: 'Disabled' } as const;
const TONE = { active: 'ok', paused: 'muted', disabled: 'bad' } as const;

/** Active, paused (by a person) or disabled (by the dispatcher). */
export function WebhookStateBadge({ webhook }: { webhook: Pick<Webhook, 'active' | 'disabled_reason'> }) {
  const state = webhookState(webhook);
  return <span className={`webhook-badge webhook-badge-${TONE[state]}`}>{LABEL[state]}</span>;
}

/** The badge, and why and when the dispatcher disabled the webhook. */
export function WebhookStateWithReason({ webhook }: { webhook: Pick<Webhook, 'active' | 'disabled_reason' | 'disabled_at'> }) {
  return (
    <>
      <WebhookStateBadge webhook={webhook} />
      {!webhook.active && webhook.disabled_reason && (
        <span className="webhook-state-reason">
          {webhook.disabled_reason}
          {webhook.disabled_at && <> · {formatDate(webhook.disabled_at)}</>}
        </span>
      )}
    </>
  );
}
