import type { Trx } from '../../db/transaction.js'
import type { Ctx } from '../../kernel/context.js'

/** Units of an order line at one location. */
export interface LineUnits {
  orderLineId: string
  locationId: string
  quantity: number
}

/**
 * What fulfilment asks of order management. Implemented by the orders module and bound in the
 * composition root (orders also calls fulfilment, so the dependency is inverted here).
 * Every method runs inside the caller's transaction and records the order's own events.
 */
export interface OrderPort {
  /** Units were picked: the lines' `pickedQuantity` grows. Reservations stay until the units ship. */
  picked(trx: Trx, ctx: Ctx, orderId: string, lines: LineUnits[]): Promise<void>
  /**
   * A location cannot ship these units (short pick, location disabled, stock correction): their
   * reservation there is released and they are routed again by the same policy, else backordered.
   * The order then calls `FulfillmentSync.sync`, so new fulfilment orders appear as usual.
   */
  reroute(trx: Trx, ctx: Ctx, orderId: string, lines: LineUnits[], reason: string): Promise<void>
  /**
   * Units left the building in a shipment: their allocation and reservation are consumed and
   * `shippedQuantity` grows. The on-hand movement out of the bin is fulfilment's own (inventory.move).
   */
  shipped(trx: Trx, ctx: Ctx, orderId: string, lines: LineUnits[], ref: { shipmentId: string; trackingNumber: string }): Promise<void>
  /** The reverse of `shipped`, for a shipment cancelled before handover: units are reserved again. */
  unshipped(trx: Trx, ctx: Ctx, orderId: string, lines: LineUnits[], ref: { shipmentId: string; trackingNumber: string }): Promise<void>
  /** A carrier delivered these units: `deliveredQuantity` grows and fulfillmentStatus follows. */
  delivered(trx: Trx, ctx: Ctx, orderId: string, lines: Omit<LineUnits, 'locationId'>[], ref: { shipmentId: string; trackingNumber: string }): Promise<void>
}

/** The order as fulfilment copies it onto its fulfilment orders (see FulfillmentSync). */
export interface OrderHeader {
  id: string
  number: string
  channelId: string
  /** Order status: fulfilment orders of an `on_hold` order are held (not released to picking); `cancelled`/`completed` close them. */
  status: string
  /** Higher goes first in a pick wave. */
  priority: number
  promisedDeliveryDate: string | null
  shippingMethod: string | null
  /** The order's shipping address (kernel Address JSON, with the recipient's name). */
  shippingAddress: unknown
  email: string
  createdAt: string
  /** Tax included, without freight: what free-shipping thresholds look at. */
  merchandiseValue: { amount: number; currency: string }
}

/** Open units of one order line reserved at one location: what that location is to ship. */
export interface AllocatedUnits extends LineUnits {
  productId: string
  sku: string
  name: string
}
