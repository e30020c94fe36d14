import { lookup } from 'node:dns/promises';
import { Inject, Injectable } from '@nestjs/common';
import type { Logger } from 'pino';
import { AddressPolicy, LOGGER } from '@wirehook/config';
import { ConfigApiConfig } from '../config/config-api.config';
import { DomainError } from '../errors/domain.error';

export const MAX_URL_LENGTH = 2048;

/** What a tenant can do about an address the platform refuses; the operator's side goes to the log. */
const UNREACHABLE = 'this address is not reachable from the webhook service; use a public address, or ask your operator to allow it';

function invalidUrl(message: string): DomainError {
  return new DomainError('invalid', 'invalid_url', message, { url: [message] });
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
  async normalize(url: string): Promise<string> {
    const trimmed = url.trim();
    if (trimmed.length > MAX_URL_LENGTH) throw invalidUrl(`url must be at most ${MAX_URL_LENGTH} characters`);
    let parsed: URL;
    try {
      parsed = new URL(trimmed);
    } catch {
      throw invalidUrl('url must be an absolute URL such as https://example.com/webhooks');
    }
    const httpAllowed = !this.config.DELIVERY_REQUIRE_HTTPS;
    if (parsed.protocol !== 'https:' && !(httpAllowed && parsed.protocol === 'http:')) {
      if (parsed.protocol === 'http:') {
        this.logger.info({ url: parsed.origin }, 'refused a plain-http endpoint URL (DELIVERY_REQUIRE_HTTPS=true)');
        throw invalidUrl('url must use https: use an https:// URL');
      }
      throw invalidUrl(httpAllowed ? 'url must use https or http' : 'url must use https: use an https:// URL');
    }
    if (parsed.username || parsed.password) throw invalidUrl('url must not contain a user name or password');
    if (parsed.hash) throw invalidUrl('url must not contain a #fragment');
    if (parsed.port === '0') throw invalidUrl('url must not use port 0');
    const normalized = parsed.href;
    if (normalized.length > MAX_URL_LENGTH) throw invalidUrl(`url must be at most ${MAX_URL_LENGTH} characters once encoded`);
    const host = parsed.hostname;
    if (AddressPolicy.isIpLiteral(host)) {
      this.checkAddress(host, host);
      if (!this.config.DELIVERY_ALLOW_CIDRS.length) throw invalidUrl('url must use a host name, not an IP address');
      return normalized;
    }
    let addresses: Array<{ address: string }>;
    try {
      addresses = await lookup(host, { all: true });
    } catch {
      throw invalidUrl(`url host '${host}' does not resolve`);
    }
    for (const { address } of addresses) this.checkAddress(host, address);
    return normalized;
  }

  private checkAddress(host: string, address: string): void {
    const verdict = this.policy.check(address);
    if (verdict.allowed) return;
    this.logger.info({ host, address, hint: verdict.operatorHint }, 'refused an endpoint URL whose address is not allowed');
    const resolved = host.replace(/^\[|\]$/g, '') === address ? `url host ${address}` : `url host '${host}' resolves to ${address}, which`;
    throw invalidUrl(`${resolved} is refused (${verdict.reason}): ${UNREACHABLE}`);
  }
}
