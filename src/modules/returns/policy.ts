import type { FieldError } from '../../kernel/errors.js'
import type { Money } from '../../kernel/money.js'

export const RESOLUTIONS = ['refund', 'replacement', 'exchange', 'store_credit'] as const
export type Resolution = (typeof RESOLUTIONS)[number]
export const CONDITIONS = ['new', 'opened', 'damaged', 'defective'] as const
export type Condition = (typeof CONDITIONS)[number]
export const DISPOSITIONS = ['restock', 'quarantine', 'refurbish', 'scrap'] as const
export type Disposition = (typeof DISPOSITIONS)[number]
export const SHIPPING_PAYERS = ['customer', 'merchant'] as const
export type ShippingPayer = (typeof SHIPPING_PAYERS)[number]
export const REFUND_SHIPPING = ['never', 'when_full_return', 'always'] as const
export type RefundShipping = (typeof REFUND_SHIPPING)[number]

/** A channel's return policy (or the default one), as the rules read it. */
export interface ReturnPolicy {
  windowDays: number
  nonReturnableSkus: string[]
  /** Parts per million of the refunded value withheld (15 % = 150000); not for the merchant's mistakes. */
  restockingFeePpm: number
  returnShippingPaidBy: ShippingPayer
  returnLocationId: string | null
  autoAuthorize: boolean
  /** Above this value (in its currency) a person decides; null: no limit. */
  autoAuthorizeMaxValue: Money | null
  refundShipping: RefundShipping
  resolutions: Resolution[]
}

/** The policy's terms a return keeps for its whole life, even when the policy changes later. */
export interface Terms {
  windowDays: number
  restockingFeePpm: number
  returnShippingPaidBy: ShippingPayer
  refundShipping: RefundShipping
  resolutions: Resolution[]
}

export const termsOf = (p: ReturnPolicy): Terms => ({
  windowDays: p.windowDays,
  restockingFeePpm: p.restockingFeePpm,
  returnShippingPaidBy: p.returnShippingPaidBy,
  refundShipping: p.refundShipping,
  resolutions: p.resolutions,
})

export interface Reason {
  code: string
  label: string
  merchantFault: boolean
  active: boolean
}

/** One requested line beside the order line it names. `field` is the body path of the line (`lines.0`), `ref` the field that named the order line. */
export interface LineRequest {
  field: string
  ref: 'line' | 'sku'
  quantity: number
  reason: string
  resolution: Resolution
  orderLine: { sku: string; deliveredQuantity: number; returnRequestedQuantity: number; deliveredAt: string | null }
}

/**
 * The rules a requested line must pass, as field errors whose `code` names the rule: unknown
 * reason, non-returnable SKU, nothing delivered, outside the window, more units than can still be
 * returned, a resolution the policy does not offer. Pure: `today` is the caller's date (UTC).
 */
export function checkLine(policy: ReturnPolicy, reasons: Map<string, Reason>, today: string, l: LineRequest): FieldError[] {
  const errors: FieldError[] = []
  const reason = reasons.get(l.reason)
  if (!reason || !reason.active) errors.push({ path: `${l.field}.reason`, code: 'unknown_reason', message: `not a return reason (use one of ${[...reasons.values()].filter((r) => r.active).map((r) => r.code).join(', ')})` })
  if (policy.nonReturnableSkus.includes(l.orderLine.sku)) {
    errors.push({ path: `${l.field}.${l.ref}`, code: 'non_returnable', message: `${l.orderLine.sku} cannot be returned under the policy` })
  }
  const open = l.orderLine.deliveredQuantity - l.orderLine.returnRequestedQuantity
  if (l.orderLine.deliveredQuantity === 0 || !l.orderLine.deliveredAt) {
    errors.push({ path: `${l.field}.quantity`, code: 'not_delivered', message: `no unit of ${l.orderLine.sku} has been delivered yet` })
  } else {
    const delivered = l.orderLine.deliveredAt.slice(0, 10)
    if (today > addDays(delivered, policy.windowDays)) {
      errors.push({ path: `${l.field}.quantity`, code: 'outside_window', message: `outside the ${policy.windowDays}-day window, delivered ${delivered}` })
    } else if (l.quantity > open) {
      errors.push({ path: `${l.field}.quantity`, code: 'exceeds_returnable', message: `only ${Math.max(0, open)} delivered unit(s) of ${l.orderLine.sku} can still be returned` })
    }
  }
  if (!policy.resolutions.includes(l.resolution)) {
    errors.push({ path: `${l.field}.resolution`, code: 'resolution_not_allowed', message: `the policy offers ${policy.resolutions.join(', ')}` })
  }
  return errors
}

/** How a return in policy is authorized: at once, or by a person (and why). */
export interface Decision {
  authorization: 'automatic' | 'manual'
  rule: 'auto_authorize' | 'manual_authorization' | 'value_limit' | 'no_return_location'
  detail: string
}

const money = (m: Money) => `${(m.amount / 100).toFixed(2)} ${m.currency}`

/** Pure: the policy's verdict on a return of `value` that needs a label to `returnLocation` or not. */
export function decide(policy: ReturnPolicy, value: Money, needsLabel: boolean): Decision {
  if (!policy.autoAuthorize) return { authorization: 'manual', rule: 'manual_authorization', detail: 'the policy has a person authorize every return' }
  const max = policy.autoAuthorizeMaxValue
  if (max && (max.currency !== value.currency || value.amount > max.amount)) {
    return {
      authorization: 'manual',
      rule: 'value_limit',
      detail: max.currency !== value.currency ? `value ${money(value)} is not in ${max.currency}, the currency of the automatic limit` : `value ${money(value)} is above the ${money(max)} limit for automatic authorization`,
    }
  }
  if (needsLabel && !policy.returnLocationId) return { authorization: 'manual', rule: 'no_return_location', detail: 'a return label is needed but the policy names no return location' }
  return { authorization: 'automatic', rule: 'auto_authorize', detail: 'within the policy' }
}

/** `YYYY-MM-DD` plus whole days. */
export function addDays(date: string, days: number): string {
  const d = new Date(`${date}T00:00:00.000Z`)
  d.setUTCDate(d.getUTCDate() + days)
  return d.toISOString().slice(0, 10)
}
