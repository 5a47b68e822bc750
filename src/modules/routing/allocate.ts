import { haversineKm, type Point } from './geo.js'

/** A location as allocation sees it. */
export interface CandidateLocation {
  id: string
  code: string
  active: boolean
  priority: number
  latitude: number | null
  longitude: number | null
}

export interface DemandLine {
  lineId: string
  productId: string
  quantity: number
}

export interface AllocationRequest {
  lines: DemandLine[]
  destination: { country: string; latitude?: number | null; longitude?: number | null }
  locations: CandidateLocation[]
  /** Units available to promise of a product at a location. */
  available(productId: string, locationId: string): number
}

export interface PlannedAllocation {
  lineId: string
  productId: string
  locationId: string
  quantity: number
}

export interface RankedCandidate {
  location: string
  rank: number
  distanceKm: number | null
  priority: number
  coversAll: boolean
  unitsAvailable: number
}

export interface AllocationPlan {
  allocations: PlannedAllocation[]
  backorders: { lineId: string; quantity: number }[]
  /** Why: the strategy, how it decided, and every candidate it weighed. */
  explanation: {
    strategy: string
    decision: 'single_location' | 'split' | 'backorder' | 'partial_backorder' | 'nothing_to_allocate'
    rankedBy: 'distance' | 'priority'
    candidates: RankedCandidate[]
    excluded: { location: string; reason: string }[]
  }
}

/** Decides where an order's units ship from. The routing module adds policy-driven strategies. */
export interface AllocationStrategy {
  code: string
  allocate(req: AllocationRequest): AllocationPlan
}

/**
 * The default strategy: one location that can ship everything (the nearest when the destination
 * has coordinates, else the one with the lowest priority number); failing that, split across
 * locations, each time taking the one that covers most of what is left (fewest shipments);
 * what no location holds is backordered.
 */
export const singleThenSplit: AllocationStrategy = {
  code: 'single_then_split',
  allocate(req) {
    const excluded = req.locations.filter((l) => !l.active).map((l) => ({ location: l.code, reason: 'inactive' }))
    const dest = req.destination
    const destPoint: Point | null = dest.latitude != null && dest.longitude != null ? { latitude: dest.latitude, longitude: dest.longitude } : null
    const rankedBy = destPoint ? 'distance' : 'priority'

    const remaining = new Map<string, number>()
    for (const l of req.lines) if (l.quantity > 0) remaining.set(l.lineId, (remaining.get(l.lineId) ?? 0) + l.quantity)
    const lines = req.lines.filter((l) => l.quantity > 0)

    // Demand per product (two lines may ask for the same SKU).
    const demand = new Map<string, number>()
    for (const l of lines) demand.set(l.productId, (demand.get(l.productId) ?? 0) + l.quantity)

    const candidates = req.locations
      .filter((l) => l.active)
      .map((l) => {
        const distanceKm = destPoint && l.latitude != null && l.longitude != null ? haversineKm(destPoint, { latitude: l.latitude, longitude: l.longitude }) : null
        let units = 0
        let coversAll = true
        for (const [productId, qty] of demand) {
          const avail = Math.max(0, req.available(productId, l.id))
          units += Math.min(avail, qty)
          if (avail < qty) coversAll = false
        }
        return { loc: l, distanceKm, coversAll, units }
      })
      .sort(
        (a, b) =>
          (rankedBy === 'distance' ? (a.distanceKm ?? Infinity) - (b.distanceKm ?? Infinity) : 0) ||
          a.loc.priority - b.loc.priority ||
          a.loc.code.localeCompare(b.loc.code),
      )
    const ranked: RankedCandidate[] = candidates.map((c, i) => ({
      location: c.loc.code,
      rank: i + 1,
      distanceKm: c.distanceKm === null ? null : Math.round(c.distanceKm * 10) / 10,
      priority: c.loc.priority,
      coversAll: c.coversAll,
      unitsAvailable: c.units,
    }))
    const explanation = (decision: AllocationPlan['explanation']['decision']) => ({ strategy: this.code, decision, rankedBy, candidates: ranked, excluded }) as const

    if (!lines.length) return { allocations: [], backorders: [], explanation: explanation('nothing_to_allocate') }

    const single = candidates.find((c) => c.coversAll)
    if (single) {
      return {
        allocations: lines.map((l) => ({ lineId: l.lineId, productId: l.productId, locationId: single.loc.id, quantity: l.quantity })),
        backorders: [],
        explanation: explanation('single_location'),
      }
    }

    // Split: greedily take the location that covers the most remaining units, in rank order on ties.
    const left = new Map<string, number>() // available per product@location, consumed as we plan
    const avail = (p: string, loc: string) => left.get(`${p}@${loc}`) ?? Math.max(0, req.available(p, loc))
    const allocations: PlannedAllocation[] = []
    const used = new Set<string>()
    for (;;) {
      let best: (typeof candidates)[number] | undefined
      let bestUnits = 0
      for (const c of candidates) {
        if (used.has(c.loc.id)) continue
        const perProduct = new Map<string, number>()
        let units = 0
        for (const l of lines) {
          const want = remaining.get(l.lineId)!
          if (!want) continue
          const have = avail(l.productId, c.loc.id) - (perProduct.get(l.productId) ?? 0)
          const take = Math.min(want, Math.max(0, have))
          perProduct.set(l.productId, (perProduct.get(l.productId) ?? 0) + take)
          units += take
        }
        if (units > bestUnits) {
          best = c
          bestUnits = units
        }
      }
      if (!best) break
      used.add(best.loc.id)
      for (const l of lines) {
        const want = remaining.get(l.lineId)!
        const take = Math.min(want, avail(l.productId, best.loc.id))
        if (take <= 0) continue
        allocations.push({ lineId: l.lineId, productId: l.productId, locationId: best.loc.id, quantity: take })
        remaining.set(l.lineId, want - take)
        left.set(`${l.productId}@${best.loc.id}`, avail(l.productId, best.loc.id) - take)
      }
    }
    const backorders = [...remaining].filter(([, q]) => q > 0).map(([lineId, quantity]) => ({ lineId, quantity }))
    const decision = !allocations.length ? 'backorder' : backorders.length ? 'partial_backorder' : 'split'
    return { allocations, backorders, explanation: explanation(decision) }
  },
}
