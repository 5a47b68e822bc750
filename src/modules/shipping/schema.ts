import { z } from 'zod'
import { addressSchema } from '../../kernel/address.js'
import { currencySchema, minorUnits, moneySchema } from '../../kernel/money.js'
import { pageQuery } from '../../kernel/pagination.js'
import { SHIPMENT_STATUSES, TRACKING_STATUSES } from './machine.js'
import { parcelSchema, placeSchema, rateCardSchema } from './rate-card.js'

/** Carrier and service codes: no dots, since `<carrier>.<service>` names a service in rate shopping. */
export const carrierCode = z
  .string()
  .trim()
  .min(1)
  .max(40)
  .regex(/^[a-z0-9][a-z0-9_\-]*$/, 'lower-case letters, digits, "_" or "-"')

/** Service levels, slowest first; a shipping method that asks for one accepts it or any faster one. */
export const SERVICE_LEVELS = ['economy', 'standard', 'express', 'same_day'] as const
export type ServiceLevel = (typeof SERVICE_LEVELS)[number]

const trackingPrefix = z
  .string()
  .regex(/^[A-Z]{2}$/, 'two capital letters, e.g. OR')
  .describe('S10 service indicator of the tracking numbers Ordo issues for this carrier (built-in table-rate carrier); unique across carriers.')
const settings = z
  .record(z.string(), z.unknown())
  .describe("The adapter's settings, checked by its schema. Readable by every role with shipping:read: put credentials in the environment and name the variable here.")

export const createCarrierBody = z.object({
  code: carrierCode.describe('Unique, e.g. `dhl`, `own-fleet`.'),
  name: z.string().trim().min(1).max(200),
  adapter: z.string().trim().min(1).max(64).default('table_rate').describe('The carrier adapter that quotes and buys labels: `table_rate` (built in, offline) or an installed integration.'),
  active: z.boolean().default(true),
  settings: settings.default({}),
  trackingPrefix: trackingPrefix.optional(),
})

export const updateCarrierBody = z
  .object({ name: z.string().trim().min(1).max(200), active: z.boolean(), settings, trackingPrefix: trackingPrefix.nullable() })
  .partial()

export const createServiceBody = z.object({
  code: carrierCode.describe('Unique within the carrier, e.g. `paket`, `express`.'),
  name: z.string().trim().min(1).max(200),
  level: z.enum(SERVICE_LEVELS).default('standard'),
  rateCard: rateCardSchema,
  active: z.boolean().default(true),
})

export const updateServiceBody = z.object({ name: z.string().trim().min(1).max(200), level: z.enum(SERVICE_LEVELS), rateCard: rateCardSchema, active: z.boolean() }).partial()

export const carrierServiceSchema = z
  .object({
    id: z.string(),
    carrier: z.string(),
    code: z.string(),
    qualifiedCode: z.string().describe('`<carrier>.<service>`: how rates and label purchases name it.'),
    name: z.string(),
    level: z.enum(SERVICE_LEVELS),
    rateCard: rateCardSchema,
    active: z.boolean(),
    version: z.number().int(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: 'CarrierService' })

export const carrierSchema = z
  .object({
    id: z.string(),
    code: z.string(),
    name: z.string(),
    adapter: z.string(),
    active: z.boolean(),
    settings: z.record(z.string(), z.unknown()),
    trackingPrefix: z.string().nullable(),
    services: z.array(carrierServiceSchema),
    version: z.number().int().describe('Bumped by every edit; send it back as If-Match (the ETag).'),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: 'Carrier' })

const methodFields = {
  name: z.string().trim().min(1).max(200),
  currency: currencySchema,
  flatAmount: minorUnits.describe('Charged per shipment, in minor units.'),
  perKgAmount: minorUnits.describe("Added per started kg of the shipment's weight."),
  freeOverAmount: minorUnits.nullable().describe("Free when the order's merchandise value reaches this; null: never free."),
  serviceLevel: z.enum(SERVICE_LEVELS).nullable().describe('Only services of this level or faster are picked by default.'),
  maxTransitDays: z.number().int().min(0).max(60).nullable().describe('Only services this fast are picked by default.'),
  active: z.boolean(),
}

export const createShippingMethodBody = z.object({
  code: carrierCode.describe('What orders name in `shippingMethod`, e.g. `standard`, `express`, `pickup`.'),
  ...methodFields,
  perKgAmount: methodFields.perKgAmount.default(0),
  freeOverAmount: methodFields.freeOverAmount.default(null),
  serviceLevel: methodFields.serviceLevel.default(null),
  maxTransitDays: methodFields.maxTransitDays.default(null),
  active: methodFields.active.default(true),
})

export const updateShippingMethodBody = z.object(methodFields).partial()

export const shippingMethodSchema = z
  .object({ id: z.string(), code: z.string(), ...methodFields, version: z.number().int(), createdAt: z.string(), updatedAt: z.string() })
  .meta({ id: 'ShippingMethod' })

const rateOptionSchema = z
  .object({
    service: z.string().describe('`<carrier>.<service>`'),
    carrier: z.string(),
    carrierName: z.string(),
    serviceName: z.string(),
    level: z.enum(SERVICE_LEVELS),
    available: z.boolean(),
    amount: z.number().int().nullable().describe("The carrier's cost to us, minor units."),
    currency: z.string().nullable(),
    breakdown: z.object({ base: z.number().int(), fuel: z.number().int(), residential: z.number().int(), remote: z.number().int() }).nullable(),
    zone: z.string().nullable(),
    transitDays: z.number().int().nullable(),
    deliveryDate: z.string().nullable(),
    meetsPromise: z.boolean().nullable().describe('Null when the order promised no date.'),
    reason: z.string().nullable().describe('Why it cannot ship this (no_zone, too_heavy, excluded_by_shipping_method, adapter_missing…).'),
    detail: z.string().nullable(),
  })
  .meta({ id: 'RateOption' })

export const RATE_RULES = ['cheapest_meeting_promise', 'cheapest', 'fastest_none_meet_promise', 'no_service_available', 'mixed_currencies'] as const

export const ratesResultSchema = z
  .object({
    shipDate: z.string(),
    promisedBy: z.string().nullable(),
    options: z.array(rateOptionSchema).describe('Every active service, in configured order.'),
    default: z.string().nullable().describe('The service bought when none is named; null when nothing can ship it.'),
    carrierCost: moneySchema.nullable().describe("The default service's cost to us."),
    estimatedDeliveryDate: z.string().nullable(),
    customerFreight: z
      .object({ amount: z.number().int(), currency: z.string(), shippingMethod: z.string(), rule: z.string(), detail: z.string() })
      .nullable()
      .describe("What the customer is charged by the shipping method's rule; null without a known method."),
    explanation: z.object({
      rule: z.enum(RATE_RULES),
      chosen: z.string().nullable(),
      considered: z.array(z.string()).describe('Services that could ship it, cheapest first.'),
      meetingPromise: z.array(z.string()),
      unavailable: z.array(z.object({ service: z.string(), reason: z.string() })),
      tieBreak: z.string().nullable(),
      shippingMethod: z
        .object({ code: z.string(), known: z.boolean(), serviceLevel: z.string().nullable(), maxTransitDays: z.number().int().nullable() })
        .nullable(),
    }),
  })
  .meta({ id: 'RatesResult' })

export const quoteBody = z.object({
  origin: z.string().trim().min(1).max(64).describe('Location code.'),
  destination: placeSchema,
  residential: z.boolean().default(false),
  parcels: z.array(parcelSchema).min(1).max(50),
  shipDate: z.iso.date().optional().describe("Defaults to today (UTC)."),
  promisedBy: z.iso.date().optional(),
  shippingMethod: z.string().trim().max(100).optional(),
  merchandiseValue: moneySchema.optional().describe('For free-shipping thresholds.'),
})

const contentSchema = z.object({ orderLineId: z.string(), sku: z.string(), quantity: z.number().int() })

export const shipmentPackageSchema = z
  .object({
    id: z.string(),
    seq: z.number().int().describe('1-based, as printed on the label ("2 of 3").'),
    trackingNumber: z.string(),
    fulfillmentPackageId: z.string(),
    boxCode: z.string().nullable(),
    lengthMm: z.number().int(),
    widthMm: z.number().int(),
    heightMm: z.number().int(),
    weightGrams: z.number().int(),
    contents: z.array(contentSchema),
  })
  .meta({ id: 'ShipmentPackage' })

export const IDENTITY_DOCUMENTS = ['id_card', 'passport', 'driving_licence', 'residence_permit', 'other'] as const
export const TRACKING_SOURCES = ['carrier', 'driver', 'customer_service'] as const

const proofSchema = z.object({
  method: z.enum(['delivery_code', 'identity_check']),
  documentType: z.enum(IDENTITY_DOCUMENTS).nullable(),
  documentLast4: z.string().nullable(),
  name: z.string().nullable(),
})

export const trackingEventSchema = z
  .object({
    id: z.string(),
    status: z.enum(TRACKING_STATUSES),
    occurredAt: z.string(),
    location: z.string().nullable(),
    detail: z.string().nullable(),
    source: z.enum(TRACKING_SOURCES),
    proof: proofSchema.nullable(),
    applied: z.boolean().describe("Whether it moved the shipment's status: late and repeated scans are kept, not applied."),
    recordedBy: z.string(),
    recordedAt: z.string(),
  })
  .meta({ id: 'TrackingEvent' })

export const shipmentSchema = z
  .object({
    id: z.string(),
    number: z.string(),
    status: z.enum(SHIPMENT_STATUSES),
    fulfillmentOrderId: z.string(),
    fulfillmentNumber: z.string(),
    orderId: z.string(),
    orderNumber: z.string(),
    carrier: z.object({ code: z.string(), name: z.string() }),
    service: z.object({ code: z.string(), qualifiedCode: z.string(), name: z.string() }),
    trackingNumber: z.string(),
    carrierReference: z.string(),
    carrierCost: moneySchema.describe("The carrier's charge to us."),
    customerFreight: moneySchema.nullable().describe("What the customer is charged by the shipping method's rule."),
    shippingMethod: z.string().nullable(),
    origin: z.object({ locationId: z.string(), code: z.string(), name: z.string() }),
    destination: addressSchema,
    residential: z.boolean(),
    requiresProof: z.boolean().describe('Delivery needs a delivery code or an identity check.'),
    promisedBy: z.string().nullable(),
    shipDate: z.string(),
    estimatedDeliveryDate: z.string().nullable(),
    weightGrams: z.number().int(),
    packages: z.array(shipmentPackageSchema),
    trackingEvents: z.array(trackingEventSchema).describe('Oldest first, by when they happened.'),
    manifestId: z.string().nullable(),
    deliveredAt: z.string().nullable(),
    cancelledAt: z.string().nullable(),
    cancelReason: z.string().nullable(),
    allowedActions: z.array(z.string()).describe('Commands that are legal now (see GET /v1/lifecycles).'),
    version: z.number().int(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: 'Shipment' })

export const shipmentListQuery = pageQuery.extend({
  status: z.enum(SHIPMENT_STATUSES).optional(),
  carrier: z.string().max(40).optional().describe('Carrier code.'),
  location: z.string().max(64).optional().describe('Code of the location it ships from.'),
  order: z.string().max(100).optional().describe('Order id or number.'),
  fulfillmentOrder: z.string().max(100).optional().describe('Fulfilment order id.'),
  trackingNumber: z.string().max(64).optional().describe("The shipment's or one of its packages' number."),
})

export const trackingEventBody = z
  .object({
    status: z.enum(TRACKING_STATUSES),
    occurredAt: z.iso.datetime({ offset: true }).describe('When it happened (the scan time), not when it is sent.'),
    location: z.string().trim().max(200).optional().describe('Where, as the carrier names it: "Hub Leipzig", "Hamburg".'),
    detail: z.string().trim().max(1000).optional(),
    source: z.enum(TRACKING_SOURCES).default('carrier'),
    deliveryCode: z.string().trim().regex(/^\d{6}$/, 'six digits').optional().describe('The code the recipient was given, for items that need proof at the door.'),
    identityCheck: z
      .object({
        documentType: z.enum(IDENTITY_DOCUMENTS),
        documentLast4: z.string().trim().regex(/^[A-Za-z0-9]{4}$/, 'the last four characters of the document number').optional(),
        name: z.string().trim().min(1).max(200).describe('The name on the document.'),
      })
      .optional()
      .describe("The driver checked the recipient's identity document instead of a code."),
  })
  .superRefine((b, ctx) => {
    if (b.status === 'delivered') return
    for (const key of ['deliveryCode', 'identityCheck'] as const) {
      if (b[key] !== undefined) ctx.addIssue({ code: 'custom', path: [key], message: 'only with status delivered' })
    }
  })

/** Optional: a cancel may come without a body. */
export const cancelShipmentBody = z.object({ reason: z.string().trim().min(1).max(500).optional() }).nullish()

export const createManifestBody = z.object({
  carrier: carrierCode,
  location: z.string().trim().min(1).max(64).describe('Location code.'),
  date: z.iso.date().optional().describe('The pickup day; defaults to today (UTC). Labels shipping later are left for their day.'),
})

export const manifestSchema = z
  .object({
    id: z.string(),
    number: z.string(),
    carrier: z.object({ code: z.string(), name: z.string() }),
    location: z.object({ code: z.string(), name: z.string() }),
    date: z.string(),
    shipments: z.array(
      z.object({
        id: z.string(),
        number: z.string(),
        trackingNumber: z.string(),
        orderNumber: z.string(),
        service: z.string(),
        packages: z.number().int(),
        weightGrams: z.number().int(),
        destination: z.string(),
      }),
    ),
    totals: z.object({ shipments: z.number().int(), packages: z.number().int(), weightGrams: z.number().int() }),
    createdBy: z.string(),
    createdAt: z.string(),
  })
  .meta({ id: 'Manifest' })

export const manifestListQuery = pageQuery.extend({
  carrier: z.string().max(40).optional(),
  location: z.string().max(64).optional(),
  date: z.iso.date().optional(),
})

export const trackingLookupSchema = z
  .object({
    trackingNumber: z.string(),
    shipmentId: z.string(),
    shipmentNumber: z.string(),
    package: z.number().int().nullable().describe('Which package the number belongs to; null for the shipment’s own number.'),
    status: z.enum(SHIPMENT_STATUSES),
    carrier: z.object({ code: z.string(), name: z.string() }),
    estimatedDeliveryDate: z.string().nullable(),
    deliveredAt: z.string().nullable(),
    events: z.array(trackingEventSchema),
  })
  .meta({ id: 'TrackingLookup' })

export type CreateCarrierBody = z.infer<typeof createCarrierBody>
export type UpdateCarrierBody = z.infer<typeof updateCarrierBody>
export type CreateServiceBody = z.infer<typeof createServiceBody>
export type UpdateServiceBody = z.infer<typeof updateServiceBody>
export type Carrier = z.infer<typeof carrierSchema>
export type CarrierService = z.infer<typeof carrierServiceSchema>
export type CreateShippingMethodBody = z.infer<typeof createShippingMethodBody>
export type UpdateShippingMethodBody = z.infer<typeof updateShippingMethodBody>
export type ShippingMethod = z.infer<typeof shippingMethodSchema>
export type RatesResult = z.infer<typeof ratesResultSchema>
export type RateOptionView = z.infer<typeof rateOptionSchema>
export type QuoteBody = z.infer<typeof quoteBody>
export type Shipment = z.infer<typeof shipmentSchema>
export type ShipmentPackage = z.infer<typeof shipmentPackageSchema>
export type TrackingEvent = z.infer<typeof trackingEventSchema>
export type ShipmentListQuery = z.infer<typeof shipmentListQuery>
export type TrackingEventBody = z.infer<typeof trackingEventBody>
export type CreateManifestBody = z.infer<typeof createManifestBody>
export type Manifest = z.infer<typeof manifestSchema>
export type ManifestListQuery = z.infer<typeof manifestListQuery>
export type TrackingLookup = z.infer<typeof trackingLookupSchema>
