import { useId, useState, type FormEvent, type ReactNode } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { ApiError, unwrap, type Schemas, type Webhook } from '../api/client';
import { describeError } from '../api/describe-error';
import { useLoad } from '../api/use-load';
import { useSession } from '../app/session';
import { ErrorAlert } from '../components/error-alert';
import { Field } from '../components/field';
import { formatDate } from '../components/format';
import { PageHeader } from '../components/page-header';
import { HeadersEditor } from './headers-editor';
import {
  RETRY_CHOICES,
  initialValues,
  toRequestBody,
  type AuthType,
  type FieldProblems,
  type TenantField,
  type WebhookBody,
  type WebhookFormValues,
} from './webhook-form-model';
import { webhookName, webhookPath } from './webhook-model';
import './webhooks.css';

/** Create (`/webhooks/new`) or edit (`/webhooks/:id/edit`) a webhook; AdminOnly keeps viewers out. */
export function WebhookFormPage() {
  const { id } = useParams();
  if (id === undefined) {
    return (
      <>
        <PageHeader
          title="New webhook"
          crumb={{ to: '/webhooks', label: 'Webhooks' }}
          subtitle="An HTTPS endpoint that receives your events, signed with Standard Webhooks signatures."
        />
        <WebhookForm />
      </>
    );
  }
  return <EditWebhook id={id} />;
}

function EditWebhook({ id }: { id: string }) {
  const { api } = useSession();
  const webhook = useLoad(async (signal) => (await unwrap(api.GET('/api/v1/webhooks/{id}', { params: { path: { id } }, signal }))).data, id);
  const crumb = webhook.data ? { to: webhookPath(id), label: webhookName(webhook.data) } : { to: '/webhooks', label: 'Webhooks' };
  return (
    <>
      <PageHeader title="Edit webhook" crumb={crumb} />
      {webhook.state === 'failed' && <ErrorAlert error={webhook.error} onRetry={webhook.reload} />}
      {webhook.state === 'loading' && !webhook.data && (
        <p className="loading" aria-busy="true">
          Loading the webhook…
        </p>
      )}
      {webhook.data && <WebhookForm key={webhook.data.updated_at} webhook={webhook.data} />}
    </>
  );
}

/** The API's field problems for one control: its own name, and names under it (`retry` takes `retry.policy`). */
function problemsFor(fields: FieldProblems, ...names: string[]): string[] {
  return Object.entries(fields)
    .filter(([key]) => names.some((name) => key === name || key.startsWith(`${name}.`) || key.startsWith(`${name}[`)))
    .flatMap(([, problems]) => problems);
}

function WebhookForm({ webhook }: { webhook?: Webhook }) {
  const { api } = useSession();
  const navigate = useNavigate();
  const [values, setValues] = useState<WebhookFormValues>(() => initialValues(webhook));
  const [problems, setProblems] = useState<FieldProblems>({});
  const [failure, setFailure] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const activeId = useId();
  const tlsRemoveId = useId();
  const set = <K extends keyof WebhookFormValues>(name: K, value: WebhookFormValues[K]) => setValues((current) => ({ ...current, [name]: value }));
  const editing = webhook !== undefined;
  const storedAuth = webhook?.auth.type;

  async function submit(event: FormEvent) {
    event.preventDefault();
    setFailure(undefined);
    const checked = toRequestBody(values, webhook);
    if (checked.problems) {
      setProblems(checked.problems);
      // Take the keyboard to the first control with a problem.
      requestAnimationFrame(() => document.querySelector<HTMLElement>('.webhook-form [aria-invalid="true"]')?.focus());
      return;
    }
    setProblems({});
    setBusy(true);
    try {
      const saved = await save(checked.body);
      navigate(webhookPath(saved.id), { state: { notice: editing ? 'Changes saved.' : 'Webhook created. Send a test event to check your endpoint.' } });
    } catch (error) {
      setFailure(error);
      if (error instanceof ApiError) setProblems(error.fields);
      setBusy(false);
    }
  }

  async function save(body: WebhookBody): Promise<Webhook> {
    if (webhook) return (await unwrap(api.PATCH('/api/v1/webhooks/{id}', { params: { path: { id: webhook.id } }, body }))).data;
    // For a new webhook toRequestBody always sets url and events (or reports them missing).
    return (await unwrap(api.POST('/api/v1/webhooks', { body: body as Schemas['CreateWebhookDto'] }))).data;
  }

  const keepHint = (what: string) =>
    editing && values.authType === storedAuth ? `Stored encrypted and never shown: leave empty to keep the stored ${what}, or type a new one.` : undefined;

  return (
    <form className="card form webhook-form" onSubmit={submit} noValidate aria-label={editing ? 'Edit webhook' : 'New webhook'}>
      <Field label="URL" hint="The HTTPS address deliveries are POSTed to." errors={problemsFor(problems, 'url')}>
        <input
          type="url"
          inputMode="url"
          autoComplete="off"
          spellCheck={false}
          maxLength={2048}
          placeholder="https://example.com/webhooks"
          value={values.url}
          onChange={(event) => set('url', event.target.value)}
        />
      </Field>
      <Field label="Description" hint='A name people recognise, shown in the lists and logs (e.g. "CRM sync").' errors={problemsFor(problems, 'description')}>
        <input type="text" maxLength={500} placeholder="CRM sync" value={values.description} onChange={(event) => set('description', event.target.value)} />
      </Field>
      <Field
        label="Events"
        hint="Event types or patterns, separated by commas or new lines: order.created (exact), order.* (everything under order.), * (everything)."
        errors={problemsFor(problems, 'events')}
      >
        <textarea
          rows={3}
          spellCheck={false}
          placeholder="order.*, invoice.paid"
          value={values.events}
          onChange={(event) => set('events', event.target.value)}
        />
      </Field>
      <div className="field field-check">
        <label htmlFor={activeId}>
          <input id={activeId} type="checkbox" checked={values.active} onChange={(event) => set('active', event.target.checked)} /> Active: deliver events to
          this endpoint (untick to pause)
        </label>
      </div>

      <FieldGroup legend="Authentication">
        <Field label="Method" hint="How wirehook proves itself to your endpoint, on top of the signature." errors={problemsFor(problems, 'auth.type', 'auth')}>
          <select value={values.authType} onChange={(event) => set('authType', event.target.value as AuthType)}>
            <option value="none">None</option>
            <option value="bearer">Bearer token</option>
            <option value="header">Custom header</option>
            <option value="oauth2">OAuth 2 client credentials</option>
          </select>
        </Field>
        {values.authType === 'bearer' && (
          <Field
            label="Bearer token"
            hint={keepHint('token') ?? 'Sent as Authorization: Bearer <token>. Stored encrypted.'}
            errors={problemsFor(problems, 'auth.token')}
          >
            <input
              type="password"
              autoComplete="off"
              spellCheck={false}
              maxLength={4096}
              value={values.token}
              onChange={(event) => set('token', event.target.value)}
            />
          </Field>
        )}
        {values.authType === 'header' && (
          <div className="field-row">
            <Field label="Header name" errors={problemsFor(problems, 'auth.header_name')}>
              <input
                type="text"
                autoComplete="off"
                spellCheck={false}
                maxLength={100}
                placeholder="X-Webhook-Secret"
                value={values.headerName}
                onChange={(event) => set('headerName', event.target.value)}
              />
            </Field>
            <Field label="Header value" hint={keepHint('value')} errors={problemsFor(problems, 'auth.header_value')}>
              <input
                type="password"
                autoComplete="off"
                spellCheck={false}
                maxLength={4096}
                value={values.headerValue}
                onChange={(event) => set('headerValue', event.target.value)}
              />
            </Field>
          </div>
        )}
        {values.authType === 'oauth2' && (
          <>
            <div className="field-row">
              <Field label="Token URL" hint="The token endpoint of the client credentials grant (https)." errors={problemsFor(problems, 'auth.token_url')}>
                <input
                  type="url"
                  inputMode="url"
                  autoComplete="off"
                  spellCheck={false}
                  placeholder="https://auth.example.com/oauth/token"
                  value={values.tokenUrl}
                  onChange={(event) => set('tokenUrl', event.target.value)}
                />
              </Field>
              <Field label="Client ID" errors={problemsFor(problems, 'auth.client_id')}>
                <input type="text" autoComplete="off" spellCheck={false} value={values.clientId} onChange={(event) => set('clientId', event.target.value)} />
              </Field>
            </div>
            <Field
              label="Client secret"
              hint={keepHint('client secret') ?? 'Stored encrypted, never shown again.'}
              errors={problemsFor(problems, 'auth.client_secret')}
            >
              <input
                type="password"
                autoComplete="off"
                spellCheck={false}
                value={values.clientSecret}
                onChange={(event) => set('clientSecret', event.target.value)}
              />
            </Field>
            <div className="field-row">
              <Field label="Scope" hint="Optional, space-separated." errors={problemsFor(problems, 'auth.scope')}>
                <input type="text" autoComplete="off" spellCheck={false} value={values.scope} onChange={(event) => set('scope', event.target.value)} />
              </Field>
              <Field label="Audience" hint="Optional (Auth0, Okta)." errors={problemsFor(problems, 'auth.audience')}>
                <input type="text" autoComplete="off" spellCheck={false} value={values.audience} onChange={(event) => set('audience', event.target.value)} />
              </Field>
            </div>
          </>
        )}
      </FieldGroup>

      <HeadersEditor
        rows={values.headers}
        editing={editing}
        problems={problemsFor(problems, 'headers')}
        onChange={(headers) => setValues((current) => ({ ...current, headers, headersChanged: true }))}
      />

      <FieldGroup legend="Delivery">
        <div className="field-row">
          <Field label="Timeout (seconds)" hint="1 to 30; 10 when left empty." errors={problemsFor(problems, 'timeout_ms')}>
            <input
              type="number"
              inputMode="decimal"
              min={1}
              max={30}
              step="any"
              placeholder="10"
              value={values.timeoutSeconds}
              onChange={(event) => set('timeoutSeconds', event.target.value)}
            />
          </Field>
          <Field label="Retry policy" hint="Delays before each retry of a failed delivery." errors={problemsFor(problems, 'retry.policy', 'retry')}>
            <select value={values.retryPolicy} onChange={(event) => set('retryPolicy', event.target.value as WebhookFormValues['retryPolicy'])}>
              {RETRY_CHOICES.map((choice) => (
                <option key={choice.value} value={choice.value}>
                  {choice.label}
                </option>
              ))}
            </select>
          </Field>
        </div>
        {values.retryPolicy === 'custom' && (
          <Field
            label="Retry delays"
            hint="Delays before each retry, e.g. 10s, 1m, 10m, 1h (at most 20, each 100ms to 24h)."
            errors={problemsFor(problems, 'retry.schedule_ms')}
          >
            <input
              type="text"
              spellCheck={false}
              placeholder="10s, 1m, 10m, 1h"
              value={values.schedule}
              onChange={(event) => set('schedule', event.target.value)}
            />
          </Field>
        )}
      </FieldGroup>

      <FieldGroup legend="Limits and payload">
        <div className="field-row">
          <Field label="Max concurrency" hint="Requests in flight at most (1-100); 10 when left empty." errors={problemsFor(problems, 'max_concurrency')}>
            <input
              type="number"
              inputMode="numeric"
              min={1}
              max={100}
              step={1}
              placeholder="10"
              value={values.maxConcurrency}
              onChange={(event) => set('maxConcurrency', event.target.value)}
            />
          </Field>
          <Field label="Rate limit (requests/s)" hint="1 to 10,000; empty for no limit." errors={problemsFor(problems, 'rate_limit')}>
            <input
              type="number"
              inputMode="numeric"
              min={1}
              max={10000}
              step={1}
              value={values.rateLimit}
              onChange={(event) => set('rateLimit', event.target.value)}
            />
          </Field>
          <Field label="Proxy URL" hint="Optional: send through this proxy instead of the platform's." errors={problemsFor(problems, 'proxy_url')}>
            <input
              type="url"
              inputMode="url"
              autoComplete="off"
              spellCheck={false}
              placeholder="http://proxy.example.com:3128"
              value={values.proxyUrl}
              onChange={(event) => set('proxyUrl', event.target.value)}
            />
          </Field>
          <Field label="Tenant field" hint="Name of the tenant id in the payload." errors={problemsFor(problems, 'tenant_field')}>
            <select value={values.tenantField} onChange={(event) => set('tenantField', event.target.value as TenantField)}>
              <option value="tenantId">tenantId</option>
              <option value="companyId">companyId</option>
            </select>
          </Field>
        </div>
      </FieldGroup>

      <FieldGroup legend="Client certificate (mutual TLS)">
        {webhook?.tls_client ? (
          <p className="hint">
            Stored: {webhook.tls_client.subject}, expires {formatDate(webhook.tls_client.not_after)}. Paste a new certificate and key to replace it.
          </p>
        ) : (
          <p className="hint">Optional: a certificate wirehook presents to your endpoint. Both in PEM form; the key is stored encrypted and never shown.</p>
        )}
        <div className="field-row">
          <Field label="Certificate (PEM)" errors={problemsFor(problems, 'tls_client.certificate', 'tls_client')}>
            <textarea
              rows={3}
              spellCheck={false}
              placeholder="-----BEGIN CERTIFICATE-----"
              value={values.tlsCertificate}
              onChange={(event) => set('tlsCertificate', event.target.value)}
            />
          </Field>
          <Field label="Private key (PEM)" errors={problemsFor(problems, 'tls_client.private_key')}>
            <textarea
              rows={3}
              spellCheck={false}
              placeholder="-----BEGIN PRIVATE KEY-----"
              value={values.tlsPrivateKey}
              onChange={(event) => set('tlsPrivateKey', event.target.value)}
            />
          </Field>
        </div>
        {webhook?.tls_client && (
          <div className="field field-check">
            <label htmlFor={tlsRemoveId}>
              <input id={tlsRemoveId} type="checkbox" checked={values.tlsRemove} onChange={(event) => set('tlsRemove', event.target.checked)} /> Remove the
              stored client certificate
            </label>
          </div>
        )}
      </FieldGroup>

      {Object.keys(problems).length > 0 && failure === undefined && (
        <p className="webhook-form-problem" role="alert">
          Some fields need a change: see the messages under them.
        </p>
      )}
      {failure !== undefined && (
        <div className="webhook-notice webhook-notice-bad" role="alert">
          {failure instanceof ApiError && failure.status === 400 ? `Not saved: ${failure.message}` : `Not saved. ${describeError(failure)}`}
        </div>
      )}
      <div className="actions actions-start">
        <button type="submit" className="button button-primary" disabled={busy}>
          {busy ? 'Saving…' : editing ? 'Save changes' : 'Create webhook'}
        </button>
        <Link className="button button-quiet" to={webhook ? webhookPath(webhook.id) : '/webhooks'}>
          Cancel
        </Link>
      </div>
    </form>
  );
}

function FieldGroup({ legend, children }: { legend: string; children: ReactNode }) {
  return (
    <fieldset className="fieldset">
      <legend>{legend}</legend>
      {children}
    </fieldset>
  );
}
