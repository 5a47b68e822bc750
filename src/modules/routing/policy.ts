import { z } from 'zod'
import { countryCode } from '../../kernel/address.js'

/**
 * A routing policy is data: which locations may ship an order (filters, in order), how the ones
 * left are ranked (weighted rankers) and how an order may be split. One default policy, and an
 * override per channel where a channel routes differently.
 */

export const FILTERS = ['active', 'excluded', 'channel', 'country', 'covers_line'] as const
export const RANKERS = ['distance', 'shipments', 'cost', 'priority', 'balance'] as const
export type FilterCode = (typeof FILTERS)[number]
export type RankerCode = (typeof RANKERS)[number]

/** Location and channel codes are checked against master data by the service (422 naming the path). */
const code = z.string().trim().min(1).max(64)

/** Each code at most once; the issue points at the repeated entry. */
const uniqueBy =
  <T>(key: (t: T) => string, what: string) =>
  (items: T[], ctx: z.RefinementCtx) => {
    const seen = new Set<string>()
    items.forEach((item, i) => {
      const k = key(item)
      if (seen.has(k)) ctx.addIssue({ code: 'custom', message: `${what} "${k}" is listed twice`, path: [i] })
      seen.add(k)
    })
  }

const filterSchema = z.object({
  code: z
    .enum(FILTERS)
    .describe(
      'active: the location is active. excluded: not in excludedLocations nor excluded for this attempt (re-routing). ' +
        'channel / country: allowed by the location rules for the order\'s channel and destination country. ' +
        'covers_line: a location ships a line only when it holds the whole line (no line split by quantity).',
    ),
})

const rankerSchema = z.object({
  code: z
    .enum(RANKERS)
    .describe(
      'distance: km to the customer. shipments: fewest shipments (ships everything left, else the share it cannot). ' +
        'cost: the rate cards\' estimate for the order\'s weight. priority: the location\'s priority (lower first). ' +
        'balance: takes the smallest share of the location\'s stock of these items.',
    ),
  weight: z.number().min(0).max(1000).describe('Relative weight; scores are normalised to 0–1 before weighting.'),
})

const locationRuleSchema = z
  .object({
    code: code.optional().describe('The location this rule is for.'),
    type: z.enum(['warehouse', 'store']).optional().describe('…or every location of this type without a rule of its own.'),
    channels: z.array(code).min(1).optional().describe('Ships only orders of these channels.'),
    countries: z.array(countryCode).min(1).optional().describe('Ships only to these countries.'),
    domesticOnly: z.boolean().optional().describe('Ships only within its own country.'),
  })
  .refine((r) => (r.code === undefined) !== (r.type === undefined), { message: 'name either a location code or a location type', path: ['code'] })

export const routingPolicySchema = z
  .object({
    filters: z
      .array(filterSchema)
      .superRefine(uniqueBy((f) => f.code, 'filter'))
      .default([{ code: 'active' }, { code: 'excluded' }, { code: 'channel' }, { code: 'country' }])
      .describe('Applied in this order; the first that removes a location is the one the explanation names. active and excluded always apply.'),
    rankers: z
      .array(rankerSchema)
      .min(1)
      .superRefine(uniqueBy((r) => r.code, 'ranker'))
      // Only for rankers that are otherwise valid: a bad weight is reported once, at its own path.
      .refine((rs) => rs.some((r) => r.weight > 0), { message: 'at least one ranker needs a weight above 0', when: (p) => !p.issues.length }),
    split: z
      .object({
        allowed: z.boolean().default(true).describe('Without it an order ships complete from one location, or is backordered.'),
        maxShipments: z.number().int().min(1).max(50).default(3).describe('Locations one order may ship from; what is left is backordered.'),
        preferSingleLocation: z
          .boolean()
          .default(true)
          .describe('A location that ships everything left beats any that cannot, whatever the scores.'),
        fewestShipments: z
          .boolean()
          .default(true)
          .describe('When the order must split: a location after which one other location can ship the rest beats one that would leave more parcels, whatever the scores.'),
      })
      .default({ allowed: true, maxShipments: 3, preferSingleLocation: true, fewestShipments: true }),
    locations: z
      .array(locationRuleSchema)
      .default([])
      .superRefine(uniqueBy((r) => r.code ?? `type:${r.type}`, 'location rule'))
      .describe('Eligibility per location (or location type): channels and countries it ships for. Locations without a rule ship everything.'),
    excludedLocations: z.array(code).default([]).describe('Location codes that never ship under this policy.'),
  })
  .meta({ id: 'RoutingPolicy' })

export type RoutingPolicy = z.output<typeof routingPolicySchema>
export type RoutingPolicyInput = z.input<typeof routingPolicySchema>
export type LocationRule = RoutingPolicy['locations'][number]

/**
 * The policy in force until someone stores one: ship complete from one location where possible,
 * nearest and cheapest first; otherwise split across at most three.
 */
export const DEFAULT_POLICY: RoutingPolicy = {
  filters: [{ code: 'active' }, { code: 'excluded' }, { code: 'channel' }, { code: 'country' }],
  rankers: [
    { code: 'distance', weight: 4 },
    { code: 'cost', weight: 4 },
    { code: 'shipments', weight: 2 },
    { code: 'priority', weight: 1 },
    { code: 'balance', weight: 1 },
  ],
  split: { allowed: true, maxShipments: 3, preferSingleLocation: true, fewestShipments: true },
  locations: [],
  excludedLocations: [],
}
