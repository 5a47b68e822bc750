import { describe, expect, it } from 'vitest'
import { addLots, parseLots, promisedDateOf, takeLots } from './fulfillment-orders.js'

describe('staged lots', () => {
  it('adds units to their lot and keeps the earliest expiry first, unlotted last', () => {
    let lots = addLots('[]', [{ lot: '', expiresOn: null, quantity: 2 }])
    lots = addLots(lots, [{ lot: 'L-DEC', expiresOn: '2026-12-31', quantity: 1 }, { lot: 'L-NOV', expiresOn: '2026-11-20', quantity: 2 }])
    lots = addLots(lots, [{ lot: 'L-DEC', expiresOn: '2026-12-31', quantity: 3 }, { lot: 'L-X', expiresOn: null, quantity: 0 }])
    expect(parseLots(lots).map((l) => [l.lot, l.quantity])).toEqual([['L-NOV', 2], ['L-DEC', 4], ['', 2]])
  })

  it('takes units first-expiry-first-out for packages and latest-first for put-away', () => {
    const lots = addLots('[]', [{ lot: 'A', expiresOn: '2026-11-20', quantity: 2 }, { lot: 'B', expiresOn: '2026-12-31', quantity: 3 }])
    const packed = takeLots(lots, 3)
    expect(packed.taken.map((l) => [l.lot, l.quantity])).toEqual([['A', 2], ['B', 1]])
    expect(parseLots(packed.left).map((l) => [l.lot, l.quantity])).toEqual([['B', 2]])
    const back = takeLots(lots, 4, true)
    expect(back.taken.map((l) => [l.lot, l.quantity])).toEqual([['B', 3], ['A', 1]])
    expect(parseLots(back.left)).toEqual([{ lot: 'A', expiresOn: '2026-11-20', quantity: 1 }])
  })

  it('refuses to take more units than staging holds for the line', () => {
    expect(() => takeLots(addLots('[]', [{ lot: '', expiresOn: null, quantity: 1 }]), 2)).toThrow(/staging holds 1 of 2/)
  })
})

describe('promisedDateOf', () => {
  it('keeps a date and turns a timestamp into its UTC date, so promises compare as text', () => {
    expect(promisedDateOf('2026-11-05')).toBe('2026-11-05')
    expect(promisedDateOf('2026-11-05T00:30:00+02:00')).toBe('2026-11-04')
    expect(promisedDateOf(null)).toBeNull()
  })
})
