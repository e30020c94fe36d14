import { lookup } from 'node:dns/promises';
import { Inject, Injectable } from '@nestjs/common';
import type { Logger } from 'pino';
import { AddressPolicy } from '@wirehook/address-policy';
import { ApiErrorCode } from '@wirehook/contracts';
import { LOGGER } from '@wirehook/logging';
import { ConfigApiConfig } from '../config/config-api.config';
import { DomainError } from '../errors/domain.error';

export const MAX_URL_LENGTH = 2048;

/** What a tenant can do about an address the platform refuses; the operator's side goes to the log. */
const UNREACHABLE = 'this address is not reachable from the webhook service; use a public address, or ask your operator to allow it';

function invalidUrl(message: string, field = 'url'): DomainError {
  return new DomainError('invalid', ApiErrorCode.invalidUrl, message, { [field]: [message] });
}

/** A proxy URL as stored: encrypted in full, shown with its password masked. */
export interface CheckedProxyUrl {
  url: string;
  masked: string;
}

/**
 * Write-time checks of an endpoint URL, so a mistake is reported when it is made. The
 * dispatcher checks again at connect time, which is the real guard against DNS tricks.
 * Messages tell the tenant what to do; operator settings are named only in the log line.
 */
@Injectable()
export class EndpointUrlValidator {
  private readonly policy: AddressPolicy;

  constructor(
    private readonly config: ConfigApiConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {
    this.policy = new AddressPolicy(config.DELIVERY_ALLOW_CIDRS);
  }

  /**
   * Checks `url` and returns it in the form to store: trimmed and as the WHATWG URL parser
   * writes it (host lower-cased and IDNA-mapped, so full-width and other look-alike dots
   * become `.`; numeric IPv4 spellings become dotted quads).
   */
  async normalize(url: string, field = 'url'): Promise<string> {
    const trimmed = url.trim();
    if (trimmed.length > MAX_URL_LENGTH) throw invalidUrl(`${field} must be at most ${MAX_URL_LENGTH} characters`, field);
    let parsed: URL;
    try {
      parsed = new URL(trimmed);
    } catch {
      throw invalidUrl(`${field} must be an absolute URL such as https://example.com/webhooks`, field);
    }
    const httpAllowed = !this.config.DELIVERY_REQUIRE_HTTPS;
    if (parsed.protocol !== 'https:' && !(httpAllowed && parsed.protocol === 'http:')) {
      if (parsed.protocol === 'http:') {
        this.logger.info({ url: parsed.origin, field }, 'refused a plain-http endpoint URL (DELIVERY_REQUIRE_HTTPS=true)');
        throw invalidUrl(`${field} must use https: use an https:// URL`, field);
      }
      throw invalidUrl(httpAllowed ? `${field} must use https or http` : `${field} must use https: use an https:// URL`, field);
    }
    if (parsed.username || parsed.password) throw invalidUrl(`${field} must not contain a user name or password`, field);
    if (parsed.hash) throw invalidUrl(`${field} must not contain a #fragment`, field);
    if (parsed.port === '0') throw invalidUrl(`${field} must not use port 0`, field);
    const normalized = parsed.href;
    if (normalized.length > MAX_URL_LENGTH) throw invalidUrl(`${field} must be at most ${MAX_URL_LENGTH} characters once encoded`, field);
    await this.checkHost(parsed.hostname, field);
    return normalized;
  }

  /**
   * Checks a per-endpoint proxy URL: `http://` or `https://` (the tunnel to an HTTPS endpoint is
   * encrypted either way), an origin only, and a host the address policy allows, as for endpoint
   * URLs: a tenant's proxy must not be a way into the platform's own network.
   */
  async normalizeProxy(url: string, field = 'proxy_url'): Promise<CheckedProxyUrl> {
    const trimmed = url.trim();
    let parsed: URL;
    try {
      parsed = new URL(trimmed);
    } catch {
      throw invalidUrl(`${field} must be an absolute URL such as http://proxy.example.com:3128`, field);
    }
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw invalidUrl(`${field} must use http or https (an HTTP CONNECT proxy)`, field);
    if ((parsed.pathname !== '/' && parsed.pathname !== '') || parsed.search || parsed.hash) {
      throw invalidUrl(`${field} must be a proxy origin such as http://proxy.example.com:3128, without a path, query or #fragment`, field);
    }
    if (parsed.port === '0') throw invalidUrl(`${field} must not use port 0`, field);
    if (parsed.password && !parsed.username) throw invalidUrl(`${field} has a password without a user name`, field);
    await this.checkHost(parsed.hostname, field);
    const masked = new URL(parsed.href);
    if (masked.password) masked.password = '********';
    return { url: parsed.href.replace(/\/$/, ''), masked: masked.href.replace(/\/$/, '') };
  }

  /** An IP literal or the addresses a name resolves to, each checked against the address policy. */
  private async checkHost(host: string, field: string): Promise<void> {
    if (AddressPolicy.isIpLiteral(host)) {
      this.checkAddress(host, host, field);
      if (!this.config.DELIVERY_ALLOW_CIDRS.length) throw invalidUrl(`${field} must use a host name, not an IP address`, field);
      return;
    }
    let addresses: Array<{ address: string }>;
    try {
      addresses = await lookup(host, { all: true });
    } catch {
      throw invalidUrl(`${field} host '${host}' does not resolve`, field);
    }
    for (const { address } of addresses) this.checkAddress(host, address, field);
  }

  private checkAddress(host: string, address: string, field: string): void {
    const verdict = this.policy.check(address);
    if (verdict.allowed) return;
    this.logger.info({ host, address, field, hint: verdict.operatorHint }, 'refused an endpoint URL whose address is not allowed');
    const resolved = host.replace(/^\[|\]$/g, '') === address ? `${field} host ${address}` : `${field} host '${host}' resolves to ${address}, which`;
    throw invalidUrl(`${resolved} is refused (${verdict.reason}): ${UNREACHABLE}`, field);
  }
}
