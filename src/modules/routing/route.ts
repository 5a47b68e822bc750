import type { CostDestination, CostEstimator } from '../shipping/index.js'
import type { AllocationPlan, AllocationRequest, AllocationStrategy, CandidateLocation, PlannedAllocation } from './allocate.js'
import { builtInCentroid, preparedDistanceKm, preparePoint, type LocationSource, type PreparedPoint } from './geo.js'
import type { FilterCode, LocationRule, RankerCode, RoutingPolicy } from './policy.js'
import type { RoutingExplanation } from './schema.js'

/** Which stored policy (scope and version) a decision was taken under. */
export interface PolicyRef {
  scope: string
  version: number
}

/** What a policy is applied for: the order's channel (code) and the shipping cost estimate, if any. */
export interface RoutingEnv {
  channel: string | null
  estimateCost: CostEstimator | null
}

export interface CompiledPolicy {
  readonly policy: RoutingPolicy
  readonly ref: PolicyRef
  /** The strategy for orders of one channel: synchronous and pure over its request. */
  strategy(env: RoutingEnv): AllocationStrategy
}

/** What a policy knows of a location, worked out once per location and kept while it does not change. */
interface PreparedLocation {
  code: string
  latitude: number | null
  longitude: number | null
  type: string | undefined
  point: PreparedPoint | null
  channels: Set<string> | null
  channelList: string
  countries: Set<string> | null
  countryList: string
  domesticOnly: boolean
  excludedByPolicy: boolean
}

type Filtered = RoutingExplanation['filtered'][number]
type Candidate = RoutingExplanation['candidates'][number]

// Explanations carry rounded figures: scores to 3 places, km and money to 1, coordinates to 5.
const round1 = (x: number) => Math.round(x * 10) / 10
const round3 = (x: number) => Math.round(x * 1000) / 1000
const round5 = (x: number) => Math.round(x * 100_000) / 100_000

/** Lower-is-better values to 0–1 scores: the best candidate scores 1, the others by their gap to it relative to the worst. */
function normalise(values: Float64Array, from: number, n: number, eligible: Uint8Array, out: Float64Array): boolean {
  let min = Infinity
  let max = -Infinity
  for (let c = 0; c < n; c++) {
    const v = values[from + c]
    if (!eligible[c] || Number.isNaN(v)) continue
    if (v < min) min = v
    if (v > max) max = v
  }
  if (min === Infinity) return false
  for (let c = 0; c < n; c++) {
    const v = values[from + c]
    out[from + c] = Number.isNaN(v) ? 0 : max > 0 ? 1 - (v - min) / max : 1
  }
  return true
}

/**
 * Turns a policy into strategies. Work that does not depend on the order (rule look-ups, weights,
 * location coordinates in radians) is done here once; `allocate` runs per order.
 *
 * Per order: location filters in the policy's order (the first that removes a location is named),
 * then stock (a location holding none of the items is out; with `covers_line` it must hold at least
 * one line whole). The candidates left are measured by each ranker, the measures normalised to 0–1
 * (1 the best) and averaged by weight. The best candidate ships what it can; while units are left,
 * splitting is allowed and shipments remain, the rest is ranked again and the next one ships.
 * What nobody can ship is backordered.
 */
export function compilePolicy(policy: RoutingPolicy, ref: PolicyRef): CompiledPolicy {
  // active and excluded always apply; listing them only decides where they run.
  const filters: FilterCode[] = policy.filters.map((f) => f.code)
  for (const f of ['excluded', 'active'] as const) if (!filters.includes(f)) filters.unshift(f)
  const locationFilters = filters.filter((f) => f !== 'covers_line')
  const coversLine = filters.includes('covers_line')

  const rankers = policy.rankers.filter((r) => r.weight > 0)
  const rankerIndex = new Map(rankers.map((r, i) => [r.code, i]))
  const R = rankers.length
  // Shares (shipments, balance) keep three places in the explanation; km, money and priorities one.
  const fine = rankers.map((r) => r.code === 'shipments' || r.code === 'balance')
  const has = (code: RankerCode) => rankerIndex.has(code)

  const rulesByCode = new Map(policy.locations.filter((r) => r.code !== undefined).map((r) => [r.code!, r]))
  const rulesByType = new Map<string, LocationRule>(policy.locations.filter((r) => r.type !== undefined).map((r) => [r.type!, r]))
  const excluded = new Set(policy.excludedLocations)
  const { allowed: splitAllowed, maxShipments, preferSingleLocation, fewestShipments } = policy.split

  const prepared = new Map<string, PreparedLocation>()
  function prepare(loc: CandidateLocation): PreparedLocation {
    const hit = prepared.get(loc.id)
    if (hit && hit.code === loc.code && hit.latitude === loc.latitude && hit.longitude === loc.longitude && hit.type === loc.type) return hit
    const rule = rulesByCode.get(loc.code) ?? (loc.type ? rulesByType.get(loc.type) : undefined)
    const p: PreparedLocation = {
      code: loc.code,
      latitude: loc.latitude,
      longitude: loc.longitude,
      type: loc.type,
      point: loc.latitude != null && loc.longitude != null ? preparePoint({ latitude: loc.latitude, longitude: loc.longitude }) : null,
      channels: rule?.channels ? new Set(rule.channels) : null,
      channelList: rule?.channels?.join(', ') ?? '',
      countries: rule?.countries ? new Set(rule.countries) : null,
      countryList: rule?.countries?.join(', ') ?? '',
      domesticOnly: rule?.domesticOnly ?? false,
      excludedByPolicy: excluded.has(loc.code),
    }
    if (prepared.size > 10_000) prepared.clear()
    prepared.set(loc.id, p)
    return p
  }

  function removedBy(filter: FilterCode, loc: CandidateLocation, p: PreparedLocation, country: string, channel: string | null, excludeIds: Set<string> | null): string | null {
    switch (filter) {
      case 'active':
        return loc.active ? null : 'inactive'
      case 'excluded':
        if (excludeIds?.has(loc.id)) return 'excluded for this attempt'
        return p.excludedByPolicy ? 'excluded by the policy' : null
      case 'channel':
        if (!p.channels || (channel !== null && p.channels.has(channel))) return null
        return `ships only for channel ${p.channelList}${channel ? `, not ${channel}` : ''}`
      case 'country':
        if (p.countries && !p.countries.has(country)) return `ships only to ${p.countryList}, not ${country}`
        if (p.domesticOnly && loc.country && loc.country !== country) return `ships only within ${loc.country}`
        return null
      case 'covers_line':
        return null // needs stock: checked with it
    }
  }

  function allocate(req: AllocationRequest, env: RoutingEnv): AllocationPlan {
    const dest = req.destination
    let point: { latitude: number; longitude: number } | null = null
    let source: LocationSource | null = null
    if (dest.latitude != null && dest.longitude != null) {
      point = { latitude: dest.latitude, longitude: dest.longitude }
      source = dest.source ?? 'address'
    } else {
      const c = builtInCentroid(dest.country, dest.region)
      if (c) [point, source] = [c, c.source]
    }
    const destPoint = point && preparePoint(point)
    const allowSplit = splitAllowed && req.allowSplit !== false
    const maxShip = allowSplit ? maxShipments : 1
    const excludeIds = req.excludeLocationIds?.length ? new Set(req.excludeLocationIds) : null

    // Lines with something to allocate, and the distinct products they ask for.
    const lines = req.lines.filter((l) => l.quantity > 0)
    const productIndex = new Map<string, number>()
    const products: string[] = []
    const lineProduct = new Int32Array(lines.length)
    const remaining = new Float64Array(lines.length)
    let unitsLeft = 0
    lines.forEach((l, i) => {
      let j = productIndex.get(l.productId)
      if (j === undefined) {
        j = products.length
        productIndex.set(l.productId, j)
        products.push(l.productId)
      }
      lineProduct[i] = j
      remaining[i] = l.quantity
      unitsLeft += l.quantity
    })
    const P = products.length

    const filtered: Filtered[] = []
    const cands: CandidateLocation[] = []
    const preps: PreparedLocation[] = []
    const stockRows: number[] = []
    const scratch = new Float64Array(P)
    const demand = new Float64Array(P)
    for (let i = 0; i < lines.length; i++) demand[lineProduct[i]] += remaining[i]

    for (const loc of req.locations) {
      const p = prepare(loc)
      let removed = false
      for (const f of locationFilters) {
        const detail = removedBy(f, loc, p, dest.country, env.channel, excludeIds)
        if (detail !== null) {
          filtered.push({ location: loc.code, filter: f, detail })
          removed = true
          break
        }
      }
      if (removed || !lines.length) continue
      let any = false
      const base = stockRows.length
      for (let j = 0; j < P; j++) {
        const a = Math.max(0, req.available(products[j], loc.id) || 0)
        stockRows.push(a)
        if (a > 0) any = true
      }
      if (!any) {
        stockRows.length = base
        filtered.push({ location: loc.code, filter: 'stock', detail: 'holds none of the ordered items' })
        continue
      }
      if (coversLine && !coversSomeLine(stockRows, base)) {
        stockRows.length = base
        filtered.push({ location: loc.code, filter: 'covers_line', detail: 'cannot ship any line complete' })
        continue
      }
      cands.push(loc)
      preps.push(p)
    }

    function coversSomeLine(stock: number[] | Float64Array, base: number) {
      for (let i = 0; i < lines.length; i++) if (stock[base + lineProduct[i]] >= remaining[i]) return true
      return false
    }

    const C = cands.length
    const stock = Float64Array.from(stockRows)
    const distance = new Float64Array(C).fill(NaN)
    if (destPoint && has('distance')) for (let c = 0; c < C; c++) if (preps[c].point) distance[c] = preparedDistanceKm(preps[c].point!, destPoint)

    /** Units of what is left that a candidate could ship now. */
    function coverage(c: number): number {
      const base = c * P
      let units = 0
      if (!coversLine) {
        for (let j = 0; j < P; j++) units += Math.min(demand[j], stock[base + j])
        return units
      }
      for (let j = 0; j < P; j++) scratch[j] = stock[base + j]
      for (let i = 0; i < lines.length; i++) {
        const need = remaining[i]
        if (need > 0 && scratch[lineProduct[i]] >= need) {
          units += need
          scratch[lineProduct[i]] -= need
        }
      }
      return units
    }

    const costDestination: CostDestination = { country: dest.country, region: dest.region, postalCode: dest.postalCode, latitude: point?.latitude, longitude: point?.longitude }
    const units = new Float64Array(C)
    const eligible = new Uint8Array(C)
    const used = new Uint8Array(C)
    const values = new Float64Array(R * C)
    const scores = new Float64Array(R * C)
    const measured = new Uint8Array(R)
    const totals = new Float64Array(C)
    /** Shipments the order needs if a candidate goes next: 1 it ships all, 2 one other can ship the rest, 3 more (0: not estimated). */
    const parcels = new Uint8Array(C)
    const rest = new Float64Array(P)
    let fewest = 0

    /** Whether one unused candidate other than `c` holds everything `c` would leave. */
    function restFitsOne(c: number): boolean {
      const base = c * P
      for (let j = 0; j < P; j++) rest[j] = demand[j] - Math.min(demand[j], stock[base + j])
      for (let o = 0; o < C; o++) {
        if (o === c || used[o]) continue
        let fits = true
        for (let j = 0; j < P && fits; j++) if (stock[o * P + j] < rest[j]) fits = false
        if (fits) return true
      }
      return false
    }

    /** Measures and scores the candidates for what is left; returns the pick, or -1. */
    function rankRound(): number {
      let weightLeft = 0
      for (let i = 0; i < lines.length; i++) weightLeft += remaining[i] * (lines[i].weightGrams ?? 0)
      let anyCovers = false
      for (let c = 0; c < C; c++) {
        units[c] = used[c] ? 0 : coverage(c)
        eligible[c] = units[c] > 0 ? 1 : 0
        if (eligible[c] && units[c] === unitsLeft) anyCovers = true
      }
      for (let r = 0; r < R; r++) {
        const code = rankers[r].code
        const from = r * C
        for (let c = 0; c < C; c++) {
          let v = NaN
          if (eligible[c]) {
            if (code === 'distance') v = distance[c]
            else if (code === 'shipments') v = 1 + (unitsLeft - units[c]) / unitsLeft
            else if (code === 'priority') v = cands[c].priority
            else if (code === 'cost') v = env.estimateCost?.({ originLocationId: cands[c].id, destination: costDestination, weightGrams: Math.max(1, weightLeft) }) ?? NaN
            else {
              // balance: the share of the location's stock of these items this order would take.
              let held = 0
              for (let j = 0; j < P; j++) if (demand[j] > 0) held += stock[c * P + j]
              v = units[c] / held
            }
          }
          values[from + c] = v
        }
        measured[r] = normalise(values, from, C, eligible, scores) ? 1 : 0
      }
      let weightSum = 0
      for (let r = 0; r < R; r++) if (measured[r]) weightSum += rankers[r].weight
      // Splitting: first the candidates that keep the order to two parcels, when any can (fewest shipments).
      fewest = 0
      parcels.fill(0)
      if (allowSplit && fewestShipments && !anyCovers && shipments.length + 2 <= maxShip) {
        for (let c = 0; c < C; c++) {
          if (!eligible[c]) continue
          parcels[c] = restFitsOne(c) ? 2 : 3
          if (!fewest || parcels[c] < fewest) fewest = parcels[c]
        }
      }
      let best = -1
      const mustCover = !allowSplit || (preferSingleLocation && anyCovers)
      for (let c = 0; c < C; c++) {
        let t = 0
        if (eligible[c] && weightSum > 0) for (let r = 0; r < R; r++) if (measured[r]) t += rankers[r].weight * scores[r * C + c]
        totals[c] = weightSum > 0 ? t / weightSum : 0
        if (!eligible[c] || (mustCover && units[c] !== unitsLeft) || (fewest && parcels[c] !== fewest)) continue
        if (best < 0 || better(c, best, false)) best = c
      }
      return best
    }

    /** Ranking order: (covering everything first when preferred), total, units, priority, code. */
    function better(a: number, b: number, coverFirst: boolean): boolean {
      if (coverFirst) {
        const ca = units[a] === unitsLeft
        if (ca !== (units[b] === unitsLeft)) return ca
      }
      if (fewest && parcels[a] !== parcels[b]) return parcels[a] !== 0 && (parcels[b] === 0 || parcels[a] < parcels[b])
      if (totals[a] !== totals[b]) return totals[a] > totals[b]
      if (units[a] !== units[b]) return units[a] > units[b]
      if (cands[a].priority !== cands[b].priority) return cands[a].priority < cands[b].priority
      return cands[a].code < cands[b].code
    }

    const allocations: PlannedAllocation[] = []
    const shipments: RoutingExplanation['shipments'] = []
    let candidates: Candidate[] = []
    const firstMeasured = new Uint8Array(R)
    while (unitsLeft > 0 && shipments.length < maxShip) {
      const pick = rankRound()
      if (!shipments.length) {
        // The explanation shows the ranking of the first shipment: every candidate, before anything was taken.
        candidates = explainCandidates(allowSplit ? preferSingleLocation : true)
        firstMeasured.set(measured)
      }
      if (pick < 0) break
      used[pick] = 1
      const base = pick * P
      let shippedLines = 0
      let shippedUnits = 0
      for (let i = 0; i < lines.length; i++) {
        const need = remaining[i]
        if (!need) continue
        const j = lineProduct[i]
        const have = stock[base + j]
        const take = coversLine ? (have >= need ? need : 0) : Math.min(need, have)
        if (take <= 0) continue
        stock[base + j] -= take
        demand[j] -= take
        remaining[i] -= take
        shippedLines++
        shippedUnits += take
        allocations.push({ lineId: lines[i].lineId, productId: lines[i].productId, locationId: cands[pick].id, quantity: take })
      }
      unitsLeft -= shippedUnits
      shipments.push({ location: cands[pick].code, lines: shippedLines, units: shippedUnits, total: round3(totals[pick]) })
    }

    function explainCandidates(coverFirst: boolean): Candidate[] {
      const order = Array.from({ length: C }, (_, c) => c).sort((a, b) => (better(a, b, coverFirst) ? -1 : better(b, a, coverFirst) ? 1 : 0))
      return order.map((c, i) => {
        const s: Candidate['scores'] = {}
        for (let r = 0; r < R; r++) {
          const v = values[r * C + c]
          s[rankers[r].code] = { value: Number.isNaN(v) ? null : fine[r] ? round3(v) : round1(v), score: measured[r] ? round3(scores[r * C + c]) : 0 }
        }
        return { location: cands[c].code, rank: i + 1, total: round3(totals[c]), coversAll: units[c] === unitsLeft, unitsAvailable: units[c], ...(parcels[c] ? { shipmentsNeeded: parcels[c] } : {}), scores: s }
      })
    }

    const backorders: AllocationPlan['backorders'] = []
    for (let i = 0; i < lines.length; i++) if (remaining[i] > 0) backorders.push({ lineId: lines[i].lineId, quantity: remaining[i] })
    const decision: RoutingExplanation['decision'] = !lines.length
      ? 'nothing_to_allocate'
      : !allocations.length
        ? 'backorder'
        : backorders.length
          ? 'partial_backorder'
          : shipments.length > 1
            ? 'split'
            : 'single_location'
    const left = backorders.reduce((s, b) => s + b.quantity, 0)
    const reason = explainDecision()

    function explainDecision(): string {
      const where = shipments.map((s) => s.location).join(', ')
      switch (decision) {
        case 'nothing_to_allocate':
          return 'nothing left to allocate'
        case 'single_location':
          return `${where} ships everything (total ${shipments[0].total}, ${C} candidate${C === 1 ? '' : 's'})`
        case 'split':
          return `no candidate ships everything; split across ${where}`
        case 'backorder':
          if (!C) return req.locations.length ? 'no location passed the filters with stock of these items: backordered' : 'no locations: backordered'
          return !allowSplit
            ? `no location ships everything and ${req.allowSplit === false ? 'this order' : 'the policy'} does not allow splitting: backordered`
            : 'no candidate can ship any of it: backordered'
        case 'partial_backorder':
          return shipments.length >= maxShip && allowSplit && cands.some((_, c) => !used[c] && coverage(c) > 0)
            ? `shipped from ${where}; ${left} unit(s) backordered: at most ${maxShip} shipment${maxShip === 1 ? '' : 's'} per order`
            : `shipped from ${where}; ${left} unit(s) backordered: no candidate has the rest`
      }
    }

    return {
      allocations,
      backorders,
      explanation: {
        strategy: 'policy',
        policy: { scope: ref.scope, version: ref.version },
        decision,
        reason,
        destination: { country: dest.country, source, latitude: point ? round5(point.latitude) : null, longitude: point ? round5(point.longitude) : null },
        split: { allowed: allowSplit, maxShipments: maxShip },
        rankers: rankers.map((r, i) => ({ code: r.code, weight: r.weight, measured: !!firstMeasured[i] })),
        candidates,
        filtered,
        shipments,
      },
    }
  }

  return {
    policy,
    ref,
    strategy: (env) => ({ code: 'policy', allocate: (req) => allocate(req, env) }),
  }
}
