import { z } from 'zod'
import { addressSchema } from '../../kernel/address.js'
import { currencySchema, minorUnits } from '../../kernel/money.js'
import { FULFILLMENT_STATUSES, HOLD_CODES, ORDER_STATUSES, PAYMENT_STATUSES } from './machine.js'
import { PAYMENT_INPUT_STATUSES } from './verify.js'

const sku = z.string().trim().min(1).max(64)
const dateOrDateTime = z.union([z.iso.date(), z.iso.datetime({ offset: true })])

export const lineInput = z.object({
  sku,
  quantity: z.number().int().positive().max(1_000_000),
  unitPrice: minorUnits.optional().describe('Net unit price in minor units; defaults to the catalog price. A different price puts the order on a `price` hold.'),
  discountAmount: minorUnits.optional().describe('Discount on the whole line, in minor units.'),
})

export const inlineCustomer = z.object({
  email: z.email().max(254),
  name: z.string().trim().max(200).optional(),
  phone: z.string().trim().max(40).optional(),
})

export const paymentInput = z.object({
  status: z.enum(PAYMENT_INPUT_STATUSES).describe('`pending` or `failed` put the order on a `payment` hold.'),
  amount: minorUnits.optional().describe('Defaults to the order total.'),
  method: z.string().trim().max(100).optional().describe('e.g. card, paypal, invoice, cod'),
  reference: z.string().trim().max(200).optional().describe("The payment provider's id."),
})

export const createOrderBody = z
  .object({
    channel: z.string().trim().min(1).max(64).optional().describe('Channel code. A channel-bound key may omit it.'),
    externalId: z.string().trim().min(1).max(200).optional().describe("The channel's own order id; a second order with the same channel + externalId returns the first."),
    customer: inlineCustomer.optional().describe('Matched to an existing customer by email, or created.'),
    customerId: z.string().max(100).optional(),
    shippingAddress: addressSchema,
    billingAddress: addressSchema.optional(),
    currency: currencySchema.optional().describe("Defaults to the first line's catalog currency."),
    lines: z.array(lineInput).min(1).max(500),
    shippingMethod: z.string().trim().max(100).optional(),
    shippingAmount: minorUnits
      .optional()
      .describe("Freight charged to the customer, in minor units. Omitted: computed by the `shippingMethod`'s rule (flat, per kg, free over a value) when Ordo knows that method, else 0."),
    payment: paymentInput.optional().describe('Omitted means pending (a `payment` hold).'),
    notes: z.string().max(5000).optional(),
    promisedDeliveryDate: dateOrDateTime.optional(),
    allowSplit: z.boolean().optional().describe('false: ship everything from one location, or wait for stock (backorder). Omitted: the routing policy of the channel decides.'),
  })
  .superRefine((b, ctx) => {
    if (!b.customer && !b.customerId) ctx.addIssue({ code: 'custom', path: ['customer'], message: 'send customer (inline) or customerId' })
    if (b.customer && b.customerId) ctx.addIssue({ code: 'custom', path: ['customerId'], message: 'send customer or customerId, not both' })
  })

export const editLineInput = z.union([
  z.object({ id: z.string().max(100).describe('An existing line.'), quantity: z.number().int().min(0).max(1_000_000), unitPrice: minorUnits.optional(), discountAmount: minorUnits.optional() }),
  lineInput,
])

export const editOrderBody = z
  .object({
    lines: z.array(editLineInput).min(1).max(500).optional().describe('The complete new set of lines: existing lines by id, new lines by sku; lines left out are removed.'),
    shippingAddress: addressSchema.optional(),
    billingAddress: addressSchema.nullable().optional(),
    shippingMethod: z.string().trim().max(100).nullable().optional(),
    shippingAmount: minorUnits.optional(),
    payment: paymentInput.partial().optional().describe('Change the payment method, reference, status or amount.'),
    notes: z.string().max(5000).nullable().optional(),
    promisedDeliveryDate: dateOrDateTime.nullable().optional(),
  })
  .refine((b) => Object.keys(b).length > 0, { message: 'nothing to change', path: ['lines'] })

export const cancelOrderBody = z.object({
  reason: z.string().trim().min(1).max(500),
  lines: z
    .array(z.object({ id: z.string().max(100), quantity: z.number().int().positive().optional().describe('Defaults to every unit not yet shipped.') }))
    .min(1)
    .optional()
    .describe('Cancel only these lines (or units of them); omit to cancel the whole order.'),
})

export const placeHoldBody = z.object({
  code: z.enum(HOLD_CODES),
  detail: z.string().trim().min(1).max(1000).describe('Why the order is held.'),
})

export const releaseHoldBody = z.object({ note: z.string().trim().max(1000).optional() }).default({})

export const orderListQuery = z.object({
  status: z.enum(ORDER_STATUSES).optional(),
  fulfillmentStatus: z.enum(FULFILLMENT_STATUSES).optional(),
  paymentStatus: z.enum(PAYMENT_STATUSES).optional(),
  channel: z.string().max(64).optional(),
  customer: z.string().max(100).optional().describe('Customer id or email.'),
  sku: z.string().max(64).optional(),
  holdCode: z.enum(HOLD_CODES).optional().describe('Orders with an open hold of this code.'),
  location: z.string().max(64).optional().describe('Location code: orders with units reserved there (still to ship from it).'),
  createdFrom: z.iso.datetime({ offset: true }).or(z.iso.date()).optional(),
  createdTo: z.iso.datetime({ offset: true }).or(z.iso.date()).optional(),
  q: z.string().trim().min(1).max(200).optional().describe('Search order number, customer email or external id.'),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(200).optional(),
})

const holdSchema = z
  .object({
    id: z.string(),
    code: z.enum(HOLD_CODES),
    detail: z.string(),
    source: z.enum(['verification', 'manual']),
    createdBy: z.string(),
    createdAt: z.string(),
    releasedAt: z.string().nullable(),
    releasedBy: z.string().nullable(),
    releaseNote: z.string().nullable(),
  })
  .meta({ id: 'OrderHold' })

const orderLineSchema = z
  .object({
    id: z.string(),
    lineNo: z.number().int(),
    sku: z.string(),
    name: z.string(),
    quantity: z.number().int(),
    unitPrice: z.number().int(),
    catalogPrice: z.number().int(),
    discount: z.number().int(),
    taxRate: z.number().describe('Percent, e.g. 19 or 14.975.'),
    tax: z.number().int(),
    total: z.number().int(),
    allocatedQuantity: z.number().int().describe('Units reserved at locations.'),
    backorderedQuantity: z.number().int().describe('Units waiting for stock.'),
    pickedQuantity: z.number().int(),
    shippedQuantity: z.number().int(),
    deliveredQuantity: z.number().int(),
    returnRequestedQuantity: z.number().int(),
    returnedQuantity: z.number().int(),
    cancelledQuantity: z.number().int(),
    allocations: z.array(z.object({ location: z.string(), quantity: z.number().int() })),
  })
  .meta({ id: 'OrderLine' })

export const orderSchema = z
  .object({
    id: z.string(),
    number: z.string(),
    channel: z.string(),
    externalId: z.string().nullable(),
    customer: z.object({ id: z.string(), email: z.string(), name: z.string().nullable(), phone: z.string().nullable() }),
    status: z.enum(ORDER_STATUSES),
    fulfillmentStatus: z.enum(FULFILLMENT_STATUSES),
    paymentStatus: z.enum(PAYMENT_STATUSES),
    currency: z.string(),
    totals: z.object({ subtotal: z.number().int(), discount: z.number().int(), tax: z.number().int(), shipping: z.number().int(), total: z.number().int() }).describe('Minor units of `currency`.'),
    shippingAddress: addressSchema,
    billingAddress: addressSchema.nullable(),
    shippingMethod: z.string().nullable(),
    payment: z.object({ status: z.enum(PAYMENT_INPUT_STATUSES), amount: z.number().int(), method: z.string().nullable(), reference: z.string().nullable() }),
    notes: z.string().nullable(),
    promisedDeliveryDate: z.string().nullable(),
    allowSplit: z.boolean().nullable(),
    origin: z
      .object({ orderId: z.string(), kind: z.enum(['replacement', 'exchange']), ref: z.string().nullable() })
      .nullable()
      .describe('Set on replacement and exchange orders: the order they replace and the return that caused them.'),
    lines: z.array(orderLineSchema),
    holds: z.array(holdSchema).describe('Open holds first, then released ones.'),
    allowedActions: z.array(z.string()).describe('Commands that are legal now (see GET /v1/lifecycles).'),
    cancelReason: z.string().nullable(),
    cancelledAt: z.string().nullable(),
    version: z.number().int().describe('Also sent as the ETag; send it back in If-Match to edit.'),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: 'Order' })


export type CreateOrderBody = z.infer<typeof createOrderBody>
export type EditOrderBody = z.infer<typeof editOrderBody>
export type CancelOrderBody = z.infer<typeof cancelOrderBody>
export type OrderListQuery = z.infer<typeof orderListQuery>
export type Order = z.infer<typeof orderSchema>
export type OrderLine = z.infer<typeof orderLineSchema>
export type OrderHold = z.infer<typeof holdSchema>
