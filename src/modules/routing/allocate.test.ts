import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import type { AllocationRequest, CandidateLocation } from './allocate.js'
import { DEFAULT_POLICY } from './policy.js'
import { compilePolicy } from './route.js'

// The policy in force until one is stored, without shipping rates: ship complete from the nearest
// location that can, else split across the fewest.
const builtIn = compilePolicy(DEFAULT_POLICY, { scope: 'default', version: 0 }).strategy({ channel: 'web', estimateCost: null })

const loc = (code: string, priority: number, latitude: number | null = null, longitude: number | null = null, active = true): CandidateLocation => ({
  id: `loc_${code}`,
  code,
  priority,
  latitude,
  longitude,
  active,
})
// Berlin, Munich, Hamburg
const BER = loc('BER', 30, 52.52, 13.405)
const MUC = loc('MUC', 10, 48.137, 11.575)
const HAM = loc('HAM', 20, 53.551, 9.993)

const stockOf = (table: Record<string, Record<string, number>>) => (p: string, l: string) => table[l]?.[p] ?? 0

describe('the built-in default policy', () => {
  it('ships from the nearest location that has everything', () => {
    const plan = builtIn.allocate({
      lines: [{ lineId: 'l1', productId: 'A', quantity: 2 }],
      destination: { country: 'DE', latitude: 53.55, longitude: 10.0 }, // Hamburg
      locations: [BER, MUC, HAM],
      available: stockOf({ loc_BER: { A: 5 }, loc_MUC: { A: 5 }, loc_HAM: { A: 5 } }),
    })
    expect(plan.allocations).toEqual([{ lineId: 'l1', productId: 'A', locationId: 'loc_HAM', quantity: 2 }])
    expect(plan.explanation.decision).toBe('single_location')
    expect(plan.explanation.destination).toMatchObject({ source: 'address' })
    expect(plan.explanation.candidates[0]).toMatchObject({ location: 'HAM', rank: 1, coversAll: true })
    expect(plan.explanation.candidates[0].scores.distance).toEqual({ value: expect.closeTo(0.5, 0), score: 1 })
  })

  it('without coordinates measures from the country centre, and skips locations that cannot cover everything', () => {
    const plan = builtIn.allocate({
      lines: [
        { lineId: 'l1', productId: 'A', quantity: 1 },
        { lineId: 'l2', productId: 'B', quantity: 1 },
      ],
      destination: { country: 'DE' },
      locations: [BER, MUC, HAM],
      available: stockOf({ loc_MUC: { A: 9 }, loc_HAM: { A: 1, B: 1 }, loc_BER: { A: 1, B: 1 } }),
    })
    // Berlin is a little nearer the centre of Germany, Hamburg has the better priority: priority tips it.
    expect(new Set(plan.allocations.map((a) => a.locationId))).toEqual(new Set(['loc_HAM']))
    expect(plan.explanation.destination.source).toBe('country')
    expect(plan.explanation.candidates.map((c) => [c.location, c.coversAll])).toEqual([['HAM', true], ['BER', true], ['MUC', false]])
  })

  it('splits with the fewest locations and backorders what nobody has', () => {
    const plan = builtIn.allocate({
      lines: [
        { lineId: 'l1', productId: 'A', quantity: 3 },
        { lineId: 'l2', productId: 'B', quantity: 2 },
        { lineId: 'l3', productId: 'C', quantity: 1 },
      ],
      destination: { country: 'DE' },
      locations: [BER, MUC, HAM, loc('OFF', 1, null, null, false)],
      available: stockOf({ loc_MUC: { A: 3 }, loc_HAM: { B: 2, A: 1 }, loc_BER: { B: 1 }, loc_OFF: { C: 9 } }),
    })
    // Hamburg (3 units, nearer the centre) first, Munich for the rest of A; C only at the inactive OFF.
    expect(plan.allocations).toEqual([
      { lineId: 'l1', productId: 'A', locationId: 'loc_HAM', quantity: 1 },
      { lineId: 'l2', productId: 'B', locationId: 'loc_HAM', quantity: 2 },
      { lineId: 'l1', productId: 'A', locationId: 'loc_MUC', quantity: 2 },
    ])
    expect(plan.backorders).toEqual([{ lineId: 'l3', quantity: 1 }])
    expect(plan.explanation.decision).toBe('partial_backorder')
    expect(plan.explanation.shipments.map((s) => s.location)).toEqual(['HAM', 'MUC'])
    expect(plan.explanation.filtered).toEqual([{ location: 'OFF', filter: 'active', detail: 'inactive' }])
  })

  it('never promises more than is available, and accounts for every unit', () => {
    const locations = ['L1', 'L2', 'L3', 'L4'].map((c, i) => loc(c, i, 40 + i, 10 - i, i !== 3))
    const arb = fc.record({
      lines: fc.array(fc.record({ productId: fc.constantFrom('A', 'B', 'C'), quantity: fc.integer({ min: 1, max: 8 }) }), { minLength: 1, maxLength: 6 }),
      stock: fc.array(fc.array(fc.integer({ min: 0, max: 6 }), { minLength: 3, maxLength: 3 }), { minLength: 4, maxLength: 4 }),
      withCoords: fc.boolean(),
    })
    fc.assert(
      fc.property(arb, ({ lines, stock, withCoords }) => {
        const products = ['A', 'B', 'C']
        const req: AllocationRequest = {
          lines: lines.map((l, i) => ({ lineId: `l${i}`, ...l })),
          destination: withCoords ? { country: 'DE', latitude: 41, longitude: 9 } : { country: 'DE' },
          locations,
          available: (p, l) => stock[locations.findIndex((x) => x.id === l)][products.indexOf(p)],
        }
        const plan = builtIn.allocate(req)
        for (const l of req.lines) {
          const allocated = plan.allocations.filter((a) => a.lineId === l.lineId).reduce((s, a) => s + a.quantity, 0)
          const backordered = plan.backorders.find((b) => b.lineId === l.lineId)?.quantity ?? 0
          expect(allocated + backordered).toBe(l.quantity)
        }
        const used = new Map<string, number>()
        for (const a of plan.allocations) {
          expect(a.quantity).toBeGreaterThan(0)
          expect(locations.find((x) => x.id === a.locationId)!.active).toBe(true)
          used.set(`${a.productId}@${a.locationId}`, (used.get(`${a.productId}@${a.locationId}`) ?? 0) + a.quantity)
        }
        for (const [k, q] of used) {
          const [p, l] = k.split('@')
          expect(q).toBeLessThanOrEqual(req.available(p, l))
        }
        if (plan.explanation.decision === 'single_location') expect(new Set(plan.allocations.map((a) => a.locationId)).size).toBe(1)
        // Backorder only when the active locations together cannot cover the demand of that product.
        for (const b of plan.backorders) {
          const p = req.lines.find((l) => l.lineId === b.lineId)!.productId
          const total = locations.filter((x) => x.active).reduce((s, x) => s + req.available(p, x.id), 0)
          const demand = req.lines.filter((l) => l.productId === p).reduce((s, l) => s + l.quantity, 0)
          expect(total).toBeLessThan(demand)
        }
      }),
    )
  })
})
