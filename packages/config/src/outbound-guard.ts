import { lookup } from 'node:dns/promises';
import ipaddr from 'ipaddr.js';

/**
 * The perimeter for the product's outbound calls to URLs that someone else chose (a store's statusWebhookUrl):
 * they may go only to ordinary public unicast addresses, never into the network the product runs in (loopback,
 * private ranges, link-local cloud metadata, CGNAT, multicast, reserved, …). The check is made on addresses,
 * so every spelling of one is caught: WHATWG `new URL()` already turns decimal, hex, octal and short IPv4 forms
 * into dotted quads, and what reaches this module in another form is parsed the same way (ipaddr.js follows
 * inet_aton); IPv6 forms that carry an IPv4 address (IPv4-mapped, NAT64, 6to4) are judged by that address.
 * Names are judged by every address they resolve to; the caller then connects only to those checked addresses,
 * so a name cannot resolve to a public address for the check and a private one for the connection.
 * docs/api-contract.md ("Integration settings", "Orders": webhooks) describes the behaviour.
 */

export interface ResolvedAddress {
  address: string;
  family: 4 | 6;
}

/** Every A and AAAA address of a name (tests inject their own; the default asks the system resolver). */
export type HostResolver = (hostname: string) => Promise<ResolvedAddress[]>;

/** node:dns `lookup` with `all: true`: what the system itself would connect to (/etc/hosts included). */
export const systemResolver: HostResolver = async (hostname) =>
  (await lookup(hostname, { all: true })).map(({ address, family }) => ({ address, family: family === 6 ? 6 : 4 }));

export type OutboundCheck =
  /** Every address is public (or private networks are allowed): connect only to these. */
  | { verdict: 'allowed'; hostname: string; addresses: ResolvedAddress[] }
  /** The host is, or resolves to, an address outside the public internet. */
  | { verdict: 'refused'; hostname: string; reason: string }
  /** The name did not resolve (no such name, no answer in time): nothing to judge yet. */
  | { verdict: 'unresolved'; hostname: string; reason: string };

const NAT64 = ipaddr.IPv6.parse('64:ff9b::');
const SIX_TO_FOUR = ipaddr.IPv6.parse('2002::');
const IPV4_COMPATIBLE = ipaddr.IPv6.parse('::');

const ipv4FromWords = (high: number, low: number) => new ipaddr.IPv4([high >> 8, high & 0xff, low >> 8, low & 0xff]);

/** The IPv4 address an IPv6 address carries by one of the translation forms, or null. */
function embeddedIPv4(ip: ipaddr.IPv6): ipaddr.IPv4 | null {
  if (ip.isIPv4MappedAddress()) return ip.toIPv4Address(); // ::ffff:a.b.c.d
  if (ip.match(NAT64, 96)) return ipv4FromWords(ip.parts[6], ip.parts[7]); // 64:ff9b::a.b.c.d
  if (ip.match(SIX_TO_FOUR, 16)) return ipv4FromWords(ip.parts[1], ip.parts[2]); // 2002:AABB:CCDD::/48
  return null;
}

/** An address's spelling without the decorations URLs and resolvers add: brackets, trailing dots, case. */
function bare(host: string): string {
  let value = host.trim().toLowerCase();
  if (value.startsWith('[') && value.endsWith(']')) value = value.slice(1, -1);
  return value.replace(/\.+$/, '');
}

/** The address a host names literally, in any spelling ipaddr.js (as inet_aton) reads, or null for a name. */
export function literalAddress(host: string): ipaddr.IPv4 | ipaddr.IPv6 | null {
  const value = bare(host);
  return value !== '' && ipaddr.isValid(value) ? ipaddr.parse(value) : null;
}

/**
 * Why an address is not an ordinary public unicast one ("loopback", "private", "linkLocal", …, named as
 * ipaddr.js names its ranges), or null when it is. An unparsable address is refused.
 */
export function addressRefusal(address: string | ipaddr.IPv4 | ipaddr.IPv6): string | null {
  const ip = typeof address === 'string' ? literalAddress(address) : address;
  if (!ip) return 'not an IP address';
  if (ip.kind() === 'ipv6') {
    const v6 = ip as ipaddr.IPv6;
    const inner = embeddedIPv4(v6);
    if (inner) {
      const innerRefusal = addressRefusal(inner);
      return innerRefusal ? `${innerRefusal}, embedded ${inner.toString()}` : null;
    }
    // ::a.b.c.d (the deprecated IPv4-compatible form; ipaddr.js calls it unicast): never a public destination.
    if (v6.match(IPV4_COMPATIBLE, 96)) return 'ipv4Compatible';
    if (v6.zoneId) return 'scoped';
  }
  const range = ip.range();
  return range === 'unicast' ? null : range;
}

export const isPublicUnicastAddress = (address: string): boolean => addressRefusal(address) === null;

/** `localhost` and every `*.localhost` name (RFC 6761: always the machine itself, whatever DNS says). */
export const isLocalhostName = (host: string): boolean => {
  const value = bare(host);
  return value === 'localhost' || value.endsWith('.localhost');
};

export interface OutboundCheckOptions {
  resolve: HostResolver;
  /** WEBHOOK_ALLOW_PRIVATE_NETWORKS: local development, where the receiver runs on this machine or network. */
  allowPrivateNetworks?: boolean;
  /** How long the name may take to resolve before it counts as unresolved. */
  timeoutMs?: number;
}

const spell = (ip: ipaddr.IPv4 | ipaddr.IPv6) => (ip.kind() === 'ipv6' ? (ip as ipaddr.IPv6).toRFC5952String() : ip.toString());
const refused = (hostname: string, what: string, refusal: string): OutboundCheck => ({
  verdict: 'refused',
  hostname,
  reason: `${what} is not a public address (${refusal}): only public internet addresses are allowed`,
});

/**
 * Judges an outbound http(s) URL: its host literally, or every address its name resolves to. The resolution
 * is bounded by `timeoutMs` (default 2 s).
 */
export async function checkOutboundUrl(target: string | URL, options: OutboundCheckOptions): Promise<OutboundCheck> {
  let url: URL;
  try {
    url = typeof target === 'string' ? new URL(target) : target;
  } catch {
    return { verdict: 'refused', hostname: '', reason: 'not a valid URL' };
  }
  const hostname = bare(url.hostname);
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    return { verdict: 'refused', hostname, reason: 'only http(s) URLs are allowed' };
  if (!hostname) return { verdict: 'refused', hostname, reason: 'the URL has no host' };
  const allowAll = options.allowPrivateNetworks === true;

  const literal = literalAddress(hostname);
  if (literal) {
    const refusal = allowAll ? null : addressRefusal(literal);
    if (refusal) return refused(hostname, spell(literal), refusal);
    return { verdict: 'allowed', hostname, addresses: [{ address: spell(literal), family: literal.kind() === 'ipv6' ? 6 : 4 }] };
  }
  if (!allowAll && isLocalhostName(hostname)) return refused(hostname, hostname, 'loopback');

  let addresses: ResolvedAddress[];
  let timer: NodeJS.Timeout | undefined;
  try {
    const timeoutMs = options.timeoutMs ?? 2_000;
    addresses = await Promise.race([
      options.resolve(hostname),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(Object.assign(new Error(`no answer within ${timeoutMs} ms`), { code: 'ETIMEOUT' })), timeoutMs);
      }),
    ]);
  } catch (error) {
    const { code, message } = error as NodeJS.ErrnoException;
    return { verdict: 'unresolved', hostname, reason: `${hostname} could not be resolved (${code ?? message})` };
  } finally {
    clearTimeout(timer);
  }
  if (addresses.length === 0) return { verdict: 'unresolved', hostname, reason: `${hostname} has no address` };

  const checked: ResolvedAddress[] = [];
  for (const { address } of addresses) {
    const ip = literalAddress(address);
    if (!ip) return refused(hostname, `${hostname} resolves to ${address}, which`, 'not an IP address');
    const refusal = allowAll ? null : addressRefusal(ip);
    if (refusal) return refused(hostname, `${hostname} resolves to ${spell(ip)}, which`, refusal);
    checked.push({ address: spell(ip), family: ip.kind() === 'ipv6' ? 6 : 4 });
  }
  return { verdict: 'allowed', hostname, addresses: checked };
}
