import type { Trx } from '../../db/transaction.js'
import type { Ctx } from '../../kernel/context.js'
import type { CatalogService } from '../catalog/index.js'
import type { InventoryService } from '../inventory/index.js'
import type { LocationService } from '../locations/index.js'
import type { ShipmentListener, ShippingService } from '../shipping/index.js'
import type { AllocatedUnits, OrderHeader, OrderPort } from './ports.js'

/** Fulfilment orders, pick waves and scans, the box catalog and packing, and handing parcels to shipping. */
export function createFulfillmentService(_d: { catalog: CatalogService; locations: LocationService; inventory: InventoryService; shipping: ShippingService; orders: () => OrderPort }) {
  const service = {
    /**
     * Brings the order's fulfilment orders in line with its current allocations (one open
     * fulfilment order per order × location). Called by order management at the end of every
     * use case that changes allocations or the order's status, in the same transaction.
     */
    async sync(_trx: Trx, _ctx: Ctx, _order: OrderHeader, _allocations: AllocatedUnits[]): Promise<void> {},
  }
  const shipmentListener: ShipmentListener = {
    delivered: async () => {},
    cancelled: async () => {},
  }
  return { ...service, shipmentListener }
}

export type FulfillmentService = ReturnType<typeof createFulfillmentService>
export type FulfillmentSync = Pick<FulfillmentService, 'sync'>
