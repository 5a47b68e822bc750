import type { Generated } from 'kysely'

// Kysely types of the tables the shipping module owns (migration 2026-11-22T0009_shipping).

export interface CarriersTable {
  id: string
  code: string
  name: string
  /** The key of the CarrierAdapter that quotes and buys labels, e.g. `table_rate`. */
  adapter: string
  active: number
  /** JSON, checked by the adapter's settings schema. */
  settings: string
  trackingPrefix: string | null
  labelSerial: Generated<number>
  version: number
  createdAt: string
  updatedAt: string
}

export interface CarrierServicesTable {
  id: string
  carrierId: string
  code: string
  name: string
  level: string
  /** JSON, as `rateCardSchema` parsed it (defaults filled). */
  rateCard: string
  active: number
  version: number
  createdAt: string
  updatedAt: string
}

export interface ShippingMethodsTable {
  id: string
  code: string
  name: string
  currency: string
  flatAmount: number
  perKgAmount: number
  freeOverAmount: number | null
  serviceLevel: string | null
  maxTransitDays: number | null
  active: number
  version: number
  createdAt: string
  updatedAt: string
}

export interface CarrierLabelsTable {
  id: string
  carrierId: string
  idempotencyKey: string
  reference: string
  trackingNumber: string
  /** JSON array, in package order. */
  packageTrackingNumbers: string
  costAmount: number
  costCurrency: string
  voidedAt: string | null
  createdAt: string
}

export interface ManifestsTable {
  id: string
  number: string
  carrierId: string
  locationId: string
  date: string
  shipmentCount: number
  packageCount: number
  weightGrams: number
  createdBy: string
  createdAt: string
}

export interface ShipmentsTable {
  id: string
  number: string
  fulfillmentOrderId: string
  fulfillmentNumber: string
  orderId: string
  orderNumber: string
  carrierId: string
  serviceId: string
  status: string
  trackingNumber: string
  carrierReference: string
  costAmount: number
  costCurrency: string
  freightAmount: number | null
  freightCurrency: string | null
  shippingMethod: string | null
  requiresProof: number
  deliveryCode: string | null
  proofFailures: Generated<number>
  originLocationId: string
  /** Address JSON. */
  destination: string
  residential: number
  promisedBy: string | null
  shipDate: string
  estimatedDeliveryDate: string | null
  weightGrams: number
  packageCount: number
  manifestId: string | null
  /** `occurredAt` of the latest tracking event that was applied: older ones arriving later are kept, not applied. */
  lastEventAt: string | null
  deliveredAt: string | null
  cancelledAt: string | null
  cancelReason: string | null
  version: number
  createdAt: string
  updatedAt: string
}

export interface ShipmentPackagesTable {
  id: string
  shipmentId: string
  seq: number
  fulfillmentPackageId: string
  trackingNumber: string
  boxCode: string | null
  lengthMm: number
  widthMm: number
  heightMm: number
  weightGrams: number
  /** JSON: [{ orderLineId, sku, quantity }]. */
  contents: string
}

export interface TrackingEventsTable {
  id: string
  shipmentId: string
  status: string
  occurredAt: string
  location: string | null
  detail: string | null
  source: string
  /** JSON of the proof given at the door, if any (never the delivery code itself). */
  proof: string | null
  applied: number
  recordedBy: string
  recordedAt: string
}

export interface ShippingTables {
  carriers: CarriersTable
  carrierServices: CarrierServicesTable
  shippingMethods: ShippingMethodsTable
  carrierLabels: CarrierLabelsTable
  manifests: ManifestsTable
  shipments: ShipmentsTable
  shipmentPackages: ShipmentPackagesTable
  trackingEvents: TrackingEventsTable
}
