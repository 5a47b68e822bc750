import { checkAddress, type Address } from '../../kernel/address.js'
import type { FulfillmentStatus, HoldCode, PaymentStatus } from './machine.js'

export const PAYMENT_INPUT_STATUSES = ['authorized', 'paid', 'pending', 'failed'] as const
export type PaymentInputStatus = (typeof PAYMENT_INPUT_STATUSES)[number]

export interface VerificationInput {
  customer: { email: string; name?: string | null; phone?: string | null }
  shippingAddress: Address
  currency: string
  lines: { index: number; sku: string; active: boolean; unitPrice: number; catalogPrice: number; catalogCurrency: string }[]
  payment: { status: PaymentInputStatus; amount: number }
  total: number
}

export interface HoldProposal {
  code: HoldCode
  detail: string
}

const money = (amount: number, currency: string) => `${(amount / 100).toFixed(2)} ${currency}`

/**
 * The checks a new or edited order passes before it is confirmed. Pure: it returns the holds the
 * order needs (none means verified). A failed check holds the order for a person; it never refuses it.
 */
export function verifyOrder(o: VerificationInput): HoldProposal[] {
  const holds: HoldProposal[] = []
  const name = o.customer.name?.trim() || o.shippingAddress.name?.trim()
  if (!name) holds.push({ code: 'customer', detail: 'The customer has no name (neither on the customer nor on the shipping address).' })

  const problems = checkAddress(o.shippingAddress)
  if (problems.length) holds.push({ code: 'address', detail: `Shipping address: ${problems.map((p) => p.message).join('; ')}.` })

  const inactive = o.lines.filter((l) => !l.active)
  if (inactive.length) holds.push({ code: 'item', detail: `Not for sale (inactive): ${inactive.map((l) => l.sku).join(', ')}.` })

  const priced = o.lines.filter((l) => l.catalogCurrency !== o.currency || l.unitPrice !== l.catalogPrice)
  if (priced.length) {
    holds.push({
      code: 'price',
      detail: `Price differs from the catalog: ${priced
        .map((l) => (l.catalogCurrency !== o.currency ? `${l.sku} is priced in ${l.catalogCurrency}, the order is in ${o.currency}` : `${l.sku} ${money(l.unitPrice, o.currency)} vs ${money(l.catalogPrice, o.currency)}`))
        .join('; ')}.`,
    })
  }

  if (o.payment.status === 'pending') holds.push({ code: 'payment', detail: 'Payment is pending.' })
  else if (o.payment.status === 'failed') holds.push({ code: 'payment', detail: 'Payment failed.' })
  else if (o.payment.amount < o.total) {
    holds.push({ code: 'payment', detail: `Payment of ${money(o.payment.amount, o.currency)} does not cover the total of ${money(o.total, o.currency)}.` })
  }
  return holds
}

/** The quantity buckets of a line that decide fulfilment. */
export interface LineBuckets {
  quantity: number
  cancelledQty: number
  allocatedQty: number
  backorderedQty: number
  shippedQty: number
  deliveredQty: number
}

/** fulfillmentStatus is derived from the lines' buckets, never set by hand. */
export function deriveFulfillmentStatus(lines: LineBuckets[]): FulfillmentStatus {
  let open = 0
  let allocated = 0
  let backordered = 0
  let shipped = 0
  let delivered = 0
  for (const l of lines) {
    open += l.quantity - l.cancelledQty
    allocated += l.allocatedQty
    backordered += l.backorderedQty
    shipped += l.shippedQty
    delivered += l.deliveredQty
  }
  if (open <= 0) return 'unfulfilled'
  if (delivered >= open) return 'delivered'
  if (delivered > 0) return 'partially_delivered'
  if (shipped >= open) return 'shipped'
  if (shipped > 0) return 'partially_shipped'
  if (allocated >= open) return 'allocated'
  if (allocated > 0) return 'partially_allocated'
  if (backordered > 0) return 'backordered'
  return 'unfulfilled'
}

export function derivePaymentStatus(p: { status: PaymentInputStatus; amount: number }): PaymentStatus {
  if (p.status === 'paid') return 'paid'
  if (p.status === 'authorized') return 'authorized'
  return 'awaiting'
}
