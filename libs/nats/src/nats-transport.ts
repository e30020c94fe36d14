import type { ServerInfo } from '@nats-io/transport-node';
import { CoalescingTransport } from './coalescing-transport';
import { ClientCertificateRequiredError } from './nats-access-error';

/**
 * The transport of {@link connectNats}: writes batched as {@link CoalescingTransport} does, and a
 * clear refusal when the server verifies client certificates (mutual TLS) and none is
 * configured. nats.js would go on to a TLS handshake the server drops, then wait out its
 * 20-second connect timeout, again and again, without ever saying why.
 */
export class NatsTransport extends CoalescingTransport {
  override async peekInfo(): Promise<ServerInfo> {
    const info = await super.peekInfo();
    if (info.tls_verify === true && !this.options.tls?.certFile) {
      throw new ClientCertificateRequiredError();
    }
    return info;
  }
}
