import type { Trx } from '../../db/transaction.js'
import type { Address } from '../../kernel/address.js'
import type { Ctx } from '../../kernel/context.js'
import type { Money } from '../../kernel/money.js'

/** One package as packed: box, measured weight and what is in it. */
export interface PackageSpec {
  /** The fulfilment's package id (kept on the shipment for traceability). */
  id: string
  boxCode: string | null
  lengthMm: number
  widthMm: number
  heightMm: number
  weightGrams: number
  contents: { orderLineId: string; sku: string; quantity: number }[]
}

/** Everything shipping needs to quote and buy a label for one fulfilment order. */
export interface ShipmentRequest {
  fulfillmentOrderId: string
  fulfillmentNumber: string
  orderId: string
  orderNumber: string
  origin: { locationId: string; code: string; name: string; address: Address; latitude: number | null; longitude: number | null }
  /** Ship-to, with the recipient's `name`; coordinates when known. */
  destination: Address
  residential: boolean
  packages: PackageSpec[]
  /** ISO date (YYYY-MM-DD) the parcel must arrive by, if the order promised one. */
  promisedBy: string | null
  /** The order's shipping method (e.g. `standard`, `express`), which rules the freight charged to the customer. */
  shippingMethod: string | null
  /** Proof at the door needed (a delivery code or an identity check before `delivered`). */
  requiresProof: boolean
  /** ISO date the parcel leaves. */
  shipDate: string
  /** The order's merchandise value (net of discounts), for a shipping method's free-shipping threshold. */
  merchandiseValue?: Money
}

/** A bought label: what the carrier adapter returned, before it is recorded. */
export interface LabelPurchase {
  carrierCode: string
  serviceCode: string
  trackingNumber: string
  /** Per package, in the request's package order. */
  packageTrackingNumbers: string[]
  /** The carrier's cost to us, minor units. */
  cost: { amount: number; currency: string }
  estimatedDeliveryDate: string | null
  /** Adapter-specific id used to void the label (the built-in carrier uses the tracking number). */
  carrierReference: string
}

/**
 * What shipping tells the rest of Ordo when a shipment reaches a state that changes an order.
 * Implemented by fulfilment and bound in the composition root.
 */
export interface ShipmentListener {
  delivered(trx: Trx, ctx: Ctx, shipment: { id: string; fulfillmentOrderId: string; orderId: string; trackingNumber: string }): Promise<void>
  /** Cancelled before handover (label voided): the fulfilment order goes back to `packed`. */
  cancelled(trx: Trx, ctx: Ctx, shipment: { id: string; fulfillmentOrderId: string; orderId: string; trackingNumber: string }): Promise<void>
}

/** Where a parcel goes, as far as pricing needs to know. */
export interface CostDestination {
  country: string
  region?: string | null
  postalCode?: string | null
  latitude?: number | null
  longitude?: number | null
}

/**
 * The cheapest carrier cost (minor units, the rate cards' currency) of sending `weightGrams` from
 * a location to a destination, or null when no service covers it. Pure and synchronous: it is
 * built once from the rate cards (see `ShippingService.costEstimator`) and called per candidate.
 */
export type CostEstimator = (q: { originLocationId: string; destination: CostDestination; weightGrams: number }) => number | null
