import { describe, expect, it } from 'vitest';
import { embeddedIpv4, forbiddenAddressClass } from '../../src/webhooks/address-rules.js';
import { parseCallbackUrl } from '../../src/webhooks/resolve-target.js';

describe('forbiddenAddressClass', () => {
  it.each([
    ['127.0.0.1', 'loopback'],
    ['127.255.255.254', 'loopback'],
    ['::1', 'loopback'],
    ['10.0.0.1', 'private'],
    ['172.16.0.1', 'private'],
    ['172.31.255.255', 'private'],
    ['192.168.1.1', 'private'],
    ['100.64.0.1', 'private'],
    ['169.254.1.1', 'link_local'],
    ['fe80::1', 'link_local'],
    ['fec0::1', 'link_local'],
    ['fc00::1', 'unique_local'],
    ['fd12:3456::1', 'unique_local'],
    ['169.254.169.254', 'metadata'],
    ['100.100.100.200', 'metadata'],
    ['fd00:ec2::254', 'metadata'],
    ['0.0.0.0', 'reserved'],
    ['::', 'reserved'],
    ['224.0.0.1', 'reserved'],
    ['255.255.255.255', 'reserved'],
    ['ff02::1', 'reserved'],
    ['2001:db8::1', 'reserved'],
    ['not-an-address', 'reserved'],
  ])('when the address is %s, then it is refused as %s', (address, expected) => {
    expect(forbiddenAddressClass(address)).toBe(expected);
  });

  it.each([
    ['::ffff:127.0.0.1', 'loopback'],
    ['::ffff:7f00:1', 'loopback'],
    ['0:0:0:0:0:ffff:7f00:0001', 'loopback'],
    ['::ffff:10.1.2.3', 'private'],
    ['::ffff:a9fe:a9fe', 'metadata'],
    ['::127.0.0.1', 'loopback'],
    ['64:ff9b::10.0.0.1', 'private'],
    ['64:ff9b::a9fe:a9fe', 'metadata'],
    ['2002:7f00:1::', 'loopback'],
    ['2002:c0a8:101::1', 'private'],
  ])('when IPv6 %s embeds a forbidden IPv4 address, then it is refused as %s', (address, cls) => {
    expect(forbiddenAddressClass(address)).toBe(cls);
  });

  it.each(['93.184.216.34', '8.8.8.8', '172.32.0.1', '2606:4700::1111', '::ffff:8.8.8.8'])(
    'when the address %s is public, then it is allowed',
    (address) => {
      expect(forbiddenAddressClass(address)).toBeUndefined();
    },
  );

  it('when an IPv6 address embeds no IPv4 address, then none is read from it', () => {
    expect(embeddedIpv4('2606:4700::1111')).toBeUndefined();
    expect(embeddedIpv4('::1')).toBeUndefined();
  });
});

describe('parseCallbackUrl', () => {
  it.each([
    ['http://2130706433/', '127.0.0.1'],
    ['http://0177.0.0.1/', '127.0.0.1'],
    ['http://0x7f.1/', '127.0.0.1'],
    ['http://017700000001/', '127.0.0.1'],
    ['http://0xa9.0xfe.0xa9.0xfe/', '169.254.169.254'],
    ['http://[::ffff:127.0.0.1]/', '[::ffff:7f00:1]'],
  ])('when the host is written as %s, then it reads as %s', (raw, host) => {
    const hostname = parseCallbackUrl(raw).hostname;
    expect(hostname).toBe(host);
    expect(forbiddenAddressClass(hostname.replace(/^\[|\]$/g, ''))).toBeDefined();
  });

  it.each([
    'ftp://example.com/',
    'file:///etc/passwd',
    'gopher://x/',
    'javascript:alert(1)',
    'nope',
  ])('when the URL is %s, then it is refused', (raw) => {
    expect(() => parseCallbackUrl(raw)).toThrow();
  });
});
