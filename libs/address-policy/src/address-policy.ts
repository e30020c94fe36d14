import * as ipaddr from 'ipaddr.js';

type Address = ipaddr.IPv4 | ipaddr.IPv6;
type Cidr = [Address, number];

const FORBIDDEN_IPV4 = [
  '0.0.0.0/8',
  '10.0.0.0/8',
  '100.64.0.0/10',
  '127.0.0.0/8',
  '169.254.0.0/16',
  '172.16.0.0/12',
  '192.0.0.0/24',
  '192.0.2.0/24',
  '192.168.0.0/16',
  '198.18.0.0/15',
  '198.51.100.0/24',
  '203.0.113.0/24',
  '224.0.0.0/4',
  '240.0.0.0/4',
];
const FORBIDDEN_IPV6 = [
  '::/128',
  '::1/128',
  'fc00::/7',
  'fe80::/10',
  'fec0::/10',
  'ff00::/8',
  '2001:db8::/32',
  '3fff::/20',
  '64:ff9b::/96',
  '64:ff9b:1::/48',
  '2001::/32',
  '2001:10::/28',
  '2001:20::/28',
  '100::/64',
];
/** Cloud metadata services: refused even inside an allow-listed range. */
const METADATA_ADDRESSES = ['169.254.169.254/32', '169.254.170.2/32', 'fd00:ec2::254/128', '100.100.100.200/32'];

/** The operator setting that exempts ranges; named only in log lines, never to tenants. */
const ALLOW_SETTING = 'DELIVERY_ALLOW_CIDRS';

const parseAll = (cidrs: string[]): Cidr[] => cidrs.map((cidr) => ipaddr.parseCIDR(cidr));
const ipv4At = (high: number, low: number): ipaddr.IPv4 => new ipaddr.IPv4([high >> 8, high & 255, low >> 8, low & 255]);

/**
 * The result of checking one address. A refusal has a `reason` that may be shown to a tenant
 * (it names no operator setting) and an `operatorHint` for the log line.
 */
export type AddressVerdict = { allowed: true } | { allowed: false; reason: string; operatorHint: string };

/**
 * Every IPv4 address an IPv6 address stands for: IPv4-mapped `::ffff:0:0/96`, SIIT-translated
 * `::ffff:0:0:0/96`, IPv4-compatible `::/96`, 6to4 `2002::/16`, NAT64 `64:ff9b::/96` and the
 * local-use `64:ff9b:1::/48` (RFC 6052 at each prefix length it allows), and Teredo
 * `2001::/32` (server and client). Empty for any other address.
 */
export function embeddedIpv4(address: ipaddr.IPv6): ipaddr.IPv4[] {
  const p = address.parts;
  const zeroUntil = (end: number) => p.slice(0, end).every((part) => part === 0);
  if (zeroUntil(5) && p[5] === 0xffff) return [ipv4At(p[6], p[7])];
  if (zeroUntil(4) && p[4] === 0xffff && p[5] === 0) return [ipv4At(p[6], p[7])];
  // IPv4-compatible; `::` and `::1` are IPv6's own unspecified and loopback addresses.
  if (zeroUntil(6) && (p[6] !== 0 || p[7] > 1)) return [ipv4At(p[6], p[7])];
  if (p[0] === 0x2002) return [ipv4At(p[1], p[2])];
  if (p[0] === 0x64 && p[1] === 0xff9b && p.slice(2, 6).every((part) => part === 0)) return [ipv4At(p[6], p[7])];
  if (p[0] === 0x64 && p[1] === 0xff9b && p[2] === 1) {
    // The prefix length is the operator's choice (/48 to /96): judge every placement.
    const bytes = address.toByteArray();
    const at = (...indexes: number[]) => new ipaddr.IPv4(indexes.map((index) => bytes[index]));
    return [at(6, 7, 9, 10), at(7, 9, 10, 11), at(9, 10, 11, 12), at(12, 13, 14, 15)];
  }
  // Teredo: the server's IPv4 in bits 32-63, the client's inverted in the last 32 bits.
  if (p[0] === 0x2001 && p[1] === 0) return [ipv4At(p[2], p[3]), ipv4At(~p[6] & 0xffff, ~p[7] & 0xffff)];
  return [];
}

/**
 * Decides whether the platform may connect to an IP address: private, loopback, link-local,
 * multicast, documentation and other special ranges are refused unless allow-listed; an IPv6
 * address that embeds IPv4 addresses is refused when any of them is, and cloud metadata
 * addresses are refused even when allow-listed.
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
    if (!ipaddr.isValid(literal)) return { allowed: false, reason: `'${text}' is not an IP address`, operatorHint: 'not an IP address' };
    const address = ipaddr.parse(literal);
    const candidates: Address[] = address.kind() === 'ipv6' ? [address, ...embeddedIpv4(address as ipaddr.IPv6)] : [address];
    for (const candidate of candidates) {
      const refusal = this.judge(candidate);
      if (refusal) return refusal;
    }
    return { allowed: true };
  }

  private judge(address: Address): Extract<AddressVerdict, { allowed: false }> | undefined {
    const shown = address.toString();
    if (this.matchesAny(address, this.metadata)) {
      return { allowed: false, reason: `${shown} is a cloud metadata address`, operatorHint: 'cloud metadata addresses are refused even when allow-listed' };
    }
    if (this.matchesAny(address, this.allowed) || !this.matchesAny(address, this.forbidden)) return undefined;
    return {
      allowed: false,
      reason: `${shown} is in a private or reserved range`,
      operatorHint: `${shown} is in a private or reserved range; add its range to ${ALLOW_SETTING} to allow it`,
    };
  }

  private matchesAny(address: Address, ranges: Cidr[]): boolean {
    return ranges.some(([range, bits]) => range.kind() === address.kind() && address.match(range, bits));
  }
}
