import { AttemptErrorCode, HEADER_VALUE_PATTERN, type AttemptErrorRecord } from '@wirehook/contracts';
import { attemptError } from './attempt-error';
import type { EndpointTransport, OutgoingWebhook, SendResult } from './webhook-sender';

/** An endpoint's OAuth2 client credentials, decrypted. `key` changes whenever any of them changes. */
export interface OAuth2Credentials {
  key: string;
  tokenUrl: string;
  clientId: string;
  clientSecret: string;
  scope?: string;
  audience?: string;
}

/** What the token request needs of the endpoint besides its credentials. */
export interface TokenRequestContext {
  endpointId: string;
  /** The endpoint's client certificate and proxy also serve its token URL. */
  transport?: EndpointTransport;
  timeoutMs: number;
  userAgent: string;
}

export type TokenResult = { token: string; error?: undefined } | { token?: undefined; error: AttemptErrorRecord };

/** Sends one POST; {@link WebhookSender} in the app. */
export interface TokenRequestSender {
  send(request: OutgoingWebhook): Promise<SendResult>;
}

/** A token is used until this long before it expires (at most a tenth of its lifetime), so it never expires in flight. */
export const TOKEN_EXPIRY_MARGIN_MS = 30_000;
/** How long a token without `expires_in` is used (until a 401 says otherwise). */
export const TOKEN_DEFAULT_LIFETIME_MS = 60 * 60 * 1000;
/** Longest lifetime believed, whatever `expires_in` says. */
const TOKEN_MAX_LIFETIME_MS = 24 * 60 * 60 * 1000;
/** Token answers are small; a larger one is refused. */
const TOKEN_RESPONSE_LIMIT_BYTES = 64 * 1024;
/** Endpoints whose tokens are kept; the whole cache is dropped when it fills (endpoints come and go). */
const CACHE_LIMIT = 10_000;

interface CacheEntry {
  key: string;
  token?: string;
  expiresAtMs: number;
  inflight?: Promise<TokenResult>;
}

/** `application/x-www-form-urlencoded` encoding of one value, as RFC 6749 (2.3.1) wants client ids and secrets encoded in HTTP Basic auth. */
function formEncode(value: string): string {
  return new URLSearchParams({ v: value }).toString().slice(2);
}

function tokenError(detail: string): { error: AttemptErrorRecord } {
  return { error: attemptError(AttemptErrorCode.authToken, detail) };
}

/** The OAuth2 error of a refused token request (RFC 6749 5.2), when the answer names one. */
function oauthErrorOf(body: string): string {
  try {
    const parsed = JSON.parse(body) as { error?: unknown; error_description?: unknown };
    if (typeof parsed.error !== 'string') return '';
    const description = typeof parsed.error_description === 'string' ? ` (${parsed.error_description.slice(0, 200)})` : '';
    return `: ${parsed.error.slice(0, 100)}${description}`;
  } catch {
    return '';
  }
}

/**
 * Access tokens of endpoints with OAuth2 client credentials auth: fetched from the token URL
 * (POST, `grant_type=client_credentials`, client authentication by HTTP Basic, i.e.
 * `client_secret_basic`, the method RFC 6749 requires servers to support), kept per endpoint and
 * credentials until shortly before `expires_in`, and shared: deliveries that need a token while
 * one is being fetched wait for that request instead of making their own.
 *
 * The token request goes through the same sender as deliveries, so the SSRF guard, the
 * endpoint's proxy and client certificate, and the dispatcher-wide proxy apply to it alike.
 */
export class OAuth2TokenCache {
  private readonly entries = new Map<string, CacheEntry>();

  constructor(
    private readonly sender: TokenRequestSender,
    private readonly now: () => number = Date.now,
  ) {}

  /** A token for the endpoint: the cached one while it is fresh, else a new one. */
  async token(credentials: OAuth2Credentials, context: TokenRequestContext): Promise<TokenResult> {
    const entry = this.entryOf(context.endpointId, credentials);
    if (entry.token !== undefined && this.now() < entry.expiresAtMs) return { token: entry.token };
    return this.fetchShared(entry, credentials, context);
  }

  /**
   * A token other than `rejected`, which the endpoint refused (401): a new one is fetched
   * unless another delivery already replaced it, or is fetching its replacement.
   */
  async refresh(credentials: OAuth2Credentials, context: TokenRequestContext, rejected: string): Promise<TokenResult> {
    const entry = this.entryOf(context.endpointId, credentials);
    if (entry.token === rejected) entry.token = undefined;
    if (entry.token !== undefined && this.now() < entry.expiresAtMs) return { token: entry.token };
    return this.fetchShared(entry, credentials, context);
  }

  private entryOf(endpointId: string, credentials: OAuth2Credentials): CacheEntry {
    let entry = this.entries.get(endpointId);
    if (!entry || entry.key !== credentials.key) {
      if (this.entries.size >= CACHE_LIMIT) this.entries.clear();
      entry = { key: credentials.key, expiresAtMs: 0 };
      this.entries.set(endpointId, entry);
    }
    return entry;
  }

  private fetchShared(entry: CacheEntry, credentials: OAuth2Credentials, context: TokenRequestContext): Promise<TokenResult> {
    if (!entry.inflight) {
      entry.inflight = this.fetchToken(credentials, context)
        .then((result) => {
          if (result.error) return { error: result.error };
          entry.token = result.token;
          entry.expiresAtMs = this.now() + result.lifetimeMs - Math.min(TOKEN_EXPIRY_MARGIN_MS, result.lifetimeMs / 10);
          return { token: result.token };
        })
        .finally(() => {
          entry.inflight = undefined;
        });
    }
    return entry.inflight;
  }

  private async fetchToken(
    credentials: OAuth2Credentials,
    context: TokenRequestContext,
  ): Promise<{ token: string; lifetimeMs: number; error?: undefined } | { error: AttemptErrorRecord }> {
    const form = new URLSearchParams({ grant_type: 'client_credentials' });
    if (credentials.scope) form.set('scope', credentials.scope);
    if (credentials.audience) form.set('audience', credentials.audience);
    const result = await this.sender.send({
      url: credentials.tokenUrl,
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        accept: 'application/json',
        authorization: `Basic ${Buffer.from(`${formEncode(credentials.clientId)}:${formEncode(credentials.clientSecret)}`).toString('base64')}`,
        'user-agent': context.userAgent,
      },
      body: form.toString(),
      timeoutMs: context.timeoutMs,
      endpointId: context.endpointId,
      transport: context.transport,
      responseBodyLimitBytes: TOKEN_RESPONSE_LIMIT_BYTES,
    });
    if (result.error) {
      // A token URL the address policy refuses is refused for good, like an endpoint URL.
      if (result.error.code === AttemptErrorCode.ssrfBlocked)
        return { error: { code: AttemptErrorCode.ssrfBlocked, message: `token_url: ${result.error.message}` } };
      return tokenError(`the token request failed: ${result.error.message}`);
    }
    const response = result.response;
    if (!response) return tokenError('the token URL gave no answer');
    if (response.status < 200 || response.status >= 300) return tokenError(`the token URL answered HTTP ${response.status}${oauthErrorOf(response.body)}`);
    if (response.bodyTruncated) return tokenError(`the token URL answered more than ${TOKEN_RESPONSE_LIMIT_BYTES} bytes`);
    let parsed: { access_token?: unknown; token_type?: unknown; expires_in?: unknown };
    try {
      parsed = JSON.parse(response.body) as typeof parsed;
    } catch {
      return tokenError(`the token URL answered HTTP ${response.status} without a JSON body`);
    }
    const token = parsed?.access_token;
    if (typeof token !== 'string' || token.length === 0) return tokenError('the token URL answered without an access_token');
    if (!HEADER_VALUE_PATTERN.test(token) || token.length > 16_384) return tokenError('the access_token cannot be sent in an Authorization header');
    if (parsed.token_type !== undefined && (typeof parsed.token_type !== 'string' || parsed.token_type.toLowerCase() !== 'bearer')) {
      return tokenError(`the token URL gave a token of type '${String(parsed.token_type).slice(0, 40)}'; only bearer tokens are supported`);
    }
    // Some servers send expires_in as a string; a missing or unreadable one means "until refused".
    const seconds = Number(parsed.expires_in);
    const lifetimeMs =
      parsed.expires_in !== undefined && Number.isFinite(seconds) && seconds > 0 ? Math.min(seconds * 1000, TOKEN_MAX_LIFETIME_MS) : TOKEN_DEFAULT_LIFETIME_MS;
    return { token, lifetimeMs };
  }
}
