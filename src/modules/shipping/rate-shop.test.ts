import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { deliveryDate, isBusinessDay, rateShop, type ServiceQuote } from './rate-shop.js'
import type { Quote } from './rate-card.js'

const q = (amount: number, transitDays: number, currency = 'EUR'): Quote => ({
  ok: true,
  amount,
  currency,
  breakdown: { base: amount, fuel: 0, residential: 0, remote: 0 },
  billableWeightGrams: 1000,
  zone: 'Z1',
  transitDays,
  remoteArea: false,
})
const svc = (service: string, quote: Quote): ServiceQuote => ({ service, quote })

// 2026-11-20 is a Friday.
const FRIDAY = '2026-11-20'

describe('deliveryDate', () => {
  it('counts business days, skipping the weekend', () => {
    expect(deliveryDate(FRIDAY, 0)).toBe('2026-11-20')
    expect(deliveryDate(FRIDAY, 1)).toBe('2026-11-23') // Monday
    expect(deliveryDate('2026-11-16', 3)).toBe('2026-11-19') // Mon → Thu
    expect(deliveryDate(FRIDAY, 5)).toBe('2026-11-27')
  })

  it('moves a weekend handover to Monday, and skips holidays', () => {
    expect(deliveryDate('2026-11-21', 0)).toBe('2026-11-23')
    expect(deliveryDate('2026-11-22', 1)).toBe('2026-11-24')
    expect(deliveryDate('2026-12-23', 2, new Set(['2026-12-24', '2026-12-25']))).toBe('2026-12-29')
    expect(deliveryDate('2026-12-31', 1)).toBe('2027-01-01')
  })

  it('refuses what is not a calendar date', () => {
    expect(() => deliveryDate('2026-02-30', 1)).toThrow(RangeError)
    expect(() => deliveryDate('20.11.2026', 1)).toThrow(RangeError)
  })

  it('lands on a business day exactly `transit` business days after the first business day', () => {
    fc.assert(
      fc.property(fc.date({ min: new Date('2000-01-01'), max: new Date('2100-01-01'), noInvalidDate: true }), fc.integer({ min: 0, max: 30 }), (d, transit) => {
        const ship = d.toISOString().slice(0, 10)
        const arrival = deliveryDate(ship, transit)
        expect(isBusinessDay(arrival)).toBe(true)
        expect(arrival >= ship).toBe(true)
        // calendar span: at most transit + 2 days per started week, plus a weekend before handover
        const days = (Date.parse(arrival) - Date.parse(ship)) / 86_400_000
        expect(days).toBeLessThanOrEqual(transit + 2 * Math.ceil((transit + 1) / 5) + 2)
        if (transit > 0) expect(deliveryDate(ship, transit - 1) < arrival).toBe(true)
      }),
    )
  })
})

describe('rateShop', () => {
  const quotes = [svc('economy', q(490, 5)), svc('standard', q(690, 2)), svc('express', q(1590, 1))]

  it('picks the cheapest service that meets the promise, and says why', () => {
    const r = rateShop({ quotes, shipDate: FRIDAY, promisedBy: '2026-11-25' })
    expect(r.ok).toBe(true)
    if (!r.ok) return
    expect(r.default).toBe('standard')
    expect(r.options).toEqual([
      { service: 'economy', available: true, amount: 490, currency: 'EUR', transitDays: 5, deliveryDate: '2026-11-27', meetsPromise: false, zone: 'Z1' },
      { service: 'standard', available: true, amount: 690, currency: 'EUR', transitDays: 2, deliveryDate: '2026-11-24', meetsPromise: true, zone: 'Z1' },
      { service: 'express', available: true, amount: 1590, currency: 'EUR', transitDays: 1, deliveryDate: '2026-11-23', meetsPromise: true, zone: 'Z1' },
    ])
    expect(r.explanation).toEqual({
      rule: 'cheapest_meeting_promise',
      shipDate: FRIDAY,
      promisedBy: '2026-11-25',
      chosen: 'standard',
      considered: ['economy', 'standard', 'express'],
      meetingPromise: ['standard', 'express'],
      unavailable: [],
      tieBreak: null,
    })
  })

  it('takes the fastest when no service meets the promise', () => {
    const r = rateShop({ quotes, shipDate: FRIDAY, promisedBy: '2026-11-20' })
    expect(r).toMatchObject({ ok: true, default: 'express', explanation: { rule: 'fastest_none_meet_promise', meetingPromise: [] } })
  })

  it('takes the cheapest when the order has no promised date', () => {
    const r = rateShop({ quotes, shipDate: FRIDAY })
    expect(r).toMatchObject({ ok: true, default: 'economy', explanation: { rule: 'cheapest', promisedBy: null } })
    expect(r.options.every((o) => o.available && o.meetsPromise === null)).toBe(true)
  })

  it('breaks price ties by the earlier delivery, then by service code', () => {
    const tie = rateShop({ quotes: [svc('b', q(500, 3)), svc('a', q(500, 2))], shipDate: FRIDAY })
    expect(tie).toMatchObject({ default: 'a', explanation: { tieBreak: 'earlier_delivery' } })
    const same = rateShop({ quotes: [svc('b', q(500, 2)), svc('a', q(500, 2))], shipDate: FRIDAY })
    expect(same).toMatchObject({ default: 'a', explanation: { tieBreak: 'service_code' } })
    const fast = rateShop({ quotes: [svc('x', q(900, 1)), svc('y', q(800, 1))], shipDate: FRIDAY, promisedBy: FRIDAY })
    expect(fast).toMatchObject({ default: 'y', explanation: { rule: 'fastest_none_meet_promise', tieBreak: 'lower_cost' } })
  })

  it('lists services that cannot ship, with their reason, and never picks them', () => {
    const r = rateShop({
      quotes: [svc('freight', { ok: false, reason: 'no_zone', detail: 'no zone covers JP' }), svc('post', q(900, 4))],
      shipDate: FRIDAY,
    })
    expect(r).toMatchObject({ ok: true, default: 'post', explanation: { unavailable: [{ service: 'freight', reason: 'no_zone' }] } })
    expect(r.options[0]).toEqual({ service: 'freight', available: false, reason: 'no_zone', detail: 'no zone covers JP' })
    expect(rateShop({ quotes: [svc('freight', { ok: false, reason: 'no_parcels' })], shipDate: FRIDAY })).toMatchObject({ ok: false, reason: 'no_service_available' })
  })

  it('refuses to compare prices in different currencies', () => {
    const r = rateShop({ quotes: [svc('a', q(500, 1, 'EUR')), svc('b', q(500, 1, 'USD'))], shipDate: FRIDAY })
    expect(r).toMatchObject({ ok: false, reason: 'mixed_currencies', currencies: ['EUR', 'USD'] })
  })

  it('never picks a dearer service that meets the promise over a cheaper one that does, nor a late one over a punctual one', () => {
    const quoteArb = fc.record({ amount: fc.integer({ min: 0, max: 5000 }), transit: fc.integer({ min: 0, max: 10 }) })
    fc.assert(
      fc.property(fc.array(quoteArb, { minLength: 1, maxLength: 6 }), fc.integer({ min: 0, max: 14 }), (qs, promiseIn) => {
        const promisedBy = new Date(Date.parse(FRIDAY) + promiseIn * 86_400_000).toISOString().slice(0, 10)
        const r = rateShop({ quotes: qs.map((x, i) => svc(`s${i}`, q(x.amount, x.transit))), shipDate: FRIDAY, promisedBy })
        expect(r.ok).toBe(true)
        if (!r.ok) return
        const opts = r.options.filter((o) => o.available)
        const chosen = opts.find((o) => o.service === r.default)!
        const meeting = opts.filter((o) => o.meetsPromise)
        if (meeting.length > 0) {
          expect(chosen.meetsPromise).toBe(true)
          for (const o of meeting) expect(chosen.amount).toBeLessThanOrEqual(o.amount)
        } else {
          for (const o of opts) expect(chosen.deliveryDate <= o.deliveryDate).toBe(true)
        }
      }),
    )
  })
})
