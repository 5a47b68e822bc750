import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { customerFreight, type FreightRule } from './freight.js'

const standard: FreightRule = { currency: 'EUR', flatAmount: 495, perKgAmount: 0, freeOverAmount: 5000 }

describe('customerFreight', () => {
  it('charges the flat amount below the free-shipping threshold and nothing from it on', () => {
    expect(customerFreight(standard, 900, { amount: 4999, currency: 'EUR' })).toMatchObject({ amount: 495, rule: 'flat', detail: expect.stringContaining('below the free-shipping threshold of €50.00') })
    expect(customerFreight(standard, 900, { amount: 5000, currency: 'EUR' })).toMatchObject({ amount: 0, rule: 'free_over_threshold' })
  })

  it('cannot meet a threshold without a merchandise value or in another currency', () => {
    expect(customerFreight(standard, 900)).toMatchObject({ amount: 495, detail: expect.stringContaining('no merchandise value') })
    expect(customerFreight(standard, 900, { amount: 999_999, currency: 'USD' })).toMatchObject({ amount: 495, detail: expect.stringContaining('in USD') })
  })

  it('adds a price per started kg, in the currency’s own minor units', () => {
    const perKg: FreightRule = { currency: 'JPY', flatAmount: 800, perKgAmount: 150, freeOverAmount: null }
    expect(customerFreight(perKg, 2001)).toEqual({ amount: 800 + 3 * 150, currency: 'JPY', rule: 'flat_plus_per_kg', detail: '¥800 + 3 kg × ¥150' })
  })

  it('never charges less for a heavier shipment or a smaller basket', () => {
    const rule = fc.record({ currency: fc.constant('EUR'), flatAmount: fc.nat(5000), perKgAmount: fc.nat(500), freeOverAmount: fc.option(fc.nat(20_000), { nil: null }) })
    fc.assert(
      fc.property(rule, fc.nat(50_000), fc.nat(5_000), fc.nat(30_000), fc.nat(5_000), (r, w, dw, value, dv) => {
        const base = customerFreight(r, w, { amount: value + dv, currency: 'EUR' }).amount
        expect(customerFreight(r, w + dw, { amount: value + dv, currency: 'EUR' }).amount).toBeGreaterThanOrEqual(base)
        expect(customerFreight(r, w, { amount: value, currency: 'EUR' }).amount).toBeGreaterThanOrEqual(base)
      }),
    )
  })
})
