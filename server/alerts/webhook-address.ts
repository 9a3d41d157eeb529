import dns from 'node:dns/promises';
import net from 'node:net';
import type { FieldErrorCode } from '../i18n/field-errors';

/**
 * Where a webhook may point. An editor's URL is fetched by the server, so without these checks a webhook reaches
 * the server's own network (cloud metadata at 169.254.169.254, databases on 127.0.0.1) and its delivery log tells
 * which ports answer. Checked when the webhook is created and again before each delivery (a name can be moved to
 * another address in between). An instance whose receiver is on its own network turns the address check off
 * with WEBHOOK_PRIVATE_ADDRESSES=true; credentials and ports are checked always.
 */

// Loopback, private, link-local, carrier-grade NAT, unspecified, multicast and reserved ranges (IANA special-purpose
// registries), IPv4 and IPv6, with IPv4-mapped IPv6 addresses checked as the IPv4 address they are.
const BLOCKED = new net.BlockList();
for (const [prefix, bits] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const)
  BLOCKED.addSubnet(prefix, bits, 'ipv4');
for (const [prefix, bits] of [
  ['::', 128],
  ['::1', 128],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
] as const)
  BLOCKED.addSubnet(prefix, bits, 'ipv6');

/** Whether an IP address (v4 or v6) is one a webhook may not reach. */
export function isBlockedAddress(address: string): boolean {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return BLOCKED.check(mapped[1], 'ipv4');
  const family = net.isIP(address);
  if (family === 0) return true;
  return BLOCKED.check(address, family === 4 ? 'ipv4' : 'ipv6');
}

// Ports fetch() refuses (the Fetch standard's "bad ports" above 1023); below 1024 only 80 and 443 are allowed.
const BAD_HIGH_PORTS = new Set([1719, 1720, 1723, 2049, 3659, 4045, 4190, 5060, 5061, 6000, 6566, 6665, 6666, 6667, 6668, 6669, 6679, 6697, 10080]);

/** What is wrong with a webhook URL before any name is looked up (it is a valid http(s) URL already), or null. */
export function webhookUrlProblem(url: string): FieldErrorCode | null {
  const u = new URL(url);
  if (u.username || u.password) return 'url_credentials';
  const port = u.port === '' ? (u.protocol === 'https:' ? 443 : 80) : Number(u.port);
  if ((port < 1024 && port !== 80 && port !== 443) || BAD_HIGH_PORTS.has(port)) return 'url_port';
  return null;
}

/** Whether the URL's host is, or resolves to, an address a webhook may not reach ('url_private'), cannot be resolved, or is fine. */
export async function webhookAddressProblem(url: string, lookup: typeof dns.lookup = dns.lookup): Promise<FieldErrorCode | null> {
  const host = new URL(url).hostname.replace(/^\[(.*)\]$/, '$1');
  if (net.isIP(host)) return isBlockedAddress(host) ? 'url_private' : null;
  let addresses: { address: string }[];
  try {
    addresses = await lookup(host, { all: true, verbatim: true });
  } catch {
    return 'url_unresolvable';
  }
  return addresses.some((a) => isBlockedAddress(a.address)) ? 'url_private' : null;
}
