import type { LocationSource } from './geo.js'
import type { RoutingExplanation } from './schema.js'

/** A location as allocation sees it. */
export interface CandidateLocation {
  id: string
  code: string
  active: boolean
  priority: number
  latitude: number | null
  longitude: number | null
  /** warehouse | store: policies may give rules per type. */
  type?: string
  /** ISO country of the location's address: for rules that ship only within it. */
  country?: string
}

export interface DemandLine {
  lineId: string
  productId: string
  quantity: number
  /** Weight of one unit, for the shipping cost estimate. */
  weightGrams?: number
}

export interface AllocationRequest {
  lines: DemandLine[]
  /** Where the order goes; without coordinates the built-in region or country centre is used. */
  destination: {
    country: string
    region?: string | null
    postalCode?: string | null
    latitude?: number | null
    longitude?: number | null
    /** Where the coordinates came from (see RoutingService.locate); `address` when not said. */
    source?: LocationSource | null
  }
  locations: CandidateLocation[]
  /** Units available to promise of a product at a location. */
  available(productId: string, locationId: string): number
  /** false: this order must ship complete from one location (a customer's choice), whatever the policy allows. */
  allowSplit?: boolean
  /** Locations that must not ship this attempt, e.g. the one that just reported it cannot (re-routing). */
  excludeLocationIds?: string[]
}

export interface PlannedAllocation {
  lineId: string
  productId: string
  locationId: string
  quantity: number
}

export interface AllocationPlan {
  allocations: PlannedAllocation[]
  backorders: { lineId: string; quantity: number }[]
  /** Why: the policy, every candidate with its scores, the filters that removed the others. */
  explanation: RoutingExplanation
}

/** Decides where an order's units ship from: a routing policy compiled for a channel (`compilePolicy`, `RoutingService.strategyFor`). */
export interface AllocationStrategy {
  code: string
  allocate(req: AllocationRequest): AllocationPlan
}
