// SSRF guard for partner webhook URLs: https only, and the host must not resolve to a private,
// loopback, link-local or unique-local address. Checked when subscribing and again on every
// delivery (at connect time, through the socket's DNS lookup, so a re-pointed name cannot slip by).
import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { lookup as dnsLookupAsync } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';

const blocked = new BlockList();
for (const [net, prefix] of [
  ['0.0.0.0', 8], // "this" network
  ['10.0.0.0', 8], // private
  ['100.64.0.0', 10], // carrier-grade NAT
  ['127.0.0.0', 8], // loopback
  ['169.254.0.0', 16], // link-local (cloud metadata)
  ['172.16.0.0', 12], // private
  ['192.0.0.0', 24], // IETF protocol assignments
  ['192.0.2.0', 24], // documentation
  ['192.168.0.0', 16], // private
  ['198.18.0.0', 15], // benchmarking
  ['198.51.100.0', 24], // documentation
  ['203.0.113.0', 24], // documentation
  ['224.0.0.0', 4], // multicast
  ['240.0.0.0', 4], // reserved, broadcast
] as const) {
  blocked.addSubnet(net, prefix, 'ipv4');
}
for (const [net, prefix] of [
  ['::', 128], // unspecified
  ['::1', 128], // loopback
  ['64:ff9b::', 96], // NAT64 (could reach private IPv4)
  ['100::', 64], // discard
  ['2001:db8::', 32], // documentation
  ['fc00::', 7], // unique local
  ['fe80::', 10], // link-local
  ['fec0::', 10], // site-local (deprecated)
  ['ff00::', 8], // multicast
] as const) {
  blocked.addSubnet(net, prefix, 'ipv6');
}

/** True for any address a webhook must never reach (private, loopback, link-local, unique-local...). */
export function isPrivateAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 4) return blocked.check(address, 'ipv4');
  if (family === 6) {
    // IPv4-mapped (::ffff:10.0.0.1) and IPv4-compatible forms are judged as the IPv4 address.
    const mapped = /^(?:0{0,4}:){0,5}(?:ffff:)?(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
    if (mapped?.[1]) return blocked.check(mapped[1], 'ipv4');
    const hexMapped = /^(?:0{0,4}:){0,5}ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/i.exec(address);
    if (hexMapped?.[1] && hexMapped[2]) {
      const hi = parseInt(hexMapped[1], 16);
      const lo = parseInt(hexMapped[2], 16);
      return blocked.check(`${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`, 'ipv4');
    }
    return blocked.check(address, 'ipv6');
  }
  return true; // not an address at all: refuse
}

const isLoopbackHost = (host: string) => host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);

export interface UrlPolicy {
  /** WEBHOOK_ALLOW_PRIVATE: private addresses allowed, and plain http to loopback (local testing only). */
  allowPrivate: boolean;
}

export type UrlCheck = { ok: true; url: URL } | { ok: false; reason: string };

/** Checks a webhook URL: scheme, credentials, and every address its host resolves to. */
export async function checkWebhookUrl(raw: string, policy: UrlPolicy): Promise<UrlCheck> {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return { ok: false, reason: 'The URL is not valid.' };
  }
  const host = url.hostname.replace(/^\[|\]$/g, '').toLowerCase();
  const httpAllowed = policy.allowPrivate && isLoopbackHost(host);
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && httpAllowed)) {
    return { ok: false, reason: 'The URL must start with https://.' };
  }
  if (url.username || url.password) return { ok: false, reason: 'The URL must not carry a user name or password.' };
  if (!host) return { ok: false, reason: 'The URL has no host.' };
  if (policy.allowPrivate) return { ok: true, url };

  let addresses: string[];
  if (isIP(host)) {
    addresses = [host];
  } else {
    try {
      addresses = (await dnsLookupAsync(host, { all: true, verbatim: true })).map((a) => a.address);
    } catch {
      return { ok: false, reason: 'The host name could not be resolved.' };
    }
  }
  if (addresses.length === 0 || addresses.some(isPrivateAddress)) {
    return { ok: false, reason: 'The URL must point to a public internet address (not private, loopback or link-local).' };
  }
  return { ok: true, url };
}

type LookupCallback = (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

/**
 * A DNS lookup for http(s).request that refuses private addresses at connect time, so a name that
 * was public when checked cannot be re-pointed at an internal address before the connection.
 */
export function guardedLookup(policy: UrlPolicy) {
  return (hostname: string, options: { all?: boolean; family?: number | string }, callback: LookupCallback) => {
    dnsLookup(hostname, { family: typeof options.family === 'number' ? options.family : 0, all: true, verbatim: true }, (err, addresses) => {
      if (err) return callback(err, []);
      if (!policy.allowPrivate && (addresses.length === 0 || addresses.some((a) => isPrivateAddress(a.address)))) {
        const refused: NodeJS.ErrnoException = new Error('The host resolves to a private address.');
        refused.code = 'EWEBHOOKPRIVATE';
        return callback(refused, []);
      }
      const first = addresses[0];
      if (options.all) return callback(null, addresses);
      return callback(null, first?.address ?? '', first?.family ?? 4);
    });
  };
}
