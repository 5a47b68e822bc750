import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { settle, type SettleInput, type SettleLine } from './settlement.js'

const line = (over: Partial<SettleLine> = {}): SettleLine => ({ id: 'l1', sku: 'TEE', quantity: 1, unitPaid: 2379, resolution: 'refund', merchantFault: false, ...over })
const input = (over: Partial<SettleInput> = {}): SettleInput => ({
  lines: [line()],
  restockingFeePpm: 150_000,
  refundShipping: 'never',
  shipping: { total: 495, refunded: 0 },
  fullReturn: false,
  labelFee: 0,
  refundable: 1_000_000,
  ...over,
})
const sumParts = (s: ReturnType<typeof settle>) => s.parts.reduce((a, p) => a + p.amount, 0)

describe('settling a return', () => {
  it('withholds the restocking fee per line, rounded half away from zero at the cent', () => {
    // 15 % of 23.79 is 3.5685 → 3.57; of 2 × 19.99 = 39.98 it is 5.997 → 6.00; of 0.10 it is exactly 0.015 → 0.02.
    expect(settle(input()).lines[0]).toMatchObject({ value: 2379, restockingFee: 357, refund: 2022 })
    expect(settle(input({ lines: [line({ unitPaid: 1999, quantity: 2 })] })).lines[0]).toMatchObject({ value: 3998, restockingFee: 600, refund: 3398 })
    expect(settle(input({ lines: [line({ unitPaid: 10 })] })).lines[0].restockingFee).toBe(2)
    const s = settle(input())
    expect(s.refund).toBe(2022)
    expect(s.parts).toEqual([
      { kind: 'items', amount: 2379, detail: expect.any(String) },
      { kind: 'restocking_fee', amount: -357, detail: expect.stringContaining('15 %') },
    ])
  })

  it("charges no restocking fee for the merchant's mistakes, and none on store credit or replacements", () => {
    const s = settle(input({ lines: [line({ merchantFault: true }), line({ id: 'l2', resolution: 'store_credit' }), line({ id: 'l3', resolution: 'replacement' })] }))
    expect(s.lines.map((l) => [l.resolution, l.restockingFee, l.refund, l.credit])).toEqual([
      ['refund', 0, 2379, 0],
      ['store_credit', 0, 0, 2379],
      ['replacement', 0, 0, 0],
    ])
    expect([s.refund, s.credit, s.charge]).toEqual([2379, 2379, 0])
  })

  it('refunds freight as the policy says, only with a refund line, and never twice', () => {
    expect(settle(input({ refundShipping: 'never', fullReturn: true })).shippingRefund).toBe(0)
    expect(settle(input({ refundShipping: 'when_full_return', fullReturn: false })).shippingRefund).toBe(0)
    const full = settle(input({ refundShipping: 'when_full_return', fullReturn: true }))
    expect([full.shippingRefund, full.refund]).toEqual([495, 2022 + 495])
    expect(settle(input({ refundShipping: 'always', shipping: { total: 495, refunded: 495 } })).shippingRefund).toBe(0)
    expect(settle(input({ refundShipping: 'always', lines: [line({ resolution: 'replacement' })] })).refund).toBe(0)
  })

  it('withholds a return label the customer pays for, but never more than the refund lines give back', () => {
    expect(settle(input({ labelFee: 450 })).refund).toBe(2022 - 450)
    expect(settle(input({ labelFee: 5000 })).refund).toBe(0)
    // …and never out of the freight refunded with them.
    expect(settle(input({ labelFee: 5000, refundShipping: 'always' }))).toMatchObject({ refund: 495, shippingRefund: 495 })
  })

  it('charges a dearer exchange and refunds a cheaper one', () => {
    const dearer = settle(input({ lines: [line({ resolution: 'exchange', exchange: { sku: 'X', unitValue: 5950 } })] }))
    expect([dearer.refund, dearer.charge, dearer.lines[0].exchange?.difference]).toEqual([0, 5950 - 2379, 5950 - 2379])
    const cheaper = settle(input({ lines: [line({ resolution: 'exchange', quantity: 2, exchange: { sku: 'X', unitValue: 2000 } })] }))
    expect([cheaper.refund, cheaper.charge]).toEqual([758, 0])
    expect(cheaper.parts).toEqual([{ kind: 'exchange_difference', amount: 758, detail: expect.any(String) }])
  })

  it('never pays back more than is left of the payment; a cap takes the freight first', () => {
    const s = settle(input({ refundShipping: 'always', refundable: 2100 }))
    expect(s.refund).toBe(2100)
    expect(s.shippingRefund).toBe(78)
    expect(s.parts.at(-1)).toMatchObject({ kind: 'cap', amount: -(2022 + 495 - 2100) })
    expect(settle(input({ refundable: 0 })).refund).toBe(0)
  })

  it('always balances: the parts add up to the refund, fees stay within the value, and money goes one way', () => {
    const arbLine = fc.record({
      id: fc.uuid(),
      sku: fc.constantFrom('A', 'B'),
      quantity: fc.integer({ min: 1, max: 5 }),
      unitPaid: fc.integer({ min: 0, max: 100_000 }),
      resolution: fc.constantFrom('refund', 'replacement', 'exchange', 'store_credit'),
      merchantFault: fc.boolean(),
      exchange: fc.record({ sku: fc.constant('X'), unitValue: fc.integer({ min: 0, max: 100_000 }) }),
    })
    fc.assert(
      fc.property(
        fc.array(arbLine, { minLength: 1, maxLength: 6 }),
        fc.integer({ min: 0, max: 1_000_000 }),
        fc.constantFrom('never', 'when_full_return', 'always'),
        fc.boolean(),
        fc.integer({ min: 0, max: 2000 }),
        fc.integer({ min: 0, max: 1_000_000 }),
        (lines, ppm, refundShipping, fullReturn, labelFee, refundable) => {
          const s = settle({ lines: lines as SettleLine[], restockingFeePpm: ppm, refundShipping: refundShipping as SettleInput['refundShipping'], shipping: { total: 495, refunded: 0 }, fullReturn, labelFee, refundable })
          expect(sumParts(s)).toBe(s.refund)
          expect(s.refund).toBeGreaterThanOrEqual(0)
          expect(s.refund).toBeLessThanOrEqual(refundable)
          expect(s.shippingRefund).toBeLessThanOrEqual(Math.min(495, s.refund))
          expect(s.refund > 0 && s.charge > 0).toBe(false)
          for (const l of s.lines) {
            expect(l.restockingFee).toBeGreaterThanOrEqual(0)
            expect(l.restockingFee).toBeLessThanOrEqual(l.value)
            expect(l.refund + l.restockingFee).toBe(l.resolution === 'refund' ? l.value : 0)
          }
        },
      ),
    )
  })
})
