import type { Db } from '../../db/connection.js'
import type { Trx } from '../../db/transaction.js'
import type { Address } from '../../kernel/address.js'
import type { Ctx } from '../../kernel/context.js'

/** An order as returns need to see it. */
export interface ReturnableOrder {
  id: string
  number: string
  channelId: string
  status: string
  currency: string
  customer: { id: string; email: string; name: string | null }
  shippingAddress: Address
  /** Freight the customer paid, minor units (refunded when the policy says so). */
  shippingTotal: number
  paymentStatus: string
  payment: { method: string | null; reference: string | null; amount: number }
  /** Refunded so far, minor units. */
  refundedAmount: number
  lines: {
    id: string
    sku: string
    name: string
    productId: string
    quantity: number
    /** What one unit cost the customer, tax included, after discounts (minor units). */
    unitPaid: number
    /**
     * The line's net list unit price when ordered (minor units). Optional: an exchange is valued at
     * the other SKU's price in the proportion `unitPaid / unitPrice` (same tax and discount); without
     * it the returned SKU's current catalog price stands in.
     */
    unitPrice?: number
    deliveredQuantity: number
    returnRequestedQuantity: number
    returnedQuantity: number
    /** When the last unit of this line was delivered (ISO), null if none yet. */
    deliveredAt: string | null
  }[]
}

/**
 * What returns ask of order management. Implemented by the orders module, bound in the
 * composition root. Methods with a transaction record the order's own events.
 */
export interface ReturnsOrderPort {
  /** The order if the actor may see it (channel keys: their channel only; else 404). */
  returnable(db: Db | Trx, ctx: Ctx, orderId: string): Promise<ReturnableOrder>
  /** Units asked back: `returnRequestedQuantity` grows (never beyond delivered − already requested). */
  requestReturn(trx: Trx, ctx: Ctx, orderId: string, lines: { orderLineId: string; quantity: number }[], ref: { returnId: string; number: string }): Promise<void>
  /** A request rejected or cancelled, or units never sent back: `returnRequestedQuantity` shrinks. */
  withdrawReturn(trx: Trx, ctx: Ctx, orderId: string, lines: { orderLineId: string; quantity: number }[], ref: { returnId: string; number: string }): Promise<void>
  /** Units arrived back: `returnedQuantity` grows. */
  returned(trx: Trx, ctx: Ctx, orderId: string, lines: { orderLineId: string; quantity: number }[], ref: { returnId: string; number: string }): Promise<void>
  /** Money went back to the customer: `paymentStatus` becomes `partially_refunded` or `refunded`. */
  refunded(trx: Trx, ctx: Ctx, orderId: string, refund: { amount: number; currency: string; refundId: string; reference: string | null }, ref: { returnId: string; number: string }): Promise<void>
  /**
   * A replacement (or the new side of an exchange): a linked order on the same channel and address
   * that goes through verification, routing and fulfilment like any other. `unitPrice` 0 for a
   * replacement; an exchange charges or refunds the difference on the return itself.
   */
  createLinkedOrder(trx: Trx, ctx: Ctx, orderId: string, lines: { sku: string; quantity: number; unitPrice: number }[], ref: { returnId: string; number: string; kind: 'replacement' | 'exchange' }): Promise<{ id: string; number: string }>
}
