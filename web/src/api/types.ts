/** The parts of the /v1 API's resources the console reads (see /openapi.json for all of it). */
export interface Page<T> {
  data: T[]
  nextCursor: string | null
}

export interface Address {
  name?: string
  company?: string
  line1?: string
  line2?: string
  city?: string
  region?: string
  postalCode?: string
  country: string
  phone?: string
  email?: string
  latitude?: number
  longitude?: number
}

export interface OrderLine {
  id: string
  lineNo: number
  sku: string
  name: string
  quantity: number
  unitPrice: number
  catalogPrice: number
  discount: number
  taxRate: number
  tax: number
  total: number
  allocatedQuantity: number
  backorderedQuantity: number
  pickedQuantity: number
  shippedQuantity: number
  deliveredQuantity: number
  returnRequestedQuantity: number
  returnedQuantity: number
  cancelledQuantity: number
  allocations: { location: string; quantity: number }[]
}

export interface OrderHold {
  id: string
  code: string
  detail: string
  source: 'verification' | 'manual'
  createdBy: string
  createdAt: string
  releasedAt: string | null
  releasedBy: string | null
  releaseNote: string | null
}

export interface Order {
  id: string
  number: string
  channel: string
  externalId: string | null
  customer: { id: string; email: string; name: string | null; phone: string | null }
  status: string
  fulfillmentStatus: string
  paymentStatus: string
  currency: string
  totals: { subtotal: number; discount: number; tax: number; shipping: number; total: number }
  shippingAddress: Address
  billingAddress: Address | null
  shippingMethod: string | null
  payment: { status: string; amount: number; method: string | null; reference: string | null }
  notes: string | null
  promisedDeliveryDate: string | null
  lines: OrderLine[]
  holds: OrderHold[]
  allowedActions: string[]
  cancelReason: string | null
  cancelledAt: string | null
  version: number
  createdAt: string
  updatedAt: string
}

export interface TimelineEntry {
  id: string
  type: string
  from: string | null
  to: string | null
  actor: string
  reason: string | null
  data: Record<string, unknown>
  occurredAt: string
}

export interface StockRow {
  sku: string
  location: string
  onHand: number
  reserved: number
  available: number
  reorderPoint: number | null
  reorderQuantity: number | null
  updatedAt: string
}

export interface LedgerEntry {
  id: string
  sku: string
  location: string
  kind: string
  onHandDelta: number
  reservedDelta: number
  bin: string | null
  lot: string | null
  refType: string | null
  refId: string | null
  reason: string | null
  actor: string
  createdAt: string
}

export interface LowStockRow extends StockRow {
  shortfall: number
  suggestedOrderQuantity: number
}

export interface Channel {
  id: string
  code: string
  name: string
  type: string
  active: boolean
  createdAt: string
  updatedAt: string
}

export interface Location {
  id: string
  code: string
  name: string
  type: string
  address: Address
  latitude: number | null
  longitude: number | null
  active: boolean
  priority: number
  version: number
  createdAt: string
  updatedAt: string
}

export interface Bin {
  id: string
  locationId: string
  code: string
  zone: string | null
  pickSequence: number
  createdAt: string
}

export interface ApiKey {
  id: string
  name: string
  role: string
  channel: string | null
  prefix: string
  createdAt: string
  revokedAt: string | null
}

export interface User {
  id: string
  email: string
  name: string | null
  role: string
  active: boolean
  lastSignInAt: string | null
  createdAt: string
  updatedAt: string
}

export interface Session {
  user: User
  csrfToken: string
  expiresAt: string
}

export interface Product {
  id: string
  sku: string
  name: string
  barcodes: string[]
  active: boolean
  price: { amount: number; currency: string }
}

// ---- fulfilment: fulfilment orders, picklists, packing ----

export interface FulfillmentLine {
  id: string
  orderLineId: string
  sku: string
  name: string
  quantity: number
  pickedQuantity: number
  packedQuantity: number
  shippedQuantity: number
  shortQuantity: number
  putAwayQuantity: number
}

export interface FulfillmentPackage {
  id: string
  box: string | null
  lengthMm: number
  widthMm: number
  heightMm: number
  weightGrams: number
  contents: { sku: string; quantity: number; lots: { lot: string; quantity: number }[] }[]
  instructions: string[]
  followedSuggestion: boolean
  shipmentId: string | null
  trackingNumber: string | null
  createdAt: string
}

export interface FulfillmentOrder {
  id: string
  number: string
  orderId: string
  orderNumber: string
  location: string
  status: string
  held: boolean
  priority: number
  promisedDate: string | null
  shippingMethod: string | null
  shipTo: Address
  email: string
  picklist: { id: string; number: string } | null
  lines: FulfillmentLine[]
  packages: FulfillmentPackage[]
  shipmentIds: string[]
  allowedActions: string[]
  version: number
  createdAt: string
}

export interface PicklistLine {
  id: string
  seq: number
  bin: string | null
  zone: string | null
  sku: string
  name: string
  barcode: string
  lot: string | null
  expiresOn: string | null
  quantity: number
  pickedQuantity: number
  shortQuantity: number
  remainingQuantity: number
  orders: { fulfillmentOrderId: string; fulfillmentNumber: string; orderNumber: string; quantity: number; pickedQuantity: number; shortQuantity: number }[]
}

export interface PickingAccuracy {
  scans: number
  accepted: number
  wrongBin: number
  wrongItem: number
  overPick: number
  short: number
  accuracy: number | null
}

export interface PicklistSummary {
  id: string
  number: string
  location: string
  status: string
  limits: { maxOrders: number | null; cartCapacityUnits: number | null; cartCapacityLitres: number | null }
  progress: { units: number; picked: number; short: number; remaining: number }
  allowedActions: string[]
  createdBy: string
  version: number
  createdAt: string
  startedAt: string | null
  completedAt: string | null
  cancelledAt: string | null
}

export interface Picklist extends PicklistSummary {
  fulfillmentOrders: { id: string; number: string; orderNumber: string; status: string }[]
  lines: PicklistLine[]
  accuracy: PickingAccuracy
  deferred?: { fulfillmentNumber: string; reason: string }[]
}

export interface ScanResult {
  scan: { id: string; outcome: 'accepted'; quantity: number; createdAt: string }
  line: PicklistLine
  remaining: { line: number; picklist: number }
  picklistStatus: string
  picked: { id: string; number: string }[]
}

export interface Packaging {
  id: string
  code: string
  name: string
  innerLengthMm: number
  innerWidthMm: number
  innerHeightMm: number
  maxWeightGrams: number
  tareWeightGrams: number
  cost: { amount: number; currency: string }
  active: boolean
  version: number
}

export interface BoxSuggestion {
  fulfillmentOrderId: string
  items: { sku: string; quantity: number }[]
  packages: { box: string; name: string; items: { sku: string; quantity: number }[]; weightGrams: number; billableWeightGrams: number; instructions: string[] }[]
  unfittable: { sku: string; quantity: number; reason: string }[]
}

// ---- shipping ----

export interface RateOption {
  service: string
  carrier: string
  carrierName: string
  serviceName: string
  level: string
  available: boolean
  amount: number | null
  currency: string | null
  zone: string | null
  transitDays: number | null
  deliveryDate: string | null
  meetsPromise: boolean | null
  reason: string | null
  detail: string | null
}

export interface RatesResult {
  shipDate: string
  promisedBy: string | null
  options: RateOption[]
  default: string | null
  carrierCost: { amount: number; currency: string } | null
  estimatedDeliveryDate: string | null
  customerFreight: { amount: number; currency: string; shippingMethod: string; rule: string; detail: string } | null
  explanation: { rule: string; chosen: string | null; considered: string[]; meetingPromise: string[]; unavailable: { service: string; reason: string }[]; tieBreak: string | null }
}

export interface TrackingEvent {
  id: string
  status: string
  occurredAt: string
  location: string | null
  detail: string | null
  source: string
  applied: boolean
  recordedBy: string
  recordedAt: string
}

export interface Shipment {
  id: string
  number: string
  status: string
  fulfillmentOrderId: string
  fulfillmentNumber: string
  orderId: string
  orderNumber: string
  carrier: { code: string; name: string }
  service: { code: string; qualifiedCode: string; name: string }
  trackingNumber: string
  carrierCost: { amount: number; currency: string }
  customerFreight: { amount: number; currency: string } | null
  shippingMethod: string | null
  origin: { locationId: string; code: string; name: string }
  destination: Address
  requiresProof: boolean
  promisedBy: string | null
  shipDate: string
  estimatedDeliveryDate: string | null
  weightGrams: number
  packages: { id: string; seq: number; trackingNumber: string; boxCode: string | null; lengthMm: number; widthMm: number; heightMm: number; weightGrams: number; contents: { orderLineId: string; sku: string; quantity: number }[] }[]
  trackingEvents: TrackingEvent[]
  manifestId: string | null
  deliveredAt: string | null
  cancelledAt: string | null
  cancelReason: string | null
  allowedActions: string[]
  version: number
  createdAt: string
}

export interface CarrierService {
  id: string
  carrier: string
  code: string
  qualifiedCode: string
  name: string
  level: string
  rateCard: Record<string, unknown>
  active: boolean
  version: number
}

export interface Carrier {
  id: string
  code: string
  name: string
  adapter: string
  active: boolean
  settings: Record<string, unknown>
  trackingPrefix: string | null
  services: CarrierService[]
  version: number
  createdAt: string
}

export interface Manifest {
  id: string
  number: string
  carrier: { code: string; name: string }
  location: { code: string; name: string }
  date: string
  shipments: { id: string; number: string; trackingNumber: string; orderNumber: string; service: string; packages: number; weightGrams: number; destination: string }[]
  totals: { shipments: number; packages: number; weightGrams: number }
  createdBy: string
  createdAt: string
}

// ---- returns ----

export interface ReturnReason {
  code: string
  label: string
  merchantFault: boolean
  active: boolean
}

export interface ReturnLine {
  id: string
  orderLineId: string
  sku: string
  name: string
  quantity: number
  reason: string
  comment: string | null
  resolution: string
  exchangeSku: string | null
  unitPaid: number
  receivedQuantity: number
  inspections: { id: string; quantity: number; condition: string; disposition: string; bin: string | null; note: string | null }[]
}

export interface Return {
  id: string
  number: string
  status: string
  order: { id: string; number: string }
  channel: string
  currency: string
  location: { code: string; name: string } | null
  decision: { authorization: string; rule: string; detail: string }
  terms: { windowDays: number; restockingFeePpm: number; returnShippingPaidBy: string; refundShipping: string; resolutions: string[] }
  lines: ReturnLine[]
  label: { carrier: { code: string; name: string }; service: { code: string; name: string }; trackingNumber: string; cost: { amount: number; currency: string }; paidBy: string } | null
  trackingNumber: string | null
  pickup: { date: string; address: Address } | null
  settlement: {
    lines: { line: string; sku: string; resolution: string; quantity: number; value: number; restockingFee: number; refund: number; credit: number }[]
    refund: { amount: number; shipping: number } | null
    storeCredit: { amount: number; creditNoteNumber: string } | null
    replacementOrder: { id: string; number: string } | null
    exchangeOrder: { id: string; number: string } | null
  } | null
  note: string | null
  closeReason: string | null
  allowedActions: string[]
  createdBy: string
  version: number
  createdAt: string
  authorizedAt: string | null
  receivedAt: string | null
  inspectedAt: string | null
  resolvedAt: string | null
}

export interface Refund {
  id: string
  order: { id: string; number: string }
  return: { id: string; number: string } | null
  provider: string
  paymentReference: string | null
  amount: { amount: number; currency: string }
  shipping: { amount: number; currency: string }
  status: 'pending' | 'succeeded' | 'failed'
  providerReference: string | null
  note: string | null
  breakdown: { kind: string; amount: number; detail: string }[]
  lastError: string | null
  createdBy: string
  createdAt: string
  completedAt: string | null
}

export interface ReturnPolicy {
  channel: string | null
  source: 'channel' | 'default'
  windowDays: number
  nonReturnableSkus: string[]
  restockingFeePpm: number
  returnShippingPaidBy: 'customer' | 'merchant'
  returnLocation: string | null
  autoAuthorize: boolean
  autoAuthorizeMaxValue: { amount: number; currency: string } | null
  refundShipping: 'never' | 'when_full_return' | 'always'
  resolutions: string[]
  version: number
  updatedAt: string
}

// ---- shipping methods ----

export interface ShippingMethod {
  id: string
  code: string
  name: string
  currency: string
  flatAmount: number
  perKgAmount: number
  freeOverAmount: number | null
  serviceLevel: string | null
  maxTransitDays: number | null
  active: boolean
  version: number
  createdAt: string
  updatedAt: string
}

// ---- exceptions ----

export interface ExceptionItem {
  key: string
  type: string
  severity: 'high' | 'normal' | 'low'
  status: 'open' | 'resolved' | 'cleared'
  title: string
  detail: string
  holdCode: string | null
  entity: { type: string; id: string; number: string | null }
  orderId: string | null
  orderNumber: string | null
  location: string | null
  channel: string | null
  since: string
  link: string
  assignee: string | null
  assignedAt: string | null
  assignedBy: string | null
  note: string | null
  resolvedAt: string | null
  resolvedBy: string | null
  resolutionNote: string | null
  version: number
}

export interface ExceptionList extends Page<ExceptionItem> {
  counts: { byType: Record<string, number>; byHoldCode: Record<string, number>; total: number; capped: string[] }
}

// ---- customers' side: feedback, the signed order page, e-mails ----

export interface Feedback {
  id: string
  order: { id: string; number: string }
  rating: number
  comment: string | null
  givenBy: string
  editableUntil: string
  createdAt: string
  updatedAt: string
}

export interface StatusLink {
  url: string
  expiresAt: string
}

export interface Notification {
  id: string
  orderId: string
  template: string
  channel: string
  to: string
  subject: string
  status: 'queued' | 'sent' | 'failed'
  attempts: number
  nextAttemptAt: string | null
  lastError: string | null
  sentAt: string | null
  createdAt: string
}

export interface NotificationTemplate {
  event: string
  channel: string | null
  source: 'built-in' | 'default' | 'channel'
  subject: string
  text: string
  html: string
  enabled: boolean
  version: number | null
  updatedBy: string | null
  updatedAt: string | null
}

export interface NotificationPreview {
  to: string
  subject: string
  text: string
  html: string
}

// ---- webhooks ----

export interface WebhookEndpoint {
  id: string
  url: string
  description: string | null
  eventTypes: string[]
  active: boolean
  disabledReason: string | null
  previousSecretExpiresAt: string | null
  version: number
  createdAt: string
  updatedAt: string
}

export interface WebhookDelivery {
  id: string
  endpointId: string
  eventId: string
  eventType: string
  entityId: string
  status: 'pending' | 'delivered' | 'dead'
  attemptCount: number
  nextAttemptAt: string | null
  lastResponseStatus: number | null
  lastError: string | null
  deliveredAt: string | null
  deadAt: string | null
  createdAt: string
  payload: Record<string, unknown>
  attempts: { attemptedAt: string; responseStatus: number | null; durationMs: number; error: string | null; responseBody: string | null }[]
}
