import { describe, expect, it } from 'vitest'
import type { Order } from '../api/types'
import { dayIn, summarize } from './dashboard'

let n = 0
const order = (over: Partial<Order> & { allocations?: { location: string; quantity: number }[] } = {}): Order => {
  const { allocations = [], ...rest } = over
  n++
  return {
    id: `ord_${n}`,
    number: `SO-${10000 + n}`,
    channel: 'web',
    externalId: null,
    customer: { id: 'cus_1', email: 'a@example.com', name: 'A', phone: null },
    status: 'confirmed',
    fulfillmentStatus: 'allocated',
    paymentStatus: 'paid',
    currency: 'EUR',
    totals: { subtotal: 1000, discount: 0, tax: 190, shipping: 0, total: 1190 },
    shippingAddress: { country: 'DE' },
    billingAddress: null,
    shippingMethod: null,
    payment: { status: 'paid', amount: 1190, method: 'card', reference: null },
    notes: null,
    promisedDeliveryDate: null,
    lines: [{ allocations } as Order['lines'][number]],
    holds: [],
    allowedActions: [],
    cancelReason: null,
    cancelledAt: null,
    version: 1,
    createdAt: '2026-11-20T10:00:00.000Z',
    updatedAt: '2026-11-20T10:00:00.000Z',
    ...rest,
  }
}
const hold = (code: string, releasedAt: string | null = null) => ({ id: `h${code}`, code, detail: '', source: 'manual' as const, createdBy: 'x', createdAt: '', releasedAt, releasedBy: null, releaseNote: null })

describe('dashboard summary', () => {
  const now = new Date('2026-11-20T15:00:00.000Z')

  it("counts today's orders and revenue per currency, leaving cancelled orders out of revenue", () => {
    const recent = [
      order(),
      order({ currency: 'USD', totals: { subtotal: 0, discount: 0, tax: 0, shipping: 0, total: 500 } }),
      order({ status: 'cancelled' }),
      order({ createdAt: '2026-11-19T10:00:00.000Z' }),
    ]
    const s = summarize(recent, [], now, { timeZone: 'UTC' })
    expect(s.today.orders).toBe(3)
    expect(s.today.revenue).toEqual([
      { currency: 'EUR', amount: 1190 },
      { currency: 'USD', amount: 500 },
    ])
    expect(s.byStatus).toEqual({ confirmed: 3, cancelled: 1 })
    expect(s.currency).toBe('EUR')
  })

  it('fills every one of the last 30 days, also the empty ones, in the chosen time zone', () => {
    // 23:30 UTC on the 19th is already the 20th in Berlin.
    const recent = [order({ createdAt: '2026-11-19T23:30:00.000Z' }), order({ createdAt: '2026-10-22T12:00:00.000Z' }), order({ createdAt: '2026-10-01T12:00:00.000Z' })]
    const berlin = summarize(recent, [], now, { timeZone: 'Europe/Berlin' })
    expect(berlin.days).toHaveLength(30)
    expect(berlin.days[0]).toEqual({ day: '2026-10-22', orders: 1, revenue: 1190 })
    expect(berlin.days[29]).toEqual({ day: '2026-11-20', orders: 1, revenue: 1190 })
    expect(berlin.days.reduce((t, d) => t + d.orders, 0)).toBe(2)
    expect(summarize(recent, [], now, { timeZone: 'UTC' }).days[28]).toEqual({ day: '2026-11-19', orders: 1, revenue: 1190 })
  })

  it('ranks channels by orders and sums their revenue', () => {
    const s = summarize([order({ channel: 'pos' }), order({ channel: 'marketplace' }), order({ channel: 'marketplace' })], [], now, { timeZone: 'UTC' })
    expect(s.byChannel.map((c) => [c.channel, c.orders, c.revenue[0].amount])).toEqual([
      ['marketplace', 2, 2380],
      ['pos', 1, 1190],
    ])
  })

  it('counts open holds by code, the backlog per warehouse, and orders past their promised date', () => {
    const open = [
      order({ status: 'on_hold', holds: [hold('payment'), hold('address'), hold('fraud', '2026-11-20T09:00:00.000Z')], allocations: [{ location: 'BER', quantity: 2 }] }),
      order({ status: 'on_hold', holds: [hold('payment')], allocations: [{ location: 'BER', quantity: 1 }, { location: 'MUC', quantity: 5 }] }),
      order({ promisedDeliveryDate: '2026-11-19', fulfillmentStatus: 'backordered' }),
      order({ promisedDeliveryDate: '2026-11-18', fulfillmentStatus: 'shipped' }),
      order({ promisedDeliveryDate: '2026-11-20' }),
      order({ status: 'completed', allocations: [{ location: 'HAM', quantity: 9 }] }),
    ]
    const s = summarize([], open, now, { timeZone: 'UTC' })
    expect(s.holds).toEqual([
      { code: 'payment', orders: 2 },
      { code: 'address', orders: 1 },
    ])
    expect(s.backlog).toEqual([
      { location: 'MUC', orders: 1, units: 5 },
      { location: 'BER', orders: 2, units: 3 },
    ])
    expect(s.late.map((o) => o.promisedDeliveryDate)).toEqual(['2026-11-19'])
  })

  it('formats days as YYYY-MM-DD', () => {
    expect(dayIn('Asia/Tokyo')('2026-11-19T16:00:00.000Z')).toBe('2026-11-20')
  })
})
