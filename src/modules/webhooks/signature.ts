import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto'

// Standard Webhooks (https://www.standardwebhooks.com): symmetric signatures are HMAC-SHA256 of
// `{webhook-id}.{webhook-timestamp}.{body}` with a random key of 24–64 bytes, shown to people as
// `whsec_<base64>` and sent as `v1,<base64>`; several signatures, space-separated, while a
// rotated secret is still honoured.

export const SECRET_PREFIX = 'whsec_'

export const generateSecret = () => SECRET_PREFIX + randomBytes(32).toString('base64')

/** The key bytes of a `whsec_…` secret, or undefined when it is not one. */
export function secretKey(secret: string): Buffer | undefined {
  if (!secret.startsWith(SECRET_PREFIX)) return undefined
  const b64 = secret.slice(SECRET_PREFIX.length)
  if (b64.length % 4 !== 0 || !/^[A-Za-z0-9+/]+={0,2}$/.test(b64)) return undefined
  const key = Buffer.from(b64, 'base64')
  return key.length >= 24 && key.length <= 64 ? key : undefined
}

/** `v1,<base64 HMAC-SHA256>` of one message; `timestamp` in seconds since the epoch. */
export function sign(secret: string, msgId: string, timestamp: number, body: string): string {
  const key = secretKey(secret)
  if (!key) throw new Error('not a whsec_ secret')
  return `v1,${createHmac('sha256', key).update(`${msgId}.${timestamp}.${body}`).digest('base64')}`
}

/** The `webhook-signature` header: one signature per secret still in force. */
export const signatureHeader = (secrets: string[], msgId: string, timestamp: number, body: string) => secrets.map((s) => sign(s, msgId, timestamp, body)).join(' ')

/**
 * What a receiver does: true when one of the `v1` signatures matches and the timestamp is
 * within `toleranceSeconds` of `now` (replayed old messages are refused).
 */
export function verify(secret: string, headers: Record<string, string | string[] | undefined>, body: string, now = new Date(), toleranceSeconds = 300): boolean {
  const id = headers['webhook-id']
  const ts = headers['webhook-timestamp']
  const sigs = headers['webhook-signature']
  if (typeof id !== 'string' || typeof ts !== 'string' || typeof sigs !== 'string' || !/^\d+$/.test(ts)) return false
  if (Math.abs(now.getTime() / 1000 - Number(ts)) > toleranceSeconds) return false
  const expected = Buffer.from(sign(secret, id, Number(ts), body).slice(3))
  return sigs.split(' ').some((s) => {
    const [version, value] = s.split(',')
    const given = Buffer.from(value ?? '')
    return version === 'v1' && given.length === expected.length && timingSafeEqual(given, expected)
  })
}
