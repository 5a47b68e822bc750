import type { LocationService } from '../locations/index.js'
import type { CatalogService } from '../catalog/index.js'
import type { InventoryService } from '../inventory/index.js'
import type { ShippingService } from '../shipping/index.js'
import type { DemandSource } from './ports.js'

/** Routing policies, geocoding of destinations, routing decisions and the simulator. */
export function createRoutingService(_d: { locations: LocationService; catalog: CatalogService; inventory: InventoryService; shipping: ShippingService; orders: () => DemandSource }) {
  return {}
}

export type RoutingService = ReturnType<typeof createRoutingService>
