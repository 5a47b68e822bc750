export interface FulfillmentOrdersTable {
  id: string
  number: string
  orderId: string
  orderNumber: string
  channelId: string
  locationId: string
  status: string
  /** 1 while the order is on hold: not released to picklists, not shipped. */
  held: number
  /** Higher goes first in a pick wave. */
  priority: number
  /** YYYY-MM-DD the order promised delivery by. */
  promisedDate: string | null
  shippingMethod: string | null
  /** JSON of the ship-to address (kernel Address, with the recipient's name). */
  shipTo: string
  email: string
  orderCreatedAt: string
  orderValue: number
  currency: string
  /** The picklist the fulfilment order is on while it is picked. */
  picklistId: string | null
  version: number
  createdAt: string
  updatedAt: string
  pickingStartedAt: string | null
  pickedAt: string | null
  packedAt: string | null
  shippedAt: string | null
  cancelledAt: string | null
  cancelReason: string | null
}

export interface FulfillmentOrderLinesTable {
  id: string
  fulfillmentOrderId: string
  orderLineId: string
  productId: string
  sku: string
  name: string
  /** Units this fulfilment order is to ship (shrinks when units are short or go elsewhere). */
  quantity: number
  pickedQty: number
  packedQty: number
  shippedQty: number
  /** Units the picker did not find (history: they left `quantity`). */
  shortQty: number
  /** Picked units no longer wanted, waiting in staging to go back to a bin. */
  putAwayQty: number
  /** JSON [{lot, expiresOn, quantity}]: lots of the units in staging not yet in a package (picked − packed + put-away). */
  stagedLots: string
}

export interface PicklistsTable {
  id: string
  number: string
  locationId: string
  status: string
  maxOrders: number | null
  cartCapacityUnits: number | null
  cartCapacityLitres: number | null
  createdBy: string
  version: number
  createdAt: string
  updatedAt: string
  startedAt: string | null
  completedAt: string | null
  cancelledAt: string | null
}

export interface PicklistLinesTable {
  id: string
  picklistId: string
  seq: number
  productId: string
  sku: string
  /** '' for units in no bin. */
  binCode: string
  zone: string | null
  pickSequence: number
  /** '' when not lot-tracked. */
  lot: string
  expiresOn: string | null
  quantity: number
  pickedQty: number
  shortQty: number
  /** JSON PickAllocation[]: which fulfilment order lines the units go to, in wave order. */
  allocations: string
}

export interface PickScansTable {
  id: string
  picklistId: string
  picklistLineId: string | null
  locationId: string
  binCode: string
  barcode: string
  productId: string | null
  quantity: number
  /** accepted | wrong_bin | wrong_item | over_pick | short */
  outcome: string
  detail: string | null
  actor: string
  createdAt: string
}

export interface PackagingTable {
  id: string
  code: string
  name: string
  innerLengthMm: number
  innerWidthMm: number
  innerHeightMm: number
  maxWeightGrams: number
  tareWeightGrams: number
  costAmount: number
  costCurrency: string
  active: number
  version: number
  createdAt: string
  updatedAt: string
}

export interface PackagesTable {
  id: string
  fulfillmentOrderId: string
  /** The catalog box, or null for custom dimensions. */
  boxCode: string | null
  lengthMm: number
  widthMm: number
  heightMm: number
  weightGrams: number
  /** JSON PackageContent[]. */
  contents: string
  /** JSON string[]: packing instructions (fragile items). */
  instructions: string
  /** 1 when box and contents are one of the suggested packages. */
  followedSuggestion: number
  shipmentId: string | null
  trackingNumber: string | null
  createdAt: string
  updatedAt: string
}

export interface FulfillmentTables {
  fulfillmentOrders: FulfillmentOrdersTable
  fulfillmentOrderLines: FulfillmentOrderLinesTable
  picklists: PicklistsTable
  picklistLines: PicklistLinesTable
  pickScans: PickScansTable
  packaging: PackagingTable
  packages: PackagesTable
}
