import type { Webhook } from '../api/client';
import { formatDate, formatDuration } from '../components/format';
import { describeAuth, describeRetry } from './webhook-model';

/** The stored settings; credentials and header values are masked by the API and never shown. */
export function WebhookConfiguration({ webhook }: { webhook: Webhook }) {
  const headerNames = Object.keys(webhook.headers);
  return (
    <section className="card" aria-labelledby="webhook-configuration">
      <h2 id="webhook-configuration">Configuration</h2>
      <dl className="details webhook-details">
        <dt>URL</dt>
        <dd className="mono break">{webhook.url}</dd>
        <dt>Events</dt>
        <dd>
          <ul className="chip-list" aria-label="Events">
            {webhook.events.map((event) => (
              <li key={event} className="webhook-chip">
                {event}
              </li>
            ))}
          </ul>
        </dd>
        <dt>Authentication</dt>
        <dd>{describeAuth(webhook.auth)}</dd>
        <dt>Client certificate</dt>
        <dd>
          {webhook.tls_client ? (
            <>
              {webhook.tls_client.subject}, issued by {webhook.tls_client.issuer}, expires {formatDate(webhook.tls_client.not_after)}
              <div className="mono small break">SHA-256 {webhook.tls_client.fingerprint_sha256}</div>
            </>
          ) : (
            'None'
          )}
        </dd>
        <dt>Custom headers</dt>
        <dd>{headerNames.length ? headerNames.map((name) => `${name}: ${webhook.headers[name]}`).join(', ') : 'None'}</dd>
        <dt>Retry schedule</dt>
        <dd>{describeRetry(webhook.retry)}</dd>
        <dt>Timeout</dt>
        <dd>{formatDuration(webhook.timeout_ms)}</dd>
        <dt>Max concurrency</dt>
        <dd>{webhook.max_concurrency} requests at once</dd>
        <dt>Rate limit</dt>
        <dd>{webhook.rate_limit ? `${webhook.rate_limit} requests/s` : 'None'}</dd>
        <dt>Proxy</dt>
        <dd className={webhook.proxy_url ? 'mono break' : undefined}>{webhook.proxy_url ?? "The platform's"}</dd>
        <dt>Tenant field</dt>
        <dd className="mono">{webhook.tenant_field}</dd>
        <dt>Signing secret</dt>
        <dd className="mono">{webhook.secret}</dd>
        <dt>Created</dt>
        <dd>{formatDate(webhook.created_at)}</dd>
        <dt>Updated</dt>
        <dd>{formatDate(webhook.updated_at)}</dd>
        <dt>ID</dt>
        <dd className="mono break">{webhook.id}</dd>
      </dl>
    </section>
  );
}
