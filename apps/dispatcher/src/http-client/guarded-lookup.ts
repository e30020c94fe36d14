import { lookup as dnsLookup, type LookupAddress, type LookupOptions } from 'node:dns';
import type { AddressPolicy } from '@wirehook/address-policy';

/** Raised when a host resolves to an address the platform may not connect to. */
export class SsrfBlockedError extends Error {
  readonly code = 'ESSRFBLOCKED';

  constructor(
    readonly host: string,
    reason: string,
  ) {
    super(`refused to connect to ${host}: ${reason}`);
    this.name = 'SsrfBlockedError';
  }
}

type LookupCallback = (error: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;
export type LookupFunction = (hostname: string, options: LookupOptions, callback: LookupCallback) => void;

/**
 * A `lookup` for sockets that resolves the host and refuses the connection when any resolved
 * address is forbidden. It runs at connect time, on the address actually dialled, so a DNS
 * answer that changes between validation and delivery (rebinding) cannot get through.
 */
export function createGuardedLookup(policy: AddressPolicy, resolve: typeof dnsLookup = dnsLookup): LookupFunction {
  return (hostname, options, callback) => {
    resolve(hostname, { ...options, all: true }, (error, addresses) => {
      if (error) return callback(error, []);
      const list = addresses as LookupAddress[];
      for (const { address } of list) {
        const verdict = policy.check(address);
        if (!verdict.allowed) return callback(new SsrfBlockedError(hostname, verdict.reason), []);
      }
      if (list.length === 0) return callback(Object.assign(new Error(`no address for ${hostname}`), { code: 'ENOTFOUND' }), []);
      if (options.all) return callback(null, list);
      return callback(null, list[0].address, list[0].family);
    });
  };
}
