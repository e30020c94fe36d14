import { AddressPolicy } from './address-policy';

describe('AddressPolicy', () => {
  const policy = new AddressPolicy([]);

  it.each([
    '0.0.0.0',
    '10.1.2.3',
    '100.64.0.1',
    '127.0.0.1',
    '127.255.255.254',
    '169.254.169.254',
    '172.16.0.1',
    '172.31.255.255',
    '192.0.0.8',
    '192.0.2.1',
    '192.168.1.1',
    '198.18.0.1',
    '198.51.100.7',
    '203.0.113.9',
    '224.0.0.1',
    '240.0.0.1',
    '255.255.255.255',
    '::',
    '::1',
    '[::1]',
    'fc00::1',
    'fd12:3456::1',
    'fe80::1',
    'fec0::1',
    'ff02::1',
    '2001:db8::1',
    '3fff::1',
    '64:ff9b::7f00:1',
    '64:ff9b::808:808',
    '64:ff9b:1::808:808',
    '2001:0:4136:e378:8000:63bf:3fff:fdd2',
    '2001:10::1',
    '::ffff:127.0.0.1',
    '::ffff:7f00:1',
    '::ffff:10.0.0.1',
    '::ffff:0:a00:1',
    '::ffff:0:a9fe:a9fe',
    '::127.0.0.1',
    '::a00:1',
    '2002:7f00:1::',
    '2002:a9fe:a9fe::1',
  ])('refuses %s by default', (address) => {
    expect(policy.check(address).allowed).toBe(false);
  });

  it.each(['93.184.216.34', '8.8.8.8', '2606:4700:4700::1111', '::ffff:8.8.8.8', '::ffff:0:808:808', '2002:808:808::1', '172.32.0.1', '100.128.0.1'])(
    'allows %s',
    (address) => {
      expect(policy.check(address)).toEqual({ allowed: true });
    },
  );

  describe('with loopback allow-listed (issue 12 item 4: SSRF in allow-list mode)', () => {
    const loopback = new AddressPolicy(['127.0.0.0/8', '::1/128']);

    it.each([
      ['127.0.0.1', true],
      ['::1', true],
      ['::ffff:127.0.0.1', true],
      ['::ffff:0:a00:1', false], // SIIT-translated 10.0.0.1
      ['::ffff:0:a9fe:a9fe', false], // SIIT-translated metadata address
      ['::ffff:0:7f00:1', true], // SIIT-translated 127.0.0.1
      ['fec0::1', false], // deprecated site-local
      ['::ffff:10.0.0.1', false], // mapped
      ['::a00:1', false], // IPv4-compatible 10.0.0.1
      ['2002:a00:1::1', false], // 6to4 of 10.0.0.1
      ['2002:a9fe:a9fe::1', false], // 6to4 of the metadata address
      ['64:ff9b::a00:1', false], // NAT64 of 10.0.0.1
      ['64:ff9b::7f00:1', false], // NAT64 prefix itself is not allow-listed
      ['64:ff9b:1:a00:1::', false], // local-use NAT64 /48 of 10.0.0.1
      ['2001:0:4136:e378:8000:63bf:f5ff:fffe', false], // Teredo, client 10.0.0.1
      ['192.168.0.1', false],
    ])('%s allowed: %s', (address, allowed) => {
      expect(loopback.check(address).allowed).toBe(allowed);
    });
  });

  describe('with the embedding IPv6 prefixes allow-listed too, the IPv4 inside still decides', () => {
    const wide = new AddressPolicy(['127.0.0.0/8', '2001::/32', '64:ff9b::/96', '64:ff9b:1::/48', '2002::/16']);

    it.each([
      ['64:ff9b::7f00:1', true],
      ['64:ff9b::a00:1', false],
      ['64:ff9b:1::a00:1', false],
      ['2002:7f00:1::1', true],
      ['2002:a00:1::1', false],
      ['2001:0:4136:e378:8000:63bf:80ff:fffe', true], // Teredo, client 127.0.0.1, server 65.54.227.120
      ['2001:0:4136:e378:8000:63bf:f5ff:fffe', false], // Teredo, client 10.0.0.1
      ['2001:0:a00:1:8000:63bf:80ff:fffe', false], // Teredo, server 10.0.0.1
    ])('%s allowed: %s', (address, allowed) => {
      expect(wide.check(address).allowed).toBe(allowed);
    });
  });

  it.each(['169.254.169.254', '::ffff:169.254.169.254', '::ffff:0:a9fe:a9fe', '2002:a9fe:a9fe::', '64:ff9b::a9fe:a9fe', 'fd00:ec2::254', '100.100.100.200'])(
    'refuses the cloud metadata address %s even when its range is allow-listed',
    (address) => {
      const allowing = new AddressPolicy(['0.0.0.0/0', '::/0']);
      const verdict = allowing.check(address);
      expect(verdict.allowed).toBe(false);
      expect(verdict.allowed === false && verdict.reason).toMatch(/cloud metadata/);
    },
  );

  it('lets allow-listed ranges through', () => {
    const allowing = new AddressPolicy(['127.0.0.0/8', '169.254.0.0/16', '10.0.0.0/8']);
    expect(allowing.check('127.0.0.1').allowed).toBe(true);
    expect(allowing.check('::ffff:10.1.1.1').allowed).toBe(true);
    expect(allowing.check('192.168.0.1').allowed).toBe(false);
  });

  it('tells tenants what is wrong without naming operator settings, and operators how to allow it', () => {
    const verdict = policy.check('10.0.0.1');
    expect(verdict).toEqual({
      allowed: false,
      reason: '10.0.0.1 is in a private or reserved range',
      operatorHint: expect.stringContaining('DELIVERY_ALLOW_CIDRS'),
    });
  });

  it('knows IP literals from host names', () => {
    expect(AddressPolicy.isIpLiteral('[::1]')).toBe(true);
    expect(AddressPolicy.isIpLiteral('127.0.0.1')).toBe(true);
    expect(AddressPolicy.isIpLiteral('example.com')).toBe(false);
  });
});
