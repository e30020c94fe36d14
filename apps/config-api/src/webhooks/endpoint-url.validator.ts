import { lookup } from 'node:dns/promises';
import { Injectable } from '@nestjs/common';
import { AddressPolicy } from '@wirehook/config';
import { ConfigApiConfig } from '../config/config-api.config';
import { DomainError } from '../errors/domain.error';

export const MAX_URL_LENGTH = 2048;

function invalidUrl(message: string): DomainError {
  return new DomainError('invalid', 'invalid_url', message, { url: [message] });
}

/**
 * Write-time checks of an endpoint URL, so a mistake is reported when it is made. The
 * dispatcher checks again at connect time, which is the real guard against DNS tricks.
 */
@Injectable()
export class EndpointUrlValidator {
  private readonly policy: AddressPolicy;

  constructor(private readonly config: ConfigApiConfig) {
    this.policy = new AddressPolicy(config.DELIVERY_ALLOW_CIDRS);
  }

  async validate(url: string): Promise<void> {
    if (url.length > MAX_URL_LENGTH) throw invalidUrl(`url must be at most ${MAX_URL_LENGTH} characters`);
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      throw invalidUrl('url must be an absolute URL such as https://example.com/webhooks');
    }
    const httpAllowed = !this.config.DELIVERY_REQUIRE_HTTPS;
    if (parsed.protocol !== 'https:' && !(httpAllowed && parsed.protocol === 'http:')) {
      throw invalidUrl(httpAllowed ? 'url must use https or http' : 'url must use https (plain http is disabled by DELIVERY_REQUIRE_HTTPS)');
    }
    if (parsed.username || parsed.password) throw invalidUrl('url must not contain a user name or password');
    if (parsed.hash) throw invalidUrl('url must not contain a #fragment');
    const host = parsed.hostname;
    if (AddressPolicy.isIpLiteral(host)) {
      const verdict = this.policy.check(host);
      if (!verdict.allowed) throw invalidUrl(`url host ${verdict.reason}`);
      if (!this.config.DELIVERY_ALLOW_CIDRS.length) throw invalidUrl('url must use a host name, not an IP address');
      return;
    }
    let addresses: Array<{ address: string }>;
    try {
      addresses = await lookup(host, { all: true });
    } catch {
      throw invalidUrl(`url host '${host}' does not resolve`);
    }
    for (const { address } of addresses) {
      const verdict = this.policy.check(address);
      if (!verdict.allowed) throw invalidUrl(`url host '${host}' resolves to ${address}, which is refused: ${verdict.reason}`);
    }
  }
}
