import { z } from 'zod'
import { addressSchema } from '../../kernel/address.js'
import { moneySchema } from '../../kernel/money.js'
import { pageQuery } from '../../kernel/pagination.js'
import { creditNoteSchema, paymentRequestSchema, refundPartSchema, refundSchema } from '../payments/index.js'
import { RETURN_STATUSES } from './machine.js'
import { CONDITIONS, DISPOSITIONS, REFUND_SHIPPING, RESOLUTIONS, SHIPPING_PAYERS } from './policy.js'

const sku = z.string().trim().min(1).max(64)
const code = z.string().trim().min(1).max(64).regex(/^[a-z0-9][a-z0-9_\-]*$/, 'lower-case letters, digits, "_" or "-"')
const lineRef = z.string().trim().min(1).max(100).describe('A return line: its id (rml_…) or its SKU.')
const docRef = z.object({ id: z.string(), number: z.string() })

/** A list without repeats: the second of two equal entries is the one named. */
const unique = <T>(key: (t: T) => string, what: string) => (items: T[], ctx: z.RefinementCtx) => {
  const seen = new Set<string>()
  items.forEach((item, i) => {
    const k = key(item)
    if (seen.has(k)) ctx.addIssue({ code: 'custom', path: [i], message: `${what} "${k}" is listed twice` })
    seen.add(k)
  })
}

// ---- reasons ----

export const reasonSchema = z
  .object({
    code: z.string(),
    label: z.string(),
    merchantFault: z.boolean().describe("The merchant's mistake (damaged, wrong item…): no restocking fee, and the merchant pays the return label."),
    active: z.boolean().describe('Inactive reasons are kept for the returns that name them but cannot be chosen.'),
  })
  .meta({ id: 'ReturnReason' })

export const putReasonsBody = z.object({
  reasons: z
    .array(z.object({ code: code.describe('Stable, e.g. `size_fit`.'), label: z.string().trim().min(1).max(200), merchantFault: z.boolean().default(false) }))
    .min(1)
    .max(100)
    .superRefine(unique((r) => r.code, 'reason'))
    .describe('The full list customers choose from, in order; reasons left out become inactive.'),
})

// ---- policies ----

const policyFields = {
  windowDays: z.number().int().min(0).max(3650).describe('Days after delivery within which a unit may be returned.'),
  nonReturnableSkus: z.array(sku).max(10_000).superRefine(unique((s: string) => s, 'SKU')),
  restockingFeePpm: z.number().int().min(0).max(1_000_000).describe('Withheld from refunds, in parts per million of the refunded value (15 % = 150000), rounded half away from zero per line; never for reasons that are the merchant’s fault.'),
  returnShippingPaidBy: z.enum(SHIPPING_PAYERS).describe('`customer`: the cost of a return label they ask for is withheld from the refund; `merchant`: every authorized return gets a free label. Reasons that are the merchant’s fault always get a free one.'),
  returnLocation: z.string().trim().min(1).max(64).nullable().describe('Location code returns go back to (needed to buy a return label).'),
  autoAuthorize: z.boolean().describe('Authorize returns in policy at once; false: a person authorizes each.'),
  autoAuthorizeMaxValue: moneySchema.nullable().describe('Returns worth more than this (what was paid for the units) wait for a person.'),
  refundShipping: z.enum(REFUND_SHIPPING).describe('Freight refunded with a refund: `never`, `when_full_return` (every delivered unit came back) or `always`.'),
  resolutions: z.array(z.enum(RESOLUTIONS)).min(1).superRefine(unique((r: string) => r, 'resolution')).describe('What customers may ask for.'),
}

export const putPolicyBody = z.object({
  windowDays: policyFields.windowDays,
  nonReturnableSkus: policyFields.nonReturnableSkus.default([]),
  restockingFeePpm: policyFields.restockingFeePpm.default(0),
  returnShippingPaidBy: policyFields.returnShippingPaidBy.default('customer'),
  returnLocation: policyFields.returnLocation.default(null),
  autoAuthorize: policyFields.autoAuthorize.default(true),
  autoAuthorizeMaxValue: policyFields.autoAuthorizeMaxValue.default(null),
  refundShipping: policyFields.refundShipping.default('never'),
  resolutions: policyFields.resolutions.default([...RESOLUTIONS]),
})

export const policySchema = z
  .object({
    channel: z.string().nullable().describe('The channel code; null for the default policy.'),
    source: z.enum(['channel', 'default']).describe("`default`: the channel has no policy of its own and follows the default."),
    windowDays: z.number().int(),
    nonReturnableSkus: z.array(z.string()),
    restockingFeePpm: z.number().int(),
    returnShippingPaidBy: z.enum(SHIPPING_PAYERS),
    returnLocation: z.string().nullable(),
    autoAuthorize: z.boolean(),
    autoAuthorizeMaxValue: moneySchema.nullable(),
    refundShipping: z.enum(REFUND_SHIPPING),
    resolutions: z.array(z.enum(RESOLUTIONS)),
    version: z.number().int().describe('Sent as the ETag; If-Match is honoured on PUT.'),
    updatedAt: z.string(),
  })
  .meta({ id: 'ReturnPolicy' })

// ---- requests and commands ----

export const createReturnBody = z.object({
  order: z.string().trim().min(1).max(100).describe('Order id or number.'),
  lines: z
    .array(
      z
        .object({
          line: z.string().trim().min(1).max(100).optional().describe('The order line id.'),
          sku: sku.optional().describe('Or the SKU, when the order has one line of it.'),
          quantity: z.number().int().positive().max(1_000_000),
          reason: z.string().trim().min(1).max(64).describe('A code of GET /v1/return-reasons.'),
          comment: z.string().trim().max(2000).optional(),
          resolution: z.enum(RESOLUTIONS).optional().describe('What the customer asks for; defaults to the first the policy offers.'),
          exchangeSku: sku.optional().describe('For an exchange: the SKU wanted instead.'),
        })
        .superRefine((l, ctx) => {
          if (!l.line === !l.sku) ctx.addIssue({ code: 'custom', path: ['line'], message: 'name the order line by line (id) or by sku, one of them' })
          if (l.resolution === 'exchange' && !l.exchangeSku) ctx.addIssue({ code: 'custom', path: ['exchangeSku'], message: 'required for an exchange' })
          if (l.exchangeSku && l.resolution !== 'exchange') ctx.addIssue({ code: 'custom', path: ['exchangeSku'], message: 'only for resolution "exchange"' })
        }),
    )
    .min(1)
    .max(200),
  pickup: z
    .object({ date: z.iso.date(), address: addressSchema.optional().describe("Defaults to the order's shipping address.") })
    .optional()
    .describe('Have the carrier collect the parcel (a return label is bought).'),
  label: z.boolean().optional().describe('The customer asks for a return label (when they pay return shipping, its cost is withheld from the refund).'),
  note: z.string().trim().max(5000).optional(),
})

export const authorizeBody = z.object({
  location: z.string().trim().min(1).max(64).optional().describe("Location code the parcel goes back to; defaults to the policy's return location."),
  label: z.boolean().optional().describe('Buy a return label (default: when the merchant pays, the customer asked, or a pickup is wanted).'),
  serviceCode: z.string().trim().min(1).max(100).optional().describe('Carrier service as `<carrier>.<service>`; default: the cheapest.'),
  note: z.string().trim().max(2000).optional(),
})

export const rejectBody = z.object({ reason: z.string().trim().min(1).max(2000) })
export const cancelBody = z.object({ reason: z.string().trim().max(2000).optional() })
export const pickupBody = z.object({ date: z.iso.date(), address: addressSchema.optional().describe("Defaults to the pickup address asked for, else the order's shipping address.") })
export const inTransitBody = z.object({
  trackingNumber: z.string().trim().min(1).max(64).optional().describe("The number the parcel travels under, when it is not the return label's (the customer sent it themselves)."),
  note: z.string().trim().max(2000).optional(),
})

export const receiveBody = z.object({
  location: z.string().trim().min(1).max(64).optional().describe('Location code where it arrived; defaults to the one it was sent to.'),
  lines: z
    .array(z.object({ line: lineRef, quantity: z.number().int().min(0).max(1_000_000) }))
    .max(200)
    .optional()
    .describe('Units that arrived per line; default: every requested unit. Units that did not arrive are withdrawn from the return.'),
  note: z.string().trim().max(2000).optional(),
})

export const inspectBody = z.object({
  lines: z
    .array(
      z.object({
        line: lineRef,
        quantity: z.number().int().positive().max(1_000_000).optional().describe("Units with this result; default: all of the line's received units."),
        condition: z.enum(CONDITIONS),
        disposition: z.enum(DISPOSITIONS).describe('`restock`: back into available stock; `quarantine`/`refurbish`: held apart, not for sale; `scrap`: written off.'),
        bin: z.string().trim().min(1).max(64).optional().describe('Bin to restock into.'),
        note: z.string().trim().max(2000).optional(),
      }),
    )
    .min(1)
    .max(400)
    .describe('Every received unit gets one result; a line may be split over several (one restocked, one quarantined).'),
})

export const resolveBody = z.object({
  lines: z
    .array(z.object({ line: lineRef, resolution: z.enum(RESOLUTIONS), exchangeSku: sku.optional() }))
    .max(200)
    .optional()
    .describe('Per line, another resolution than the customer asked for (a person decides).'),
  refund: z.object({ provider: z.string().trim().min(1).max(64).optional().describe("Default: the provider of the order's payment method, else `manual`."), note: z.string().trim().max(2000).optional() }).optional(),
  note: z.string().trim().max(2000).optional(),
})

// ---- the return ----

export const decisionSchema = z
  .object({
    authorization: z.enum(['automatic', 'manual']),
    rule: z.string().describe('`auto_authorize`, `manual_authorization`, `value_limit`, `no_return_location`.'),
    detail: z.string(),
  })
  .meta({ id: 'ReturnDecision' })

const inspectionSchema = z.object({
  id: z.string(),
  quantity: z.number().int(),
  condition: z.enum(CONDITIONS),
  disposition: z.enum(DISPOSITIONS),
  bin: z.string().nullable(),
  note: z.string().nullable(),
  heldQuantity: z.number().int().describe('Quarantined/refurbish units still held apart (not in stock).'),
  restockedQuantity: z.number().int(),
  scrappedQuantity: z.number().int(),
})

const settledLineSchema = z.object({
  line: z.string(),
  sku: z.string(),
  resolution: z.enum(RESOLUTIONS),
  quantity: z.number().int(),
  value: z.number().int(),
  restockingFee: z.number().int(),
  refund: z.number().int(),
  credit: z.number().int(),
  exchange: z.object({ sku: z.string(), unitValue: z.number().int(), difference: z.number().int() }).nullable(),
})

export const settlementSchema = z
  .object({
    lines: z.array(settledLineSchema),
    refund: z.object({ amount: z.number().int(), shipping: z.number().int(), parts: z.array(refundPartSchema), refundId: z.string() }).nullable(),
    storeCredit: z.object({ amount: z.number().int(), creditNoteId: z.string(), creditNoteNumber: z.string() }).nullable(),
    charge: z.object({ amount: z.number().int(), paymentRequestId: z.string() }).nullable(),
    replacementOrder: docRef.nullable(),
    exchangeOrder: docRef.nullable(),
    recordedAt: z.string(),
  })
  .describe('Minor units of the return’s currency. Recorded by `resolve`; while its refund is outstanding the return stays `inspected`.')
  .meta({ id: 'ReturnSettlement' })

export const labelSchema = z
  .object({
    carrier: z.object({ code: z.string(), name: z.string() }),
    service: z.object({ code: z.string(), name: z.string() }),
    trackingNumber: z.string(),
    cost: moneySchema,
    paidBy: z.enum(SHIPPING_PAYERS),
    from: addressSchema,
    to: z.object({ location: z.string(), name: z.string() }),
    documents: z.object({ pdf: z.string(), zpl: z.string() }),
  })
  .meta({ id: 'ReturnLabel' })

export const returnSchema = z
  .object({
    id: z.string(),
    number: z.string(),
    status: z.enum(RETURN_STATUSES),
    order: docRef,
    channel: z.string(),
    customerId: z.string(),
    currency: z.string(),
    location: z.object({ code: z.string(), name: z.string() }).nullable().describe('Where the parcel goes back to.'),
    decision: decisionSchema,
    terms: z.object({
      windowDays: z.number().int(),
      restockingFeePpm: z.number().int(),
      returnShippingPaidBy: z.enum(SHIPPING_PAYERS),
      refundShipping: z.enum(REFUND_SHIPPING),
      resolutions: z.array(z.enum(RESOLUTIONS)),
    }),
    lines: z.array(
      z.object({
        id: z.string(),
        orderLineId: z.string(),
        sku: z.string(),
        name: z.string(),
        quantity: z.number().int(),
        reason: z.string(),
        comment: z.string().nullable(),
        resolution: z.enum(RESOLUTIONS).describe('What the customer asked for.'),
        exchangeSku: z.string().nullable(),
        unitPaid: z.number().int(),
        receivedQuantity: z.number().int(),
        inspections: z.array(inspectionSchema),
      }),
    ),
    labelRequested: z.boolean(),
    label: labelSchema.nullable(),
    trackingNumber: z.string().nullable(),
    pickup: z.object({ date: z.string(), address: addressSchema }).nullable(),
    settlement: settlementSchema.nullable(),
    refunds: z.array(refundSchema),
    creditNotes: z.array(creditNoteSchema),
    paymentRequests: z.array(paymentRequestSchema),
    note: z.string().nullable(),
    closeReason: z.string().nullable(),
    allowedActions: z.array(z.string()).describe('Commands that are legal now (see GET /v1/lifecycles).'),
    createdBy: z.string(),
    authorizedAt: z.string().nullable(),
    receivedAt: z.string().nullable(),
    inspectedAt: z.string().nullable(),
    resolvedAt: z.string().nullable(),
    closedAt: z.string().nullable(),
    version: z.number().int(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: 'Return' })

export const returnListQuery = pageQuery.extend({
  status: z.enum(RETURN_STATUSES).optional(),
  order: z.string().max(100).optional().describe('Order id or number.'),
  channel: z.string().max(64).optional().describe('Channel code.'),
  reason: z.string().max(64).optional().describe('Returns with a line of this reason.'),
  customer: z.string().max(100).optional().describe('Customer id.'),
  createdFrom: z.iso.datetime({ offset: true }).or(z.iso.date()).optional(),
  createdTo: z.iso.datetime({ offset: true }).or(z.iso.date()).optional(),
})

// ---- held units ----

export const heldStockSchema = z
  .object({
    id: z.string().describe('The inspection result holding them.'),
    return: docRef,
    sku: z.string(),
    location: z.string(),
    disposition: z.enum(['quarantine', 'refurbish']),
    condition: z.enum(CONDITIONS),
    quantity: z.number().int().describe('Units still held.'),
    note: z.string().nullable(),
    heldSince: z.string(),
  })
  .meta({ id: 'HeldReturnStock' })

export const heldStockQuery = pageQuery.extend({
  location: z.string().max(64).optional(),
  disposition: z.enum(['quarantine', 'refurbish']).optional(),
  sku: z.string().max(64).optional(),
})

export const releaseBody = z.object({
  quantity: z.number().int().positive().max(1_000_000),
  to: z.enum(['restock', 'scrap']).describe('`restock`: into available stock (refurbished, or cleared from quarantine); `scrap`: written off.'),
  bin: z.string().trim().min(1).max(64).optional(),
  note: z.string().trim().max(2000).optional(),
})

export type CreateReturnBody = z.infer<typeof createReturnBody>
export type AuthorizeBody = z.infer<typeof authorizeBody>
export type PickupBody = z.infer<typeof pickupBody>
export type InTransitBody = z.infer<typeof inTransitBody>
export type ReceiveBody = z.infer<typeof receiveBody>
export type InspectBody = z.infer<typeof inspectBody>
export type ResolveBody = z.infer<typeof resolveBody>
export type PutPolicyBody = z.infer<typeof putPolicyBody>
export type PutReasonsBody = z.infer<typeof putReasonsBody>
export type ReturnListQuery = z.infer<typeof returnListQuery>
export type HeldStockQuery = z.infer<typeof heldStockQuery>
export type ReleaseBody = z.infer<typeof releaseBody>
export type Return = z.infer<typeof returnSchema>
export type ReturnPolicyView = z.infer<typeof policySchema>
export type ReasonView = z.infer<typeof reasonSchema>
export type SettlementView = z.infer<typeof settlementSchema>
export type LabelView = z.infer<typeof labelSchema>
export type HeldStock = z.infer<typeof heldStockSchema>
