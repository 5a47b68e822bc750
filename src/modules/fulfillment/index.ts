// Public surface of the fulfillment module: fulfilment orders, picklists, picking, packing and the hand-over to shipping.
export * from './pick-wave.js'
export * from './box-suggest.js'
export { createFulfillmentService, type FulfillmentService, type FulfillmentSync } from './service.js'
export { fulfillmentRoutes } from './routes.js'
export { fulfillmentMachine, picklistMachine, FULFILLMENT_STATUSES, PICKLIST_STATUSES, type FulfillmentOrderStatus, type PicklistStatus } from './machine.js'
export { STAGING_BIN } from './fulfillment-orders.js'
export { fulfillmentSchema, picklistSchema, type FulfillmentOrder, type Picklist } from './schema.js'
export type { AllocatedUnits, LineUnits, OrderHeader, OrderPort } from './ports.js'
