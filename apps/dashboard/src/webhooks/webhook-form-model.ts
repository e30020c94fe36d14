import type { Schemas, Webhook } from '../api/client';
import { RETRY_SCHEDULES_MS, formatDelay, parseDelays, type RetryPolicy } from './webhook-model';

/**
 * The webhook form's values, as typed, and the request body made from them. Pure functions, so
 * the rules (what is sent on create, what an edit leaves alone) are tested without a page.
 */

export type AuthType = Webhook['auth']['type'];
export type TenantField = Webhook['tenant_field'];

export interface HeaderRow {
  /** React's key for the row. */
  key: number;
  name: string;
  /** Empty for a stored header: the API never shows stored values. */
  value: string;
  /** The header came from the stored webhook (its value is kept only while no header changes). */
  stored: boolean;
}

export interface WebhookFormValues {
  url: string;
  description: string;
  /** Event types or patterns, separated by commas, spaces or new lines. */
  events: string;
  active: boolean;
  authType: AuthType;
  token: string;
  headerName: string;
  headerValue: string;
  tokenUrl: string;
  clientId: string;
  clientSecret: string;
  scope: string;
  audience: string;
  headers: HeaderRow[];
  /** True once a header was added, removed or changed: then the whole list is sent. */
  headersChanged: boolean;
  retryPolicy: RetryPolicy | 'custom';
  schedule: string;
  timeoutSeconds: string;
  maxConcurrency: string;
  rateLimit: string;
  tenantField: TenantField;
  /** A new client certificate and its key (PEM), both or neither. */
  tlsCertificate: string;
  tlsPrivateKey: string;
  /** Editing: drop the stored client certificate. */
  tlsRemove: boolean;
  /** The endpoint's own proxy; as stored, its password reads `********`. */
  proxyUrl: string;
}

/** Problems by the API's field names (`url`, `auth.token`, `headers`, ...), as `error.fields` names them. */
export type FieldProblems = Record<string, string[]>;

/** The body of POST and PATCH /api/v1/webhooks as the API takes it. */
/** The body of a create or a change: the fields the form changed (a change sends only those). */
export type WebhookBody = Schemas['UpdateWebhookDto'];

/** The API's event pattern (`EVENT_PATTERN_PATTERN` in libs/contracts, which the browser bundle does not import). */
const EVENT_PATTERN = /^(\*|[A-Za-z0-9_-]+)(\.(\*|[A-Za-z0-9_-]+)){0,15}$/;
/** An HTTP header name (RFC 9110 token). */
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
const MAX_HEADERS = 20;
const MAX_EVENTS = 100;

/** The retry choice of an existing webhook: a named policy, or its own schedule. */
function retryChoice(retry: Webhook['retry'] | undefined): { policy: WebhookFormValues['retryPolicy']; schedule: string } {
  if (!retry) return { policy: 'default', schedule: '' };
  if (retry.policy) return { policy: retry.policy, schedule: '' };
  const schedule = retry.schedule_ms ?? [];
  if (schedule.length === 0) return { policy: 'none', schedule: '' };
  return { policy: 'custom', schedule: schedule.map(formatDelay).join(', ') };
}

let nextRowKey = 1;
export function newHeaderRow(name = '', stored = false): HeaderRow {
  nextRowKey += 1;
  return { key: nextRowKey, name, value: '', stored };
}

/** The form for a new webhook, or filled in from a stored one (secrets left empty: they are kept unless retyped). */
export function initialValues(webhook?: Webhook): WebhookFormValues {
  const retry = retryChoice(webhook?.retry);
  return {
    url: webhook?.url ?? '',
    description: webhook?.description ?? '',
    events: webhook?.events.join(', ') ?? '',
    active: webhook?.active ?? true,
    authType: webhook?.auth.type ?? 'none',
    token: '',
    headerName: webhook?.auth.type === 'header' ? (webhook.auth.header_name ?? '') : '',
    headerValue: '',
    tokenUrl: webhook?.auth.token_url ?? '',
    clientId: webhook?.auth.client_id ?? '',
    clientSecret: '',
    scope: webhook?.auth.scope ?? '',
    audience: webhook?.auth.audience ?? '',
    headers: Object.keys(webhook?.headers ?? {}).map((name) => newHeaderRow(name, true)),
    headersChanged: false,
    retryPolicy: retry.policy,
    schedule: retry.schedule,
    timeoutSeconds: webhook ? String(webhook.timeout_ms / 1000) : '',
    maxConcurrency: webhook ? String(webhook.max_concurrency) : '',
    rateLimit: webhook?.rate_limit ? String(webhook.rate_limit) : '',
    tenantField: webhook?.tenant_field ?? 'tenantId',
    tlsCertificate: '',
    tlsPrivateKey: '',
    tlsRemove: false,
    proxyUrl: webhook?.proxy_url ?? '',
  };
}

export function splitEvents(text: string): string[] {
  return text.split(/[\s,]+/).filter(Boolean);
}

/** A whole number within [min, max] from a text field, or undefined when the field is empty; NaN when it is not such a number. */
function wholeNumber(text: string, min: number, max: number): number | undefined {
  if (text.trim() === '') return undefined;
  const value = Number(text);
  return Number.isInteger(value) && value >= min && value <= max ? value : Number.NaN;
}

/**
 * The request body for the form, or the obvious mistakes in it (the server checks everything
 * again and names what it refuses). `stored` is the webhook being edited: then only the auth,
 * headers and retry settings that changed are sent, so stored secrets are kept.
 */
export function toRequestBody(
  values: WebhookFormValues,
  stored?: Webhook,
): { body: WebhookBody; problems?: undefined } | { problems: FieldProblems; body?: undefined } {
  const problems: FieldProblems = {};
  const problem = (field: string, message: string) => (problems[field] ??= []).push(message);
  const body: WebhookBody = {};

  const url = values.url.trim();
  if (!url) problem('url', 'Enter the address deliveries go to, such as https://example.com/webhooks.');
  else {
    let parsed: URL | undefined;
    try {
      parsed = new URL(url);
    } catch {
      problem('url', 'Enter a whole address starting with https://, such as https://example.com/webhooks.');
    }
    if (parsed && parsed.protocol !== 'https:' && parsed.protocol !== 'http:') problem('url', 'The address must start with https://.');
    else if (parsed?.hash) problem('url', 'The address may not contain a #fragment.');
    else if (parsed && (parsed.username || parsed.password)) problem('url', 'The address may not contain a user name or password.');
  }
  body.url = url;

  const description = values.description.trim();
  if (description.length > 500) problem('description', 'At most 500 characters.');
  if (description || stored) body.description = description;

  const events = splitEvents(values.events);
  if (events.length === 0) problem('events', 'List at least one event type or pattern, such as order.created or order.*.');
  if (events.length > MAX_EVENTS) problem('events', `At most ${MAX_EVENTS} event types or patterns.`);
  const badEvents = events.filter((event) => event.length > 200 || !EVENT_PATTERN.test(event));
  if (badEvents.length)
    problem(
      'events',
      `Not an event type or pattern: ${badEvents.join(', ')}. Use letters, digits, _ and -, separated by dots; * stands for one segment or everything.`,
    );
  body.events = events;
  body.active = values.active;

  addAuth(values, stored, body, problem);
  addHeaders(values, stored, body, problem);

  if (values.timeoutSeconds.trim() !== '') {
    const seconds = Number(values.timeoutSeconds);
    if (!(seconds >= 1 && seconds <= 30)) problem('timeout_ms', 'Between 1 and 30 seconds.');
    else body.timeout_ms = Math.round(seconds * 1000);
  } else if (stored) problem('timeout_ms', 'Between 1 and 30 seconds.');

  const concurrency = wholeNumber(values.maxConcurrency, 1, 100);
  if (Number.isNaN(concurrency) || (stored && concurrency === undefined)) problem('max_concurrency', 'A whole number from 1 to 100.');
  else if (concurrency !== undefined) body.max_concurrency = concurrency;

  const rateLimit = wholeNumber(values.rateLimit, 1, 10_000);
  if (Number.isNaN(rateLimit)) problem('rate_limit', 'A whole number from 1 to 10,000, or empty for no limit.');
  else if (rateLimit !== undefined) body.rate_limit = rateLimit;
  else if (stored?.rate_limit) body.rate_limit = null; // emptied: no limit any more

  addRetry(values, stored, body, problem);
  body.tenant_field = values.tenantField;
  addTlsClient(values, stored, body, problem);
  addProxy(values, stored, body, problem);

  return Object.keys(problems).length ? { problems } : { body };
}

function addAuth(values: WebhookFormValues, stored: Webhook | undefined, body: WebhookBody, problem: (field: string, message: string) => void): void {
  const storedType = stored?.auth.type;
  const typeChanged = values.authType !== (storedType ?? 'none');
  if (values.authType === 'none') {
    if (typeChanged) body.auth = { type: 'none' };
    return;
  }
  if (values.authType === 'bearer') {
    // Editing a bearer webhook: an empty token keeps the stored one, so auth is left out of the body.
    if (!typeChanged && values.token === '') return;
    if (values.token === '') problem('auth.token', 'Enter the token wirehook sends as Authorization: Bearer <token>.');
    body.auth = { type: 'bearer', token: values.token };
    return;
  }
  if (values.authType === 'oauth2') {
    addOAuth2(values, stored, typeChanged, body, problem);
    return;
  }
  const headerName = values.headerName.trim();
  const nameChanged = headerName.toLowerCase() !== (stored?.auth.header_name ?? '').toLowerCase();
  if (!typeChanged && !nameChanged && values.headerValue === '') return;
  if (!headerName) problem('auth.header_name', 'Enter the name of the header, such as X-Webhook-Secret.');
  else if (!HEADER_NAME.test(headerName)) problem('auth.header_name', 'A header name has letters, digits and - only (no spaces or colons).');
  if (values.headerValue === '') {
    problem(
      'auth.header_value',
      typeChanged || !stored
        ? 'Enter the value wirehook sends in this header.'
        : 'Enter the value again: the stored one is kept only while the header name stays the same.',
    );
  }
  body.auth = { type: 'header', header_name: headerName, header_value: values.headerValue };
}

function addOAuth2(
  values: WebhookFormValues,
  stored: Webhook | undefined,
  typeChanged: boolean,
  body: WebhookBody,
  problem: (field: string, message: string) => void,
): void {
  const auth = { token_url: values.tokenUrl.trim(), client_id: values.clientId.trim(), scope: values.scope.trim(), audience: values.audience.trim() };
  const was = stored?.auth;
  const changed =
    typeChanged ||
    auth.token_url !== (was?.token_url ?? '') ||
    auth.client_id !== (was?.client_id ?? '') ||
    auth.scope !== (was?.scope ?? '') ||
    auth.audience !== (was?.audience ?? '');
  // Editing without a change and without a new secret keeps the stored credentials.
  if (!changed && values.clientSecret === '') return;
  if (!/^https:\/\/\S+$/.test(auth.token_url)) problem('auth.token_url', 'Enter the token endpoint, an https:// address.');
  if (!auth.client_id) problem('auth.client_id', 'Enter the client id.');
  if (values.clientSecret === '')
    problem(
      'auth.client_secret',
      typeChanged || !stored
        ? 'Enter the client secret.'
        : 'Enter the client secret again: changing the OAuth 2 settings sends them all, and the stored secret is never shown.',
    );
  body.auth = {
    type: 'oauth2',
    token_url: auth.token_url,
    client_id: auth.client_id,
    client_secret: values.clientSecret,
    ...(auth.scope ? { scope: auth.scope } : {}),
    ...(auth.audience ? { audience: auth.audience } : {}),
  };
}

function addTlsClient(values: WebhookFormValues, stored: Webhook | undefined, body: WebhookBody, problem: (field: string, message: string) => void): void {
  const certificate = values.tlsCertificate.trim();
  const privateKey = values.tlsPrivateKey.trim();
  if (certificate || privateKey) {
    if (!certificate.includes('-----BEGIN CERTIFICATE-----'))
      problem('tls_client.certificate', 'Paste the certificate in PEM form (-----BEGIN CERTIFICATE-----).');
    if (!/-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(privateKey))
      problem('tls_client.private_key', 'Paste the private key in PEM form (-----BEGIN PRIVATE KEY-----), without a passphrase.');
    body.tls_client = { certificate: `${certificate}\n`, private_key: `${privateKey}\n` };
    return;
  }
  if (values.tlsRemove && stored?.tls_client) body.tls_client = null;
}

function addProxy(values: WebhookFormValues, stored: Webhook | undefined, body: WebhookBody, problem: (field: string, message: string) => void): void {
  const proxy = values.proxyUrl.trim();
  if (proxy === (stored?.proxy_url ?? '')) return;
  if (!proxy) {
    if (stored?.proxy_url) body.proxy_url = null;
    return;
  }
  if (!/^https?:\/\/\S+$/.test(proxy)) problem('proxy_url', 'Enter the proxy as http://host:port or https://host:port.');
  else if (proxy.includes('********')) problem('proxy_url', 'Type the proxy password again: the stored one is never shown.');
  body.proxy_url = proxy;
}

function addHeaders(values: WebhookFormValues, stored: Webhook | undefined, body: WebhookBody, problem: (field: string, message: string) => void): void {
  if (stored && !values.headersChanged) return;
  const rows = values.headers.filter((row) => row.name.trim() !== '' || row.value !== '' || row.stored);
  if (rows.length === 0) {
    if (stored && Object.keys(stored.headers).length > 0) body.headers = null;
    return;
  }
  if (rows.length > MAX_HEADERS) problem('headers', `At most ${MAX_HEADERS} custom headers.`);
  const seen = new Set<string>();
  const headers: Record<string, string> = {};
  for (const row of rows) {
    const name = row.name.trim();
    if (!name) problem('headers', 'Every header needs a name.');
    else if (!HEADER_NAME.test(name)) problem('headers', `"${name}" is not a header name: letters, digits and - only.`);
    else if (seen.has(name.toLowerCase())) problem('headers', `${name} is listed twice.`);
    else if (name.toLowerCase() === 'authorization') problem('headers', 'Set Authorization under Authentication instead.');
    if (row.value === '')
      problem(
        'headers',
        row.stored
          ? `Enter the value of ${name} again: changing the headers sends them all, and stored values are never shown.`
          : `Enter a value for ${name || 'each header'}.`,
      );
    seen.add(name.toLowerCase());
    headers[name] = row.value;
  }
  body.headers = headers;
}

function addRetry(values: WebhookFormValues, stored: Webhook | undefined, body: WebhookBody, problem: (field: string, message: string) => void): void {
  if (values.retryPolicy === 'custom') {
    const parsed = parseDelays(values.schedule);
    if ('problem' in parsed) {
      problem('retry.schedule_ms', parsed.problem);
      return;
    }
    const storedSchedule = stored && !stored.retry.policy ? (stored.retry.schedule_ms ?? []).join() : undefined;
    if (parsed.delays.join() !== storedSchedule) body.retry = { schedule_ms: parsed.delays };
    return;
  }
  if (!stored || retryChoice(stored.retry).policy !== values.retryPolicy) body.retry = { policy: values.retryPolicy };
}

/** The named schedules, for the policy choice. */
export const RETRY_CHOICES: ReadonlyArray<{ value: WebhookFormValues['retryPolicy']; label: string }> = [
  { value: 'default', label: `Default: ${RETRY_SCHEDULES_MS.default.map(formatDelay).join(', ')}` },
  { value: 'quick', label: `Quick: ${RETRY_SCHEDULES_MS.quick.map(formatDelay).join(', ')}` },
  { value: 'none', label: 'No retries' },
  { value: 'custom', label: 'Custom schedule' },
];
