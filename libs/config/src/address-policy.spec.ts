import { AddressPolicy } from './address-policy';

describe('AddressPolicy', () => {
  const policy = new AddressPolicy([]);

  it.each([
    '0.0.0.0', '10.1.2.3', '100.64.0.1', '127.0.0.1', '127.255.255.254', '169.254.169.254', '172.16.0.1', '172.31.255.255',
    '192.0.0.8', '192.0.2.1', '192.168.1.1', '198.18.0.1', '198.51.100.7', '203.0.113.9', '224.0.0.1', '240.0.0.1',
    '255.255.255.255', '::', '::1', '[::1]', 'fc00::1', 'fd12:3456::1', 'fe80::1', 'ff02::1', '2001:db8::1', '64:ff9b::7f00:1',
    '::ffff:127.0.0.1', '::ffff:7f00:1', '::ffff:10.0.0.1', '::127.0.0.1', '::a00:1', '2002:7f00:1::', '2002:a9fe:a9fe::1',
  ])('refuses %s', (address) => {
    expect(policy.check(address).allowed).toBe(false);
  });

  it.each(['93.184.216.34', '8.8.8.8', '2606:4700:4700::1111', '::ffff:8.8.8.8', '172.32.0.1', '100.128.0.1'])('allows %s', (address) => {
    expect(policy.check(address)).toEqual({ allowed: true });
  });

  it('lets allow-listed ranges through but never cloud metadata', () => {
    const allowing = new AddressPolicy(['127.0.0.0/8', '169.254.0.0/16', '10.0.0.0/8']);
    expect(allowing.check('127.0.0.1').allowed).toBe(true);
    expect(allowing.check('::ffff:10.1.1.1').allowed).toBe(true);
    expect(allowing.check('169.254.169.254')).toEqual({ allowed: false, reason: '169.254.169.254 is a cloud metadata address' });
    expect(allowing.check('192.168.0.1').allowed).toBe(false);
  });

  it('knows IP literals from host names', () => {
    expect(AddressPolicy.isIpLiteral('[::1]')).toBe(true);
    expect(AddressPolicy.isIpLiteral('127.0.0.1')).toBe(true);
    expect(AddressPolicy.isIpLiteral('example.com')).toBe(false);
  });
});
