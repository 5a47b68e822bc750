import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import type { AllocationRequest, CandidateLocation } from './allocate.js'
import { DEFAULT_POLICY, FILTERS, RANKERS, routingPolicySchema, type RoutingPolicy, type RoutingPolicyInput } from './policy.js'
import { compilePolicy, type RoutingEnv } from './route.js'

const loc = (code: string, over: Partial<CandidateLocation> = {}): CandidateLocation => ({
  id: `loc_${code}`,
  code,
  active: true,
  priority: 100,
  latitude: null,
  longitude: null,
  country: 'DE',
  type: 'warehouse',
  ...over,
})
// Hamburg customer; Hamburg, Berlin and Munich warehouses.
const HAMBURG = { latitude: 53.55, longitude: 10.0 }
const HAM = loc('HAM', { latitude: 53.546, longitude: 9.966, priority: 30 })
const BER = loc('BER', { latitude: 52.52, longitude: 13.405, priority: 20 })
const MUC = loc('MUC', { latitude: 48.137, longitude: 11.575, priority: 10 })

const policy = (over: Partial<RoutingPolicyInput> = {}): RoutingPolicy => routingPolicySchema.parse({ rankers: [{ code: 'distance', weight: 1 }], ...over })
const stockOf = (table: Record<string, Record<string, number>>) => (p: string, l: string) => table[l]?.[p] ?? 0
const everywhere = (qty: number, ...products: string[]) => (p: string) => (products.includes(p) ? qty : 0)
const env = (over: Partial<RoutingEnv> = {}): RoutingEnv => ({ channel: 'web', estimateCost: null, ...over })
const route = (p: RoutingPolicy, req: Partial<AllocationRequest>, e: Partial<RoutingEnv> = {}) =>
  compilePolicy(p, { scope: 'default', version: 1 })
    .strategy(env(e))
    .allocate({
      lines: [{ lineId: 'l1', productId: 'A', quantity: 1 }],
      destination: { country: 'DE', ...HAMBURG },
      locations: [HAM, BER, MUC],
      available: everywhere(10, 'A', 'B', 'C', 'D'),
      ...req,
    })
const shippedFrom = (plan: ReturnType<typeof route>) => [...new Set(plan.allocations.map((a) => a.locationId.replace('loc_', '')))]

describe('policy routing: filters', () => {
  it('removes locations by each filter, naming the first that removed it, and keeps the rest as ranked candidates', () => {
    const p = policy({
      filters: [{ code: 'active' }, { code: 'excluded' }, { code: 'channel' }, { code: 'country' }],
      excludedLocations: ['OLD'],
      locations: [
        { code: 'B2B', channels: ['wholesale'] },
        { code: 'CH1', countries: ['CH', 'AT'] },
        { type: 'store', domesticOnly: true },
      ],
    })
    const plan = route(
      p,
      {
        destination: { country: 'AT', latitude: 48.2, longitude: 16.37 }, // Vienna
        locations: [
          HAM,
          loc('OFF', { active: false }),
          loc('OLD'),
          loc('B2B'),
          loc('CH1', { latitude: 47.37, longitude: 8.54 }),
          loc('SHOP', { type: 'store' }),
          loc('RETRY'),
          loc('EMPTY'),
          loc('OFF2', { active: false, code: 'OLD' }),
        ],
        excludeLocationIds: ['loc_RETRY'],
        available: stockOf({ loc_HAM: { A: 5 }, loc_CH1: { A: 5 }, loc_B2B: { A: 5 }, loc_SHOP: { A: 5 }, loc_RETRY: { A: 5 }, loc_OLD: { A: 5 } }),
      },
      { channel: 'web' },
    )
    expect(plan.explanation.filtered).toEqual([
      { location: 'OFF', filter: 'active', detail: 'inactive' },
      { location: 'OLD', filter: 'excluded', detail: 'excluded by the policy' },
      { location: 'B2B', filter: 'channel', detail: 'ships only for channel wholesale, not web' },
      { location: 'SHOP', filter: 'country', detail: 'ships only within DE' },
      { location: 'RETRY', filter: 'excluded', detail: 'excluded for this attempt' },
      { location: 'EMPTY', filter: 'stock', detail: 'holds none of the ordered items' },
      // Inactive and excluded: the filter listed first names it.
      { location: 'OLD', filter: 'active', detail: 'inactive' },
    ])
    expect(plan.explanation.candidates.map((c) => c.location)).toEqual(['CH1', 'HAM'])
    expect(shippedFrom(plan)).toEqual(['CH1'])

    // Reordered filters: the same location is now reported by the filter that runs first.
    const swapped = route({ ...p, filters: [{ code: 'excluded' }, { code: 'active' }] }, { locations: [loc('OLD', { active: false }), HAM] })
    expect(swapped.explanation.filtered).toEqual([{ location: 'OLD', filter: 'excluded', detail: 'excluded by the policy' }])
  })

  it('applies active and excluded even when a policy does not list them', () => {
    const plan = route(policy({ filters: [], excludedLocations: ['BER'] }), { locations: [loc('OFF', { active: false }), BER, HAM] })
    expect(plan.explanation.filtered.map((f) => [f.location, f.filter])).toEqual([
      ['OFF', 'active'],
      ['BER', 'excluded'],
    ])
  })

  it('covers_line: a line ships whole from one location, never split by quantity', () => {
    const req = { lines: [{ lineId: 'l1', productId: 'A', quantity: 10 }], available: stockOf({ loc_HAM: { A: 6 }, loc_BER: { A: 4 } }) }
    const loose = route(policy(), req)
    expect(loose.allocations.map((a) => [a.locationId, a.quantity])).toEqual([
      ['loc_HAM', 6],
      ['loc_BER', 4],
    ])
    const strict = route(policy({ filters: [{ code: 'active' }, { code: 'covers_line' }] }), req)
    expect(strict.allocations).toEqual([])
    expect(strict.backorders).toEqual([{ lineId: 'l1', quantity: 10 }])
    expect(strict.explanation.filtered).toEqual([
      { location: 'HAM', filter: 'covers_line', detail: 'cannot ship any line complete' },
      { location: 'BER', filter: 'covers_line', detail: 'cannot ship any line complete' },
      { location: 'MUC', filter: 'stock', detail: 'holds none of the ordered items' },
    ])
  })
})

describe('policy routing: rankers', () => {
  // Hamburg is nearest, Munich cheapest (a contract rate), Berlin has the best priority.
  const locations = [HAM, loc('BER', { ...BER, priority: 1 }), MUC]
  const prices: Record<string, number> = { loc_HAM: 900, loc_BER: 800, loc_MUC: 450 }
  const estimateCost: RoutingEnv['estimateCost'] = (q) => prices[q.originLocationId] ?? null
  const winner = (rankers: RoutingPolicy['rankers']) => shippedFrom(route(policy({ rankers }), { locations }, { estimateCost }))[0]

  it('weights change the winner', () => {
    expect(winner([{ code: 'distance', weight: 1 }])).toBe('HAM')
    expect(winner([{ code: 'cost', weight: 1 }])).toBe('MUC')
    expect(winner([{ code: 'priority', weight: 1 }])).toBe('BER')
    // Hamburg wins distance by far; Munich wins cost by half: cost weighted 3:1 carries it.
    expect(winner([{ code: 'distance', weight: 1 }, { code: 'cost', weight: 3 }])).toBe('MUC')
    expect(winner([{ code: 'distance', weight: 3 }, { code: 'cost', weight: 1 }])).toBe('HAM')
  })

  it('explains every candidate with its value and normalised score per ranker, its total and rank', () => {
    const plan = route(policy({ rankers: [{ code: 'distance', weight: 1 }, { code: 'cost', weight: 1 }, { code: 'priority', weight: 0 }] }), { locations }, { estimateCost })
    const { candidates, rankers } = plan.explanation
    expect(rankers).toEqual([
      { code: 'distance', weight: 1, measured: true },
      { code: 'cost', weight: 1, measured: true },
    ])
    expect(candidates.map((c) => c.rank)).toEqual([1, 2, 3])
    const byCode = Object.fromEntries(candidates.map((c) => [c.location, c]))
    expect(byCode.MUC.scores.cost).toEqual({ value: 450, score: 1 })
    expect(byCode.HAM.scores.cost).toEqual({ value: 900, score: 0.5 }) // 1 - (900 - 450) / 900
    expect(byCode.HAM.scores.distance).toMatchObject({ score: 1 })
    expect(byCode.HAM.scores.distance!.value).toBeLessThan(5)
    expect(byCode.MUC.scores.distance!.value).toBeGreaterThan(600)
    for (const c of candidates) {
      expect(c.total).toBeCloseTo((c.scores.distance!.score + c.scores.cost!.score) / 2, 2)
      expect(c.scores.priority).toBeUndefined() // weight 0: not used
    }
    expect(candidates[0].total).toBeGreaterThanOrEqual(candidates[1].total)
  })

  it('a location without a rate scores worst on cost; with no rates at all the cost ranker does not count', () => {
    const partial = route(policy({ rankers: [{ code: 'cost', weight: 1 }] }), { locations }, { estimateCost: (q) => (q.originLocationId === 'loc_MUC' ? null : 500) })
    const muc = partial.explanation.candidates.find((c) => c.location === 'MUC')!
    expect(muc.scores.cost).toEqual({ value: null, score: 0 })
    expect(partial.explanation.candidates.at(-1)!.location).toBe('MUC')

    const none = route(policy({ rankers: [{ code: 'cost', weight: 5 }, { code: 'priority', weight: 1 }] }), { locations }, { estimateCost: () => null })
    expect(none.explanation.rankers).toContainEqual({ code: 'cost', weight: 5, measured: false })
    expect(shippedFrom(none)).toEqual(['BER']) // priority alone decides
    expect(none.explanation.candidates[0].total).toBe(1)
  })

  it('prices the order\'s weight from each origin to the located destination', () => {
    const seen: unknown[] = []
    route(
      policy({ rankers: [{ code: 'cost', weight: 1 }] }),
      { lines: [{ lineId: 'l1', productId: 'A', quantity: 3, weightGrams: 250 }], destination: { country: 'US', region: 'ca', postalCode: '94103' }, locations: [HAM] },
      { estimateCost: (q) => (seen.push(q), 100) },
    )
    expect(seen).toEqual([{ originLocationId: 'loc_HAM', destination: { country: 'US', region: 'ca', postalCode: '94103', latitude: 37.2, longitude: -119.5 }, weightGrams: 750 }])
  })

  it('balance: ships from where the order takes the smallest share of the stock', () => {
    const plan = route(policy({ rankers: [{ code: 'balance', weight: 1 }] }), {
      lines: [{ lineId: 'l1', productId: 'A', quantity: 4 }],
      available: stockOf({ loc_HAM: { A: 5 }, loc_BER: { A: 40 }, loc_MUC: { A: 8 } }),
    })
    expect(shippedFrom(plan)).toEqual(['BER'])
    expect(plan.explanation.candidates.find((c) => c.location === 'HAM')!.scores.balance!.value).toBe(0.8)
  })
})

describe('policy routing: split rules', () => {
  const req = {
    lines: [
      { lineId: 'l1', productId: 'A', quantity: 1 },
      { lineId: 'l2', productId: 'B', quantity: 1 },
      { lineId: 'l3', productId: 'C', quantity: 1 },
    ],
    locations: [HAM, BER, MUC],
    // Near Hamburg has A, Berlin B, Munich (far) has everything.
    available: stockOf({ loc_HAM: { A: 1 }, loc_BER: { B: 1 }, loc_MUC: { A: 1, B: 1, C: 1 } }),
  }

  it('prefers one location that ships everything, however far, unless told otherwise', () => {
    expect(shippedFrom(route(policy(), req))).toEqual(['MUC'])
    const splitty = route(policy({ split: { preferSingleLocation: false } }), req)
    expect(shippedFrom(splitty)).toEqual(['HAM', 'BER', 'MUC'])
    expect(splitty.explanation.decision).toBe('split')
    // The fewest-shipments ranker weighs it back to one shipment.
    const weighed = route(policy({ split: { preferSingleLocation: false }, rankers: [{ code: 'distance', weight: 1 }, { code: 'shipments', weight: 5 }] }), req)
    expect(shippedFrom(weighed)).toEqual(['MUC'])
  })

  it('without splitting ships complete from one location or backorders the whole order', () => {
    const noSplit = policy({ split: { allowed: false } })
    expect(shippedFrom(route(noSplit, req))).toEqual(['MUC'])
    const short = { ...req, available: stockOf({ loc_HAM: { A: 1 }, loc_BER: { B: 1, C: 1 } }) }
    const plan = route(noSplit, short)
    expect(plan.allocations).toEqual([])
    expect(plan.backorders.map((b) => b.quantity)).toEqual([1, 1, 1])
    expect(plan.explanation).toMatchObject({ decision: 'backorder', split: { allowed: false, maxShipments: 1 } })
    expect(plan.explanation.reason).toContain('the policy does not allow splitting')
    // The policy allows it, this order does not (the customer asked for one parcel).
    const perOrder = route(policy(), { ...short, allowSplit: false })
    expect(perOrder.allocations).toEqual([])
    expect(perOrder.explanation.reason).toContain('this order does not allow splitting')
    expect(shippedFrom(route(policy(), short))).toEqual(['HAM', 'BER']) // splitting allowed: nearest first
  })

  it('ships from at most maxShipments locations and backorders the rest', () => {
    const four = {
      lines: ['A', 'B', 'C', 'D'].map((p, i) => ({ lineId: `l${i}`, productId: p, quantity: 2 })),
      locations: [HAM, BER, MUC, loc('FRA', { latitude: 50.11, longitude: 8.68 })],
      available: stockOf({ loc_HAM: { A: 2 }, loc_BER: { B: 2 }, loc_MUC: { C: 2 }, loc_FRA: { D: 2 } }),
    }
    const plan = route(policy({ split: { maxShipments: 2 } }), four)
    expect(shippedFrom(plan)).toEqual(['HAM', 'BER'])
    expect(plan.backorders).toEqual([
      { lineId: 'l2', quantity: 2 },
      { lineId: 'l3', quantity: 2 },
    ])
    expect(plan.explanation.decision).toBe('partial_backorder')
    expect(plan.explanation.reason).toContain('at most 2 shipments')
  })
})

describe('policy routing: properties', () => {
  const locations = ['L1', 'L2', 'L3', 'L4', 'L5'].map((c, i) =>
    loc(c, { priority: i * 10, active: i !== 4, latitude: i === 2 ? null : 48 + i, longitude: i === 2 ? null : 8 + i, type: i === 3 ? 'store' : 'warehouse' }),
  )
  const products = ['A', 'B', 'C']
  const arbPolicy = fc.record({
    filters: fc.subarray([...FILTERS]).map((fs) => fs.map((code) => ({ code }))),
    rankers: fc.subarray([...RANKERS], { minLength: 1 }).chain((codes) => fc.tuple(...codes.map((code) => fc.integer({ min: 1, max: 5 }).map((weight) => ({ code, weight }))))),
    split: fc.record({ allowed: fc.boolean(), maxShipments: fc.integer({ min: 1, max: 5 }), preferSingleLocation: fc.boolean() }),
    excludedLocations: fc.subarray(['L1', 'L2']),
    locations: fc.constantFrom([], [{ code: 'L2', channels: ['b2b'] }], [{ type: 'store', countries: ['AT'] }]),
  })
  const arb = fc.record({
    policy: arbPolicy,
    lines: fc.array(fc.record({ productId: fc.constantFrom(...products), quantity: fc.integer({ min: 1, max: 8 }), weightGrams: fc.integer({ min: 0, max: 5000 }) }), { minLength: 0, maxLength: 6 }),
    stock: fc.array(fc.array(fc.integer({ min: -1, max: 6 }), { minLength: 3, maxLength: 3 }), { minLength: 5, maxLength: 5 }),
    withCoords: fc.boolean(),
    allowSplit: fc.option(fc.boolean(), { nil: undefined }),
    exclude: fc.subarray(locations.map((l) => l.id)),
    channel: fc.constantFrom('web', 'b2b', null),
  })

  it('never allocates more than is available, accounts for every unit, keeps the split rules and explains every location', () => {
    fc.assert(
      fc.property(arb, ({ policy: p, lines, stock, withCoords, allowSplit, exclude, channel }) => {
        const compiled = compilePolicy(routingPolicySchema.parse(p), { scope: 'default', version: 1 })
        const req: AllocationRequest = {
          lines: lines.map((l, i) => ({ lineId: `l${i}`, ...l })),
          destination: withCoords ? { country: 'DE', latitude: 50, longitude: 9 } : { country: 'DE' },
          locations,
          available: (pid, lid) => stock[locations.findIndex((x) => x.id === lid)][products.indexOf(pid)],
          allowSplit,
          excludeLocationIds: exclude,
        }
        const plan = compiled.strategy({ channel, estimateCost: (q) => (q.originLocationId === 'loc_L1' ? null : q.weightGrams) }).allocate(req)
        for (const l of req.lines) {
          const allocated = plan.allocations.filter((a) => a.lineId === l.lineId).reduce((s, a) => s + a.quantity, 0)
          const backordered = plan.backorders.find((b) => b.lineId === l.lineId)?.quantity ?? 0
          expect(allocated + backordered).toBe(l.quantity)
        }
        const used = new Map<string, number>()
        for (const a of plan.allocations) {
          expect(a.quantity).toBeGreaterThan(0)
          const location = locations.find((x) => x.id === a.locationId)!
          expect(location.active).toBe(true)
          expect(exclude).not.toContain(location.id)
          expect(p.excludedLocations).not.toContain(location.code)
          used.set(`${a.productId}@${a.locationId}`, (used.get(`${a.productId}@${a.locationId}`) ?? 0) + a.quantity)
        }
        for (const [k, q] of used) {
          const [pid, lid] = k.split('@')
          expect(q).toBeLessThanOrEqual(req.available(pid, lid))
        }
        const shippers = new Set(plan.allocations.map((a) => a.locationId))
        const splitAllowed = p.split.allowed && allowSplit !== false
        expect(shippers.size).toBeLessThanOrEqual(splitAllowed ? p.split.maxShipments : 1)
        if (!splitAllowed && plan.allocations.length) expect(plan.backorders).toEqual([])
        expect(plan.explanation.shipments.map((s) => `loc_${s.location}`)).toEqual([...shippers])

        // Every location is either a ranked candidate or filtered, once; ranks run 1..n.
        const seen = [...plan.explanation.candidates.map((c) => c.location), ...plan.explanation.filtered.map((f) => f.location)]
        if (req.lines.length) expect(seen.sort()).toEqual(locations.map((l) => l.code).sort())
        expect(plan.explanation.candidates.map((c) => c.rank)).toEqual(plan.explanation.candidates.map((_, i) => i + 1))
        for (const c of plan.explanation.candidates) {
          expect(c.total).toBeGreaterThanOrEqual(0)
          expect(c.total).toBeLessThanOrEqual(1)
          expect(Object.keys(c.scores).sort()).toEqual(p.rankers.map((r) => r.code).sort())
        }
      }),
      { numRuns: 300 },
    )
  })

  it('the default policy is valid as stored and as the built-in', () => {
    expect(routingPolicySchema.parse(DEFAULT_POLICY)).toEqual(DEFAULT_POLICY)
  })
})
