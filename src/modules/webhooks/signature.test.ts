import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { generateSecret, secretKey, sign, signatureHeader, verify } from './signature.js'

describe('Standard Webhooks signatures', () => {
  it('matches the test vector of the Standard Webhooks reference libraries', () => {
    const secret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw'
    expect(sign(secret, 'msg_p5jXN8AQM9LWM0D4loKWxJek', 1614265330, '{"test": 2432232314}')).toBe('v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=')
  })

  it('generates whsec_ secrets of 32 random bytes, and refuses keys that are too short or not base64', () => {
    const s = generateSecret()
    expect(s).toMatch(/^whsec_[A-Za-z0-9+/]+=*$/)
    expect(secretKey(s)?.length).toBe(32)
    expect(generateSecret()).not.toBe(s)
    expect(secretKey('whsec_' + Buffer.alloc(16).toString('base64'))).toBeUndefined()
    expect(secretKey('whsec_not base64!')).toBeUndefined()
    expect(secretKey(Buffer.alloc(32).toString('base64'))).toBeUndefined()
  })

  it('verifies what it signs, within the timestamp tolerance, and with any one of several signatures', () => {
    const now = new Date('2026-11-02T09:00:00Z')
    const ts = Math.floor(now.getTime() / 1000)
    const [current, previous, stranger] = [generateSecret(), generateSecret(), generateSecret()]
    const body = '{"type":"order.created"}'
    const headers = { 'webhook-id': 'evt_1', 'webhook-timestamp': String(ts), 'webhook-signature': signatureHeader([current, previous], 'evt_1', ts, body) }
    expect(headers['webhook-signature'].split(' ')).toHaveLength(2)
    expect(verify(current, headers, body, now)).toBe(true)
    expect(verify(previous, headers, body, now)).toBe(true)
    expect(verify(stranger, headers, body, now)).toBe(false)
    expect(verify(current, headers, body + ' ', now)).toBe(false)
    expect(verify(current, { ...headers, 'webhook-id': 'evt_2' }, body, now)).toBe(false)
    expect(verify(current, headers, body, new Date(now.getTime() + 301_000))).toBe(false)
  })

  it('any change to id, timestamp or body breaks the signature', () => {
    const secret = generateSecret()
    fc.assert(
      fc.property(fc.string(), fc.string(), fc.integer({ min: 0, max: 2 ** 40 }), (id, body, ts) => {
        const sig = sign(secret, id, ts, body)
        expect(sign(secret, id, ts, body + 'x')).not.toBe(sig)
        expect(sign(secret, id, ts + 1, body)).not.toBe(sig)
        expect(sign(secret, id + 'x', ts, body)).not.toBe(sig)
      }),
      { numRuns: 200 },
    )
  })
})
