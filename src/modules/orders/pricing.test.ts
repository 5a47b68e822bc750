import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { priceOrder } from './pricing.js'
import { taxRatePpm } from './tax-rates.js'
import { deriveFulfillmentStatus, verifyOrder } from './verify.js'

describe('taxRatePpm', () => {
  it('uses the region where the rate depends on it, and the reduced rate by tax code', () => {
    expect(taxRatePpm('DE', undefined, 'standard')).toBe(190_000)
    expect(taxRatePpm('DE', undefined, 'reduced')).toBe(70_000)
    expect(taxRatePpm('US', 'CA', 'standard')).toBe(72_500)
    expect(taxRatePpm('US', 'or', 'standard')).toBe(0)
    expect(taxRatePpm('CA', 'QC', 'standard')).toBe(149_750)
    expect(taxRatePpm('CA', 'QC', 'reduced')).toBe(50_000)
    expect(taxRatePpm('FR', undefined, 'exempt')).toBe(0)
    expect(taxRatePpm('ZZ', undefined, 'standard')).toBe(0)
  })
})

describe('priceOrder', () => {
  it('taxes each line on its discounted net amount and adds shipping untaxed', () => {
    const { lines, totals } = priceOrder(
      [
        { unitPrice: 1999, quantity: 3, discountAmount: 500, taxRatePpm: 190_000 },
        { unitPrice: 1000, quantity: 1, discountAmount: 5000, taxRatePpm: 70_000 },
      ],
      495,
    )
    expect(lines[0]).toEqual({ net: 5997, discount: 500, tax: 1044, total: 6541 }) // 54.97 × 19 % = 10.4443
    expect(lines[1]).toEqual({ net: 1000, discount: 1000, tax: 0, total: 0 }) // a discount never exceeds the line
    expect(totals).toEqual({ subtotal: 6997, discount: 1500, tax: 1044, shipping: 495, total: 6997 - 1500 + 1044 + 495 })
  })

  it('totals always equal the sum of their parts, in whole minor units', () => {
    const line = fc.record({ unitPrice: fc.integer({ min: 0, max: 1_000_000 }), quantity: fc.integer({ min: 0, max: 100 }), discountAmount: fc.integer({ min: 0, max: 50_000 }), taxRatePpm: fc.integer({ min: 0, max: 300_000 }) })
    fc.assert(
      fc.property(fc.array(line, { minLength: 1, maxLength: 10 }), fc.integer({ min: 0, max: 10_000 }), (ls, shipping) => {
        const { lines, totals } = priceOrder(ls, shipping)
        expect(totals.total).toBe(lines.reduce((s, l) => s + l.total, 0) + shipping)
        for (const l of lines) {
          expect(Number.isInteger(l.tax)).toBe(true)
          expect(l.discount).toBeLessThanOrEqual(l.net)
        }
      }),
    )
  })
})

describe('verifyOrder', () => {
  const good = {
    customer: { email: 'a@b.de', name: 'A B' },
    shippingAddress: { name: 'A B', line1: 'S 1', city: 'Berlin', postalCode: '10115', country: 'DE' },
    currency: 'EUR',
    lines: [{ index: 0, sku: 'X', active: true, unitPrice: 100, catalogPrice: 100, catalogCurrency: 'EUR' }],
    payment: { status: 'paid' as const, amount: 119 },
    total: 119,
  }
  it('passes a complete order', () => expect(verifyOrder(good)).toEqual([]))
  it('holds for each failed check, with a reason a person can act on', () => {
    const holds = verifyOrder({
      ...good,
      customer: { email: 'a@b.de' },
      shippingAddress: { country: 'DE', postalCode: '1', line1: 'S', city: 'B' },
      lines: [{ ...good.lines[0], active: false, unitPrice: 90 }],
      payment: { status: 'authorized', amount: 50 },
    })
    expect(holds.map((h) => h.code)).toEqual(['customer', 'address', 'item', 'price', 'payment'])
    expect(holds.find((h) => h.code === 'payment')!.detail).toContain('does not cover')
  })
})

describe('deriveFulfillmentStatus', () => {
  const l = (o: Partial<Parameters<typeof deriveFulfillmentStatus>[0][number]>) => ({ quantity: 2, cancelledQty: 0, allocatedQty: 0, backorderedQty: 0, shippedQty: 0, deliveredQty: 0, ...o })
  it.each([
    [[l({ allocatedQty: 2 })], 'allocated'],
    [[l({ allocatedQty: 1, backorderedQty: 1 })], 'partially_allocated'],
    [[l({ backorderedQty: 2 })], 'backordered'],
    [[l({ shippedQty: 1, allocatedQty: 1 })], 'partially_shipped'],
    [[l({ shippedQty: 2 })], 'shipped'],
    [[l({ shippedQty: 2, deliveredQty: 2 })], 'delivered'],
    [[l({ cancelledQty: 1, allocatedQty: 1 })], 'allocated'],
    [[l({ cancelledQty: 2 })], 'unfulfilled'],
  ])('%j → %s', (lines, status) => expect(deriveFulfillmentStatus(lines)).toBe(status))
})
