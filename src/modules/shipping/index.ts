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
export { createShippingService, type ShippingService } from './service.js'
export { shippingRoutes } from './routes.js'
export type { CostDestination, CostEstimator, LabelPurchase, PackageSpec, ShipmentListener, ShipmentRequest } from './ports.js'
