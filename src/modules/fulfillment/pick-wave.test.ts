import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { planPickWave, type BinStock, type WaveFulfillmentOrder } from './pick-wave.js'

const fo = (id: string, priority: number, lines: WaveFulfillmentOrder['lines'], promisedDate?: string): WaveFulfillmentOrder => ({ id, priority, promisedDate, lines })
const line = (lineId: string, sku: string, quantity: number, lotTracked = false) => ({ lineId, sku, quantity, lotTracked })
const bin = (sku: string, b: string, pickSequence: number, onHand: number, lot: string | null = null, expiresOn: string | null = null): BinStock => ({ sku, bin: b, lot, expiresOn, onHand, pickSequence })

describe('planPickWave', () => {
  it('releases by priority, then earliest promise (none last), then id, up to the order count', () => {
    const orders = [
      fo('fo_d', 2, [line('d1', 'A', 1)]),
      fo('fo_c', 1, [line('c1', 'A', 1)]),
      fo('fo_b', 1, [line('b1', 'A', 1)], '2025-03-02'),
      fo('fo_a', 1, [line('a1', 'A', 1)], '2025-03-01'),
    ]
    const wave = planPickWave({ fulfillmentOrders: orders, stock: [bin('A', 'A-01', 1, 10)], maxOrders: 3 })
    expect(wave.fulfillmentOrderIds).toEqual(['fo_a', 'fo_b', 'fo_c'])
    expect(wave.deferred).toEqual([{ fulfillmentOrderId: 'fo_d', reason: 'max_orders' }])
  })

  it('takes plain items from the lowest pick sequence first, then the next bin', () => {
    const wave = planPickWave({
      fulfillmentOrders: [fo('fo_1', 1, [line('l1', 'A', 5)])],
      stock: [bin('A', 'C-09', 30, 10), bin('A', 'A-02', 2, 3), bin('A', 'B-05', 15, 10)],
    })
    expect(wave.pickLines.map((p) => [p.bin, p.quantity])).toEqual([['A-02', 3], ['B-05', 2]])
  })

  it('picks lot-tracked items first-expiry-first-out, undated lots last, even against the walk', () => {
    const wave = planPickWave({
      fulfillmentOrders: [fo('fo_1', 1, [line('l1', 'MILK', 7, true)])],
      stock: [
        bin('MILK', 'A-01', 1, 5, 'L-NODATE', null),
        bin('MILK', 'B-01', 20, 3, 'L-APR', '2025-04-10'),
        bin('MILK', 'C-01', 30, 3, 'L-MAR', '2025-03-10'),
        bin('MILK', 'D-01', 40, 9, 'L-OLD', '2025-01-01'),
      ],
      today: '2025-02-01',
    })
    // L-OLD has expired: quarantined, not picked. Lines come back in walk order.
    expect(wave.pickLines.map((p) => [p.lot, p.quantity])).toEqual([['L-NODATE', 1], ['L-APR', 3], ['L-MAR', 3]])
    expect(wave.shortfalls).toEqual([])
  })

  it('aggregates one pick line per sku × bin × lot, with the quantity per fulfillment order', () => {
    const wave = planPickWave({
      fulfillmentOrders: [fo('fo_1', 1, [line('l1', 'A', 2), line('l2', 'B', 1)]), fo('fo_2', 2, [line('l3', 'A', 3)])],
      stock: [bin('A', 'A-01', 5, 10), bin('B', 'A-00', 1, 10)],
    })
    expect(wave.pickLines).toEqual([
      { sku: 'B', bin: 'A-00', lot: null, expiresOn: null, pickSequence: 1, quantity: 1, orders: [{ fulfillmentOrderId: 'fo_1', lineId: 'l2', quantity: 1 }] },
      {
        sku: 'A', bin: 'A-01', lot: null, expiresOn: null, pickSequence: 5, quantity: 5,
        orders: [{ fulfillmentOrderId: 'fo_1', lineId: 'l1', quantity: 2 }, { fulfillmentOrderId: 'fo_2', lineId: 'l3', quantity: 3 }],
      },
    ])
  })

  it('reports units no bin holds as a shortfall per line, first come first served by release order', () => {
    const wave = planPickWave({
      fulfillmentOrders: [fo('fo_late', 5, [line('x', 'A', 4)]), fo('fo_urgent', 1, [line('y', 'A', 4)]), fo('fo_none', 3, [line('z', 'NOPE', 2)])],
      stock: [bin('A', 'A-01', 1, 6)],
    })
    expect(wave.lines).toEqual([
      { fulfillmentOrderId: 'fo_urgent', lineId: 'y', sku: 'A', requested: 4, picked: 4, short: 0 },
      { fulfillmentOrderId: 'fo_none', lineId: 'z', sku: 'NOPE', requested: 2, picked: 0, short: 2 },
      { fulfillmentOrderId: 'fo_late', lineId: 'x', sku: 'A', requested: 4, picked: 2, short: 2 },
    ])
    expect(wave.shortfalls).toEqual([
      { fulfillmentOrderId: 'fo_none', lineId: 'z', sku: 'NOPE', quantity: 2 },
      { fulfillmentOrderId: 'fo_late', lineId: 'x', sku: 'A', quantity: 2 },
    ])
  })

  it('fills the cart up to its capacity in release order without letting a later order jump the queue', () => {
    const stock = [bin('A', 'A-01', 1, 100)]
    const wave = planPickWave({
      fulfillmentOrders: [fo('fo_1', 1, [line('a', 'A', 4)]), fo('fo_2', 2, [line('b', 'A', 30)]), fo('fo_3', 3, [line('c', 'A', 5)]), fo('fo_4', 4, [line('d', 'A', 2)]), fo('fo_5', 5, [line('e', 'A', 1)])],
      stock,
      cartCapacityUnits: 10,
    })
    expect(wave.fulfillmentOrderIds).toEqual(['fo_1', 'fo_3'])
    expect(wave.deferred).toEqual([
      { fulfillmentOrderId: 'fo_2', reason: 'exceeds_cart_capacity' },
      { fulfillmentOrderId: 'fo_4', reason: 'cart_full' },
      { fulfillmentOrderId: 'fo_5', reason: 'cart_full' }, // fits, but must not overtake fo_4
    ])
    // Deferred orders hold no stock: the next wave still finds it.
    expect(wave.pickLines[0].quantity).toBe(9)
  })

  it('counts only units it can pick against the cart', () => {
    const wave = planPickWave({
      fulfillmentOrders: [fo('fo_1', 1, [line('a', 'A', 50)]), fo('fo_2', 2, [line('b', 'B', 5)])],
      stock: [bin('A', 'A-01', 1, 3), bin('B', 'B-01', 2, 5)],
      cartCapacityUnits: 10,
    })
    expect(wave.fulfillmentOrderIds).toEqual(['fo_1', 'fo_2'])
  })

  it('fills a cart measured in litres by the volume of what it picks', () => {
    const big = (lineId: string, quantity: number) => ({ ...line(lineId, 'BOX', quantity), unitLitres: 12.5 })
    const wave = planPickWave({
      fulfillmentOrders: [fo('fo_1', 1, [big('a', 2)]), fo('fo_2', 2, [big('b', 9)]), fo('fo_3', 3, [big('c', 3)]), fo('fo_4', 4, [line('d', 'PEN', 40)])],
      stock: [bin('BOX', 'A-01', 1, 100), bin('PEN', 'A-02', 2, 100)],
      cartCapacityLitres: 70,
    })
    // 25 l, then 112.5 l never fits, then 37.5 l brings it to 62.5 l; pens without dimensions take no room.
    expect(wave.fulfillmentOrderIds).toEqual(['fo_1', 'fo_3', 'fo_4'])
    expect(wave.deferred).toEqual([{ fulfillmentOrderId: 'fo_2', reason: 'exceeds_cart_capacity' }])
    const full = planPickWave({ fulfillmentOrders: [fo('fo_1', 1, [big('a', 5)]), fo('fo_2', 2, [big('b', 1)])], stock: [bin('BOX', 'A-01', 1, 100)], cartCapacityLitres: 70 })
    expect(full.deferred).toEqual([{ fulfillmentOrderId: 'fo_2', reason: 'cart_full' }])
  })
})

describe('planPickWave properties', () => {
  const skus = ['A', 'B', 'C', 'D']
  const lotTracked = (sku: string) => sku === 'A' || sku === 'C' // lot tracking is a property of the item
  const date = fc.integer({ min: 1, max: 28 }).map((d) => `2025-01-${String(d).padStart(2, '0')}`)
  const stockRow = fc.record({
    sku: fc.constantFrom(...skus),
    bin: fc.constantFrom('A-01', 'A-02', 'B-01', 'B-02', 'C-01'),
    lot: fc.option(fc.constantFrom('L1', 'L2', 'L3'), { nil: null }),
    expiresOn: fc.option(date, { nil: null }),
    onHand: fc.integer({ min: 0, max: 20 }),
    pickSequence: fc.integer({ min: 0, max: 50 }),
  })
  // One bin has one pick sequence and one lot has one expiry, as in a real warehouse.
  const stock = fc.array(stockRow, { maxLength: 15 }).map((rows) => {
    const seq = new Map<string, number>()
    const exp = new Map<string, string | null>()
    return rows.map((r) => {
      if (!seq.has(r.bin)) seq.set(r.bin, r.pickSequence)
      const lotKey = `${r.sku}/${r.lot}`
      if (!exp.has(lotKey)) exp.set(lotKey, r.expiresOn)
      return { ...r, pickSequence: seq.get(r.bin)!, expiresOn: exp.get(lotKey)! }
    })
  })
  const orders = fc
    .array(
      fc.record({
        priority: fc.integer({ min: 1, max: 3 }),
        promisedDate: fc.option(date, { nil: undefined }),
        lines: fc.array(fc.record({ sku: fc.constantFrom(...skus), quantity: fc.integer({ min: 0, max: 15 }) }), { minLength: 1, maxLength: 4 }),
      }),
      { maxLength: 8 },
    )
    .map((os) =>
      os.map((o, i) => ({ ...o, id: `fo_${i}`, lines: o.lines.map((l, j) => ({ ...l, lineId: `l_${i}_${j}`, lotTracked: lotTracked(l.sku) })) })),
    )
  const input = fc.record({
    fulfillmentOrders: orders,
    stock,
    maxOrders: fc.option(fc.integer({ min: 0, max: 8 }), { nil: undefined }),
    cartCapacityUnits: fc.option(fc.integer({ min: 0, max: 60 }), { nil: undefined }),
  })
  const key = (s: { sku: string; bin: string; lot: string | null }) => JSON.stringify([s.sku, s.bin, s.lot])

  it('never picks more than a bucket holds', () => {
    fc.assert(
      fc.property(input, (i) => {
        const held = new Map<string, number>()
        for (const s of i.stock) held.set(key(s), (held.get(key(s)) ?? 0) + s.onHand)
        const wave = planPickWave(i)
        const keys = new Set<string>()
        for (const p of wave.pickLines) {
          expect(keys.has(key(p))).toBe(false) // one line per sku × bin × lot
          keys.add(key(p))
          expect(p.quantity).toBeGreaterThan(0)
          expect(p.quantity).toBeLessThanOrEqual(held.get(key(p)) ?? 0)
          expect(p.orders.reduce((s, o) => s + o.quantity, 0)).toBe(p.quantity)
        }
      }),
    )
  })

  it('sorts pick lines by pick sequence so the picker walks once', () => {
    fc.assert(
      fc.property(input, (i) => {
        const seqs = planPickWave(i).pickLines.map((p) => p.pickSequence)
        expect(seqs).toEqual([...seqs].sort((a, b) => a - b))
      }),
    )
  })

  it('picked + short = requested on every line of the wave, and picks match the lines', () => {
    fc.assert(
      fc.property(input, (i) => {
        const wave = planPickWave(i)
        const pickedPerLine = new Map<string, number>()
        for (const p of wave.pickLines) for (const o of p.orders) pickedPerLine.set(o.lineId, (pickedPerLine.get(o.lineId) ?? 0) + o.quantity)
        const onWave = i.fulfillmentOrders.filter((o) => wave.fulfillmentOrderIds.includes(o.id))
        expect(wave.lines).toHaveLength(onWave.reduce((s, o) => s + o.lines.length, 0))
        for (const l of wave.lines) {
          expect(l.picked + l.short).toBe(l.requested)
          expect(pickedPerLine.get(l.lineId) ?? 0).toBe(l.picked)
        }
        expect(wave.shortfalls.reduce((s, x) => s + x.quantity, 0)).toBe(wave.lines.reduce((s, l) => s + l.short, 0))
        // Every open order is either on the wave or deferred, once.
        expect([...wave.fulfillmentOrderIds, ...wave.deferred.map((d) => d.fulfillmentOrderId)].sort()).toEqual(i.fulfillmentOrders.map((o) => o.id).sort())
        if (i.maxOrders !== undefined) expect(wave.fulfillmentOrderIds.length).toBeLessThanOrEqual(i.maxOrders)
        if (i.cartCapacityUnits !== undefined) expect(wave.lines.reduce((s, l) => s + l.picked, 0)).toBeLessThanOrEqual(i.cartCapacityUnits)
      }),
    )
  })

  it('respects FEFO: a lot is touched only once every earlier-expiring lot of the item is empty', () => {
    fc.assert(
      fc.property(input, (i) => {
        const wave = planPickWave(i)
        const left = new Map<string, { expiresOn: string | null; units: number; sku: string }>()
        for (const s of i.stock) {
          const e = left.get(key(s)) ?? { expiresOn: s.expiresOn, units: 0, sku: s.sku }
          e.units += s.onHand
          left.set(key(s), e)
        }
        for (const p of wave.pickLines) left.get(key(p))!.units -= p.quantity
        const rank = (d: string | null) => d ?? '9999'
        for (const p of wave.pickLines.filter((x) => lotTracked(x.sku))) {
          for (const b of left.values()) {
            if (b.sku === p.sku && rank(b.expiresOn) < rank(p.expiresOn)) expect(b.units).toBe(0)
          }
        }
      }),
    )
  })
})
