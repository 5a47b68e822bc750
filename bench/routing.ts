/**
 * Routing throughput, in memory: 100,000 orders of 1–5 lines over 50 locations and 10,000 SKUs,
 * routed one after another by the real policy strategy (every filter and ranker, shipping costs
 * quoted from a distance-zoned rate card), each order taking its units from the stock it was
 * routed to. No database, no HTTP. Prints figures; asserts nothing.
 *
 *   npx tsx bench/routing.ts [--orders N]
 */
import { parseArgs } from 'node:util'
import { pathToFileURL } from 'node:url'
import { compilePolicy, routingPolicySchema, type AllocationRequest, type CandidateLocation } from '../src/modules/routing/index.js'
import { quote, rateCardSchema, type CostEstimator, type Place } from '../src/modules/shipping/index.js'
import { Random } from '../src/seed/random.js'

const LOCATIONS = 50
const SKUS = 10_000

export interface RoutingBenchResult {
  orders: number
  ordersPerSecond: number
  seconds: number
  /** CPU time of this process per order: steadier than orders/s on a busy machine. */
  cpuMicrosPerOrder: number
  splitRate: number
  backorderRate: number
  shipmentsPerOrder: number
}

// A European parcel carrier priced by distance band and weight, with fuel on top.
const card = rateCardSchema.parse({
  currency: 'EUR',
  fuelSurchargePpm: 125_000,
  zones: [
    [0, 150, 1, [490, 590, 790, 1190]],
    [150, 500, 1, [590, 690, 890, 1390]],
    [500, 1000, 2, [690, 820, 1090, 1690]],
    [1000, 2000, 3, [890, 1090, 1490, 2190]],
    [2000, 20_000, 5, [1490, 1790, 2490, 3490]],
  ].map(([minKm, maxKm, transitDays, prices], i) => ({
    code: `Z${i + 1}`,
    match: { by: 'distance', minKm, maxKm },
    transitDays,
    weightBreaks: [1_000, 5_000, 10_000, 31_500].map((upToGrams, j) => ({ upToGrams, price: (prices as number[])[j] })),
    perExtraKg: 60,
  })),
})

const policy = routingPolicySchema.parse({
  filters: [{ code: 'active' }, { code: 'excluded' }, { code: 'channel' }, { code: 'country' }],
  rankers: [
    { code: 'distance', weight: 4 },
    { code: 'cost', weight: 4 },
    { code: 'shipments', weight: 2 },
    { code: 'priority', weight: 1 },
    { code: 'balance', weight: 1 },
  ],
  split: { allowed: true, maxShipments: 3, preferSingleLocation: true },
  // Stores ship only domestic web orders; one warehouse only for the marketplace.
  locations: [{ type: 'store', channels: ['web'], domesticOnly: true }, { code: 'L07', channels: ['marketplace'] }],
  excludedLocations: ['L13'],
})

export async function benchRouting(opts: { orders?: number; seed?: number } = {}): Promise<RoutingBenchResult> {
  const n = opts.orders ?? 100_000
  const rnd = new Random(opts.seed ?? 7)
  const countries = ['DE', 'DE', 'DE', 'FR', 'NL', 'AT', 'PL', 'IT']
  const point = () => ({ latitude: 43 + rnd.float() * 12, longitude: -1 + rnd.float() * 21 })
  const locations: CandidateLocation[] = Array.from({ length: LOCATIONS }, (_, i) => ({
    id: `loc_${i}`,
    code: `L${String(i).padStart(2, '0')}`,
    active: i % 23 !== 5,
    priority: rnd.int(1, 100),
    ...point(),
    type: i % 5 === 4 ? 'store' : 'warehouse',
    country: rnd.pick(countries),
  }))
  const locationIndex = new Map(locations.map((l, i) => [l.id, i]))
  const productIndex = new Map<string, number>()
  const weights = new Int32Array(SKUS)
  for (let s = 0; s < SKUS; s++) {
    productIndex.set(`prd_${s}`, s)
    weights[s] = rnd.int(50, 4_000)
  }
  // Assortment: the large warehouses carry most of the range, the small ones a part, stores the
  // best sellers; stock is deeper the better a SKU sells (low numbers sell most, see below).
  const initial = new Int32Array(SKUS * LOCATIONS)
  locations.forEach((l, i) => {
    const carries = l.type === 'store' ? 0.04 : i < 10 ? 0.7 : 0.2
    for (let s = 0; s < SKUS; s++) {
      if (rnd.chance(s < 500 ? Math.min(1, carries * 2) : carries)) initial[s * LOCATIONS + i] = rnd.int(0, Math.round(10 + 400 / Math.sqrt(s + 1)))
    }
  })

  const orders: AllocationRequest[] = []
  const stock = new Int32Array(initial)
  const available = (p: string, l: string) => stock[productIndex.get(p)! * LOCATIONS + locationIndex.get(l)!]
  for (let i = 0; i < n; i++) {
    const lines = Array.from({ length: rnd.int(1, 5) }, (_, j) => {
      const s = Math.floor(SKUS * rnd.float() ** 2) // skewed: a few SKUs sell most
      return { lineId: `o${i}.${j}`, productId: `prd_${s}`, quantity: rnd.int(1, 3), weightGrams: weights[s] }
    })
    orders.push({ lines, destination: { country: rnd.pick(countries), ...point(), source: 'postal_code' }, locations, available })
  }

  const byId = new Map(locations.map((l) => [l.id, { country: l.country!, latitude: l.latitude!, longitude: l.longitude! }]))
  const estimateCost: CostEstimator = (q) => {
    const d = q.destination
    const destination: Place = { country: d.country, latitude: d.latitude ?? undefined, longitude: d.longitude ?? undefined }
    const r = quote(card, [{ weightGrams: q.weightGrams }], { origin: byId.get(q.originLocationId)!, destination, residential: false })
    return r.ok ? r.amount : null
  }
  const compiled = compilePolicy(policy, { scope: 'default', version: 1 })
  const strategies = { web: compiled.strategy({ channel: 'web', estimateCost }), marketplace: compiled.strategy({ channel: 'marketplace', estimateCost }) }

  const route = (from: number, to: number) => {
    let split = 0
    let backordered = 0
    let shipments = 0
    for (let i = from; i < to; i++) {
      const plan = (i % 4 === 3 ? strategies.marketplace : strategies.web).allocate(orders[i])
      for (const a of plan.allocations) stock[productIndex.get(a.productId)! * LOCATIONS + locationIndex.get(a.locationId)!] -= a.quantity
      const count = plan.explanation.shipments.length
      shipments += count
      if (count > 1) split++
      if (plan.backorders.length) backordered++
    }
    return { split, backordered, shipments }
  }

  // Warm up the JIT on the first orders, then start again from full stock.
  route(0, Math.min(2_000, n))
  stock.set(initial)
  const started = process.hrtime.bigint()
  const cpu = process.cpuUsage()
  const r = route(0, n)
  const seconds = Number(process.hrtime.bigint() - started) / 1e9
  const { user, system } = process.cpuUsage(cpu)
  for (let i = 0; i < stock.length; i++) if (stock[i] < 0) throw new Error('routing promised more than was available')

  const result: RoutingBenchResult = {
    orders: n,
    ordersPerSecond: Math.round(n / seconds),
    seconds: Math.round(seconds * 100) / 100,
    cpuMicrosPerOrder: Math.round(((user + system) / n) * 10) / 10,
    splitRate: r.split / n,
    backorderRate: r.backordered / n,
    shipmentsPerOrder: r.shipments / n,
  }
  const pct = (x: number) => `${(x * 100).toFixed(1)} %`
  console.log(
    `routing: ${n.toLocaleString('en')} orders (1–5 lines) over ${LOCATIONS} locations and ${SKUS.toLocaleString('en')} SKUs in ${result.seconds} s: ` +
      `${result.ordersPerSecond.toLocaleString('en')} orders/s (${result.cpuMicrosPerOrder} µs CPU per order); split ${pct(result.splitRate)}, backordered ${pct(result.backorderRate)}, ` +
      `${result.shipmentsPerOrder.toFixed(2)} shipments per order`,
  )
  return result
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const { values } = parseArgs({ options: { orders: { type: 'string' } } })
  await benchRouting({ orders: values.orders ? Number(values.orders) : undefined })
}
