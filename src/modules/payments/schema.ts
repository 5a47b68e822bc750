import { z } from 'zod'
import { moneySchema } from '../../kernel/money.js'
import { pageQuery } from '../../kernel/pagination.js'

export const REFUND_STATUSES = ['pending', 'succeeded', 'failed'] as const
export type RefundStatus = (typeof REFUND_STATUSES)[number]

const docRef = z.object({ id: z.string(), number: z.string() })

/** One signed part of a refund (items, a restocking fee withheld, freight…); the parts add up to the amount. */
export const refundPartSchema = z
  .object({
    kind: z.string().describe('`items`, `restocking_fee`, `exchange_difference`, `shipping`, `return_label`, `cap`.'),
    amount: z.number().int().describe('Minor units; negative for what is withheld.'),
    detail: z.string(),
  })
  .meta({ id: 'RefundPart' })
export type RefundPart = z.infer<typeof refundPartSchema>

export const refundSchema = z
  .object({
    id: z.string(),
    order: docRef,
    return: docRef.nullable(),
    customerId: z.string(),
    provider: z.string().describe('The payment provider that pays it out (`manual`: a person did).'),
    paymentReference: z.string().nullable().describe("The original payment's id at the provider."),
    amount: moneySchema,
    shipping: moneySchema.describe('The part of `amount` that is freight.'),
    status: z.enum(REFUND_STATUSES).describe('`pending`: written, not yet confirmed by the provider and recorded (retried with the same idempotency key); `failed`: refused by the provider, nothing paid.'),
    providerReference: z.string().nullable(),
    note: z.string().nullable(),
    breakdown: z.array(refundPartSchema),
    attempts: z.number().int(),
    lastError: z.string().nullable(),
    createdBy: z.string(),
    createdAt: z.string(),
    completedAt: z.string().nullable(),
  })
  .meta({ id: 'Refund' })

export const creditNoteSchema = z
  .object({
    id: z.string(),
    number: z.string(),
    customerId: z.string(),
    orderId: z.string().nullable(),
    returnId: z.string().nullable(),
    amount: moneySchema,
    balance: moneySchema.describe('What is left to spend.'),
    reason: z.string().nullable(),
    createdBy: z.string(),
    createdAt: z.string(),
  })
  .meta({ id: 'CreditNote' })

export const paymentRequestSchema = z
  .object({
    id: z.string(),
    order: docRef,
    returnId: z.string().nullable(),
    customerId: z.string(),
    amount: moneySchema,
    status: z.enum(['open']),
    reason: z.string(),
    createdBy: z.string(),
    createdAt: z.string(),
  })
  .meta({ id: 'PaymentRequest' })

export const customerCreditSchema = z
  .object({
    customerId: z.string(),
    balances: z.array(moneySchema).describe('Unspent store credit per currency.'),
    creditNotes: z.array(creditNoteSchema),
  })
  .meta({ id: 'CustomerCredit' })

export const refundListQuery = pageQuery.extend({
  status: z.enum(REFUND_STATUSES).optional(),
  order: z.string().max(100).optional().describe('Order id or number.'),
  return: z.string().max(100).optional().describe('Return id or number.'),
  provider: z.string().max(64).optional(),
})

export const creditNoteListQuery = pageQuery.extend({
  customer: z.string().max(100).optional().describe('Customer id.'),
  order: z.string().max(100).optional().describe('Order id.'),
})

export type Refund = z.infer<typeof refundSchema>
export type CreditNote = z.infer<typeof creditNoteSchema>
export type PaymentRequest = z.infer<typeof paymentRequestSchema>
export type CustomerCredit = z.infer<typeof customerCreditSchema>
export type RefundListQuery = z.infer<typeof refundListQuery>
export type CreditNoteListQuery = z.infer<typeof creditNoteListQuery>
