import { applyRate } from '../../kernel/money.js'
import type { RefundPart } from '../payments/index.js'
import type { RefundShipping, Resolution } from './policy.js'

/** One return line's units as they are resolved. */
export interface SettleLine {
  id: string
  sku: string
  quantity: number
  /** What one unit cost the customer (tax included, after discounts). */
  unitPaid: number
  resolution: Resolution
  /** The reason was the merchant's mistake: no restocking fee. */
  merchantFault: boolean
  /** For an exchange: the SKU sent instead and what one unit of it is worth on this order's terms. */
  exchange?: { sku: string; unitValue: number }
}

export interface SettleInput {
  lines: SettleLine[]
  restockingFeePpm: number
  refundShipping: RefundShipping
  /** The order's freight and how much of it returns already refunded. */
  shipping: { total: number; refunded: number }
  /** Every delivered unit of the order has come back. */
  fullReturn: boolean
  /** The cost of a return label the customer pays for (0 when the merchant pays or there is none). */
  labelFee: number
  /** What can still be paid back: the payment less earlier refunds. */
  refundable: number
}

export interface SettledLine {
  id: string
  sku: string
  resolution: Resolution
  quantity: number
  /** unitPaid × quantity. */
  value: number
  restockingFee: number
  /** Paid back for this line (refund lines: value − fee). */
  refund: number
  /** Store credit for this line. */
  credit: number
  /** Exchange: what the customer owes (positive) or gets back (negative) for the other SKU. */
  exchange: { sku: string; unitValue: number; difference: number } | null
}

export interface SettlementAmounts {
  lines: SettledLine[]
  /** Money back through the payment provider, and what it is made of (the parts add up to it). */
  refund: number
  parts: RefundPart[]
  /** The part of `refund` that is freight. */
  shippingRefund: number
  /** Store credit (a credit note). */
  credit: number
  /** What the customer owes (a payment request): an exchange for something dearer. */
  charge: number
}

/**
 * What a return's resolution pays back, credits and charges. Pure and exact in minor units:
 *  - refund lines give back what was paid less the restocking fee (parts per million of the line's
 *    value, rounded half away from zero per line; none for the merchant's mistakes);
 *  - store credit gives the full value; replacements give nothing back;
 *  - exchanges net their price differences; a dearer exchange is charged, a cheaper one refunded;
 *  - freight is refunded with a refund line only, as the policy says (always, or once every
 *    delivered unit is back), never twice; a return label the customer pays for is withheld from
 *    what refund lines give back;
 *  - the refund never exceeds what is left of the payment (the excess is shown as `cap`).
 */
export function settle(input: SettleInput): SettlementAmounts {
  const lines = input.lines.map((l): SettledLine => {
    const value = l.unitPaid * l.quantity
    const restockingFee = l.resolution === 'refund' && !l.merchantFault ? applyRate(value, input.restockingFeePpm) : 0
    const difference = l.resolution === 'exchange' && l.exchange ? (l.exchange.unitValue - l.unitPaid) * l.quantity : 0
    return {
      id: l.id,
      sku: l.sku,
      resolution: l.resolution,
      quantity: l.quantity,
      value,
      restockingFee,
      refund: l.resolution === 'refund' ? value - restockingFee : 0,
      credit: l.resolution === 'store_credit' ? value : 0,
      exchange: l.resolution === 'exchange' && l.exchange ? { ...l.exchange, difference } : null,
    }
  })
  const refunding = lines.filter((l) => l.resolution === 'refund')
  const items = refunding.reduce((s, l) => s + l.value, 0)
  const fees = refunding.reduce((s, l) => s + l.restockingFee, 0)
  const openShipping = Math.max(0, input.shipping.total - input.shipping.refunded)
  const shipping = !refunding.length || input.refundShipping === 'never' || (input.refundShipping === 'when_full_return' && !input.fullReturn) ? 0 : openShipping
  const label = Math.min(input.labelFee, items - fees)
  const exchange = lines.reduce((s, l) => s + (l.exchange?.difference ?? 0), 0)
  const balance = items - fees + shipping - label - exchange
  const parts: RefundPart[] = []
  const part = (kind: string, amount: number, detail: string) => amount !== 0 && parts.push({ kind, amount, detail })
  let refund = 0
  let shippingRefund = 0
  if (balance > 0) {
    part('items', items, `${refunding.reduce((s, l) => s + l.quantity, 0)} unit(s) refunded at what was paid`)
    part('restocking_fee', -fees, `${input.restockingFeePpm / 10_000} % of the refunded value, except for the merchant's mistakes`)
    part('exchange_difference', -exchange, exchange < 0 ? 'the exchanged items cost less' : 'the exchanged items cost more')
    part('shipping', shipping, input.refundShipping === 'always' ? 'freight refunded by the policy' : 'freight refunded: the whole order came back')
    part('return_label', -label, 'return label paid by the customer')
    const cap = Math.max(0, balance - Math.max(0, input.refundable))
    part('cap', -cap, 'no more than what is left of the payment')
    refund = balance - cap
    // Freight comes last in what is paid back: a cap eats into it before the items.
    shippingRefund = Math.min(shipping, refund, Math.max(0, refund - Math.max(0, items - fees - label - exchange)))
  }
  return {
    lines,
    refund,
    parts: refund > 0 ? parts : [],
    shippingRefund,
    credit: lines.reduce((s, l) => s + l.credit, 0),
    charge: balance < 0 ? -balance : 0,
  }
}
