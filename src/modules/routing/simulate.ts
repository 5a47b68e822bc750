import type { CostEstimator } from '../shipping/index.js'
import type { AllocationRequest, AllocationStrategy, CandidateLocation, DemandLine } from './allocate.js'
import { haversineKm } from './geo.js'
import type { SimulationReport, SimulationResult } from './schema.js'

export interface SimulatedOrder {
  channel: string | null
  destination: AllocationRequest['destination']
  /** With unit weights, for the cost estimate. */
  lines: DemandLine[]
}

const ratio = (n: number, d: number) => (d ? Math.round((n / d) * 10_000) / 10_000 : 0)

/**
 * Routes orders one after another as if they arrived now, each taking its units from a private
 * copy of the stock (nothing is reserved), and sums up what the policy did: how often it split or
 * backordered, how far and at what estimated cost the shipments travel.
 */
export function simulateRouting(
  orders: SimulatedOrder[],
  o: {
    strategyFor(channel: string | null): AllocationStrategy
    locations: CandidateLocation[]
    available(productId: string, locationId: string): number
    estimateCost: CostEstimator | null
  },
): Omit<SimulationResult, 'label' | 'policy'> {
  const taken = new Map<string, number>()
  const key = (p: string, l: string) => `${p}\u0000${l}`
  const available = (p: string, l: string) => o.available(p, l) - (taken.get(key(p, l)) ?? 0)
  const locationById = new Map(o.locations.map((l) => [l.id, l]))
  const byLocation = new Map<string, { shipments: number; units: number }>()

  let filled = 0
  let split = 0
  let backordered = 0
  let shipments = 0
  let shippedOrders = 0
  let distanceSum = 0
  let distanceCount = 0
  let cost = 0
  let unpriced = 0
  const units = { ordered: 0, allocated: 0, backordered: 0 }

  for (const order of orders) {
    const plan = o.strategyFor(order.channel).allocate({ lines: order.lines, destination: order.destination, locations: o.locations, available })
    const weightOf = new Map(order.lines.map((l) => [l.lineId, l.weightGrams ?? 0]))
    const perLocation = new Map<string, { units: number; grams: number }>()
    for (const a of plan.allocations) {
      taken.set(key(a.productId, a.locationId), (taken.get(key(a.productId, a.locationId)) ?? 0) + a.quantity)
      const s = perLocation.get(a.locationId) ?? { units: 0, grams: 0 }
      s.units += a.quantity
      s.grams += a.quantity * (weightOf.get(a.lineId) ?? 0)
      perLocation.set(a.locationId, s)
    }
    const short = plan.backorders.reduce((s, b) => s + b.quantity, 0)
    units.ordered += order.lines.reduce((s, l) => s + l.quantity, 0)
    units.backordered += short
    if (short) backordered++
    else filled++
    if (perLocation.size > 1) split++
    if (perLocation.size) shippedOrders++
    shipments += perLocation.size

    const d = plan.explanation.destination
    const destination = { country: order.destination.country, region: order.destination.region, postalCode: order.destination.postalCode, latitude: d.latitude, longitude: d.longitude }
    for (const [locationId, s] of perLocation) {
      units.allocated += s.units
      const loc = locationById.get(locationId)!
      const b = byLocation.get(loc.code) ?? { shipments: 0, units: 0 }
      b.shipments++
      b.units += s.units
      byLocation.set(loc.code, b)
      if (d.latitude !== null && d.longitude !== null && loc.latitude !== null && loc.longitude !== null) {
        distanceSum += haversineKm({ latitude: loc.latitude, longitude: loc.longitude }, { latitude: d.latitude, longitude: d.longitude })
        distanceCount++
      }
      const price = o.estimateCost?.({ originLocationId: locationId, destination, weightGrams: Math.max(1, s.grams) }) ?? null
      if (price === null) unpriced++
      else cost += price
    }
  }

  const n = orders.length
  return {
    orders: n,
    fullyFillable: ratio(filled, n),
    splitRate: ratio(split, n),
    backorderRate: ratio(backordered, n),
    shipmentsPerOrder: ratio(shipments, n),
    meanDistanceKm: distanceCount ? Math.round((distanceSum / distanceCount) * 10) / 10 : null,
    estimatedShippingCost: { total: cost, perOrder: shippedOrders ? Math.round(cost / shippedOrders) : null, unpricedShipments: unpriced },
    units,
    byLocation: [...byLocation]
      .map(([location, b]) => ({ location, ...b }))
      .sort((a, b) => b.shipments - a.shipments || a.location.localeCompare(b.location)),
  }
}

/** A report as rows of a small table, one column per policy run (for the CLI). */
export function simulationTable(report: SimulationReport): Record<string, Record<string, string | number>> {
  const pct = (x: number) => `${(x * 100).toFixed(1)} %`
  const columns = report.results.map((r) => (r.label === 'compare' ? 'compare' : r.policy ? 'policy' : 'stored policy'))
  const rows: Record<string, Record<string, string | number>> = {}
  const row = (name: string, value: (r: SimulationResult) => string | number | null) => {
    rows[name] = Object.fromEntries(report.results.map((r, i) => [columns[i], value(r) ?? '–']))
  }
  row('orders', (r) => r.orders)
  row('fully fillable', (r) => pct(r.fullyFillable))
  row('split rate', (r) => pct(r.splitRate))
  row('backorder rate', (r) => pct(r.backorderRate))
  row('shipments per order', (r) => r.shipmentsPerOrder.toFixed(2))
  row('mean distance (km)', (r) => r.meanDistanceKm)
  row('est. shipping cost', (r) => r.estimatedShippingCost.total)
  row('est. cost per order', (r) => r.estimatedShippingCost.perOrder)
  row('shipments without a rate', (r) => r.estimatedShippingCost.unpricedShipments)
  row('units allocated / ordered', (r) => `${r.units.allocated} / ${r.units.ordered}`)
  return rows
}
