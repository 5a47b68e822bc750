import { scryptSync } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { DUMMY_HASH, hashPassword, verifyPassword } from './password.js'

describe('password hashing', () => {
  it('verifies the right password and refuses any other', async () => {
    const stored = await hashPassword('Grüße aus Köln')
    expect(await verifyPassword('Grüße aus Köln', stored)).toBe(true)
    // The same text in another Unicode form is the same password (NFC).
    expect(await verifyPassword('Gru\u0308ße aus Ko\u0308ln', stored)).toBe(true)
    expect(await verifyPassword('grüße aus köln', stored)).toBe(false)
    expect(await verifyPassword('', stored)).toBe(false)
  })

  it('verifies a hash made with other cost parameters, read from the hash itself', async () => {
    const salt = Buffer.from('0123456789abcdef')
    const key = scryptSync('old password', salt, 32, { N: 1024, r: 8, p: 1 })
    const stored = `scrypt$1024$8$1$${salt.toString('base64url')}$${key.toString('base64url')}`
    expect(await verifyPassword('old password', stored)).toBe(true)
    expect(await verifyPassword('new password', stored)).toBe(false)
  })

  it('never matches a malformed hash or the stand-in for unknown users', async () => {
    for (const stored of ['', 'plain', 'bcrypt$10$abc', 'scrypt$0$8$1$c2FsdA$aGFzaA', 'scrypt$1024$8$1$$']) {
      expect(await verifyPassword('anything', stored)).toBe(false)
    }
    expect(await verifyPassword('', DUMMY_HASH)).toBe(false)
  })
})
