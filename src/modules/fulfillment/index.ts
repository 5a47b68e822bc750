// Public surface of the fulfillment module: picklists, picking and packing.
export * from './pick-wave.js'
export * from './box-suggest.js'
export { createFulfillmentService, type FulfillmentService, type FulfillmentSync } from './service.js'
export { fulfillmentRoutes } from './routes.js'
export type { AllocatedUnits, LineUnits, OrderHeader, OrderPort } from './ports.js'
