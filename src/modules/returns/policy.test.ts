import { describe, expect, it } from 'vitest'
import { addDays, checkLine, decide, type LineRequest, type Reason, type ReturnPolicy } from './policy.js'

const policy = (over: Partial<ReturnPolicy> = {}): ReturnPolicy => ({
  windowDays: 30,
  nonReturnableSkus: ['GIFT-CARD'],
  restockingFeePpm: 0,
  returnShippingPaidBy: 'customer',
  returnLocationId: 'loc_1',
  autoAuthorize: true,
  autoAuthorizeMaxValue: { amount: 10_000, currency: 'EUR' },
  refundShipping: 'never',
  resolutions: ['refund', 'store_credit'],
  ...over,
})
const reasons = new Map<string, Reason>([
  ['damaged', { code: 'damaged', label: 'Damaged', merchantFault: true, active: true }],
  ['other', { code: 'other', label: 'Other', merchantFault: false, active: false }],
])
const request = (over: Partial<LineRequest> = {}, orderLine: Partial<LineRequest['orderLine']> = {}): LineRequest => ({
  field: 'lines.0',
  ref: 'sku',
  quantity: 1,
  reason: 'damaged',
  resolution: 'refund',
  orderLine: { sku: 'TEE', deliveredQuantity: 2, returnRequestedQuantity: 0, deliveredAt: '2026-10-01T14:00:00.000Z', ...orderLine },
  ...over,
})

describe('return policy', () => {
  it('accepts a line on the last day of the window and refuses it the day after, naming the rule and the delivery date', () => {
    expect(addDays('2026-10-01', 30)).toBe('2026-10-31')
    expect(checkLine(policy(), reasons, '2026-10-31', request())).toEqual([])
    expect(checkLine(policy(), reasons, '2026-11-01', request())).toEqual([
      { path: 'lines.0.quantity', code: 'outside_window', message: 'outside the 30-day window, delivered 2026-10-01' },
    ])
  })

  it('refuses non-returnable SKUs on the field that named them, and more units than can still be returned', () => {
    expect(checkLine(policy(), reasons, '2026-10-02', request({ ref: 'line' }, { sku: 'GIFT-CARD' }))).toEqual([
      { path: 'lines.0.line', code: 'non_returnable', message: 'GIFT-CARD cannot be returned under the policy' },
    ])
    expect(checkLine(policy(), reasons, '2026-10-02', request({ quantity: 2 }, { returnRequestedQuantity: 1 }))).toEqual([
      { path: 'lines.0.quantity', code: 'exceeds_returnable', message: 'only 1 delivered unit(s) of TEE can still be returned' },
    ])
    expect(checkLine(policy(), reasons, '2026-10-02', request({}, { deliveredQuantity: 0, deliveredAt: null }))[0]).toMatchObject({ code: 'not_delivered' })
  })

  it('refuses a retired reason and a resolution the policy does not offer', () => {
    const errors = checkLine(policy(), reasons, '2026-10-02', request({ reason: 'other', resolution: 'exchange' }))
    expect(errors.map((e) => [e.path, e.code])).toEqual([
      ['lines.0.reason', 'unknown_reason'],
      ['lines.0.resolution', 'resolution_not_allowed'],
    ])
  })

  it('authorizes automatically within the limits, else says why a person decides', () => {
    const eur = (amount: number) => ({ amount, currency: 'EUR' })
    expect(decide(policy(), eur(10_000), true)).toMatchObject({ authorization: 'automatic', rule: 'auto_authorize' })
    expect(decide(policy(), eur(10_001), false)).toMatchObject({ authorization: 'manual', rule: 'value_limit', detail: 'value 100.01 EUR is above the 100.00 EUR limit for automatic authorization' })
    expect(decide(policy(), { amount: 1, currency: 'USD' }, false)).toMatchObject({ authorization: 'manual', rule: 'value_limit' })
    expect(decide(policy({ autoAuthorize: false }), eur(1), false)).toMatchObject({ authorization: 'manual', rule: 'manual_authorization' })
    expect(decide(policy({ returnLocationId: null }), eur(1), true)).toMatchObject({ authorization: 'manual', rule: 'no_return_location' })
    expect(decide(policy({ returnLocationId: null, autoAuthorizeMaxValue: null }), eur(1_000_000), false)).toMatchObject({ authorization: 'automatic' })
  })
})
