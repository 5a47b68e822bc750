import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { isValidTrackingNumber, makeTrackingNumber, normalizeTrackingNumber, s10CheckDigit } from './tracking-number.js'

describe('S10 tracking numbers', () => {
  it('accepts known-good S10 numbers', () => {
    // UPU S10 examples: RR123456785DE (Σ = 204, 204 mod 11 = 6, 11 − 6 = 5), AA473124829GB (Wikipedia)
    for (const s of ['RR123456785DE', 'AA473124829GB', 'RA473124829CN', 'EE000000005US', 'CP123456785FR']) {
      expect(isValidTrackingNumber(s)).toBe(true)
    }
  })

  it('maps the check value 10 to 0 and 11 to 5', () => {
    // 00000001: Σ = 7 → 11 − 7 = 4
    expect(s10CheckDigit('00000001')).toBe(4)
    // 00000000: Σ = 0 → 11 → 5
    expect(s10CheckDigit('00000000')).toBe(5)
    // 00000010: Σ = 9 → 2
    expect(s10CheckDigit('00000010')).toBe(2)
    // 00000050: Σ = 45, 45 mod 11 = 1 → 10 → 0
    expect(s10CheckDigit('00000050')).toBe(0)
  })

  it('builds what it validates', () => {
    expect(makeTrackingNumber('RR', 12_345_678, 'DE')).toBe('RR123456785DE')
    expect(makeTrackingNumber('CP', 0, 'US')).toBe('CP000000005US')
    fc.assert(
      fc.property(fc.stringMatching(/^[A-Z]{2}$/), fc.integer({ min: 0, max: 99_999_999 }), fc.stringMatching(/^[A-Z]{2}$/), (prefix, serial, country) => {
        const t = makeTrackingNumber(prefix, serial, country)
        expect(t).toMatch(/^[A-Z]{2}\d{9}[A-Z]{2}$/)
        expect(isValidTrackingNumber(t)).toBe(true)
      }),
    )
  })

  it('refuses bad arguments and malformed strings', () => {
    expect(() => makeTrackingNumber('R1', 1, 'DE')).toThrow(RangeError)
    expect(() => makeTrackingNumber('RR', 100_000_000, 'DE')).toThrow(RangeError)
    expect(() => makeTrackingNumber('RR', -1, 'DE')).toThrow(RangeError)
    expect(() => makeTrackingNumber('RR', 1, 'de')).toThrow(RangeError)
    for (const s of ['', 'RR123456785D', 'RR12345678DE', 'rr123456785de', 'RR 123456785DE', '1R123456785DE', 'RR123456785DE ']) {
      expect(isValidTrackingNumber(s)).toBe(false)
    }
    expect(isValidTrackingNumber(normalizeTrackingNumber(' rr 1234 5678 5 de'))).toBe(true)
  })

  it('catches every change of the check digit', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 99_999_999 }), fc.integer({ min: 1, max: 9 }), (serial, delta) => {
        const t = makeTrackingNumber('RR', serial, 'DE')
        const wrong = (Number(t[10]) + delta) % 10
        expect(isValidTrackingNumber(t.slice(0, 10) + wrong + t.slice(11))).toBe(false)
      }),
    )
  })

  it('catches every change of one serial digit, except where S10 maps two sums to check digit 5', () => {
    // 11 is prime and no weight is a multiple of it, so one changed digit always moves Σ mod 11.
    // But S10 sends both Σ ≡ 0 (check 11) and Σ ≡ 6 (check 5) to the digit 5: a change that moves Σ
    // between those two classes goes unseen, e.g. RR123456785DE → RR323456785DE (Σ 204 → 220).
    expect(isValidTrackingNumber('RR323456785DE')).toBe(true)
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 99_999_999 }), fc.integer({ min: 0, max: 7 }), fc.integer({ min: 1, max: 9 }), (serial, pos, delta) => {
        const t = makeTrackingNumber('RR', serial, 'DE')
        const digit = (Number(t[2 + pos]) + delta) % 10
        const changed = t.slice(0, 2 + pos) + digit + t.slice(3 + pos)
        if (t[10] !== '5') expect(isValidTrackingNumber(changed)).toBe(false)
        else if (isValidTrackingNumber(changed)) expect(changed[10]).toBe('5')
      }),
    )
  })

  it('has no blind spot outside check digit 5: exhaustively, over every single-digit change of sample serials', () => {
    let undetected = 0
    for (let serial = 0; serial < 100_000; serial += 37) {
      const t = makeTrackingNumber('EE', serial * 997, 'US')
      for (let pos = 2; pos < 10; pos++) {
        for (let d = 0; d <= 9; d++) {
          if (String(d) === t[pos]) continue
          const changed = t.slice(0, pos) + d + t.slice(pos + 1)
          if (isValidTrackingNumber(changed)) {
            undetected++
            expect(t[10]).toBe('5')
          }
        }
      }
    }
    expect(undetected).toBeGreaterThan(0) // the blind spot is real, not a test artefact
  })
})
