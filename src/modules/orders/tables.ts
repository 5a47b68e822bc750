export interface OrdersTable {
  id: string
  number: string
  channelId: string
  externalId: string | null
  customerId: string
  email: string
  status: string
  fulfillmentStatus: string
  paymentStatus: string
  currency: string
  subtotal: number
  discountTotal: number
  taxTotal: number
  shippingTotal: number
  total: number
  shippingAddress: string
  billingAddress: string | null
  shippingMethod: string | null
  /** JSON: { status, amount, method, reference }. */
  payment: string
  notes: string | null
  promisedDeliveryDate: string | null
  /** 1/0 to allow or forbid shipping from several locations; null follows the routing policy. */
  allowSplit: number | null
  /** A replacement or exchange order: the order it replaces, why (`replacement`|`exchange`) and the return number. */
  originOrderId: string | null
  originKind: string | null
  originRef: string | null
  cancelReason: string | null
  cancelledAt: string | null
  version: number
  createdAt: string
  updatedAt: string
}

export interface OrderLinesTable {
  id: string
  orderId: string
  lineNo: number
  productId: string
  sku: string
  name: string
  quantity: number
  unitPrice: number
  catalogPrice: number
  discountAmount: number
  /** Parts per million: 19 % = 190000. */
  taxRatePpm: number
  taxAmount: number
  lineTotal: number
  allocatedQty: number
  backorderedQty: number
  pickedQty: number
  shippedQty: number
  deliveredQty: number
  returnRequestedQty: number
  returnedQty: number
  cancelledQty: number
  createdAt: string
}

export interface OrderAllocationsTable {
  id: string
  orderId: string
  lineId: string
  productId: string
  locationId: string
  quantity: number
  createdAt: string
  updatedAt: string
}

export interface OrderHoldsTable {
  id: string
  orderId: string
  code: string
  detail: string
  /** `verification` holds are re-checked when the order is edited; `manual` ones wait for a person. */
  source: string
  createdBy: string
  createdAt: string
  releasedAt: string | null
  releasedBy: string | null
  releaseNote: string | null
}

export interface OrderTables {
  orders: OrdersTable
  orderLines: OrderLinesTable
  orderAllocations: OrderAllocationsTable
  orderHolds: OrderHoldsTable
}
