import { applyRate, sum } from '../../kernel/money.js'

export interface PricedLineInput {
  unitPrice: number
  /** Units still on the order: ordered − cancelled. */
  quantity: number
  /** A discount on the whole line, in minor units; never more than the line's net amount. */
  discountAmount: number
  taxRatePpm: number
}

export interface PricedLine {
  net: number
  discount: number
  tax: number
  total: number
}

export interface OrderTotals {
  subtotal: number
  discount: number
  tax: number
  shipping: number
  total: number
}

/** Line and order totals, recomputed on the server: tax per line on the discounted net amount. */
export function priceOrder(lines: PricedLineInput[], shipping: number): { lines: PricedLine[]; totals: OrderTotals } {
  const priced = lines.map((l) => {
    const net = l.unitPrice * l.quantity
    const discount = Math.min(l.discountAmount, net)
    const tax = applyRate(net - discount, l.taxRatePpm)
    return { net, discount, tax, total: net - discount + tax }
  })
  const subtotal = sum(priced.map((p) => p.net))
  const discount = sum(priced.map((p) => p.discount))
  const tax = sum(priced.map((p) => p.tax))
  return { lines: priced, totals: { subtotal, discount, tax, shipping, total: subtotal - discount + tax + shipping } }
}
