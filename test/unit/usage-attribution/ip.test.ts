// One spelling per address, and which addresses are private: attribution's map lookups and
// its refusal to trust private addresses both rest on these.
import { describe, expect, it } from 'vitest';
import { canonicalIp, parseIp } from '../../../src/usage/attribution/ip.js';

describe('parseIp', () => {
  it('keeps IPv4 as it is and rejects what is not an address', () => {
    expect(parseIp('203.0.113.10')).toEqual({ address: '203.0.113.10', family: 4, privateRange: null });
    for (const text of ['', 'office', '203.0.113', '203.0.113.256', '01.2.3.4', ' 203.0.113.10', 'ec2.amazonaws.com']) expect(parseIp(text)).toBeNull();
  });

  it('writes IPv6 in one canonical form, drops a zone, and turns IPv4-mapped IPv6 into IPv4', () => {
    expect(canonicalIp('2001:DB8:0:0:0:0:0:1')).toBe('2001:db8::1');
    expect(canonicalIp('2001:db8::1')).toBe('2001:db8::1');
    expect(parseIp('fe80::1%eth0')).toEqual({ address: 'fe80::1', family: 6, privateRange: 'link-local' });
    expect(parseIp('::ffff:10.0.1.5')).toEqual({ address: '10.0.1.5', family: 4, privateRange: 'RFC 1918 private' });
    expect(parseIp('::FFFF:203.0.113.10')).toEqual({ address: '203.0.113.10', family: 4, privateRange: null });
  });

  it.each([
    ['10.1.2.3', 'RFC 1918 private'],
    ['172.31.255.254', 'RFC 1918 private'],
    ['192.168.0.1', 'RFC 1918 private'],
    ['100.64.0.1', 'shared address space (100.64.0.0/10, carrier-grade NAT)'],
    ['100.127.255.255', 'shared address space (100.64.0.0/10, carrier-grade NAT)'],
    ['fd12:3456::1', 'IPv6 unique local (fc00::/7)'],
    ['127.0.0.1', 'loopback'],
    ['::1', 'loopback'],
    ['169.254.169.254', 'link-local'],
  ])('%s is private (%s)', (ip, range) => {
    expect(parseIp(ip)?.privateRange).toBe(range);
  });

  it.each(['172.32.0.1', '100.128.0.1', '11.0.0.1', '203.0.113.10', '2600:1f18::1', '192.0.2.1'])('%s is public', (ip) => {
    expect(parseIp(ip)?.privateRange).toBeNull();
  });
});
