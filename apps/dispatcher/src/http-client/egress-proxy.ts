import { BlockList, isIP } from 'node:net';

/** Why `value` cannot be used as a proxy URL, or undefined when it can: `http(s)://[user:password@]host[:port]`. */
export function proxyUrlProblem(value: string): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(value);
  } catch {
    return 'must be a URL such as http://proxy.internal:3128';
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return 'must use http:// or https:// (an HTTP CONNECT proxy)';
  if ((parsed.pathname !== '/' && parsed.pathname !== '') || parsed.search || parsed.hash) return 'must be a proxy origin, without a path, query or #fragment';
  if (parsed.port === '0') return 'must not use port 0';
  return undefined;
}

/** One `NO_PROXY` entry: a host name (and its subdomains), an IP address or CIDR, optionally with a port. */
interface NoProxyEntry {
  host?: string;
  addresses?: BlockList;
  port?: number;
}

/** `[::1]` and `::1` alike, as URL hosts and NO_PROXY entries write IPv6 addresses. */
function bare(host: string): string {
  return host
    .replace(/^\[|\]$/g, '')
    .replace(/\.$/, '')
    .toLowerCase();
}

function parseNoProxyEntry(raw: string): NoProxyEntry | undefined {
  let text = raw.trim().toLowerCase();
  if (!text) return undefined;
  let port: number | undefined;
  // host:port and [v6]:port; a bare IPv6 address has colons but no port.
  const withPort = /^(\[[^\]]+\]|[^:]+):(\d{1,5})$/.exec(text);
  if (withPort) {
    text = withPort[1];
    port = Number(withPort[2]);
  }
  text = bare(text);
  const slash = text.indexOf('/');
  const address = slash >= 0 ? text.slice(0, slash) : text;
  const family = isIP(address);
  if (family !== 0) {
    const addresses = new BlockList();
    const type = family === 6 ? 'ipv6' : 'ipv4';
    if (slash >= 0) {
      const prefix = Number(text.slice(slash + 1));
      if (!Number.isInteger(prefix) || prefix < 0 || prefix > (family === 6 ? 128 : 32)) return undefined;
      addresses.addSubnet(address, prefix, type);
    } else {
      addresses.addAddress(address, type);
    }
    return { addresses, port };
  }
  // `.example.com` and `*.example.com` mean the domain and its subdomains, as does `example.com`.
  const host = text.replace(/^\*?\./, '');
  return host ? { host, port } : undefined;
}

/** The dispatcher-wide proxy settings: `HTTPS_PROXY`, `HTTP_PROXY` and `NO_PROXY`, read through the config. */
export interface EgressProxySettings {
  httpsProxy?: string;
  httpProxy?: string;
  noProxy?: readonly string[];
}

/**
 * Picks the dispatcher-wide proxy for a URL, as curl and most HTTP clients read the variables:
 * `HTTPS_PROXY` for https:// URLs, `HTTP_PROXY` for http:// ones, unless `NO_PROXY` names the
 * host (`example.com` also covers its subdomains; `.example.com` and `*.example.com` the same),
 * an IP address or CIDR it falls in (`10.0.0.0/8`; IP-literal URLs only, no DNS is done for
 * this), optionally with a port; `*` turns the proxy off for every host.
 */
export class EgressProxy {
  private readonly entries: NoProxyEntry[];
  private readonly bypassAll: boolean;

  constructor(private readonly settings: EgressProxySettings) {
    const noProxy = settings.noProxy ?? [];
    this.bypassAll = noProxy.some((entry) => entry.trim() === '*');
    this.entries = noProxy.map(parseNoProxyEntry).filter((entry): entry is NoProxyEntry => entry !== undefined);
  }

  /** True when some proxy is configured at all. */
  get configured(): boolean {
    return Boolean(this.settings.httpsProxy || this.settings.httpProxy);
  }

  /** The proxy URL `url` goes through, or undefined for a direct connection. */
  proxyFor(url: URL): string | undefined {
    const proxy = url.protocol === 'https:' ? this.settings.httpsProxy : url.protocol === 'http:' ? this.settings.httpProxy : undefined;
    if (!proxy || this.bypassAll) return undefined;
    const host = bare(url.hostname);
    const port = Number(url.port) || (url.protocol === 'https:' ? 443 : 80);
    const family = isIP(host);
    for (const entry of this.entries) {
      if (entry.port !== undefined && entry.port !== port) continue;
      if (entry.addresses) {
        if (family !== 0 && entry.addresses.check(host, family === 6 ? 'ipv6' : 'ipv4')) return undefined;
      } else if (entry.host && (host === entry.host || host.endsWith(`.${entry.host}`))) {
        return undefined;
      }
    }
    return proxy;
  }
}
