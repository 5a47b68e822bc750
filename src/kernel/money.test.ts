import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { allocateProportionally, applyRate } from './money.js'

describe('applyRate', () => {
  it('rounds half away from zero at the minor unit', () => {
    expect(applyRate(1000, 190_000)).toBe(190) // 10.00 × 19 %
    expect(applyRate(5, 100_000)).toBe(1) // 0.5 cent → 1
    expect(applyRate(4, 100_000)).toBe(0) // 0.4 cent → 0
    expect(applyRate(-5, 100_000)).toBe(-1)
    expect(applyRate(1999, 72_500)).toBe(145) // 19.99 × 7.25 % = 1.449275 → 1.45
    expect(applyRate(10000, 149_750)).toBe(1498) // 100.00 × 14.975 % (QC) = 14.975 → 14.98
  })

  it('never moves more than half a minor unit away from the exact product', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1_000_000_000 }), fc.integer({ min: 0, max: 1_000_000 }), (amount, ppm) => {
        const exact = (amount * ppm) / 1_000_000
        expect(Math.abs(applyRate(amount, ppm) - exact)).toBeLessThanOrEqual(0.5)
      }),
    )
  })
})

describe('allocateProportionally', () => {
  it('splits without losing a cent', () => {
    expect(allocateProportionally(100, [1, 1, 1])).toEqual([34, 33, 33])
    expect(allocateProportionally(10, [0, 0])).toEqual([10, 0])
  })

  it('parts always sum to the amount and stay within one unit of their exact share', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1_000_000 }), fc.array(fc.integer({ min: 1, max: 100_000 }), { minLength: 1, maxLength: 20 }), (amount, weights) => {
        const parts = allocateProportionally(amount, weights)
        expect(parts.reduce((a, b) => a + b, 0)).toBe(amount)
        const total = weights.reduce((a, b) => a + b, 0)
        parts.forEach((p, i) => expect(Math.abs(p - (amount * weights[i]) / total)).toBeLessThan(1))
      }),
    )
  })
})
