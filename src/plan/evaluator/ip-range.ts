// IpAddress / NotIpAddress: is an address inside a CIDR range? IAM takes IPv4 and IPv6 ranges in
// CIDR form and reads an address without a prefix as a single address (/32).
import { BlockList, isIP } from 'node:net';

const family = (address: string): 'ipv4' | 'ipv6' | null => {
  const f = isIP(address);
  return f === 4 ? 'ipv4' : f === 6 ? 'ipv6' : null;
};

/** false for text that is not an address or range, and across address families. */
export function ipInRange(address: string, range: string): boolean {
  const addressFamily = family(address.trim());
  const [network = '', prefixText] = range.trim().split('/', 2);
  const rangeFamily = family(network);
  if (addressFamily === null || rangeFamily === null || addressFamily !== rangeFamily) return false;
  const bits = rangeFamily === 'ipv4' ? 32 : 128;
  const prefix = prefixText === undefined ? bits : Number(prefixText);
  if (!Number.isInteger(prefix) || prefix < 0 || prefix > bits || (prefixText !== undefined && !/^\d+$/.test(prefixText))) return false;
  const list = new BlockList();
  list.addSubnet(network, prefix, rangeFamily);
  return list.check(address.trim(), addressFamily);
}
