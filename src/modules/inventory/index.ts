export { createInventoryService, stockKey, type InventoryService, type BackorderPort, type Movement, type Reservation } from './service.js'
export { inventoryRoutes } from './routes.js'
export { stockRowSchema, type StockRow } from './schema.js'
