import type { lookup as dnsLookup } from 'node:dns';
import { readFileSync } from 'node:fs';
import { createSecureContext, rootCertificates } from 'node:tls';
import { Agent } from 'undici';
import { AddressPolicy } from '@wirehook/config';
import { AttemptErrorCode, type AttemptErrorRecord, type AttemptResponseRecord } from '@wirehook/contracts';
import { attemptError } from './attempt-error';
import { createGuardedLookup, SsrfBlockedError } from './guarded-lookup';
import { ResponseCollector } from './response-collector';

export interface OutgoingWebhook {
  url: string;
  headers: Record<string, string>;
  body: string;
  timeoutMs: number;
}

/** What happened to one request: a response, or an error with a stable code. */
export interface SendResult {
  response?: AttemptResponseRecord;
  error?: AttemptErrorRecord;
  durationMs: number;
}

export interface WebhookSenderOptions {
  allowCidrs: readonly string[];
  requireHttps: boolean;
  extraCaFile?: string;
  responseBodyLimitBytes: number;
  /** Replaces DNS resolution (tests of rebinding); the address policy still applies. */
  resolve?: typeof dnsLookup;
}

const NETWORK_CODES: Record<string, AttemptErrorCode> = {
  ESSRFBLOCKED: AttemptErrorCode.ssrfBlocked,
  ECONNREFUSED: AttemptErrorCode.connectionRefused,
  ECONNRESET: AttemptErrorCode.connectionReset,
  EPIPE: AttemptErrorCode.connectionReset,
  UND_ERR_SOCKET: AttemptErrorCode.connectionReset,
  UND_ERR_CLOSED: AttemptErrorCode.connectionReset,
  ENOTFOUND: AttemptErrorCode.dns,
  EAI_AGAIN: AttemptErrorCode.dns,
  EAI_FAIL: AttemptErrorCode.dns,
  ETIMEDOUT: AttemptErrorCode.timeout,
  UND_ERR_CONNECT_TIMEOUT: AttemptErrorCode.timeout,
  UND_ERR_HEADERS_TIMEOUT: AttemptErrorCode.timeout,
  UND_ERR_BODY_TIMEOUT: AttemptErrorCode.timeout,
};

/** URLs whose verdict and parts are remembered; the whole cache is dropped when it fills. */
const URL_CACHE_LIMIT = 10_000;

/** A URL as sending needs it: refused (with why), or its origin and path. */
interface UrlTarget {
  refused?: AttemptErrorRecord;
  origin: string;
  path: string;
}

/** The messages of an error and its causes, outermost first: `fetch failed: other side closed`. */
function causeChain(error: unknown): string {
  const messages: string[] = [];
  for (let current: unknown = error, depth = 0; current !== undefined && current !== null && depth < 5; current = (current as { cause?: unknown }).cause, depth += 1) {
    const text = current instanceof Error ? current.message : String(current);
    if (text && !messages.includes(text)) messages.push(text);
  }
  return messages.join(': ');
}

/**
 * Maps any error thrown while sending to a stable code and a message that leads with a plain
 * sentence, the raw error after it (see {@link attemptError}). `timeoutMs` is named in a timeout's message.
 */
export function classifySendError(error: unknown, timeoutMs?: number): AttemptErrorRecord {
  for (let current: unknown = error, depth = 0; current && depth < 5; current = (current as { cause?: unknown }).cause, depth += 1) {
    const { code, name, message } = current as { code?: string; name?: string; message?: string };
    const detail = message || code || '';
    if (name === 'TimeoutError' || name === 'AbortError') return attemptError(AttemptErrorCode.timeout, detail, { timeoutMs });
    if (code && NETWORK_CODES[code]) return attemptError(NETWORK_CODES[code], detail, { rawCode: code, timeoutMs });
    if (code && /^(ERR_TLS|ERR_SSL|CERT_|UNABLE_TO|DEPTH_ZERO|SELF_SIGNED|ERR_OSSL)/.test(code)) return attemptError(AttemptErrorCode.tls, detail, { rawCode: code });
  }
  return attemptError(AttemptErrorCode.network, causeChain(error));
}

/**
 * Sends webhooks with undici: keep-alive connection pools per origin, no redirects followed,
 * no proxy from the environment, and every connection checked against the address policy at
 * connect time (after DNS). IP-literal hosts never reach DNS, so they are checked up front.
 */
export class WebhookSender {
  private readonly agent: Agent;
  private readonly policy: AddressPolicy;
  /** What {@link checkUrl} found for each URL: every delivery to an endpoint asks about the same one. */
  private readonly targets = new Map<string, UrlTarget>();

  constructor(private readonly options: WebhookSenderOptions) {
    this.policy = new AddressPolicy(options.allowCidrs);
    // One TLS context for every connection: given as a `ca` list, the ~140 root certificates
    // would be parsed again for each new connection (and a hanging endpoint makes many).
    const secureContext = options.extraCaFile ? createSecureContext({ ca: [...rootCertificates, readFileSync(options.extraCaFile, 'utf8')] }) : undefined;
    this.agent = new Agent({
      keepAliveTimeout: 30_000,
      connections: 64,
      connect: { secureContext, lookup: createGuardedLookup(this.policy, options.resolve) } as Agent.Options['connect'],
    });
  }

  /** Refuses URLs the platform must never call; `undefined` when the URL may be tried. */
  checkUrl(url: string): AttemptErrorRecord | undefined {
    return this.targetOf(url).refused;
  }

  /** The verdict on a URL and, when it may be tried, its origin and path; worked out once per URL. */
  private targetOf(url: string): UrlTarget {
    let target = this.targets.get(url);
    if (!target) {
      target = this.judgeUrl(url);
      if (this.targets.size >= URL_CACHE_LIMIT) this.targets.clear();
      this.targets.set(url, target);
    }
    return target;
  }

  private judgeUrl(url: string): UrlTarget {
    const refuse = (code: AttemptErrorCode, message: string): UrlTarget => ({ refused: attemptError(code, message), origin: '', path: '' });
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      return refuse(AttemptErrorCode.ssrfBlocked, 'the endpoint URL is not a valid URL');
    }
    if (parsed.protocol !== 'https:' && !(parsed.protocol === 'http:' && !this.options.requireHttps)) {
      return refuse(AttemptErrorCode.ssrfBlocked, `the ${parsed.protocol} scheme is not allowed (HTTPS is required)`);
    }
    if (parsed.username || parsed.password) return refuse(AttemptErrorCode.ssrfBlocked, 'URLs with credentials are refused');
    if (AddressPolicy.isIpLiteral(parsed.hostname)) {
      const verdict = this.policy.check(parsed.hostname);
      if (!verdict.allowed) return refuse(AttemptErrorCode.ssrfBlocked, new SsrfBlockedError(parsed.hostname, verdict.reason).message);
    }
    return { origin: parsed.origin, path: `${parsed.pathname}${parsed.search}` };
  }

  async send(webhook: OutgoingWebhook): Promise<SendResult> {
    const started = performance.now();
    const { refused, origin, path } = this.targetOf(webhook.url);
    if (refused) return { error: refused, durationMs: 0 };
    const collector = new ResponseCollector(this.options.responseBodyLimitBytes);
    // A plain timer rather than AbortSignal.timeout, which costs ~10 µs per request here (the
    // weak references it keeps for its clean-up); the reason is the one it would give.
    const timer = setTimeout(() => collector.abort(new DOMException('The operation was aborted due to timeout', 'TimeoutError')), webhook.timeoutMs);
    try {
      this.agent.dispatch(
        { origin, path, method: 'POST', headers: webhook.headers, body: webhook.body, headersTimeout: webhook.timeoutMs, bodyTimeout: webhook.timeoutMs },
        collector,
      );
      const response = await collector.response;
      return {
        response: { status: response.status, headers: response.headers, body: response.body, bodyTruncated: response.truncated },
        durationMs: Math.round(performance.now() - started),
      };
    } catch (error) {
      return { error: classifySendError(error, webhook.timeoutMs), durationMs: Math.round(performance.now() - started) };
    } finally {
      clearTimeout(timer);
    }
  }

  async close(): Promise<void> {
    await this.agent.close();
  }
}
