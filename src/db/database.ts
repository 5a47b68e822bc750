import type { KernelTables } from '../kernel/tables.js'
import type { AuthTables } from '../modules/auth/tables.js'
import type { CatalogTables } from '../modules/catalog/tables.js'
import type { ChannelTables } from '../modules/channels/tables.js'
import type { CustomerTables } from '../modules/customers/tables.js'
import type { InventoryTables } from '../modules/inventory/tables.js'
import type { LocationTables } from '../modules/locations/tables.js'
import type { OrderTables } from '../modules/orders/tables.js'
import type { RoutingTables } from '../modules/routing/tables.js'
import type { FulfillmentTables } from '../modules/fulfillment/tables.js'
import type { ShippingTables } from '../modules/shipping/tables.js'
import type { WebhooksTables } from '../modules/webhooks/tables.js'
import type { NotificationsTables } from '../modules/notifications/tables.js'
import type { ReturnsTables } from '../modules/returns/tables.js'
import type { PaymentsTables } from '../modules/payments/tables.js'
import type { SelfServiceTables } from '../modules/self-service/tables.js'
import type { ExceptionsTables } from '../modules/exceptions/tables.js'

/** The whole schema, composed from the tables each module owns. */
export interface Database
  extends KernelTables,
    AuthTables,
    ChannelTables,
    CatalogTables,
    LocationTables,
    CustomerTables,
    InventoryTables,
    OrderTables,
    RoutingTables,
    FulfillmentTables,
    ShippingTables,
    WebhooksTables,
    NotificationsTables,
    ReturnsTables,
    PaymentsTables,
    SelfServiceTables,
    ExceptionsTables {}
