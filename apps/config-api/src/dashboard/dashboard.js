/**
 * The wirehook dashboard: a single-page client of the public REST API (/api/v1).
 *
 * Rules this file keeps:
 * - API data is attacker-controlled text (webhook responses, payloads, descriptions): it
 *   reaches the page only as text nodes, textContent and attribute values, never as HTML.
 * - The API key lives in sessionStorage (this tab only) and travels only in the Authorization
 *   header, never in a URL. "Sign out" forgets it.
 * - Every view is a function of the location hash (#/logs?status=failed...), so back and
 *   forward, reloads and bookmarks of a filtered list work.
 *
 * This file is served as written (one ES module without imports, so the build's CommonJS
 * transform leaves it a plain script).
 */

const API_BASE = '/api/v1';
const KEY_STORAGE = 'wirehook.apiKey';
const ROLE_STORAGE = 'wirehook.apiKeyRole';
const DELIVERY_STATUSES = ['pending', 'retrying', 'success', 'failed'];
const STATUS_CLASSES = ['2xx', '3xx', '4xx', '5xx'];
const PER_PAGE_CHOICES = [25, 50, 100];
const SORTS = [
  ['-created_at', 'Newest first'],
  ['created_at', 'Oldest first'],
  ['status', 'Status (A to Z)'],
  ['-status', 'Status (Z to A)'],
  ['-http_status', 'HTTP status (high first)'],
  ['http_status', 'HTTP status (low first)'],
];
/** The filters of the logs page, as named in the hash and in the API's query. */
const LOG_FILTERS = ['status', 'status_class', 'event', 'webhook_id', 'from', 'to', 'q', 'sort', 'per_page', 'view', 'page'];
/** The filters the export route takes (it streams oldest first and ignores paging). */
const EXPORT_FILTERS = ['status', 'status_class', 'event', 'webhook_id', 'from', 'to', 'q'];
const QUICK_SCHEDULE_MS = [200, 400, 800];
const TOAST_MS = 5000;

// ---------------------------------------------------------------------------------------
// DOM building: text only, never markup
// ---------------------------------------------------------------------------------------

const SVG_NS = 'http://www.w3.org/2000/svg';
let idCounter = 0;

/** Creates an element; `text` sets textContent, `on<event>` adds a listener, others are attributes. */
function h(tag, props = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(props)) {
    if (value === undefined || value === null || value === false) continue;
    if (name === 'text') element.textContent = String(value);
    else if (name === 'class') element.className = value;
    else if (name.startsWith('on') && typeof value === 'function') element.addEventListener(name.slice(2), value);
    else element.setAttribute(name, value === true ? '' : String(value));
  }
  append(element, children);
  return element;
}

function svg(tag, attributes = {}, ...children) {
  const element = document.createElementNS(SVG_NS, tag);
  for (const [name, value] of Object.entries(attributes)) element.setAttribute(name, String(value));
  append(element, children);
  return element;
}

/** Appends nodes and strings (as text nodes), skipping null, undefined and false. */
function append(parent, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    parent.append(child instanceof Node ? child : String(child));
  }
}

function nextId(prefix) {
  idCounter += 1;
  return `${prefix}-${idCounter}`;
}

// ---------------------------------------------------------------------------------------
// Session and API
// ---------------------------------------------------------------------------------------

const session = {
  get key() {
    return sessionStorage.getItem(KEY_STORAGE);
  },
  /**
   * False with a viewer key: controls that change something are left out (the API refuses them).
   * A tab signed in before roles were remembered has none and keeps every control.
   */
  get canChange() {
    return sessionStorage.getItem(ROLE_STORAGE) !== 'viewer';
  },
  start(key, role) {
    sessionStorage.setItem(KEY_STORAGE, key);
    sessionStorage.setItem(ROLE_STORAGE, role);
  },
  end() {
    sessionStorage.removeItem(KEY_STORAGE);
    sessionStorage.removeItem(ROLE_STORAGE);
  },
};

class ApiError extends Error {
  constructor(status, code, message, fields) {
    super(message);
    this.status = status;
    this.code = code;
    this.fields = fields ?? {};
  }
}

/** `?a=1&b=x,y` from an object; empty values are left out, arrays are comma-separated. */
function queryString(params) {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) {
    const text = Array.isArray(value) ? value.join(',') : value;
    if (text !== undefined && text !== null && text !== '') search.set(name, String(text));
  }
  const encoded = search.toString();
  return encoded ? `?${encoded}` : '';
}

function parseJson(text) {
  try {
    return text ? JSON.parse(text) : null;
  } catch {
    return null;
  }
}

/**
 * Calls the API with the session's key (or `key`). Resolves with the parsed JSON (or the raw
 * Response when `raw`), rejects with an ApiError carrying the API's own message. A 401 ends
 * the session and shows the sign-in screen, unless `key` was given (signing in).
 */
async function api(method, path, { body, query = {}, key, raw = false } = {}) {
  const token = key ?? session.key;
  const headers = { accept: raw ? '*/*' : 'application/json' };
  if (token) headers.authorization = `Bearer ${token}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  let response;
  try {
    response = await fetch(`${API_BASE}${path}${queryString(query)}`, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      cache: 'no-store',
      credentials: 'omit',
    });
  } catch {
    throw new ApiError(0, 'network', 'wirehook did not answer. Check that it is running and try again.');
  }
  if (response.ok && raw) return response;
  const json = parseJson(await response.text());
  if (response.ok) return json;
  const problem = json?.error;
  const error = new ApiError(response.status, problem?.code ?? `http_${response.status}`, problem?.message ?? `HTTP ${response.status} ${response.statusText}`, problem?.fields);
  if (response.status === 401 && key === undefined) {
    session.end();
    showSignIn(`You were signed out: ${error.message}.`);
  }
  throw error;
}

/** A sentence for the user, explaining 403s (viewer keys) in plain words. */
function describeError(error) {
  if (!(error instanceof ApiError)) return `Something went wrong: ${error?.message ?? error}`;
  if (error.status === 403) return `Not allowed with this API key (${error.message}). Viewer keys can look but not change; sign in with an admin key to do this.`;
  return error.message;
}

// ---------------------------------------------------------------------------------------
// Formatting
// ---------------------------------------------------------------------------------------

const dateTimeFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'medium' });
const hourFormat = new Intl.DateTimeFormat(undefined, { weekday: 'short', hour: '2-digit', minute: '2-digit' });
const numberFormat = new Intl.NumberFormat();
const percentFormat = new Intl.NumberFormat(undefined, { style: 'percent', maximumFractionDigits: 1 });

function formatDate(iso) {
  if (!iso) return '—';
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? String(iso) : dateTimeFormat.format(date);
}

function formatDuration(ms) {
  if (ms === null || ms === undefined) return '—';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  // Number() drops trailing zeros: 10 s rather than 10.00 s.
  if (ms < 60_000) return `${Number((ms / 1000).toFixed(ms < 10_000 ? 2 : 1))} s`;
  return `${Number((ms / 60_000).toFixed(1))} min`;
}

const DELAY_UNITS = [
  ['h', 3_600_000],
  ['m', 60_000],
  ['s', 1000],
  ['ms', 1],
];

/** 300000 → "5m": the largest unit that divides the delay. */
function formatDelay(ms) {
  const [unit, size] = DELAY_UNITS.find(([, size]) => ms % size === 0) ?? ['ms', 1];
  return `${ms / size}${unit}`;
}

/** "10s, 1m, 500ms" → [10000, 60000, 500]; throws a message naming the bad part. */
function parseDelays(text) {
  return text
    .split(/[\s,]+/)
    .filter(Boolean)
    .map((part) => {
      const match = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(part);
      if (!match) throw new Error(`"${part}" is not a delay such as 500ms, 10s, 5m or 2h`);
      const size = DELAY_UNITS.find(([unit]) => unit === (match[2] ?? 'ms'))[1];
      return Math.round(Number(match[1]) * size);
    });
}

/** Pretty JSON when the text is JSON, the text itself otherwise. */
function prettyText(text) {
  if (text === null || text === undefined) return '';
  const parsed = typeof text === 'string' ? parseJson(text) : text;
  if (parsed === null || typeof parsed !== 'object') return typeof text === 'string' ? text : JSON.stringify(text, null, 2);
  return JSON.stringify(parsed, null, 2);
}

/** An ISO instant as the value of a datetime-local input (local time, minutes). */
function toLocalInput(iso) {
  if (!iso) return '';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return '';
  return new Date(date.getTime() - date.getTimezoneOffset() * 60_000).toISOString().slice(0, 16);
}

/** A datetime-local value as an ISO instant; `endOfMinute` makes "to 14:30" include all of 14:30. */
function fromLocalInput(value, endOfMinute = false) {
  if (!value) return '';
  return new Date(new Date(value).getTime() + (endOfMinute ? 59_999 : 0)).toISOString();
}

function eventsText(events) {
  return events.join(', ');
}

// ---------------------------------------------------------------------------------------
// Small widgets
// ---------------------------------------------------------------------------------------

/** Column headings; an empty title is the actions column, named for screen readers only. */
function headingRow(titles) {
  return h(
    'tr',
    {},
    titles.map((title) => h('th', { scope: 'col' }, title ? title : h('span', { class: 'visually-hidden', text: 'Actions' }))),
  );
}

function badge(text, tone) {
  return h('span', { class: `badge badge-${tone}`, text });
}

function statusBadge(status) {
  const tone = { success: 'ok', failed: 'bad', retrying: 'warn', pending: 'muted' }[status] ?? 'muted';
  return badge(status, tone);
}

/** The HTTP status of an attempt, or "Network Error" when there was no answer. */
function httpStatus(code, errorCode) {
  if (code !== null && code !== undefined) {
    const tone = code < 300 ? 'ok' : code < 400 ? 'warn' : 'bad';
    return h('span', { class: `http http-${tone}`, text: String(code) });
  }
  if (errorCode) return h('span', { class: 'http http-bad', title: errorCode, text: 'Network Error' });
  return h('span', { class: 'muted', text: '—' });
}

function webhookState(webhook) {
  if (webhook.active) return { label: 'Active', tone: 'ok' };
  if (webhook.disabled_reason) return { label: 'Disabled', tone: 'bad' };
  return { label: 'Paused', tone: 'muted' };
}

function webhookName(webhook) {
  return webhook.description || webhook.url;
}

function alertBox(message, tone = 'bad') {
  return h('div', { class: `alert alert-${tone}`, role: tone === 'bad' ? 'alert' : 'status', text: message });
}

function errorView(error, retry) {
  return h(
    'div',
    { class: 'card' },
    alertBox(describeError(error)),
    retry ? h('button', { type: 'button', class: 'button', text: 'Try again', onclick: retry }) : null,
  );
}

/** A short message in the corner; it goes away by itself, or when clicked. */
function toast(message, tone = 'ok') {
  const item = h('div', { class: `toast toast-${tone}`, text: message, title: 'Click to dismiss', onclick: () => item.remove() });
  document.getElementById('toasts').append(item);
  setTimeout(() => item.remove(), TOAST_MS);
}

/** A definition list from [term, value] pairs; values may be nodes. Pairs with null values are left out. */
function details(pairs) {
  return h(
    'dl',
    { class: 'details' },
    pairs.filter(([, value]) => value !== null && value !== undefined).map(([term, value]) => [h('dt', { text: term }), h('dd', {}, value)]),
  );
}

function codeBlock(text, label) {
  return h('pre', { class: 'code', tabindex: '0', 'aria-label': label }, h('code', { text }));
}

function headersTable(headers, caption) {
  const entries = Object.entries(headers ?? {});
  if (entries.length === 0) return h('p', { class: 'muted', text: 'No headers.' });
  return h(
    'div',
    { class: 'table-wrap' },
    h(
      'table',
      { class: 'table table-compact' },
      h('caption', { class: 'visually-hidden', text: caption }),
      h('thead', {}, h('tr', {}, h('th', { scope: 'col', text: 'Header' }), h('th', { scope: 'col', text: 'Value' }))),
      h(
        'tbody',
        {},
        entries.map(([name, value]) => h('tr', { 'data-header': name.toLowerCase() }, h('th', { scope: 'row', class: 'mono', text: name }), h('td', { class: 'mono break', text: value }))),
      ),
    ),
  );
}

function card(title, ...children) {
  const headingId = nextId('card');
  return h('section', { class: 'card', 'aria-labelledby': headingId }, h('h2', { id: headingId, text: title }), children);
}

function pageHeader(title, { crumb, subtitle, actions } = {}) {
  return h(
    'div',
    { class: 'page-header' },
    h(
      'div',
      { class: 'page-title' },
      crumb ? h('a', { class: 'crumb', href: crumb.href, text: `← ${crumb.label}` }) : null,
      h('h1', {}, title),
      subtitle ? h('p', { class: 'subtitle' }, subtitle) : null,
    ),
    actions ? h('div', { class: 'actions' }, actions) : null,
  );
}

function linkButton(href, text, tone = '') {
  return h('a', { class: `button ${tone}`.trim(), href, text });
}

/** Disables a button while `work` runs, showing `busyText`. */
async function busy(button, busyText, work) {
  const text = button.textContent;
  button.disabled = true;
  button.textContent = busyText;
  try {
    return await work();
  } finally {
    button.disabled = false;
    button.textContent = text;
  }
}

/** A modal confirmation (native <dialog>); resolves true when confirmed. */
function confirmAction({ title, message, confirmLabel, danger = false }) {
  return new Promise((resolve) => {
    const titleId = nextId('dialog');
    const dialog = h(
      'dialog',
      { class: 'dialog', 'aria-labelledby': titleId },
      h(
        'form',
        { method: 'dialog' },
        h('h2', { id: titleId, text: title }),
        h('p', { text: message }),
        h(
          'div',
          { class: 'actions' },
          h('button', { class: 'button', value: 'cancel', text: 'Cancel' }),
          h('button', { class: `button ${danger ? 'button-danger' : 'button-primary'}`, value: 'confirm', text: confirmLabel }),
        ),
      ),
    );
    dialog.addEventListener('close', () => {
      resolve(dialog.returnValue === 'confirm');
      dialog.remove();
    });
    document.body.append(dialog);
    dialog.showModal();
  });
}

/** A labelled form control with an optional hint and a slot for the API's message about it. */
function field(label, control, { hint, name } = {}) {
  control.id ||= nextId('field');
  const hintNode = hint ? h('p', { class: 'hint', id: `${control.id}-hint`, text: hint }) : null;
  const errorNode = h('p', { class: 'field-error', id: `${control.id}-error`, hidden: true });
  control.setAttribute('aria-describedby', [hintNode?.id, errorNode.id].filter(Boolean).join(' '));
  return h('div', { class: 'field', 'data-field': name }, h('label', { for: control.id, text: label }), control, hintNode, errorNode);
}

/** Shows the API's per-field messages (`fields` of a 400) next to the matching controls. */
function showFieldErrors(form, fields) {
  for (const node of form.querySelectorAll('.field-error')) {
    node.hidden = true;
    node.textContent = '';
  }
  for (const control of form.querySelectorAll('[aria-invalid]')) control.removeAttribute('aria-invalid');
  for (const [name, messages] of Object.entries(fields ?? {})) {
    const holder = form.querySelector(`[data-field="${CSS.escape(name)}"]`) ?? form.querySelector(`[data-field="${CSS.escape(name.split('.')[0])}"]`);
    const slot = holder?.querySelector('.field-error');
    if (!slot) continue;
    slot.textContent = messages.join('; ');
    slot.hidden = false;
    holder.querySelector('input, select, textarea')?.setAttribute('aria-invalid', 'true');
  }
}

function select(options, selected, props = {}) {
  return h(
    'select',
    props,
    options.map(([value, label]) => h('option', { value, selected: String(value) === String(selected ?? ''), text: label })),
  );
}

function pager(pagination, noun, goTo) {
  const { current_page: page, last_page: last, per_page: perPage, total } = pagination;
  const first = total === 0 ? 0 : (page - 1) * perPage + 1;
  const lastRow = Math.min(total, page * perPage);
  return h(
    'nav',
    { class: 'pager', 'aria-label': `${noun} pages` },
    // Delivery logs count up to 10,000 matches; past that the total says "at least".
    h('span', { class: 'muted', text: `${numberFormat.format(first)}–${numberFormat.format(lastRow)} of ${numberFormat.format(total)}${pagination.total_exact === false ? '+' : ''} ${noun}` }),
    h(
      'span',
      { class: 'pager-buttons' },
      h('button', { type: 'button', class: 'button', disabled: page <= 1, text: '← Previous', onclick: () => goTo(page - 1) }),
      h('span', { class: 'pager-page', text: `Page ${page} of ${last}` }),
      h('button', { type: 'button', class: 'button', disabled: page >= last, text: 'Next →', onclick: () => goTo(page + 1) }),
    ),
  );
}

// ---------------------------------------------------------------------------------------
// Views and routing
// ---------------------------------------------------------------------------------------

let currentView = 0;

/**
 * Starts rendering a view: sets the title and the highlighted section, and returns `show`,
 * which replaces the page only while this view is still the current one (an answer that
 * comes back after the user moved on is dropped).
 */
function startView(title, section) {
  currentView += 1;
  const serial = currentView;
  document.title = `${title} · wirehook`;
  for (const link of document.querySelectorAll('.nav a')) {
    if (link.dataset.section === section) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  }
  const main = document.getElementById('main');
  main.replaceChildren(h('p', { class: 'loading', text: 'Loading…' }));
  return {
    isCurrent: () => serial === currentView,
    show: (...children) => {
      if (serial !== currentView) return false;
      main.replaceChildren();
      append(main, children);
      return true;
    },
  };
}

function parseHash() {
  const hash = location.hash.replace(/^#/, '') || '/webhooks';
  const [path, search = ''] = hash.split('?');
  return { path, params: new URLSearchParams(search) };
}

function navigate(path, params = {}) {
  const target = `#${path}${queryString(params)}`;
  if (location.hash === target) route();
  else location.hash = target;
}

const ROUTES = [
  [/^\/webhooks$/, (_match, params) => renderWebhookList(params)],
  [/^\/webhooks\/new$/, () => renderWebhookForm(null)],
  [/^\/webhooks\/([^/]+)\/edit$/, (match) => renderWebhookForm(decodeURIComponent(match[1]))],
  [/^\/webhooks\/([^/]+)$/, (match, params) => renderWebhookDetail(decodeURIComponent(match[1]), params)],
  [/^\/logs$/, (_match, params) => renderLogs(params)],
  [/^\/logs\/([^/]+)$/, (match) => renderLogDetail(decodeURIComponent(match[1]))],
  [/^\/retention$/, () => renderRetention()],
];

function route() {
  if (!session.key) {
    showSignIn();
    return;
  }
  document.getElementById('topbar').hidden = false;
  document.getElementById('read-only').hidden = session.canChange;
  const { path, params } = parseHash();
  for (const [pattern, render] of ROUTES) {
    const match = pattern.exec(path);
    if (match) {
      void render(match, params);
      return;
    }
  }
  const view = startView('Not found', '');
  view.show(card('Page not found', h('p', { text: 'There is nothing at this address.' }), linkButton('#/webhooks', 'Go to webhooks')));
}

// ---------------------------------------------------------------------------------------
// Sign in
// ---------------------------------------------------------------------------------------

function showSignIn(message) {
  document.getElementById('topbar').hidden = true;
  const view = startView('Sign in', '');
  const input = h('input', { type: 'password', name: 'key', autocomplete: 'off', spellcheck: 'false', required: true, placeholder: 'whk_…' });
  const problem = h('div', { class: 'alert alert-bad', role: 'alert', hidden: !message, text: message ?? '' });
  const submit = h('button', { type: 'submit', class: 'button button-primary button-wide', text: 'Sign in' });
  const form = h(
    'form',
    { class: 'signin-form', novalidate: true },
    field('API key', input, { hint: 'A tenant API key. It is kept in this browser tab only and sent to this server as a bearer token.' }),
    problem,
    submit,
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    void signIn(input.value.trim(), problem, submit);
  });
  view.show(
    h(
      'div',
      { class: 'signin' },
      h('div', { class: 'signin-brand' }, h('span', { class: 'brand-mark brand-mark-large', 'aria-hidden': 'true', text: 'w' }), h('h1', { text: 'wirehook' })),
      h('p', { class: 'subtitle', text: 'Webhook endpoints, delivery logs and retention for your tenant.' }),
      form,
    ),
  );
  input.focus();
}

async function signIn(key, problem, submit) {
  problem.hidden = true;
  if (!key) {
    problem.textContent = 'Paste an API key first.';
    problem.hidden = false;
    return;
  }
  let role;
  try {
    ({ role } = (await busy(submit, 'Signing in…', () => api('GET', '/me', { key }))).data);
  } catch (error) {
    problem.textContent =
      error.status === 403
        ? `This key cannot be used here (${error.message}). The dashboard works with tenant keys (whk_…), not the operator key.`
        : error.status === 401
          ? `The API refused this key: ${error.message}.`
          : error.message;
    problem.hidden = false;
    return;
  }
  session.start(key, role);
  if (!location.hash || location.hash === '#') location.hash = '#/webhooks';
  else route();
}

// ---------------------------------------------------------------------------------------
// Webhooks: list
// ---------------------------------------------------------------------------------------

async function renderWebhookList(params) {
  const view = startView('Webhooks', 'webhooks');
  const page = Number(params.get('page') ?? 1);
  let answer;
  try {
    answer = await api('GET', '/webhooks', { query: { page, per_page: 50 } });
  } catch (error) {
    view.show(pageHeader('Webhooks'), errorView(error, () => renderWebhookList(params)));
    return;
  }
  const header = pageHeader('Webhooks', {
    subtitle: 'HTTPS endpoints that receive your events, signed with Standard Webhooks signatures.',
    actions: session.canChange && linkButton('#/webhooks/new', 'New webhook', 'button-primary'),
  });
  if (answer.data.length === 0) {
    view.show(
      header,
      h('div', { class: 'card empty' }, h('h2', { text: 'No webhooks yet' }), h('p', { text: 'Create an endpoint to start receiving events.' }), session.canChange && linkButton('#/webhooks/new', 'Create a webhook', 'button-primary')),
    );
    return;
  }
  view.show(
    header,
    h(
      'div',
      { class: 'card card-flush' },
      h(
        'div',
        { class: 'table-wrap' },
        h(
          'table',
          { class: 'table', id: 'webhooks-table' },
          h('caption', { class: 'visually-hidden', text: 'Webhook endpoints' }),
          h('thead', {}, headingRow(['Endpoint', 'Events', 'Status', 'Created', ''])),
          h('tbody', {}, answer.data.map(webhookRow)),
        ),
      ),
    ),
    answer.pagination.last_page > 1 ? pager(answer.pagination, 'webhooks', (next) => navigate('/webhooks', { page: next })) : null,
  );
}

function webhookRow(webhook) {
  const state = webhookState(webhook);
  const href = `#/webhooks/${encodeURIComponent(webhook.id)}`;
  return h(
    'tr',
    { 'data-webhook-id': webhook.id },
    h(
      'td',
      {},
      h('a', { class: 'row-title', href, text: webhookName(webhook) }),
      webhook.description ? h('div', { class: 'muted mono small break', text: webhook.url }) : null,
    ),
    h('td', {}, h('div', { class: 'chips' }, webhook.events.map((event) => h('span', { class: 'chip mono', text: event })))),
    h('td', {}, badge(state.label, state.tone), webhook.disabled_reason ? h('div', { class: 'muted small', text: webhook.disabled_reason }) : null),
    h('td', { class: 'nowrap', text: formatDate(webhook.created_at) }),
    h('td', { class: 'row-actions' }, h('a', { href: `#/logs${queryString({ webhook_id: webhook.id })}`, text: 'Logs' })),
  );
}

// ---------------------------------------------------------------------------------------
// Webhooks: detail, test, pause, delete, secret, stats
// ---------------------------------------------------------------------------------------

async function renderWebhookDetail(id, params) {
  const view = startView('Webhook', 'webhooks');
  let webhook;
  try {
    webhook = (await api('GET', `/webhooks/${encodeURIComponent(id)}`)).data;
  } catch (error) {
    view.show(pageHeader('Webhook', { crumb: { href: '#/webhooks', label: 'Webhooks' } }), errorView(error, () => renderWebhookDetail(id, params)));
    return;
  }
  document.title = `${webhookName(webhook)} · wirehook`;
  const state = webhookState(webhook);
  const testResult = h('div', { class: 'result-slot', 'aria-live': 'polite' });
  const statsWindow = params.get('window') ?? '24h';
  let stats = statsCard(webhook, statsWindow);
  // A test send is an attempt too: show it in the statistics.
  const refreshStats = () => {
    if (stats.isConnected) stats.replaceWith((stats = statsCard(webhook, statsWindow)));
  };
  const changes = session.canChange;
  const actions = [
    changes && h('button', { type: 'button', class: 'button button-primary', text: 'Send test', onclick: (event) => sendTest(webhook, event.currentTarget, testResult, refreshStats) }),
    changes && linkButton(`#/webhooks/${encodeURIComponent(id)}/edit`, 'Edit'),
    changes &&
      h('button', {
        type: 'button',
        class: 'button',
        text: webhook.active ? 'Pause' : 'Resume',
        onclick: (event) => setActive(webhook, !webhook.active, event.currentTarget),
      }),
    linkButton(`#/logs${queryString({ webhook_id: id })}`, 'View logs'),
    changes && h('button', { type: 'button', class: 'button button-danger', text: 'Delete', onclick: () => deleteWebhook(webhook) }),
  ];
  view.show(
    pageHeader(webhookName(webhook), {
      crumb: { href: '#/webhooks', label: 'Webhooks' },
      subtitle: [badge(state.label, state.tone), ' ', h('span', { class: 'mono break', text: webhook.url })],
      actions,
    }),
    testResult,
    webhook.disabled_reason ? alertBox(`Disabled ${formatDate(webhook.disabled_at)}: ${webhook.disabled_reason}. Resume it to start delivering again.`, 'warn') : null,
    h('div', { class: 'grid' }, configurationCard(webhook), secretCard(webhook)),
    stats,
  );
}

function configurationCard(webhook) {
  const auth = webhook.auth.type === 'bearer' ? 'Bearer token' : webhook.auth.type === 'header' ? `Header ${webhook.auth.header_name}` : 'None';
  const retry = webhook.retry.policy ? RETRY_POLICY_LABELS[webhook.retry.policy] : webhook.retry.schedule_ms.length === 0 ? 'No retries' : webhook.retry.schedule_ms.map(formatDelay).join(', ');
  const headerNames = Object.keys(webhook.headers ?? {});
  return card(
    'Configuration',
    details([
      ['Events', h('div', { class: 'chips' }, webhook.events.map((event) => h('span', { class: 'chip mono', text: event })))],
      ['Authentication', auth],
      ['Custom headers', headerNames.length ? headerNames.join(', ') : 'None'],
      ['Timeout', formatDuration(webhook.timeout_ms)],
      ['Retry schedule', retry],
      ['Max concurrency', String(webhook.max_concurrency)],
      ['Rate limit', webhook.rate_limit ? `${webhook.rate_limit} requests/s` : 'None'],
      ['Tenant field', webhook.tenant_field],
      ['Created', formatDate(webhook.created_at)],
      ['Updated', formatDate(webhook.updated_at)],
      ['ID', h('span', { class: 'mono', text: webhook.id })],
    ]),
  );
}

async function sendTest(webhook, button, slot, sent) {
  slot.replaceChildren();
  try {
    const result = (await busy(button, 'Sending…', () => api('POST', `/webhooks/${encodeURIComponent(webhook.id)}/test`, { body: {} }))).data;
    slot.replaceChildren(attemptResult('Test event', result));
    // The attempt reaches the logs (and so the statistics) a moment after the answer.
    setTimeout(sent, 1000);
  } catch (error) {
    slot.replaceChildren(alertBox(`Test not sent: ${describeError(error)}`));
  }
}

/** The outcome of a test send or a manual retry (AttemptResultView). */
function attemptResult(what, result) {
  const parts = [result.http_status !== null ? `HTTP ${result.http_status}` : 'no HTTP answer', `in ${formatDuration(result.duration_ms)}`];
  const headline = result.success ? `${what} delivered` : `${what} failed`;
  return h(
    'div',
    { class: `alert ${result.success ? 'alert-ok' : 'alert-bad'} result`, 'data-testid': 'attempt-result' },
    h('strong', { text: `${result.success ? '✓' : '✗'} ${headline}` }),
    h('span', { text: ` — ${parts.join(' ')}` }),
    result.error ? h('div', { class: 'result-error' }, h('span', { class: 'mono', text: result.error_code ?? 'error' }), `: ${result.error}`) : null,
    result.log_id ? h('div', {}, h('a', { href: `#/logs/${encodeURIComponent(result.log_id)}`, text: `View attempt #${result.attempt} in the logs` })) : null,
  );
}

async function setActive(webhook, active, button) {
  try {
    await busy(button, active ? 'Resuming…' : 'Pausing…', () => api('PATCH', `/webhooks/${encodeURIComponent(webhook.id)}`, { body: { active } }));
    toast(active ? 'Webhook resumed: deliveries start again.' : 'Webhook paused: no deliveries until you resume it.');
    route();
  } catch (error) {
    toast(describeError(error), 'bad');
  }
}

async function deleteWebhook(webhook) {
  const confirmed = await confirmAction({
    title: 'Delete this webhook?',
    message: `${webhookName(webhook)} stops receiving events at once. Its delivery logs stay until retention removes them.`,
    confirmLabel: 'Delete webhook',
    danger: true,
  });
  if (!confirmed) return;
  try {
    await api('DELETE', `/webhooks/${encodeURIComponent(webhook.id)}`);
    webhookChoices = null;
    toast('Webhook deleted.');
    navigate('/webhooks');
  } catch (error) {
    toast(describeError(error), 'bad');
  }
}

function secretCard(webhook) {
  const output = h('div', { class: 'secret-output', 'aria-live': 'polite' });
  const grace = h('input', { type: 'number', id: nextId('grace'), min: '0', max: '168', step: '1', value: '24', class: 'input-narrow' });
  const path = `/webhooks/${encodeURIComponent(webhook.id)}/secret`;
  const reveal = h('button', {
    type: 'button',
    class: 'button',
    text: 'Reveal secret',
    onclick: async (event) => {
      try {
        const { secret } = (await busy(event.currentTarget, 'Revealing…', () => api('GET', path))).data;
        output.replaceChildren(secretValue(secret, 'Current signing secret'));
      } catch (error) {
        output.replaceChildren(alertBox(describeError(error)));
      }
    },
  });
  const rotate = h('button', {
    type: 'button',
    class: 'button',
    text: 'Rotate secret',
    onclick: async (event) => {
      const button = event.currentTarget;
      const hours = Number(grace.value || 0);
      const confirmed = await confirmAction({
        title: 'Rotate the signing secret?',
        message: `A new secret signs every delivery from now on. The current one keeps signing too for ${hours} hour(s), so receivers can switch over.`,
        confirmLabel: 'Rotate secret',
      });
      if (!confirmed) return;
      try {
        const answer = (await busy(button, 'Rotating…', () => api('POST', `${path}/rotate`, { body: { grace_period_seconds: Math.round(hours * 3600) } }))).data;
        const until = answer.previous_secret_expires_at ? `The previous secret keeps signing until ${formatDate(answer.previous_secret_expires_at)}.` : 'The previous secret no longer signs.';
        output.replaceChildren(secretValue(answer.secret, 'New signing secret'), h('p', { class: 'hint', text: until }));
      } catch (error) {
        output.replaceChildren(alertBox(describeError(error)));
      }
    },
  });
  return card(
    'Signing secret',
    h('p', { class: 'muted', text: 'Receivers verify the webhook-signature header with this secret. Revealing and rotating it needs an admin key.' }),
    session.canChange &&
      h(
        'div',
        { class: 'secret-controls' },
        reveal,
        h('div', { class: 'secret-rotate' }, rotate, h('label', { for: grace.id, text: 'keeping the previous secret for' }), grace, h('span', { text: 'hours' })),
      ),
    output,
  );
}

function secretValue(secret, label) {
  const value = h('code', { class: 'secret mono break', text: secret });
  const copy = h('button', {
    type: 'button',
    class: 'button button-small',
    text: 'Copy',
    onclick: async () => {
      try {
        await navigator.clipboard.writeText(secret);
        toast('Secret copied to the clipboard.');
      } catch {
        toast('Copying is not allowed here; select the secret and copy it by hand.', 'bad');
      }
    },
  });
  return h('div', { class: 'secret-box' }, h('div', { class: 'small muted', text: label }), h('div', { class: 'secret-row' }, value, copy));
}

const STATS_WINDOWS = [
  ['24h', 'Last 24 hours', 24],
  ['7d', 'Last 7 days', 24 * 7],
];

function statsCard(webhook, windowName) {
  const [name, , hours] = STATS_WINDOWS.find(([key]) => key === windowName) ?? STATS_WINDOWS[0];
  const body = h('div', { class: 'stats', 'aria-busy': 'true' }, h('p', { class: 'loading', text: 'Loading statistics…' }));
  const chooser = select(
    STATS_WINDOWS.map(([key, label]) => [key, label]),
    name,
    { 'aria-label': 'Statistics window', class: 'select-inline', onchange: (event) => navigate(`/webhooks/${encodeURIComponent(webhook.id)}`, { window: event.currentTarget.value }) },
  );
  const to = new Date();
  const from = new Date(to.getTime() - hours * 3_600_000);
  api('GET', `/webhooks/${encodeURIComponent(webhook.id)}/stats`, { query: { from: from.toISOString(), to: to.toISOString() } })
    .then((answer) => body.replaceChildren(...statsContent(answer.data)))
    .catch((error) => body.replaceChildren(alertBox(describeError(error))))
    .finally(() => body.removeAttribute('aria-busy'));
  const headingId = nextId('card');
  return h(
    'section',
    { class: 'card', 'aria-labelledby': headingId },
    h('div', { class: 'card-header' }, h('h2', { id: headingId, text: 'Delivery statistics' }), chooser),
    body,
  );
}

function tile(label, value, tone = '') {
  return h('div', { class: `tile ${tone}`.trim() }, h('div', { class: 'tile-value', text: value }), h('div', { class: 'tile-label', text: label }));
}

function statsContent(stats) {
  const rate = stats.success_rate === null ? '—' : percentFormat.format(stats.success_rate);
  const tiles = h(
    'div',
    { class: 'tiles' },
    tile('Attempts', numberFormat.format(stats.totals.attempts)),
    tile('Succeeded', numberFormat.format(stats.totals.success), 'tile-ok'),
    tile('Failed', numberFormat.format(stats.totals.failed), stats.totals.failed ? 'tile-bad' : ''),
    tile('Retrying', numberFormat.format(stats.totals.retrying)),
    tile('Success rate', rate),
    tile('p50', formatDuration(stats.duration_ms.p50)),
    tile('p95', formatDuration(stats.duration_ms.p95)),
    tile('p99', formatDuration(stats.duration_ms.p99)),
  );
  return [
    tiles,
    bucketChart(stats.buckets),
    h(
      'div',
      { class: 'grid' },
      rankList('Top error codes', stats.top_error_codes.map((entry) => [entry.code, entry.count]), 'No errors in this window.'),
      rankList('Top events', stats.top_events.map((entry) => [entry.event, entry.count]), 'No events in this window.'),
    ),
  ];
}

function rankList(title, rows, emptyText) {
  return h(
    'div',
    { class: 'rank' },
    h('h3', { text: title }),
    rows.length === 0
      ? h('p', { class: 'muted', text: emptyText })
      : h('ol', { class: 'rank-list' }, rows.map(([name, count]) => h('li', {}, h('span', { class: 'mono break', text: name }), h('span', { class: 'rank-count', text: numberFormat.format(count) })))),
  );
}

/** Attempts per hour as stacked bars (succeeded below, the rest above), in plain SVG. */
function bucketChart(buckets) {
  const width = 720;
  const height = 140;
  const slot = width / Math.max(1, buckets.length);
  const max = Math.max(1, ...buckets.map((bucket) => bucket.attempts));
  const total = buckets.reduce((sum, bucket) => sum + bucket.attempts, 0);
  const label = (bucket) => hourFormat.format(new Date(bucket.start));
  const chart = svg('svg', {
    class: 'chart',
    viewBox: `0 0 ${width} ${height}`,
    preserveAspectRatio: 'none',
    role: 'img',
    'aria-label': `Attempts per hour: ${total} in the window, at most ${max} in one hour`,
  });
  for (const line of [0.5, 1]) chart.append(svg('line', { x1: 0, x2: width, y1: height - line * height + 0.5, y2: height - line * height + 0.5, class: 'chart-grid' }));
  buckets.forEach((bucket, index) => {
    const x = index * slot;
    const barWidth = Math.max(1, slot - Math.min(3, slot * 0.2));
    const okHeight = (bucket.success / max) * height;
    const failedHeight = ((bucket.attempts - bucket.success) / max) * height;
    const group = svg('g', {}, svg('title', {}, `${label(bucket)}: ${bucket.attempts} attempts, ${bucket.success} succeeded`));
    group.append(svg('rect', { x, y: 0, width: slot, height, class: 'chart-hit' }));
    if (okHeight > 0) group.append(svg('rect', { x, y: height - okHeight, width: barWidth, height: okHeight, class: 'chart-ok' }));
    if (failedHeight > 0) group.append(svg('rect', { x, y: height - okHeight - failedHeight, width: barWidth, height: failedHeight, class: 'chart-bad' }));
    chart.append(group);
  });
  const first = buckets[0];
  const last = buckets[buckets.length - 1];
  return h(
    'figure',
    { class: 'chart-figure' },
    chart,
    h(
      'figcaption',
      { class: 'chart-caption' },
      h('span', { text: first ? label(first) : '' }),
      h('span', { class: 'legend' }, h('span', { class: 'legend-ok', text: 'Succeeded' }), h('span', { class: 'legend-bad', text: 'Failed or retried' }), h('span', { text: total === 0 ? 'no attempts in this window' : `at most ${max} per hour` })),
      h('span', { text: last ? label(last) : '' }),
    ),
  );
}

// ---------------------------------------------------------------------------------------
// Webhooks: create and edit
// ---------------------------------------------------------------------------------------

/** How the webhook page names each retry policy the API reads back. */
const RETRY_POLICY_LABELS = {
  default: 'Default (5s, 5m, 30m, 2h, 5h, 10h, 10h)',
  quick: `Quick (${QUICK_SCHEDULE_MS.map(formatDelay).join(', ')})`,
  none: 'No retries',
};

/** The retry choice of an existing webhook: a named policy, or its own schedule. */
function retryChoice(retry) {
  if (!retry) return { policy: 'default', schedule: '' };
  if (retry.policy) return { policy: retry.policy, schedule: '' };
  const schedule = retry.schedule_ms;
  if (schedule.length === 0) return { policy: 'none', schedule: '' };
  if (schedule.join() === QUICK_SCHEDULE_MS.join()) return { policy: 'quick', schedule: '' };
  return { policy: 'custom', schedule: schedule.map(formatDelay).join(', ') };
}

async function renderWebhookForm(id) {
  const editing = id !== null;
  const view = startView(editing ? 'Edit webhook' : 'New webhook', 'webhooks');
  let webhook = null;
  if (editing) {
    try {
      webhook = (await api('GET', `/webhooks/${encodeURIComponent(id)}`)).data;
    } catch (error) {
      view.show(pageHeader('Edit webhook', { crumb: { href: '#/webhooks', label: 'Webhooks' } }), errorView(error, () => renderWebhookForm(id)));
      return;
    }
  }
  const back = editing ? { href: `#/webhooks/${encodeURIComponent(id)}`, label: webhookName(webhook) } : { href: '#/webhooks', label: 'Webhooks' };
  view.show(pageHeader(editing ? 'Edit webhook' : 'New webhook', { crumb: back }), webhookForm(webhook));
}

function webhookForm(webhook) {
  const retry = retryChoice(webhook?.retry);
  const controls = {
    url: h('input', { type: 'url', required: true, maxlength: '2048', placeholder: 'https://example.com/webhooks', value: webhook?.url ?? '' }),
    description: h('input', { type: 'text', maxlength: '500', placeholder: 'CRM sync', value: webhook?.description ?? '' }),
    events: h('textarea', { rows: '3', required: true, spellcheck: 'false', placeholder: 'resume.*, transcript.created' }),
    active: h('input', { type: 'checkbox', checked: webhook ? webhook.active : true }),
    authType: select(
      [...(webhook ? [['keep', `Keep current (${webhook.auth.type})`]] : []), ['none', 'None'], ['bearer', 'Bearer token'], ['header', 'Custom header']],
      webhook ? 'keep' : 'none',
    ),
    token: h('input', { type: 'password', autocomplete: 'off', maxlength: '4096' }),
    headerName: h('input', { type: 'text', placeholder: 'X-Webhook-Secret', maxlength: '100' }),
    headerValue: h('input', { type: 'password', autocomplete: 'off', maxlength: '4096' }),
    timeout: h('input', { type: 'number', min: '1', max: '30', step: 'any', value: webhook ? String(webhook.timeout_ms / 1000) : '', placeholder: '10' }),
    retryPolicy: select(
      [
        ['default', 'Default: 5s, 5m, 30m, 2h, 5h, 10h, 10h'],
        ['quick', 'Quick: 200ms, 400ms, 800ms'],
        ['none', 'No retries'],
        ['custom', 'Custom schedule'],
      ],
      retry.policy,
    ),
    schedule: h('input', { type: 'text', placeholder: '10s, 1m, 10m, 1h', value: retry.schedule, spellcheck: 'false' }),
    maxConcurrency: h('input', { type: 'number', min: '1', max: '100', step: '1', value: webhook ? String(webhook.max_concurrency) : '', placeholder: '10' }),
    rateLimit: h('input', { type: 'number', min: '1', max: '10000', step: '1', value: webhook?.rate_limit ? String(webhook.rate_limit) : '' }),
    tenantField: select(
      [
        ['tenantId', 'tenantId'],
        ['companyId', 'companyId'],
      ],
      webhook?.tenant_field ?? 'tenantId',
    ),
  };
  controls.events.value = webhook ? eventsText(webhook.events) : '';
  const tokenField = field('Bearer token', controls.token, { name: 'auth.token', hint: webhook ? 'Sent as Authorization: Bearer <token>. Stored encrypted; enter it again to change it.' : 'Sent as Authorization: Bearer <token>.' });
  const headerFields = h(
    'div',
    { class: 'field-row' },
    field('Header name', controls.headerName, { name: 'auth.header_name' }),
    field('Header value', controls.headerValue, { name: 'auth.header_value' }),
  );
  const scheduleField = field('Retry delays', controls.schedule, { name: 'retry.schedule_ms', hint: 'Delays before each retry, e.g. 10s, 1m, 10m, 1h (at most 20, each 100ms to 24h).' });
  const syncVisibility = () => {
    tokenField.hidden = controls.authType.value !== 'bearer';
    headerFields.hidden = controls.authType.value !== 'header';
    scheduleField.hidden = controls.retryPolicy.value !== 'custom';
  };
  controls.authType.addEventListener('change', syncVisibility);
  controls.retryPolicy.addEventListener('change', syncVisibility);
  syncVisibility();

  const problem = h('div', { class: 'alert alert-bad', role: 'alert', hidden: true });
  const submit = h('button', { type: 'submit', class: 'button button-primary', text: webhook ? 'Save changes' : 'Create webhook' });
  const cancelHref = webhook ? `#/webhooks/${encodeURIComponent(webhook.id)}` : '#/webhooks';
  const form = h(
    'form',
    { class: 'card form', id: 'webhook-form' },
    field('URL', controls.url, { name: 'url', hint: 'The HTTPS address deliveries are POSTed to.' }),
    field('Description', controls.description, { name: 'description', hint: 'A name people recognise, shown in the logs (e.g. "CRM sync").' }),
    field('Events', controls.events, {
      name: 'events',
      hint: 'Event types or patterns, separated by commas or new lines: resume.bulk_upload_parse.started (exact), resume.* (everything under resume.), * (everything).',
    }),
    h('div', { class: 'field field-check', 'data-field': 'active' }, h('label', {}, controls.active, ' Active — deliver events to this endpoint (untick to pause)')),
    h(
      'fieldset',
      { class: 'fieldset' },
      h('legend', { text: 'Authentication' }),
      field('Method', controls.authType, { name: 'auth', hint: 'How wirehook authenticates itself to your endpoint, on top of the signature.' }),
      tokenField,
      headerFields,
    ),
    h(
      'fieldset',
      { class: 'fieldset' },
      h('legend', { text: 'Delivery' }),
      h('div', { class: 'field-row' }, field('Timeout (seconds)', controls.timeout, { name: 'timeout_ms', hint: '1 to 30; default 10.' }), field('Retry policy', controls.retryPolicy, { name: 'retry' })),
      scheduleField,
    ),
    h(
      'details',
      { class: 'advanced' },
      h('summary', { text: 'Advanced settings' }),
      h(
        'div',
        { class: 'field-row' },
        field('Max concurrency', controls.maxConcurrency, { name: 'max_concurrency', hint: 'Requests in flight at most (1-100).' }),
        field('Rate limit (requests/s)', controls.rateLimit, { name: 'rate_limit', hint: 'Empty for no limit.' }),
        field('Tenant field', controls.tenantField, { name: 'tenant_field', hint: 'Name of the tenant id in the payload.' }),
      ),
    ),
    problem,
    h('div', { class: 'actions actions-start' }, submit, linkButton(cancelHref, 'Cancel', 'button-quiet')),
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    void saveWebhook(form, webhook, controls, problem, submit);
  });
  return form;
}

/** The request body from the form, or throws an Error naming what to fix. */
function webhookBody(webhook, controls) {
  const body = {
    url: controls.url.value.trim(),
    description: controls.description.value.trim(),
    events: controls.events.value.split(/[\s,]+/).filter(Boolean),
    active: controls.active.checked,
    tenant_field: controls.tenantField.value,
  };
  if (controls.timeout.value) body.timeout_ms = Math.round(Number(controls.timeout.value) * 1000);
  if (controls.maxConcurrency.value) body.max_concurrency = Number(controls.maxConcurrency.value);
  if (controls.rateLimit.value) body.rate_limit = Number(controls.rateLimit.value);
  else if (webhook?.rate_limit) body.rate_limit = null; // emptied: no limit any more
  const policy = controls.retryPolicy.value;
  if (policy === 'custom') body.retry = { schedule_ms: parseDelays(controls.schedule.value) };
  else if (!webhook || policy !== retryChoice(webhook.retry).policy) body.retry = { policy };
  const authType = controls.authType.value;
  if (authType === 'none') body.auth = { type: 'none' };
  if (authType === 'bearer') body.auth = { type: 'bearer', token: controls.token.value };
  if (authType === 'header') body.auth = { type: 'header', header_name: controls.headerName.value.trim(), header_value: controls.headerValue.value };
  return body;
}

async function saveWebhook(form, webhook, controls, problem, submit) {
  problem.hidden = true;
  showFieldErrors(form, {});
  if (!form.reportValidity()) return;
  let body;
  try {
    body = webhookBody(webhook, controls);
  } catch (error) {
    showFieldErrors(form, { 'retry.schedule_ms': [error.message] });
    return;
  }
  try {
    const answer = await busy(submit, 'Saving…', () =>
      webhook ? api('PATCH', `/webhooks/${encodeURIComponent(webhook.id)}`, { body }) : api('POST', '/webhooks', { body }),
    );
    webhookChoices = null;
    toast(webhook ? 'Changes saved.' : 'Webhook created. Send a test event to check your endpoint.');
    navigate(`/webhooks/${encodeURIComponent(answer.data.id)}`);
  } catch (error) {
    problem.textContent = describeError(error);
    problem.hidden = false;
    showFieldErrors(form, error.fields);
  }
}

// ---------------------------------------------------------------------------------------
// Delivery logs: filters, table, export
// ---------------------------------------------------------------------------------------

/** The logs page's filters from the hash, with defaults filled in. */
function logFilters(params) {
  const filters = {};
  for (const name of LOG_FILTERS) {
    const value = params.get(name);
    if (value) filters[name] = value;
  }
  filters.view = filters.view === 'deliveries' ? 'deliveries' : 'attempts';
  filters.per_page = PER_PAGE_CHOICES.includes(Number(filters.per_page)) ? filters.per_page : '25';
  filters.sort ??= '-created_at';
  return filters;
}

let webhookChoices = null;

/** Every webhook of the tenant, for the filter; fetched once per session. */
async function loadWebhookChoices() {
  if (!webhookChoices) {
    webhookChoices = api('GET', '/webhooks', { query: { per_page: 100 } })
      .then((answer) => answer.data)
      .catch(() => {
        webhookChoices = null;
        return [];
      });
  }
  return webhookChoices;
}

async function renderLogs(params) {
  const view = startView('Delivery logs', 'logs');
  const filters = logFilters(params);
  const { webhook_id: webhookId, page, ...query } = filters;
  const path = webhookId ? `/webhooks/${encodeURIComponent(webhookId)}/logs` : '/deliveries';
  const [webhooks, answer] = await Promise.all([
    loadWebhookChoices(),
    api('GET', path, { query: { ...query, page: page ?? 1 } }).catch((error) => ({ error })),
  ]);
  const header = pageHeader('Delivery logs', {
    subtitle:
      filters.view === 'deliveries'
        ? 'One row per delivery (event × webhook) with its latest state and retry count. Select a row for its latest attempt.'
        : 'Every attempt to deliver an event. Select a row for the request, the response and the timeline.',
  });
  const form = logFilterForm(filters, webhooks);
  if (answer.error) {
    view.show(header, form, errorView(answer.error, () => renderLogs(params)));
    return;
  }
  const noun = filters.view === 'deliveries' ? 'deliveries' : 'attempts';
  const goTo = (next) => navigate('/logs', { ...filters, page: next });
  view.show(
    header,
    form,
    h(
      'div',
      { class: 'card card-flush' },
      pager(answer.pagination, noun, goTo),
      answer.data.length === 0 ? h('p', { class: 'empty', text: 'No deliveries match these filters.' }) : logTable(answer.data, filters.view),
      answer.pagination.last_page > 1 ? pager(answer.pagination, noun, goTo) : null,
    ),
  );
}

function logFilterForm(filters, webhooks) {
  const statuses = new Set((filters.status ?? '').split(',').filter(Boolean));
  const controls = {
    q: h('input', { type: 'search', value: filters.q ?? '', placeholder: 'Webhook name, event or URL', maxlength: '200' }),
    webhook: select(
      [['', 'All webhooks'], ...webhooks.map((webhook) => [webhook.id, webhookName(webhook)])],
      filters.webhook_id,
    ),
    event: h('input', { type: 'text', value: filters.event ?? '', placeholder: 'order.created or order.', spellcheck: 'false', maxlength: '200' }),
    statusClass: select([['', 'Any'], ...STATUS_CLASSES.map((name) => [name, name])], filters.status_class),
    from: h('input', { type: 'datetime-local', value: toLocalInput(filters.from) }),
    to: h('input', { type: 'datetime-local', value: toLocalInput(filters.to) }),
    sort: select(SORTS, filters.sort),
    perPage: select(
      PER_PAGE_CHOICES.map((count) => [String(count), `${count} per page`]),
      filters.per_page,
    ),
  };
  const statusBoxes = DELIVERY_STATUSES.map((status) => h('input', { type: 'checkbox', name: 'status', value: status, checked: statuses.has(status) }));
  const viewRadios = ['attempts', 'deliveries'].map((value) => h('input', { type: 'radio', name: 'view', value, checked: filters.view === value }));

  const collect = () => ({
    q: controls.q.value.trim(),
    webhook_id: controls.webhook.value,
    event: controls.event.value.trim(),
    status: statusBoxes.filter((box) => box.checked).map((box) => box.value),
    status_class: controls.statusClass.value,
    from: fromLocalInput(controls.from.value),
    to: fromLocalInput(controls.to.value, true),
    sort: controls.sort.value === '-created_at' ? '' : controls.sort.value,
    per_page: controls.perPage.value === '25' ? '' : controls.perPage.value,
    view: viewRadios.find((radio) => radio.checked)?.value === 'deliveries' ? 'deliveries' : '',
  });
  const apply = () => navigate('/logs', collect());

  const exportButtons = ['ndjson', 'csv'].map((format) =>
    h('button', { type: 'button', class: 'button button-small', text: format === 'csv' ? 'Export CSV' : 'Export NDJSON', onclick: (event) => exportLogs(format, collect(), event.currentTarget) }),
  );
  const form = h(
    'form',
    { class: 'card filters', role: 'search', 'aria-label': 'Filter delivery logs' },
    h(
      'div',
      { class: 'filter-row' },
      field('Search', controls.q, { name: 'q' }),
      field('Webhook', controls.webhook, { name: 'webhook_id' }),
      field('Event', controls.event, { name: 'event', hint: 'Exact type, or a prefix ending in "."' }),
    ),
    h(
      'div',
      { class: 'filter-row filter-row-4' },
      h(
        'fieldset',
        { class: 'checks' },
        h('legend', { text: 'Status' }),
        statusBoxes.map((box) => h('label', { class: 'check' }, box, h('span', {}, statusBadge(box.value)))),
      ),
      field('Status class', controls.statusClass, { name: 'status_class' }),
      field('From', controls.from, { name: 'from' }),
      field('To', controls.to, { name: 'to' }),
    ),
    h(
      'div',
      { class: 'filter-row filter-row-end' },
      h(
        'fieldset',
        { class: 'segmented' },
        h('legend', { class: 'visually-hidden', text: 'Show one row per' }),
        viewRadios.map((radio) => h('label', { class: 'segment' }, radio, h('span', { text: radio.value === 'deliveries' ? 'Deliveries' : 'Attempts' }))),
      ),
      field('Sort', controls.sort, { name: 'sort' }),
      field('Rows', controls.perPage, { name: 'per_page' }),
      h(
        'div',
        { class: 'actions filter-actions' },
        h('button', { type: 'submit', class: 'button button-primary', text: 'Apply filters' }),
        h('button', { type: 'button', class: 'button button-quiet', text: 'Reset', onclick: () => navigate('/logs') }),
        h('span', { class: 'divider', 'aria-hidden': 'true' }),
        exportButtons,
      ),
    ),
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    apply();
  });
  // Choices apply at once; typed text and dates apply with Enter or the button.
  for (const control of [controls.webhook, controls.statusClass, controls.sort, controls.perPage, ...statusBoxes, ...viewRadios]) {
    control.addEventListener('change', apply);
  }
  return form;
}

function logTable(rows, view) {
  const deliveries = view === 'deliveries';
  const headings = deliveries
    ? ['Created', 'Webhook', 'Event', 'Status', 'HTTP', 'Attempts', 'Retries', 'Last error', '']
    : ['Time', 'Webhook', 'Event', 'Status', 'HTTP', 'Attempt', 'Duration', ''];
  return h(
    'div',
    { class: 'table-wrap' },
    h(
      'table',
      { class: 'table table-logs', id: 'logs-table', 'data-view': view },
      h('caption', { class: 'visually-hidden', text: deliveries ? 'Deliveries' : 'Delivery attempts' }),
      h('thead', {}, headingRow(headings)),
      h('tbody', {}, rows.map((row) => (deliveries ? deliveryRow(row) : attemptRow(row)))),
    ),
  );
}

function webhookCell(row) {
  return h('td', { class: 'cell-webhook' }, h('div', { class: 'truncate', title: row.url, text: row.webhook_name || row.url }));
}

/** Clicking anywhere on a row opens it; the link in its first cell is the keyboard way. */
function clickableRow(href, cells, props = {}) {
  const row = h('tr', { class: 'row-link', ...props }, cells);
  row.addEventListener('click', (event) => {
    if (event.target.closest('a, button')) return;
    location.hash = href;
  });
  return row;
}

function attemptRow(log) {
  const href = `#/logs/${encodeURIComponent(log.id)}`;
  return clickableRow(
    href,
    [
      h('td', { class: 'nowrap' }, h('a', { href, text: formatDate(log.created_at) })),
      webhookCell(log),
      h('td', { class: 'mono' }, log.event),
      h('td', { class: 'nowrap' }, statusBadge(log.status), log.trigger !== 'auto' ? h('span', { class: 'tag', text: log.trigger }) : null),
      h('td', {}, httpStatus(log.http_status, log.error_code)),
      h('td', { class: 'num', text: `#${log.attempt}` }),
      h('td', { class: 'num nowrap', text: formatDuration(log.duration_ms) }),
      h('td', { class: 'row-actions' }, retryButton(log.id, log.status)),
    ],
    { 'data-status': log.status, 'data-log-id': log.id },
  );
}

function deliveryRow(delivery) {
  const href = `#/logs/${encodeURIComponent(delivery.last_attempt_id || delivery.id)}`;
  return clickableRow(
    href,
    [
      h('td', { class: 'nowrap' }, h('a', { href, text: formatDate(delivery.created_at) })),
      webhookCell(delivery),
      h('td', { class: 'mono' }, delivery.event),
      h('td', {}, statusBadge(delivery.status)),
      h('td', {}, httpStatus(delivery.http_status, delivery.http_status === null && delivery.last_error ? 'network' : null)),
      h('td', { class: 'num', text: String(delivery.attempts) }),
      h('td', { class: 'num', text: String(delivery.retry_count) }),
      h('td', { class: 'cell-error' }, h('div', { class: 'truncate', title: delivery.last_error ?? '', text: delivery.last_error ?? '' })),
      h('td', { class: 'row-actions' }, retryButton(delivery.last_attempt_id || delivery.id, delivery.status)),
    ],
    { 'data-status': delivery.status, 'data-log-id': delivery.last_attempt_id || delivery.id },
  );
}

function retryButton(logId, status) {
  if (status !== 'failed' || !session.canChange) return null;
  return h('button', {
    type: 'button',
    class: 'button button-small',
    text: 'Retry',
    onclick: async (event) => {
      try {
        const result = (await busy(event.currentTarget, 'Retrying…', () => api('POST', `/logs/${encodeURIComponent(logId)}/retry`, { body: {} }))).data;
        toast(`Retry ${result.success ? 'delivered' : 'failed'}: ${result.http_status !== null ? `HTTP ${result.http_status}` : result.error}.`, result.success ? 'ok' : 'bad');
        setTimeout(route, 800);
      } catch (error) {
        toast(describeError(error), 'bad');
      }
    },
  });
}

/** Downloads an export with the key in the header (not the URL), through a Blob. */
async function exportLogs(format, filters, button) {
  const query = { format };
  for (const name of EXPORT_FILTERS) query[name] = filters[name];
  try {
    const response = await busy(button, 'Exporting…', () => api('GET', '/deliveries/export', { query, raw: true }));
    const blob = await response.blob();
    const name = /filename="([^"]+)"/.exec(response.headers.get('content-disposition') ?? '')?.[1] ?? `deliveries.${format}`;
    const url = URL.createObjectURL(blob);
    const link = h('a', { href: url, download: name, hidden: true });
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(url), 60_000);
    toast('Export saved.');
  } catch (error) {
    toast(`Export failed: ${describeError(error)}`, 'bad');
  }
}

// ---------------------------------------------------------------------------------------
// Delivery logs: one attempt in full, and retry
// ---------------------------------------------------------------------------------------

async function renderLogDetail(id, notice) {
  const view = startView('Delivery attempt', 'logs');
  let log;
  try {
    log = (await api('GET', `/logs/${encodeURIComponent(id)}`)).data;
  } catch (error) {
    view.show(pageHeader('Delivery attempt', { crumb: { href: '#/logs', label: 'Delivery logs' } }), errorView(error, () => renderLogDetail(id)));
    return;
  }
  document.title = `${log.event} #${log.attempt} · wirehook`;
  const resultSlot = h('div', { class: 'result-slot', 'aria-live': 'polite' }, notice ?? null);
  const retry = h('button', { type: 'button', class: 'button button-primary', text: 'Retry now', onclick: (event) => retryNow(log, event.currentTarget, resultSlot) });
  view.show(
    pageHeader(h('span', { class: 'mono', text: log.event }), {
      crumb: { href: `#/logs${queryString({ webhook_id: log.webhook_id })}`, label: 'Delivery logs' },
      subtitle: [
        statusBadge(log.status),
        ' ',
        log.trigger !== 'auto' ? h('span', { class: 'tag', text: log.trigger }) : null,
        ` Attempt #${log.attempt} to `,
        h('a', { href: `#/webhooks/${encodeURIComponent(log.webhook_id)}`, text: log.webhook_name || log.url }),
      ],
      actions: session.canChange && retry,
    }),
    resultSlot,
    log.error ? h('div', { class: 'alert alert-bad', 'data-testid': 'attempt-error' }, h('strong', { class: 'mono', text: log.error_code ?? 'error' }), h('span', { text: `: ${log.error}` })) : null,
    h('div', { class: 'grid' }, summaryCard(log), timelineCard(log)),
    h('div', { class: 'grid' }, requestCard(log), responseCard(log)),
  );
}

function summaryCard(log) {
  const identifiers = Object.entries(log.identifiers ?? {});
  return card(
    'Summary',
    details([
      ['Delivery status', log.delivery ? statusBadge(log.delivery.status) : '—'],
      ['HTTP status', httpStatus(log.http_status, log.error_code)],
      ['Duration', formatDuration(log.duration_ms)],
      ['Sent', formatDate(log.created_at)],
      ['Completed', formatDate(log.delivered_at)],
      ['Next attempt', log.delivery?.next_attempt_at ? formatDate(log.delivery.next_attempt_at) : null],
      ['Delivery (webhook-id)', h('span', { class: 'mono break', text: log.delivery_id })],
      ['Event id', h('span', { class: 'mono break', text: log.event_id })],
      ['Identifiers', identifiers.length ? h('div', { class: 'chips' }, identifiers.map(([key, value]) => h('span', { class: 'chip mono', text: `${key}=${value}` }))) : null],
      ['Attempt id', h('span', { class: 'mono break', text: log.id })],
    ]),
  );
}

function timelineCard(log) {
  return card(
    'Timeline',
    h(
      'ol',
      { class: 'timeline' },
      log.timeline.map((entry) => {
        const current = entry.id === log.id;
        return h(
          'li',
          { class: `timeline-item timeline-${entry.status}`, 'aria-current': current ? 'step' : null },
          h(
            'div',
            { class: 'timeline-head' },
            current ? h('strong', { text: `Attempt #${entry.attempt}` }) : h('a', { href: `#/logs/${encodeURIComponent(entry.id)}`, text: `Attempt #${entry.attempt}` }),
            statusBadge(entry.status),
            entry.trigger !== 'auto' ? h('span', { class: 'tag', text: entry.trigger }) : null,
          ),
          h(
            'div',
            { class: 'timeline-meta' },
            httpStatus(entry.http_status, entry.error_code),
            h('span', { text: formatDuration(entry.duration_ms) }),
            h('span', { text: formatDate(entry.created_at) }),
          ),
          entry.error ? h('div', { class: 'muted small break', text: entry.error }) : null,
        );
      }),
    ),
  );
}

function requestCard(log) {
  return card(
    'Request',
    h('p', { class: 'request-line' }, h('span', { class: 'method', text: log.request.method }), ' ', h('span', { class: 'mono break', text: log.request.url })),
    h('h3', { text: 'Headers' }),
    h('div', { 'data-testid': 'request-headers' }, headersTable(log.request.headers, 'Request headers')),
    h('h3', { text: 'Payload' }),
    codeBlock(prettyText(log.request.body), 'Request payload'),
  );
}

function responseCard(log) {
  const response = log.response;
  if (!response) {
    return card('Response', h('p', { class: 'muted', text: log.error ? `No HTTP answer: ${log.error}` : 'No HTTP answer was received.' }));
  }
  return card(
    'Response',
    h('p', {}, 'Status ', httpStatus(response.status, null)),
    h('h3', { text: 'Headers' }),
    headersTable(response.headers, 'Response headers'),
    h('h3', { text: 'Body' }),
    response.body ? h('div', { 'data-testid': 'response-body' }, codeBlock(prettyText(response.body), 'Response body')) : h('p', { class: 'muted', text: 'Empty body.' }),
    response.body_truncated ? h('p', { class: 'hint', text: 'The body was cut at the stored size limit.' }) : null,
  );
}

async function retryNow(log, button, slot) {
  slot.replaceChildren();
  let result;
  try {
    result = (await busy(button, 'Retrying…', () => api('POST', `/logs/${encodeURIComponent(log.id)}/retry`, { body: {} }))).data;
  } catch (error) {
    const message = error.status === 409 ? `An automatic retry is already scheduled${log.delivery?.next_attempt_at ? ` for ${formatDate(log.delivery.next_attempt_at)}` : ''}. ${error.message}.` : describeError(error);
    slot.replaceChildren(alertBox(message, error.status === 409 ? 'warn' : 'bad'));
    return;
  }
  const outcome = attemptResult('Retry', result);
  slot.replaceChildren(outcome);
  // The new attempt reaches the logs a moment later; show it in the timeline once it is there.
  for (let tries = 0; tries < 60; tries += 1) {
    await new Promise((done) => setTimeout(done, tries < 10 ? 300 : 1000));
    if (!slot.isConnected) return;
    const fresh = await api('GET', `/logs/${encodeURIComponent(log.id)}`).catch(() => null);
    if (fresh?.data.timeline.some((entry) => entry.id === result.log_id)) {
      if (slot.isConnected) void renderLogDetail(log.id, outcome);
      return;
    }
  }
}

// ---------------------------------------------------------------------------------------
// Retention
// ---------------------------------------------------------------------------------------

async function renderRetention() {
  const view = startView('Retention', 'retention');
  let policy;
  try {
    policy = (await api('GET', '/retention')).data;
  } catch (error) {
    view.show(pageHeader('Retention'), errorView(error, () => renderRetention()));
    return;
  }
  const source =
    policy.source === 'tenant' ? `Your tenant's own policy, set ${formatDate(policy.updated_at)}.` : 'The platform defaults apply (no override for your tenant).';
  view.show(
    pageHeader('Retention', { subtitle: 'How long delivery logs are kept once a delivery reached its final state. Pending and retrying deliveries are never removed.' }),
    h(
      'div',
      { class: 'grid' },
      card(
        'Current policy',
        h('div', { class: 'tiles' }, tile('Successful deliveries', `${policy.success_days} days`, 'tile-ok'), tile('Failed deliveries', `${policy.failed_days} days`, 'tile-bad')),
        h('p', { id: 'retention-source', text: source }),
        h('p', { class: 'muted', text: `Platform defaults: ${policy.defaults.success_days} days for successes, ${policy.defaults.failed_days} days for failures.` }),
      ),
      session.canChange && retentionForm(policy),
    ),
  );
}

function retentionForm(policy) {
  const success = h('input', { type: 'number', min: '1', max: '365', step: '1', required: true, value: String(policy.success_days) });
  const failed = h('input', { type: 'number', min: '1', max: '365', step: '1', required: true, value: String(policy.failed_days) });
  const problem = h('div', { class: 'alert alert-bad', role: 'alert', hidden: true });
  const save = h('button', { type: 'submit', class: 'button button-primary', text: 'Save policy' });
  const reset = h('button', {
    type: 'button',
    class: 'button',
    text: 'Reset to defaults',
    disabled: policy.source !== 'tenant',
    onclick: async (event) => {
      const button = event.currentTarget;
      const confirmed = await confirmAction({
        title: 'Reset retention to the defaults?',
        message: `Logs will be kept ${policy.defaults.success_days} days (successes) and ${policy.defaults.failed_days} days (failures).`,
        confirmLabel: 'Reset',
      });
      if (!confirmed) return;
      try {
        await busy(button, 'Resetting…', () => api('DELETE', '/retention'));
        toast('Retention reset to the platform defaults.');
        route();
      } catch (error) {
        problem.textContent = describeError(error);
        problem.hidden = false;
      }
    },
  });
  const form = h(
    'form',
    { class: 'card form' },
    h('h2', { text: 'Change the policy' }),
    h('p', { class: 'muted', text: 'Admin keys only. Failed deliveries are kept at least as long as successful ones, 1 to 365 days each.' }),
    h('div', { class: 'field-row' }, field('Keep successful deliveries (days)', success, { name: 'success_days' }), field('Keep failed deliveries (days)', failed, { name: 'failed_days' })),
    problem,
    h('div', { class: 'actions actions-start' }, save, reset),
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    problem.hidden = true;
    showFieldErrors(form, {});
    try {
      await busy(save, 'Saving…', () => api('PUT', '/retention', { body: { success_days: Number(success.value), failed_days: Number(failed.value) } }));
      toast('Retention policy saved.');
      route();
    } catch (error) {
      problem.textContent = describeError(error);
      problem.hidden = false;
      showFieldErrors(form, error.fields);
    }
  });
  return form;
}

// ---------------------------------------------------------------------------------------
// Start
// ---------------------------------------------------------------------------------------

function start() {
  document.getElementById('sign-out').addEventListener('click', () => {
    session.end();
    webhookChoices = null;
    document.getElementById('toasts').replaceChildren();
    showSignIn('You are signed out. The key was removed from this tab.');
  });
  let path = parseHash().path;
  window.addEventListener('hashchange', () => {
    route();
    // A new page takes the focus (screen readers start there); a new filter leaves it be.
    if (parseHash().path !== path) document.getElementById('main').focus({ preventScroll: true });
    path = parseHash().path;
  });
  route();
}

start();
