import type { Clock } from './kernel/clock.js'
import { createAuthService } from './modules/auth/index.js'
import { createChannelService } from './modules/channels/index.js'
import { createCatalogService } from './modules/catalog/index.js'
import { createLocationService } from './modules/locations/index.js'
import { createCustomerService } from './modules/customers/index.js'
import { createInventoryService } from './modules/inventory/index.js'
import { createOrderService } from './modules/orders/index.js'
import { createRoutingService } from './modules/routing/index.js'
import { createShippingService } from './modules/shipping/index.js'
import { createFulfillmentService } from './modules/fulfillment/index.js'
import { notificationSettings, webhookSettings } from './config.js'
import { createWebhookService } from './modules/webhooks/index.js'
import { createNotificationService } from './modules/notifications/index.js'
import { createPaymentService } from './modules/payments/index.js'
import { createReturnService } from './modules/returns/index.js'
import { createSelfServiceService } from './modules/self-service/index.js'
import { createExceptionService, exceptionSettings } from './modules/exceptions/index.js'

/** The composition root: plain services built from factories, dependencies passed by hand. */
export function createServices(d: { clock: Clock; apiKeyCacheSeconds: number }) {
  const channels = createChannelService()
  const catalog = createCatalogService({ clock: d.clock })
  // A deactivated location's open work is routed elsewhere by order management.
  const locations = createLocationService({ listener: () => orders.locationListener })
  const customers = createCustomerService()
  const auth = createAuthService({ channels, cacheSeconds: d.apiKeyCacheSeconds })
  // Stock arriving or vanishing changes open orders: inventory calls back into order management
  // through the BackorderPort, bound here once both services exist.
  const inventory = createInventoryService({ catalog, locations, backorders: () => orders.backorders })
  // Shipping reports deliveries and cancelled shipments to fulfilment, which reports picks,
  // shortfalls and shipments to order management: both through ports bound here.
  const shipping = createShippingService({ locations, catalog, listener: () => fulfillment.shipmentListener })
  const routing = createRoutingService({ locations, catalog, inventory, shipping, channels, orders: () => orders.demand })
  const fulfillment = createFulfillmentService({ catalog, locations, inventory, shipping, orders: () => orders.fulfillmentPort })
  const orders = createOrderService({ channels, catalog, customers, locations, inventory, routing, shipping, fulfillment })
  const webhooks = createWebhookService(webhookSettings())
  // E-mails link into the customer's signed order page (signed with a secret kept in the database).
  const notifications = createNotificationService({ orders, channels, publicUrl: notificationSettings().publicUrl, links: (db) => selfService.emailLinks(db) })
  const payments = createPaymentService({ customers })
  const returns = createReturnService({ orders: () => orders.returnsPort, backorders: () => orders.backorders, catalog, channels, locations, inventory, shipping, payments })
  const selfService = createSelfServiceService({ clock: d.clock, orders, channels, locations, shipping, fulfillment, returns, publicUrl: notificationSettings().publicUrl, linkSecret: process.env.ORDO_LINK_SECRET })
  const exceptions = createExceptionService({ orders, fulfillment, shipping, returns, notifications, webhooks, channels, locations, ...exceptionSettings() })
  return { clock: d.clock, channels, catalog, locations, customers, auth, inventory, orders, routing, shipping, fulfillment, webhooks, notifications, payments, returns, selfService, exceptions }
}

export type Services = ReturnType<typeof createServices>
