// Kysely types of the tables the payments module owns (migration 2026-11-22T0014_returns).

export interface RefundsTable {
  id: string
  orderId: string
  orderNumber: string
  returnId: string | null
  returnNumber: string | null
  customerId: string
  /** The PaymentProvider's code that pays it out. */
  provider: string
  paymentReference: string | null
  amount: number
  /** The part of `amount` that is freight refunded. */
  shippingAmount: number
  currency: string
  /** `pending` (intent written, not yet confirmed and recorded), `succeeded`, `failed`. */
  status: string
  providerReference: string | null
  note: string | null
  /** JSON: what the amount is made of. */
  breakdown: string
  idempotencyKey: string
  attempts: number
  lastError: string | null
  createdBy: string
  createdAt: string
  updatedAt: string
  completedAt: string | null
}

export interface CreditNotesTable {
  id: string
  number: string
  customerId: string
  orderId: string | null
  returnId: string | null
  currency: string
  amount: number
  /** What is left to spend. */
  balance: number
  reason: string | null
  createdBy: string
  version: number
  createdAt: string
  updatedAt: string
}

export interface PaymentRequestsTable {
  id: string
  orderId: string
  orderNumber: string
  returnId: string | null
  customerId: string
  amount: number
  currency: string
  /** `open` until the channel or a person collects it. */
  status: string
  reason: string
  createdBy: string
  createdAt: string
  updatedAt: string
}

export interface PaymentsTables {
  refunds: RefundsTable
  creditNotes: CreditNotesTable
  paymentRequests: PaymentRequestsTable
}
