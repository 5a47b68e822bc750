import { z } from 'zod'
import { addressSchema } from '../../kernel/address.js'
import { moneySchema } from '../../kernel/money.js'
import { pageQuery } from '../../kernel/pagination.js'
import { FULFILLMENT_STATUSES, PICKLIST_STATUSES } from './machine.js'

const code = z.string().trim().min(1).max(64)
const sku = z.string().trim().min(1).max(64)
const booleanQuery = z.enum(['true', 'false']).transform((v) => v === 'true')
const dateOrDateTime = z.union([z.iso.date(), z.iso.datetime({ offset: true })])
const mm = z.number().int().min(1).max(10_000)
const grams = z.number().int().min(0).max(10_000_000)

// ---- fulfilment orders --------------------------------------------------------------------

export const lotQuantitySchema = z.object({ lot: z.string(), quantity: z.number().int() }).meta({ id: 'LotQuantity' })

export const fulfillmentLineSchema = z
  .object({
    id: z.string(),
    orderLineId: z.string(),
    sku: z.string(),
    name: z.string(),
    quantity: z.number().int().describe('Units this fulfilment order is to ship.'),
    pickedQuantity: z.number().int(),
    packedQuantity: z.number().int(),
    shippedQuantity: z.number().int(),
    shortQuantity: z.number().int().describe('Units the picker did not find; they were routed again or backordered.'),
    putAwayQuantity: z.number().int().describe('Picked units no longer wanted, waiting in staging to go back to a bin.'),
  })
  .meta({ id: 'FulfillmentLine' })

export const packageSchema = z
  .object({
    id: z.string(),
    box: z.string().nullable().describe('Box catalog code; null for custom dimensions.'),
    lengthMm: z.number().int(),
    widthMm: z.number().int(),
    heightMm: z.number().int(),
    weightGrams: z.number().int(),
    contents: z.array(z.object({ sku: z.string(), quantity: z.number().int(), lots: z.array(lotQuantitySchema) })),
    instructions: z.array(z.string()),
    followedSuggestion: z.boolean().describe('Box and contents are one of the suggested packages.'),
    shipmentId: z.string().nullable(),
    trackingNumber: z.string().nullable(),
    createdAt: z.string(),
  })
  .meta({ id: 'Package' })

export const fulfillmentSchema = z
  .object({
    id: z.string(),
    number: z.string(),
    orderId: z.string(),
    orderNumber: z.string(),
    location: z.string(),
    status: z.enum(FULFILLMENT_STATUSES),
    held: z.boolean().describe('The order is on hold: not released to picking, not shipped.'),
    priority: z.number().int(),
    promisedDate: z.string().nullable(),
    shippingMethod: z.string().nullable(),
    shipTo: addressSchema,
    email: z.string(),
    picklist: z.object({ id: z.string(), number: z.string() }).nullable(),
    lines: z.array(fulfillmentLineSchema),
    packages: z.array(packageSchema),
    shipmentIds: z.array(z.string()),
    allowedActions: z.array(z.string()),
    version: z.number().int(),
    createdAt: z.string(),
    updatedAt: z.string(),
    pickingStartedAt: z.string().nullable(),
    pickedAt: z.string().nullable(),
    packedAt: z.string().nullable(),
    shippedAt: z.string().nullable(),
    cancelledAt: z.string().nullable(),
    cancelReason: z.string().nullable(),
  })
  .meta({ id: 'FulfillmentOrder' })

export const fulfillmentListQuery = pageQuery.extend({
  location: code.optional(),
  status: z.enum(FULFILLMENT_STATUSES).optional(),
  order: z.string().trim().min(1).max(100).optional().describe('Order id or number.'),
  held: booleanQuery.optional(),
})

export const putAwayBody = z.object({ bin: code.optional().describe('The bin the units go back to; omit for unbinned stock.') }).default({})

// ---- picklists and picking ------------------------------------------------------------------

export const createPicklistBody = z
  .object({
    location: code,
    maxOrders: z.number().int().min(1).max(10_000).optional().describe('At most this many fulfilment orders on the wave.'),
    cartCapacityUnits: z.number().int().min(1).max(1_000_000).optional().describe('Units the cart holds.'),
    cartCapacityLitres: z.number().positive().max(100_000).optional().describe('Volume the cart holds, from the items’ dimensions.'),
    fulfillmentOrders: z.array(z.string().trim().min(1).max(100)).min(1).max(1000).optional().describe('Pick exactly these open fulfilment orders (ids or numbers), still in release order.'),
  })
  .meta({ id: 'CreatePicklist' })

export const accuracySchema = z
  .object({
    scans: z.number().int(),
    accepted: z.number().int(),
    wrongBin: z.number().int(),
    wrongItem: z.number().int(),
    overPick: z.number().int(),
    short: z.number().int(),
    accuracy: z.number().nullable().describe('accepted / scans; null before the first scan.'),
  })
  .meta({ id: 'PickingAccuracy' })

export const picklistLineSchema = z
  .object({
    id: z.string(),
    seq: z.number().int(),
    bin: z.string().nullable().describe('null: the units are in no bin.'),
    zone: z.string().nullable(),
    sku: z.string(),
    name: z.string(),
    barcode: z.string().describe('What to scan: the first barcode, else the SKU.'),
    lot: z.string().nullable(),
    expiresOn: z.string().nullable(),
    quantity: z.number().int(),
    pickedQuantity: z.number().int(),
    shortQuantity: z.number().int(),
    remainingQuantity: z.number().int(),
    orders: z.array(
      z.object({ fulfillmentOrderId: z.string(), fulfillmentNumber: z.string(), orderNumber: z.string(), quantity: z.number().int(), pickedQuantity: z.number().int(), shortQuantity: z.number().int() }),
    ),
  })
  .meta({ id: 'PicklistLine' })

const picklistFields = {
  id: z.string(),
  number: z.string(),
  location: z.string(),
  status: z.enum(PICKLIST_STATUSES),
  limits: z.object({ maxOrders: z.number().int().nullable(), cartCapacityUnits: z.number().int().nullable(), cartCapacityLitres: z.number().nullable() }),
  progress: z.object({ units: z.number().int(), picked: z.number().int(), short: z.number().int(), remaining: z.number().int() }),
  allowedActions: z.array(z.string()),
  createdBy: z.string(),
  version: z.number().int(),
  createdAt: z.string(),
  startedAt: z.string().nullable(),
  completedAt: z.string().nullable(),
  cancelledAt: z.string().nullable(),
}

export const picklistSummarySchema = z.object(picklistFields).meta({ id: 'PicklistSummary' })

export const picklistSchema = z
  .object({
    ...picklistFields,
    fulfillmentOrders: z.array(z.object({ id: z.string(), number: z.string(), orderNumber: z.string(), status: z.enum(FULFILLMENT_STATUSES) })),
    lines: z.array(picklistLineSchema),
    accuracy: accuracySchema,
  })
  .meta({ id: 'Picklist' })

const unitsOf = z.object({ fulfillmentNumber: z.string(), sku: z.string(), quantity: z.number().int() })

export const DEFER_REASONS = ['max_orders', 'cart_full', 'exceeds_cart_capacity', 'not_in_bins'] as const

export const createdPicklistSchema = picklistSchema
  .extend({
    deferred: z
      .array(z.object({ fulfillmentNumber: z.string(), reason: z.enum(DEFER_REASONS) }))
      .describe('Open fulfilment orders left for a later wave, and why. `not_in_bins`: the location holds the units but no bin does yet (they wait in staging to be put away).'),
  })
  .meta({ id: 'CreatedPicklist' })

export const picklistListQuery = pageQuery.extend({ location: code.optional(), status: z.enum(PICKLIST_STATUSES).optional() })

export const scanBody = z
  .object({
    bin: code.optional().describe('The scanned bin; omit for units in no bin.'),
    barcode: z.string().trim().min(1).max(64).describe("The item's barcode, or its SKU."),
    quantity: z.number().int().min(1).max(100_000).default(1),
  })
  .meta({ id: 'PickScan' })

export const scanResultSchema = z
  .object({
    scan: z.object({ id: z.string(), outcome: z.literal('accepted'), quantity: z.number().int(), createdAt: z.string() }),
    line: picklistLineSchema,
    remaining: z.object({ line: z.number().int(), picklist: z.number().int() }),
    picklistStatus: z.enum(PICKLIST_STATUSES),
    picked: z.array(z.object({ id: z.string(), number: z.string() })).describe('Fulfilment orders this scan finished picking.'),
  })
  .meta({ id: 'PickScanResult' })

export const shortBody = z
  .object({
    line: z.string().trim().min(1).max(100).optional().describe('Picklist line id.'),
    bin: code.optional(),
    barcode: z.string().trim().min(1).max(64).optional(),
    found: z.number().int().min(0).max(100_000).describe('Units of the line found in the bin in all, those already scanned included.'),
  })
  .refine((b) => b.line !== undefined || b.barcode !== undefined, { message: 'name the line, or the bin and barcode', path: ['line'] })
  .meta({ id: 'ShortPick' })

export const shortResultSchema = z
  .object({
    line: picklistLineSchema,
    shortQuantity: z.number().int(),
    writtenOff: z.number().int().describe('Units written off the bin’s stock.'),
    rerouted: z.array(unitsOf),
    remaining: z.object({ line: z.number().int(), picklist: z.number().int() }),
    picklistStatus: z.enum(PICKLIST_STATUSES),
  })
  .meta({ id: 'ShortPickResult' })

export const completedPicklistSchema = picklistSchema.extend({ returnedToQueue: z.array(unitsOf).describe('Units not picked: back in an open fulfilment order for the next wave.') }).meta({ id: 'CompletedPicklist' })

export const accuracyQuery = z.object({
  location: code.optional(),
  from: dateOrDateTime.optional(),
  to: dateOrDateTime.optional().describe('A date includes the whole day.'),
})

export const accuracyReportSchema = accuracySchema.extend({ location: z.string().nullable(), from: z.string().nullable(), to: z.string().nullable() }).meta({ id: 'PickingAccuracyReport' })

// ---- box catalog and packing ----------------------------------------------------------------

const packagingFields = {
  name: z.string().trim().min(1).max(200),
  innerLengthMm: mm,
  innerWidthMm: mm,
  innerHeightMm: mm,
  maxWeightGrams: z.number().int().min(1).max(10_000_000).describe('Gross: contents plus tare.'),
  tareWeightGrams: grams,
  cost: moneySchema.describe('What one box costs.'),
  active: z.boolean().describe('Inactive boxes are not suggested.'),
}

export const createPackagingBody = z
  .object({ code, ...packagingFields, tareWeightGrams: grams.default(0), active: packagingFields.active.default(true) })
  .meta({ id: 'CreatePackaging' })
export const updatePackagingBody = z.object(packagingFields).partial().meta({ id: 'UpdatePackaging' })

export const packagingSchema = z
  .object({ id: z.string(), code: z.string(), ...packagingFields, version: z.number().int(), createdAt: z.string(), updatedAt: z.string() })
  .meta({ id: 'Packaging' })

export const packagingListQuery = z.object({ active: booleanQuery.optional() })
export const packagingParams = z.object({ code })

export const boxSuggestionSchema = z
  .object({
    fulfillmentOrderId: z.string(),
    items: z.array(z.object({ sku: z.string(), quantity: z.number().int() })).describe('Picked units not yet packed.'),
    packages: z.array(
      z.object({
        box: z.string(),
        name: z.string(),
        items: z.array(z.object({ sku: z.string(), quantity: z.number().int() })),
        weightGrams: z.number().int().describe('Contents plus tare.'),
        billableWeightGrams: z.number().int().describe('The larger of actual and dimensional weight.'),
        instructions: z.array(z.string()),
      }),
    ),
    unfittable: z.array(z.object({ sku: z.string(), quantity: z.number().int(), reason: z.enum(['too_large', 'too_heavy']) })),
  })
  .meta({ id: 'BoxSuggestion' })

export const packBody = z
  .object({
    packages: z
      .array(
        z
          .object({
            box: code.optional().describe('Box catalog code.'),
            dimensions: z.object({ lengthMm: mm, widthMm: mm, heightMm: mm }).optional().describe('Custom outer dimensions, instead of a catalog box.'),
            weightGrams: z.number().int().min(1).max(10_000_000).optional().describe('Measured; defaults to contents plus tare.'),
            contents: z.array(z.object({ sku, quantity: z.number().int().min(1).max(100_000) })).min(1).max(500),
          })
          .refine((p) => (p.box === undefined) !== (p.dimensions === undefined), { message: 'send box or dimensions, one of them', path: ['box'] }),
      )
      .min(1)
      .max(100),
  })
  .meta({ id: 'Pack' })

export const shipBody = z
  .object({
    serviceCode: z.string().trim().min(1).max(64).optional().describe('Defaults to the cheapest service that meets the promised date.'),
    packages: z.array(z.string().max(100)).min(1).max(100).optional().describe('Ship only these packages (a partial shipment); default all unshipped.'),
  })
  .default({})
  .meta({ id: 'Ship' })

export type FulfillmentOrder = z.infer<typeof fulfillmentSchema>
export type FulfillmentListQuery = z.infer<typeof fulfillmentListQuery>
export type CreatePicklistBody = z.infer<typeof createPicklistBody>
export type Picklist = z.infer<typeof picklistSchema>
export type PicklistLine = z.infer<typeof picklistLineSchema>
export type PicklistSummary = z.infer<typeof picklistSummarySchema>
export type PicklistListQuery = z.infer<typeof picklistListQuery>
export type ScanBody = z.infer<typeof scanBody>
export type ShortBody = z.infer<typeof shortBody>
export type AccuracyQuery = z.infer<typeof accuracyQuery>
export type Accuracy = z.infer<typeof accuracySchema>
export type CreatePackagingBody = z.infer<typeof createPackagingBody>
export type UpdatePackagingBody = z.infer<typeof updatePackagingBody>
export type Packaging = z.infer<typeof packagingSchema>
export type BoxSuggestionResult = z.infer<typeof boxSuggestionSchema>
export type PackBody = z.infer<typeof packBody>
export type ShipBody = z.infer<typeof shipBody>
