export {
  basePrice,
  billableWeightGrams,
  findZone,
  isRemoteArea,
  parcelSchema,
  placeSchema,
  quote,
  rateCardSchema,
  remoteAreaSchema,
  weightBreakSchema,
  zoneSchema,
  type Parcel,
  type Place,
  type Quote,
  type QuoteBreakdown,
  type QuoteFailure,
  type QuoteRequest,
  type RateCard,
  type RateCardInput,
  type Zone,
} from './rate-card.js'
export {
  deliveryDate,
  isBusinessDay,
  rateShop,
  type DefaultRule,
  type RateOption,
  type RateShopExplanation,
  type RateShopRequest,
  type RateShopResult,
  type ServiceQuote,
} from './rate-shop.js'
export { isValidTrackingNumber, makeTrackingNumber, normalizeTrackingNumber, s10CheckDigit } from './tracking-number.js'
export { createShippingService, type ReturnLabelRequest, type ShippingService } from './service.js'
export { shippingRoutes } from './routes.js'
export { SHIPMENT_STATUSES, TRACKING_STATUSES, shipmentMachine, type ShipmentStatus, type TrackingStatus } from './machine.js'
export {
  carrierSchema,
  carrierServiceSchema,
  manifestSchema,
  ratesResultSchema,
  shipmentPackageSchema,
  shipmentSchema,
  shippingMethodSchema,
  trackingEventSchema,
  type Carrier,
  type CarrierService,
  type Manifest,
  type RatesResult,
  type Shipment,
  type ShipmentPackage,
  type ShippingMethod,
  type TrackingEvent,
} from './schema.js'
export {
  createAdapterRegistry,
  type AdapterEnv,
  type AdapterRegistry,
  type CarrierAdapter,
  type CarrierConfig,
  type CarrierServiceConfig,
  type CreatedLabel,
} from './carrier-adapter.js'
export { tableRateAdapter } from './table-rate-carrier.js'
export { customerFreight, type CustomerFreight, type FreightRule } from './freight.js'
export type { CostDestination, CostEstimator, LabelPurchase, PackageSpec, ShipmentListener, ShipmentRequest } from './ports.js'
