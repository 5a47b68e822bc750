import { z } from 'zod'
import { countryCode, latitude, longitude } from '../../kernel/address.js'
import { LOCATION_SOURCES } from './geo.js'
import { FILTERS, RANKERS, routingPolicySchema } from './policy.js'

export const DECISIONS = ['single_location', 'split', 'backorder', 'partial_backorder', 'nothing_to_allocate'] as const
export const TRIGGERS = ['created', 'edited', 'backorder_fill', 'reroute'] as const

const rankerScore = z.object({
  value: z.number().nullable().describe('What was measured: km, shipments, minor units, priority, share of stock; null when unknown.'),
  score: z.number().describe('Normalised 0–1, 1 the best of the candidates.'),
})

export const routingExplanationSchema = z
  .object({
    strategy: z.string(),
    policy: z
      .object({ scope: z.string().describe('default, channel:<code> or inline (a simulation)'), version: z.number().int() })
      .nullable(),
    decision: z.enum(DECISIONS),
    reason: z.string().describe('The decision in one sentence.'),
    destination: z.object({
      country: z.string(),
      source: z.enum(LOCATION_SOURCES).nullable().describe('Where the coordinates came from; null when none were found.'),
      latitude: z.number().nullable(),
      longitude: z.number().nullable(),
    }),
    split: z.object({ allowed: z.boolean(), maxShipments: z.number().int() }),
    rankers: z.array(
      z.object({
        code: z.enum(RANKERS),
        weight: z.number(),
        measured: z.boolean().describe('False when no candidate could be measured (no coordinates, no rates): the ranker then did not count.'),
      }),
    ),
    candidates: z
      .array(
        z.object({
          location: z.string(),
          rank: z.number().int(),
          total: z.number().describe('Weighted mean of the scores, 0–1.'),
          coversAll: z.boolean(),
          shipmentsNeeded: z.number().int().optional().describe('When the order must split: 2 if one other location can ship what this one leaves, 3 if more parcels would be needed.'),
          unitsAvailable: z.number().int().describe('Units of this order the location could ship.'),
          scores: z.partialRecord(z.enum(RANKERS), rankerScore),
        }),
      )
      .describe('Every location the filters left, as ranked for the first shipment.'),
    filtered: z.array(
      z.object({ location: z.string(), filter: z.union([z.enum(FILTERS), z.literal('stock')]), detail: z.string() }),
    ),
    shipments: z
      .array(z.object({ location: z.string(), lines: z.number().int(), units: z.number().int(), total: z.number() }))
      .describe('The locations chosen, in the order they were chosen, with the total they were chosen on.'),
  })
  .meta({ id: 'RoutingExplanation' })

export type RoutingExplanation = z.infer<typeof routingExplanationSchema>
export type RoutingDecisionKind = (typeof DECISIONS)[number]

export const routingDecisionSchema = z
  .object({
    id: z.string(),
    orderId: z.string(),
    trigger: z.enum(TRIGGERS),
    decision: z.enum(DECISIONS),
    policy: z.object({ scope: z.string(), version: z.number().int() }).nullable(),
    explanation: routingExplanationSchema,
    createdBy: z.string(),
    createdAt: z.string(),
  })
  .meta({ id: 'RoutingDecision' })
export type RoutingDecision = z.infer<typeof routingDecisionSchema>
export type RoutingTrigger = (typeof TRIGGERS)[number]

export const policyRecordSchema = z
  .object({
    scope: z.enum(['default', 'channel']),
    channel: z.string().nullable(),
    policy: routingPolicySchema,
    version: z.number().int().describe('0 for the built-in default nobody has stored yet. Send it back as If-Match (the ETag).'),
    updatedAt: z.string().nullable(),
    updatedBy: z.string().nullable(),
  })
  .meta({ id: 'RoutingPolicyRecord' })
export type PolicyRecord = z.infer<typeof policyRecordSchema>

export const policyListSchema = z.object({ default: policyRecordSchema, channels: z.array(policyRecordSchema) })
export const effectivePolicySchema = policyRecordSchema
  .extend({ inherited: z.boolean().describe('True when the channel has no override and the default applies.') })
  .meta({ id: 'EffectiveRoutingPolicy' })

const channelCode = z.string().trim().min(1).max(64)
export const policyQuery = z.object({ channel: channelCode.optional().describe('The policy in force for this channel: its override, else the default.') })
export const channelParams = z.object({ channel: channelCode })

const simDestination = z.object({
  country: countryCode,
  region: z.string().trim().max(100).optional(),
  postalCode: z.string().trim().max(20).optional(),
  latitude: latitude.optional(),
  longitude: longitude.optional(),
})

export const simulateBody = z
  .object({
    policy: routingPolicySchema.optional().describe('The policy to try; without it, the stored one in force for each order\'s channel.'),
    compare: routingPolicySchema.optional().describe('A second policy run over the same orders from the same stock, reported beside the first.'),
    channel: channelCode.optional().describe('Channel of inline orders that name none.'),
    orders: z
      .array(
        z.object({
          channel: channelCode.optional(),
          destination: simDestination,
          lines: z.array(z.object({ sku: z.string().trim().min(1), quantity: z.number().int().min(1).max(1_000_000) })).min(1).max(500),
        }),
      )
      .min(1)
      .max(10_000)
      .optional(),
    window: z
      .object({
        createdFrom: z.iso.datetime({ offset: true }).or(z.iso.date()).optional(),
        createdTo: z.iso.datetime({ offset: true }).or(z.iso.date()).optional(),
        channel: channelCode.optional(),
        limit: z.number().int().min(1).max(10_000).default(1_000),
      })
      .optional()
      .describe('Replay the latest `limit` orders created in the window (dates are whole days), in the order they arrived.'),
  })
  .refine((b) => (b.orders === undefined) !== (b.window === undefined), { message: 'send either orders or window', path: ['orders'] })
export type SimulateBody = z.infer<typeof simulateBody>
export type SimulateInput = z.input<typeof simulateBody>

export const simulationResultSchema = z.object({
  label: z.enum(['policy', 'compare']),
  policy: z.object({ scope: z.string(), version: z.number().int() }).nullable().describe('null: each order ran under its channel\'s stored policy.'),
  orders: z.number().int(),
  fullyFillable: z.number().describe('Share of orders allocated in full (0–1).'),
  splitRate: z.number().describe('Share of orders shipped from more than one location (0–1).'),
  backorderRate: z.number().describe('Share of orders with a backordered unit (0–1).'),
  shipmentsPerOrder: z.number(),
  meanDistanceKm: z.number().nullable().describe('Mean distance from shipping location to customer, per shipment.'),
  estimatedShippingCost: z.object({
    total: z.number().int().describe('Minor units of the rate cards\' currency, over the shipments that had a rate.'),
    perOrder: z.number().nullable(),
    unpricedShipments: z.number().int(),
  }),
  units: z.object({ ordered: z.number().int(), allocated: z.number().int(), backordered: z.number().int() }),
  byLocation: z.array(z.object({ location: z.string(), shipments: z.number().int(), units: z.number().int() })),
})
export type SimulationResult = z.infer<typeof simulationResultSchema>

export const simulationReportSchema = z
  .object({
    simulatedAt: z.string(),
    source: z.enum(['inline', 'window']),
    orders: z.number().int(),
    stock: z.literal('current').describe('Every run starts from the stock available now, taken down as its orders are routed; nothing is reserved.'),
    results: z.array(simulationResultSchema),
  })
  .meta({ id: 'RoutingSimulation' })
export type SimulationReport = z.infer<typeof simulationReportSchema>

export const centroidRowSchema = z.object({
  country: countryCode,
  postalCode: z.string().trim().min(1).max(20),
  latitude,
  longitude,
})
export type CentroidRow = z.infer<typeof centroidRowSchema>

export const importCentroidsBody = z.object({ rows: z.array(centroidRowSchema).min(1).max(10_000) })
export const importCentroidsResult = z
  .object({
    loaded: z.number().int().describe('Rows inserted or updated.'),
    duplicates: z.number().int().describe('Rows naming a postal code an earlier row of the same batch named; the last one wins.'),
  })
  .meta({ id: 'CentroidImport' })
export type ImportCentroidsResult = z.infer<typeof importCentroidsResult>
