import { createHmac, timingSafeEqual } from 'node:crypto'

/**
 * Signed order-status links: `base64url(orderId.expiry)` + `.` + a truncated HMAC-SHA256 of it.
 * Whoever holds the link sees that one order until it expires; nothing else is needed (no login,
 * no cookie), and a changed character or a passed expiry makes it worthless.
 */

/** 128 bits of the MAC: far beyond guessing, and it keeps the links short enough for an e-mail. */
const MAC_BYTES = 16

const mac = (secret: Buffer, payload: string) => createHmac('sha256', secret).update(payload).digest().subarray(0, MAC_BYTES)

export function signLink(secret: Buffer, orderId: string, expiresAt: Date): string {
  const payload = Buffer.from(`${orderId}.${Math.floor(expiresAt.getTime() / 1000)}`, 'utf8').toString('base64url')
  return `${payload}.${mac(secret, payload).toString('base64url')}`
}

export type LinkCheck = { ok: true; orderId: string; expiresAt: Date } | { ok: false; reason: 'malformed' | 'bad_signature' | 'expired' }

export function verifyLink(secret: Buffer, token: string, now: Date): LinkCheck {
  const m = /^([A-Za-z0-9_-]{1,400})\.([A-Za-z0-9_-]{22})$/.exec(token)
  if (!m) return { ok: false, reason: 'malformed' }
  const [, payload, signature] = m
  // Only the canonical spelling counts: the last character's spare bits must not make a second valid link.
  const given = Buffer.from(signature, 'base64url')
  if (given.length !== MAC_BYTES || given.toString('base64url') !== signature || !timingSafeEqual(given, mac(secret, payload))) return { ok: false, reason: 'bad_signature' }
  const fields = /^(.+)\.(\d{1,12})$/.exec(Buffer.from(payload, 'base64url').toString('utf8'))
  if (!fields) return { ok: false, reason: 'malformed' }
  const expiresAt = new Date(Number(fields[2]) * 1000)
  if (expiresAt.getTime() <= now.getTime()) return { ok: false, reason: 'expired' }
  return { ok: true, orderId: fields[1], expiresAt }
}
