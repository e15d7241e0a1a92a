// Who may send YooKassa notifications (they are not signed): an allowlist of addresses and
// CIDR ranges, IPv4 and IPv6, with the client address taken from X-Forwarded-For only when the
// direct peer is a trusted proxy.

import ipaddr from "ipaddr.js";

/** YooKassa's published notification addresses. */
export const YOOKASSA_IPS = [
  "185.71.76.0/27",
  "185.71.77.0/27",
  "77.75.153.0/25",
  "77.75.156.11",
  "77.75.156.35",
  "77.75.154.128/25",
  "2a02:5180::/32",
];

type Range = [ipaddr.IPv4 | ipaddr.IPv6, number];

function parseRange(text: string): Range {
  if (text.includes("/")) return ipaddr.parseCIDR(text);
  const addr = ipaddr.parse(text);
  return [addr, addr.kind() === "ipv4" ? 32 : 128];
}

/** Throws for an entry that is not an address or a CIDR range. */
export function validateRanges(list: readonly string[]): void {
  for (const item of list) {
    try {
      parseRange(item);
    } catch {
      throw new Error(`"${item}" is not an IP address or a CIDR range`);
    }
  }
}

export type Matcher = (address: string | undefined) => boolean;

export function ipMatcher(list: readonly string[]): Matcher {
  const ranges = list.map(parseRange);
  return (address) => {
    if (!address || !ipaddr.isValid(address)) return false;
    let ip = ipaddr.parse(address);
    // An IPv4 client seen through an IPv6 socket (::ffff:1.2.3.4).
    if (ip.kind() === "ipv6" && (ip as ipaddr.IPv6).isIPv4MappedAddress()) {
      ip = (ip as ipaddr.IPv6).toIPv4Address();
    }
    return ranges.some(([net, bits]) => ip.kind() === net.kind() && ip.match([net, bits] as never));
  };
}

/**
 * The client's address: the direct peer, or — when the peer is a trusted proxy — the last
 * X-Forwarded-For entry that is not itself a trusted proxy.
 */
export function clientAddress(
  peer: string | undefined,
  forwardedFor: string | null | undefined,
  trusted: Matcher,
): string | undefined {
  if (!peer || !trusted(peer) || !forwardedFor) return peer;
  const hops = forwardedFor.split(",").map((s) => s.trim()).filter(Boolean);
  for (let i = hops.length - 1; i >= 0; i--) {
    if (!trusted(hops[i])) return hops[i];
  }
  return hops[0] ?? peer;
}
