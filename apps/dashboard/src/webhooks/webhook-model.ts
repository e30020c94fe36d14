import type { Webhook } from '../api/client';

/** What people call a webhook: its description, or its URL when it has none. */
export function webhookName(webhook: Pick<Webhook, 'description' | 'url'>): string {
  return webhook.description || webhook.url;
}

export type WebhookState = 'active' | 'paused' | 'disabled';

/** Paused by a person (`active: false`), or disabled by the dispatcher (which then gives a reason). */
export function webhookState(webhook: Pick<Webhook, 'active' | 'disabled_reason'>): WebhookState {
  if (webhook.active) return 'active';
  return webhook.disabled_reason ? 'disabled' : 'paused';
}

/** The path of a webhook's page, and of its delivery logs. */
export function webhookPath(id: string, rest = ''): string {
  return `/webhooks/${encodeURIComponent(id)}${rest}`;
}

export function webhookLogsPath(id: string): string {
  return `/logs?${new URLSearchParams({ webhook_id: id }).toString()}`;
}

/** The schedules behind the API's named retry policies (see WebhookRetryDto). */
export const RETRY_SCHEDULES_MS = {
  default: [5_000, 300_000, 1_800_000, 7_200_000, 18_000_000, 36_000_000, 36_000_000],
  quick: [200, 400, 800],
  none: [],
} as const satisfies Record<string, readonly number[]>;

export type RetryPolicy = keyof typeof RETRY_SCHEDULES_MS;

const DELAY_UNITS: ReadonlyArray<readonly [string, number]> = [
  ['h', 3_600_000],
  ['m', 60_000],
  ['s', 1000],
  ['ms', 1],
];

/** 300000 → "5m": the largest unit that divides the delay. */
export function formatDelay(ms: number): string {
  const [unit, size] = DELAY_UNITS.find(([, unitMs]) => ms % unitMs === 0) ?? ['ms', 1];
  return `${ms / size}${unit}`;
}

/** Limits of a custom retry schedule, as the API checks them. */
export const SCHEDULE_LIMITS = { maxDelays: 20, minMs: 100, maxMs: 86_400_000 } as const;

/** "10s, 1m, 500ms" → delays in ms, or the problem with the text, in words. */
export function parseDelays(text: string): { delays: number[] } | { problem: string } {
  const parts = text.split(/[\s,]+/).filter(Boolean);
  const delays: number[] = [];
  for (const part of parts) {
    const match = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(part);
    if (!match) return { problem: `"${part}" is not a delay such as 500ms, 10s, 5m or 2h.` };
    const size = DELAY_UNITS.find(([unit]) => unit === (match[2] ?? 'ms'))?.[1] ?? 1;
    const ms = Math.round(Number(match[1]) * size);
    if (ms < SCHEDULE_LIMITS.minMs || ms > SCHEDULE_LIMITS.maxMs) return { problem: `${part} is out of range: each delay is 100ms to 24h.` };
    delays.push(ms);
  }
  if (delays.length === 0) return { problem: 'Enter at least one delay, or choose "No retries".' };
  if (delays.length > SCHEDULE_LIMITS.maxDelays) return { problem: `At most ${SCHEDULE_LIMITS.maxDelays} retries.` };
  return { delays };
}

/** The retry settings read back from the API, in words. */
export function describeRetry(retry: Webhook['retry']): string {
  if (retry.policy) {
    const label = { default: 'Default', quick: 'Quick', none: 'No retries' }[retry.policy];
    return retry.policy === 'none' ? label : `${label}: ${RETRY_SCHEDULES_MS[retry.policy].map(formatDelay).join(', ')}`;
  }
  const schedule = retry.schedule_ms ?? [];
  return schedule.length === 0 ? 'No retries' : `Custom: ${schedule.map(formatDelay).join(', ')}`;
}

/** How wirehook authenticates itself to the endpoint, in words (the secret itself is never shown). */
export function describeAuth(auth: Webhook['auth']): string {
  if (auth.type === 'bearer') return 'Bearer token (stored encrypted, hidden)';
  if (auth.type === 'header') return `Header ${auth.header_name ?? ''} (value stored encrypted, hidden)`;
  if (auth.type === 'oauth2') {
    const extra = [auth.scope && `scope ${auth.scope}`, auth.audience && `audience ${auth.audience}`].filter(Boolean).join(', ');
    return `OAuth 2 client credentials: client ${auth.client_id ?? ''} at ${auth.token_url ?? ''}${extra ? ` (${extra})` : ''}; secret hidden`;
  }
  return 'None';
}
