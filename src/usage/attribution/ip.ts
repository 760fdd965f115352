// IP addresses as attribution needs them: one canonical spelling per address, so that the
// same address written two ways (IPv6 compression, IPv4-mapped IPv6) meets itself in a
// lookup map, and whether the address is private — private ranges are reused in every VPC
// and office network, so a private address alone names no one machine.
import { BlockList, isIP } from 'node:net';

export interface ParsedIp {
  /** canonical form: dotted IPv4, or RFC 5952 IPv6 in lower case */
  address: string;
  family: 4 | 6;
  /** the private or special-purpose range it falls in; null for a globally routed address */
  privateRange: string | null;
}

interface NamedRange {
  name: string;
  list: BlockList;
}

function range(name: string, subnets: readonly (readonly [string, number, 'ipv4' | 'ipv6'])[]): NamedRange {
  const list = new BlockList();
  for (const [network, prefix, type] of subnets) list.addSubnet(network, prefix, type);
  return { name, list };
}

// Documentation ranges (192.0.2.0/24, 2001:db8::/32…) are deliberately absent: they are not
// reused across private networks, and examples and tests use them as public addresses.
const PRIVATE_RANGES: readonly NamedRange[] = [
  range('RFC 1918 private', [
    ['10.0.0.0', 8, 'ipv4'],
    ['172.16.0.0', 12, 'ipv4'],
    ['192.168.0.0', 16, 'ipv4'],
  ]),
  range('shared address space (100.64.0.0/10, carrier-grade NAT)', [['100.64.0.0', 10, 'ipv4']]),
  range('IPv6 unique local (fc00::/7)', [['fc00::', 7, 'ipv6']]),
  range('loopback', [
    ['127.0.0.0', 8, 'ipv4'],
    ['::1', 128, 'ipv6'],
  ]),
  range('link-local', [
    ['169.254.0.0', 16, 'ipv4'],
    ['fe80::', 10, 'ipv6'],
  ]),
  range('unspecified ("this network")', [
    ['0.0.0.0', 8, 'ipv4'],
    ['::', 128, 'ipv6'],
  ]),
];

const MAPPED_IPV4 = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/;

function canonicalIpv6(address: string): string {
  // the WHATWG URL parser serialises IPv6 hosts in the RFC 5952 form (lower case, longest zero run compressed)
  return new URL(`http://[${address}]/`).hostname.slice(1, -1);
}

function mappedIpv4(canonical: string): string | null {
  const m = MAPPED_IPV4.exec(canonical);
  if (!m) return null;
  const high = Number.parseInt(m[1] ?? '', 16);
  const low = Number.parseInt(m[2] ?? '', 16);
  return [high >> 8, high & 0xff, low >> 8, low & 0xff].join('.');
}

function privateRangeOf(address: string, family: 4 | 6): string | null {
  const type = family === 4 ? 'ipv4' : 'ipv6';
  return PRIVATE_RANGES.find((r) => r.list.check(address, type))?.name ?? null;
}

/** Parses an IPv4 or IPv6 address (an IPv6 zone is dropped); null when the text is not one. */
export function parseIp(text: string): ParsedIp | null {
  const zoneless = text.includes(':') ? (text.split('%')[0] ?? '') : text;
  const family = isIP(zoneless);
  if (family === 4) return { address: zoneless, family: 4, privateRange: privateRangeOf(zoneless, 4) };
  if (family !== 6) return null;
  const canonical = canonicalIpv6(zoneless);
  // an IPv4 client seen through a dual-stack listener is still that IPv4 address
  const v4 = mappedIpv4(canonical);
  if (v4 !== null) return { address: v4, family: 4, privateRange: privateRangeOf(v4, 4) };
  return { address: canonical, family: 6, privateRange: privateRangeOf(canonical, 6) };
}

/** The canonical spelling of an address, or null when the text is not one. */
export function canonicalIp(text: string): string | null {
  return parseIp(text)?.address ?? null;
}
