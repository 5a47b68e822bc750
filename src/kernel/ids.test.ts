import { describe, expect, it } from 'vitest'
import { decodeTime } from 'ulidx'
import { newId } from './ids.js'

const ULID_BODY = /^[0-9A-HJKMNP-TV-Z]{26}$/ // Crockford base32: no I, L, O, U

describe('newId', () => {
  it('keeps the prefix and appends a 26-character ULID of Crockford base32', () => {
    const id = newId('ord')
    expect(id.startsWith('ord_')).toBe(true)
    const body = id.slice('ord_'.length)
    expect(body).toMatch(ULID_BODY)
    expect(Math.abs(decodeTime(body) - Date.now())).toBeLessThan(5_000)
  })

  it('is unique and sorted over 100k calls in sequence (more than one pool refill)', () => {
    const ids = Array.from({ length: 100_000 }, () => newId('evt'))
    expect(new Set(ids).size).toBe(ids.length)
    for (let i = 1; i < ids.length; i++) if (!(ids[i - 1] < ids[i])) throw new Error(`not sorted at ${i}: ${ids[i - 1]} ≥ ${ids[i]}`)
    for (const id of ids) if (!ULID_BODY.test(id.slice(4))) throw new Error(`not a ULID body: ${id}`)
  })
})
