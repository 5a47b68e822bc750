import { lookup } from 'node:dns'
import { BlockList, isIP, type LookupFunction } from 'node:net'

// Webhook URLs come from API users, and Ordo's workers call them from inside the network: a URL
// pointing at 127.0.0.1, the cloud metadata address or a private range would turn the dispatcher
// into a proxy to internal services (SSRF). Those are refused unless explicitly allowed, both when
// the endpoint is saved (literal addresses, localhost) and when a delivery connects (what a host
// name resolves to, so a DNS answer changed after saving does not get through either).

const blocked = new BlockList()
for (const [net, bits] of [
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
  blocked.addSubnet(net, bits, 'ipv4')
for (const [net, bits] of [
  ['::', 128],
  ['::1', 128],
  ['64:ff9b::', 96],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
] as const)
  blocked.addSubnet(net, bits, 'ipv6')

/** Loopback, private, link-local (cloud metadata), carrier-grade NAT, multicast and reserved addresses. */
export function isPrivateAddress(address: string): boolean {
  const family = isIP(address)
  if (family === 0) return false
  if (family === 6) {
    // An IPv4-mapped address (::ffff:a.b.c.d, also written ::ffff:7f00:1) reaches the IPv4 host.
    const mapped = /^::ffff:(?:(\d+\.\d+\.\d+\.\d+)|([0-9a-f]{1,4}):([0-9a-f]{1,4}))$/i.exec(address)
    if (mapped) {
      const v4 = mapped[1] ?? [parseInt(mapped[2], 16) >> 8, parseInt(mapped[2], 16) & 255, parseInt(mapped[3], 16) >> 8, parseInt(mapped[3], 16) & 255].join('.')
      return blocked.check(v4, 'ipv4')
    }
  }
  return blocked.check(address, family === 4 ? 'ipv4' : 'ipv6')
}

const bare = (hostname: string) => hostname.replace(/^\[|\]$/g, '')

/** Why a webhook URL is refused, or undefined when it is acceptable. */
export function endpointUrlProblem(raw: string, allowPrivate: boolean): string | undefined {
  let url: URL
  try {
    url = new URL(raw)
  } catch {
    return 'not a URL'
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return 'must be an http or https URL'
  if (url.username || url.password) return 'must not contain credentials (user:password@); authenticate the request by its signature'
  if (allowPrivate) return undefined
  const host = bare(url.hostname).toLowerCase()
  if (host === 'localhost' || host.endsWith('.localhost')) return 'must not point at this machine (localhost); set ORDO_WEBHOOKS_ALLOW_PRIVATE=1 to allow private addresses'
  if (isPrivateAddress(host)) return 'must not point at a private, loopback or link-local address; set ORDO_WEBHOOKS_ALLOW_PRIVATE=1 to allow it'
  return undefined
}

/** A DNS lookup for outgoing webhook requests that refuses host names resolving to private addresses. */
export const publicOnlyLookup: LookupFunction = (hostname, options, callback) => {
  lookup(hostname, { ...options, all: true }, (err, addresses) => {
    if (err) return callback(err, '', 0)
    const bad = addresses.find((a) => isPrivateAddress(a.address))
    if (bad) return callback(Object.assign(new Error(`${hostname} resolves to a private address (${bad.address})`), { code: 'EPRIVATE' }), '', 0)
    if (options.all) return callback(null, addresses)
    return callback(null, addresses[0].address, addresses[0].family)
  })
}
