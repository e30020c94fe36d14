import type { lookup as dnsLookup } from 'node:dns';
import { readFileSync } from 'node:fs';
import { createSecureContext, rootCertificates, type SecureContext } from 'node:tls';
import { Agent, Pool, ProxyAgent, type Dispatcher, type buildConnector } from 'undici';
import { AddressPolicy } from '@wirehook/address-policy';
import { AttemptErrorCode, type AttemptErrorRecord, type AttemptResponseRecord } from '@wirehook/contracts';
import { attemptError } from './attempt-error';
import { EgressProxy, type EgressProxySettings } from './egress-proxy';
import { createGuardedLookup, SsrfBlockedError, type LookupFunction } from './guarded-lookup';
import { ResponseCollector } from './response-collector';

/** A client certificate (PEM chain, leaf first) and its private key, in clear. */
export interface ClientCertificate {
  cert: string;
  key: string;
}

/**
 * How one endpoint's requests connect, decrypted from its snapshot: a client certificate for
 * mutual TLS and/or a proxy of its own. `key` names this setup: when it changes, the endpoint's
 * connection pools are replaced.
 */
export interface EndpointTransport {
  key: string;
  clientCertificate?: ClientCertificate;
  proxyUrl?: string;
}

/** One POST: a webhook, or a token request for one. */
export interface OutgoingWebhook {
  url: string;
  headers: Record<string, string>;
  body: string;
  timeoutMs: number;
  /** The endpoint the request is for, whose own connection pools it uses when it has a {@link EndpointTransport}. */
  endpointId?: string;
  transport?: EndpointTransport;
  /** Longest body kept; the sender's `responseBodyLimitBytes` when absent. */
  responseBodyLimitBytes?: number;
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
  /** The dispatcher-wide proxy (HTTPS_PROXY, HTTP_PROXY, NO_PROXY); none when absent. */
  proxy?: EgressProxySettings;
  /** Replaces DNS resolution (tests of rebinding); the address policy still applies. */
  resolve?: typeof dnsLookup;
}

/** Connection pool settings of every agent. */
const POOL_OPTIONS = { keepAliveTimeout: 30_000, connections: 64 } as const;
/** Endpoints whose own pools (client certificate, own proxy) are kept; the oldest is closed beyond it. */
const ENDPOINT_TRANSPORT_LIMIT = 10_000;

/** The pools of one endpoint with a transport of its own, by the proxy they go through ('' for none). */
interface EndpointPools {
  key: string;
  byProxy: Map<string, { dispatcher?: Dispatcher; refused?: AttemptErrorRecord }>;
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
  /** The dispatcher-wide proxy this URL goes through, if any (HTTPS_PROXY / HTTP_PROXY less NO_PROXY). */
  proxy?: string;
}

/** The messages of an error and its causes, outermost first: `fetch failed: other side closed`. */
function causeChain(error: unknown): string {
  const messages: string[] = [];
  for (
    let current: unknown = error, depth = 0;
    current !== undefined && current !== null && depth < 5;
    current = (current as { cause?: unknown }).cause, depth += 1
  ) {
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
    if (code && /^(ERR_TLS|ERR_SSL|CERT_|UNABLE_TO|DEPTH_ZERO|SELF_SIGNED|ERR_OSSL)/.test(code))
      return attemptError(AttemptErrorCode.tls, detail, { rawCode: code });
  }
  return attemptError(AttemptErrorCode.network, causeChain(error));
}

/**
 * Sends webhooks with undici: keep-alive connection pools per origin, no redirects followed,
 * and every connection checked against the address policy at connect time (after DNS). IP-literal
 * hosts never reach DNS, so they are checked up front.
 *
 * Proxies: the environment is never read here; the dispatcher-wide proxy comes from the
 * validated config (HTTPS_PROXY, HTTP_PROXY, NO_PROXY) and an endpoint may have one of its own.
 * Requests go through a proxy as CONNECT tunnels (TLS to the endpoint end to end), and the
 * proxy resolves the endpoint's host itself, so the connect-time guard cannot see the address
 * the proxy dials. Before each new tunnel the dispatcher therefore resolves the endpoint's host
 * itself and refuses the tunnel when any address is forbidden, exactly as for a direct
 * connection: a generic proxy has no policy of its own, and relying on it would open the
 * platform's network to every tenant. What remains is the window between the two lookups (DNS
 * rebinding); a proxy that refuses private ranges itself closes it. The operator's proxy is
 * trusted at any address (it is usually in the cluster); an endpoint's own proxy is a
 * tenant's URL and must pass the address policy like an endpoint URL.
 *
 * Endpoints with a client certificate or a proxy of their own get pools of their own (the TLS
 * context carries the certificate), kept until that setup changes.
 */
export class WebhookSender {
  private readonly agent: Agent;
  private readonly policy: AddressPolicy;
  private readonly lookup: LookupFunction;
  private readonly egress: EgressProxy;
  private readonly extraCa?: string;
  private readonly secureContext?: SecureContext;
  /** What {@link checkUrl} found for each URL: every delivery to an endpoint asks about the same one. */
  private readonly targets = new Map<string, UrlTarget>();
  /** Tunnels through the dispatcher-wide proxies, shared by the endpoints without a transport of their own. */
  private readonly sharedProxies = new Map<string, Dispatcher>();
  /** Pools of endpoints with a transport of their own, by endpoint id; oldest first. */
  private readonly endpointPools = new Map<string, EndpointPools>();

  constructor(private readonly options: WebhookSenderOptions) {
    this.policy = new AddressPolicy(options.allowCidrs);
    this.lookup = createGuardedLookup(this.policy, options.resolve);
    this.egress = new EgressProxy(options.proxy ?? {});
    this.extraCa = options.extraCaFile ? readFileSync(options.extraCaFile, 'utf8') : undefined;
    // One TLS context for every connection: given as a `ca` list, the ~140 root certificates
    // would be parsed again for each new connection (and a hanging endpoint makes many).
    this.secureContext = this.extraCa ? createSecureContext({ ca: [...rootCertificates, this.extraCa] }) : undefined;
    this.agent = new Agent({ ...POOL_OPTIONS, connect: { secureContext: this.secureContext, lookup: this.lookup } as Agent.Options['connect'] });
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
    return { origin: parsed.origin, path: `${parsed.pathname}${parsed.search}`, proxy: this.egress.proxyFor(parsed) };
  }

  /** The pools a request goes through: the shared ones, or the endpoint's own; refused when the endpoint's proxy is not allowed. */
  private dispatcherFor(target: UrlTarget, webhook: OutgoingWebhook): { dispatcher?: Dispatcher; refused?: AttemptErrorRecord } {
    const transport = webhook.transport;
    const ownProxy = transport?.proxyUrl;
    const proxy = ownProxy ?? target.proxy;
    if (!transport?.clientCertificate && !ownProxy) {
      if (!proxy) return { dispatcher: this.agent };
      let shared = this.sharedProxies.get(proxy);
      if (!shared) {
        shared = this.build(proxy, undefined, false);
        this.sharedProxies.set(proxy, shared);
      }
      return { dispatcher: shared };
    }
    const id = webhook.endpointId ?? transport.key;
    let pools = this.endpointPools.get(id);
    if (pools && pools.key !== transport.key) {
      this.closePools(pools);
      this.endpointPools.delete(id);
      pools = undefined;
    }
    if (!pools) {
      if (this.endpointPools.size >= ENDPOINT_TRANSPORT_LIMIT) {
        const [oldest] = this.endpointPools.keys();
        this.closePools(this.endpointPools.get(oldest) as EndpointPools);
        this.endpointPools.delete(oldest);
      }
      pools = { key: transport.key, byProxy: new Map() };
      this.endpointPools.set(id, pools);
    }
    let entry = pools.byProxy.get(proxy ?? '');
    if (!entry) {
      const refused = ownProxy ? this.judgeOwnProxy(ownProxy) : undefined;
      entry = refused ? { refused } : { dispatcher: this.build(proxy, transport.clientCertificate, ownProxy !== undefined) };
      pools.byProxy.set(proxy ?? '', entry);
    }
    return entry;
  }

  /** An endpoint's own proxy at an IP address the policy forbids (names are checked at connect time, after DNS). */
  private judgeOwnProxy(proxyUrl: string): AttemptErrorRecord | undefined {
    let host: string;
    try {
      host = new URL(proxyUrl).hostname;
    } catch {
      return attemptError(AttemptErrorCode.ssrfBlocked, "the endpoint's proxy_url is not a valid URL");
    }
    if (!AddressPolicy.isIpLiteral(host)) return undefined;
    const verdict = this.policy.check(host);
    return verdict.allowed
      ? undefined
      : attemptError(AttemptErrorCode.ssrfBlocked, `the endpoint's proxy: ${new SsrfBlockedError(host, verdict.reason).message}`);
  }

  /**
   * Pools for one way of connecting: direct, or through `proxy` (CONNECT tunnels whose target is
   * checked first, see the class comment); with `certificate` presented to endpoints that ask.
   * `guardProxy`: the proxy is an endpoint's own and its address must pass the policy too.
   */
  private build(proxy: string | undefined, certificate: ClientCertificate | undefined, guardProxy: boolean): Dispatcher {
    const targetContext = certificate
      ? createSecureContext({ ...(this.extraCa ? { ca: [...rootCertificates, this.extraCa] } : {}), cert: certificate.cert, key: certificate.key })
      : this.secureContext;
    if (!proxy) return new Agent({ ...POOL_OPTIONS, connect: { secureContext: targetContext, lookup: this.lookup } as Agent.Options['connect'] });
    return new ProxyAgent({
      uri: proxy,
      ...POOL_OPTIONS,
      requestTls: { secureContext: targetContext } as buildConnector.BuildOptions,
      proxyTls: { secureContext: this.secureContext, ...(guardProxy ? { lookup: this.lookup } : {}) } as buildConnector.BuildOptions,
      factory: (origin, options) => {
        const poolOptions = options as Pool.Options & { connect: buildConnector.connector };
        return new Pool(origin, { ...poolOptions, connect: this.guardTunnel(poolOptions.connect) });
      },
    });
  }

  /** Checks the tunnel's target host against the address policy (resolving it here) before the proxy is asked to connect. */
  private guardTunnel(connect: buildConnector.connector): buildConnector.connector {
    return (options, callback) => {
      this.lookup(options.hostname.replace(/^\[|\]$/g, ''), { all: true }, (error) => {
        if (error) callback(error, null);
        else connect(options, callback);
      });
    };
  }

  private closePools(pools: EndpointPools): void {
    // In-flight requests finish first; nothing waits for the close.
    for (const { dispatcher } of pools.byProxy.values()) dispatcher?.close().catch(() => undefined);
  }

  async send(webhook: OutgoingWebhook): Promise<SendResult> {
    const started = performance.now();
    const target = this.targetOf(webhook.url);
    if (target.refused) return { error: target.refused, durationMs: 0 };
    const { origin, path } = target;
    const { dispatcher, refused } = this.dispatcherFor(target, webhook);
    if (!dispatcher) return { error: refused, durationMs: 0 };
    const collector = new ResponseCollector(webhook.responseBodyLimitBytes ?? this.options.responseBodyLimitBytes);
    // A plain timer rather than AbortSignal.timeout, which costs ~10 µs per request here (the
    // weak references it keeps for its clean-up); the reason is the one it would give.
    const timer = setTimeout(() => collector.abort(new DOMException('The operation was aborted due to timeout', 'TimeoutError')), webhook.timeoutMs);
    try {
      dispatcher.dispatch(
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
    const own = [...this.endpointPools.values()].flatMap((pools) => [...pools.byProxy.values()].map((entry) => entry.dispatcher));
    this.endpointPools.clear();
    await Promise.all([this.agent, ...this.sharedProxies.values(), ...own].map((dispatcher) => dispatcher?.close()));
  }
}
