/**
 * Who a request comes from, for rate limiting and the access log: the peer address, or, when the
 * peer is a trusted proxy, the right-most address in X-Forwarded-For that is not itself a trusted
 * proxy (addresses further left can be forged by the client).
 */

/** IPv4-mapped IPv6 (`::ffff:127.0.0.1`) as plain IPv4. */
export const normaliseIp = (ip: string): string => ip.trim().replace(/^::ffff:(\d+\.\d+\.\d+\.\d+)$/i, "$1").toLowerCase();

export function clientAddress(peer: string | undefined, forwardedFor: string | null, trustedProxies: ReadonlySet<string>): string {
  const direct = normaliseIp(peer ?? "unknown");
  if (!forwardedFor || !trustedProxies.has(direct)) return direct;
  const hops = forwardedFor.split(",").map(normaliseIp).filter((h) => h !== "");
  for (let i = hops.length - 1; i >= 0; i--) {
    const hop = hops[i] as string;
    if (!trustedProxies.has(hop)) return hop;
  }
  return hops[0] ?? direct;
}
