// Kysely types of the tables the returns module owns (migration 2026-11-22T0014_returns).

export interface ReturnReasonsTable {
  code: string
  label: string
  /** 1 when the reason is the merchant's mistake: no restocking fee, the merchant pays return postage. */
  merchantFault: number
  active: number
  position: number
  updatedAt: string
}

export interface ReturnPoliciesTable {
  /** A channel's id, or '' for the default policy. */
  channelId: string
  windowDays: number
  /** JSON array of SKUs. */
  nonReturnableSkus: string
  restockingFeePpm: number
  returnShippingPaidBy: string
  returnLocationId: string | null
  autoAuthorize: number
  autoAuthorizeMaxAmount: number | null
  autoAuthorizeMaxCurrency: string | null
  refundShipping: string
  /** JSON array of the resolutions a customer may ask for. */
  resolutions: string
  version: number
  updatedAt: string
}

export interface ReturnsTable {
  id: string
  number: string
  orderId: string
  orderNumber: string
  channelId: string
  customerId: string
  status: string
  currency: string
  /** Where the parcel goes back to (set by the policy, at authorization or on receipt). */
  locationId: string | null
  /** JSON: Decision. */
  decision: string
  /** JSON: Terms, the policy as it stood when the return was requested. */
  terms: string
  labelRequested: number
  /** JSON: StoredLabel. */
  label: string | null
  /** The return label's number, or the one the customer sent the parcel with. */
  trackingNumber: string | null
  /** JSON: { date, address }. */
  pickup: string | null
  /** JSON: Settlement, once a resolution is recorded. */
  settlement: string | null
  note: string | null
  /** Why it was rejected or cancelled. */
  closeReason: string | null
  createdBy: string
  authorizedAt: string | null
  receivedAt: string | null
  inspectedAt: string | null
  resolvedAt: string | null
  closedAt: string | null
  version: number
  createdAt: string
  updatedAt: string
}

export interface ReturnLinesTable {
  id: string
  returnId: string
  lineNo: number
  orderLineId: string
  productId: string
  sku: string
  name: string
  quantity: number
  reason: string
  comment: string | null
  /** What the customer asked for: refund, replacement, exchange or store_credit. */
  resolution: string
  exchangeSku: string | null
  /** What one unit cost the customer (tax included, after discounts), minor units. */
  unitPaid: number
  receivedQty: number
}

export interface ReturnInspectionsTable {
  id: string
  returnId: string
  returnLineId: string
  productId: string
  locationId: string
  quantity: number
  condition: string
  disposition: string
  binCode: string | null
  note: string | null
  /** Quarantined/refurbish units later put into stock or scrapped; the rest are held. */
  restockedQty: number
  scrappedQty: number
  inspectedBy: string
  createdAt: string
  updatedAt: string
}

export interface ReturnsTables {
  returnReasons: ReturnReasonsTable
  returnPolicies: ReturnPoliciesTable
  returns: ReturnsTable
  returnLines: ReturnLinesTable
  returnInspections: ReturnInspectionsTable
}
