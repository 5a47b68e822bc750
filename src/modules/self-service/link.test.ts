import { randomBytes } from 'node:crypto'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { signLink, verifyLink } from './link.js'

const secret = randomBytes(32)
const now = new Date('2026-11-02T09:00:00.000Z')
const inDays = (days: number) => new Date(now.getTime() + days * 86_400_000)

describe('signed order links', () => {
  it('open the order they were made for until they expire', () => {
    const token = signLink(secret, 'ord_01K9ZQ3M4X', inDays(90))
    expect(verifyLink(secret, token, now)).toEqual({ ok: true, orderId: 'ord_01K9ZQ3M4X', expiresAt: new Date('2027-01-31T09:00:00.000Z') })
    expect(verifyLink(secret, token, inDays(89.99)).ok).toBe(true)
    expect(verifyLink(secret, token, inDays(90))).toEqual({ ok: false, reason: 'expired' })
  })

  it('are worthless with another secret, or cut short, or padded', () => {
    const token = signLink(secret, 'ord_1', inDays(1))
    expect(verifyLink(randomBytes(32), token, now)).toEqual({ ok: false, reason: 'bad_signature' })
    expect(verifyLink(secret, token.slice(0, -1), now)).toEqual({ ok: false, reason: 'malformed' })
    expect(verifyLink(secret, `${token}A`, now)).toEqual({ ok: false, reason: 'malformed' })
    expect(verifyLink(secret, token.split('.')[0], now)).toEqual({ ok: false, reason: 'malformed' })
    expect(verifyLink(secret, '', now)).toEqual({ ok: false, reason: 'malformed' })
  })

  it('cannot be moved to another order or a later expiry without the secret', () => {
    const [, mac] = signLink(secret, 'ord_1', inDays(1)).split('.')
    const otherPayload = signLink(randomBytes(32), 'ord_2', inDays(365)).split('.')[0]
    expect(verifyLink(secret, `${otherPayload}.${mac}`, now)).toEqual({ ok: false, reason: 'bad_signature' })
  })

  it('reject every change of a single character (property)', () => {
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.'
    fc.assert(
      fc.property(fc.stringMatching(/^ord_[0-9A-Z]{26}$/), fc.nat(), fc.constantFrom(...alphabet), (orderId, at, c) => {
        const token = signLink(secret, orderId, inDays(30))
        const i = at % token.length
        fc.pre(token[i] !== c)
        const changed = token.slice(0, i) + c + token.slice(i + 1)
        expect(verifyLink(secret, changed, now).ok).toBe(false)
        expect(verifyLink(secret, token, now)).toMatchObject({ ok: true, orderId })
      }),
      { numRuns: 500 },
    )
  })
})
