export interface RoutingPoliciesTable {
  /** `default` or `channel:<code>`. */
  scope: string
  /** JSON of the RoutingPolicy. */
  policy: string
  version: number
  updatedAt: string
  updatedBy: string
}

export interface PostalCentroidsTable {
  country: string
  /** Capitals, no spaces or dashes. */
  postalCode: string
  latitude: number
  longitude: number
}

export interface RoutingDecisionsTable {
  id: string
  orderId: string
  trigger: string
  decision: string
  policyScope: string | null
  policyVersion: number | null
  /** JSON of the RoutingExplanation. */
  explanation: string
  createdBy: string
  createdAt: string
}

export interface RoutingTables {
  routingPolicies: RoutingPoliciesTable
  postalCentroids: PostalCentroidsTable
  routingDecisions: RoutingDecisionsTable
}
