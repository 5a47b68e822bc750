import type { Clock } from './kernel/clock.js'
import { createAuthService } from './modules/auth/index.js'
import { createChannelService } from './modules/channels/index.js'
import { createCatalogService } from './modules/catalog/index.js'
import { createLocationService } from './modules/locations/index.js'
import { createCustomerService } from './modules/customers/index.js'
import { createInventoryService } from './modules/inventory/index.js'
import { createOrderService } from './modules/orders/index.js'
import { singleThenSplit } from './modules/routing/index.js'

/** The composition root: plain services built from factories, dependencies passed by hand. */
export function createServices(d: { clock: Clock; apiKeyCacheSeconds: number }) {
  const channels = createChannelService()
  const catalog = createCatalogService()
  const locations = createLocationService()
  const customers = createCustomerService()
  const auth = createAuthService({ channels, cacheSeconds: d.apiKeyCacheSeconds })
  // Stock arriving or vanishing changes open orders: inventory calls back into order management
  // through the BackorderPort, bound here once both services exist.
  const inventory = createInventoryService({ catalog, locations, backorders: () => orders.backorders })
  const orders = createOrderService({ channels, catalog, customers, locations, inventory, strategy: singleThenSplit })
  return { clock: d.clock, channels, catalog, locations, customers, auth, inventory, orders }
}

export type Services = ReturnType<typeof createServices>
