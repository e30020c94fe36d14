import * as ipaddr from 'ipaddr.js';

type Cidr = [ipaddr.IPv4 | ipaddr.IPv6, number];

const FORBIDDEN_IPV4 = [
  '0.0.0.0/8', '10.0.0.0/8', '100.64.0.0/10', '127.0.0.0/8', '169.254.0.0/16', '172.16.0.0/12', '192.0.0.0/24',
  '192.0.2.0/24', '192.168.0.0/16', '198.18.0.0/15', '198.51.100.0/24', '203.0.113.0/24', '224.0.0.0/4', '240.0.0.0/4',
];
const FORBIDDEN_IPV6 = [
  '::/128', '::1/128', 'fc00::/7', 'fe80::/10', 'ff00::/8', '2001:db8::/32', '64:ff9b::/96', '64:ff9b:1::/48',
  '2001::/32', '100::/64',
];
/** Cloud metadata services: refused even inside an allow-listed range. */
const METADATA_ADDRESSES = ['169.254.169.254/32', '169.254.170.2/32', 'fd00:ec2::254/128', '100.100.100.200/32'];

const parseAll = (cidrs: string[]): Cidr[] => cidrs.map((cidr) => ipaddr.parseCIDR(cidr));

/** The result of checking one address. */
export type AddressVerdict = { allowed: true } | { allowed: false; reason: string };

/**
 * Decides whether the platform may connect to an IP address: private, loopback, link-local,
 * multicast, documentation and other special ranges are refused unless allow-listed, and IPv6
 * forms that embed an IPv4 address are judged by that address.
 */
export class AddressPolicy {
  private readonly forbidden = parseAll([...FORBIDDEN_IPV4, ...FORBIDDEN_IPV6]);
  private readonly metadata = parseAll(METADATA_ADDRESSES);
  private readonly allowed: Cidr[];

  constructor(allowCidrs: readonly string[]) {
    this.allowed = parseAll([...allowCidrs]);
  }

  /** Whether `text` is an IP address literal (brackets allowed). */
  static isIpLiteral(text: string): boolean {
    return ipaddr.isValid(text.replace(/^\[|\]$/g, ''));
  }

  check(text: string): AddressVerdict {
    const literal = text.replace(/^\[|\]$/g, '');
    if (!ipaddr.isValid(literal)) return { allowed: false, reason: `'${text}' is not an IP address` };
    const address = AddressPolicy.effectiveAddress(ipaddr.parse(literal));
    const shown = address.toString();
    if (this.matchesAny(address, this.metadata)) return { allowed: false, reason: `${shown} is a cloud metadata address` };
    if (this.matchesAny(address, this.allowed)) return { allowed: true };
    if (this.matchesAny(address, this.forbidden)) {
      return { allowed: false, reason: `${shown} is in a private or reserved range (allow it with DELIVERY_ALLOW_CIDRS)` };
    }
    return { allowed: true };
  }

  /** IPv4-mapped, IPv4-compatible and 6to4 IPv6 addresses stand for the IPv4 address inside. */
  private static effectiveAddress(address: ipaddr.IPv4 | ipaddr.IPv6): ipaddr.IPv4 | ipaddr.IPv6 {
    if (address.kind() === 'ipv4') return address;
    const v6 = address as ipaddr.IPv6;
    if (v6.isIPv4MappedAddress()) return v6.toIPv4Address();
    const parts = v6.parts;
    const upperZero = parts.slice(0, 6).every((part) => part === 0);
    if (upperZero && (parts[6] !== 0 || parts[7] > 1)) {
      return ipaddr.IPv4.parse(`${parts[6] >> 8}.${parts[6] & 255}.${parts[7] >> 8}.${parts[7] & 255}`);
    }
    if (parts[0] === 0x2002) {
      return ipaddr.IPv4.parse(`${parts[1] >> 8}.${parts[1] & 255}.${parts[2] >> 8}.${parts[2] & 255}`);
    }
    return v6;
  }

  private matchesAny(address: ipaddr.IPv4 | ipaddr.IPv6, ranges: Cidr[]): boolean {
    return ranges.some(([range, bits]) => range.kind() === address.kind() && address.match(range, bits));
  }
}
