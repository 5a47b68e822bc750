export { createOrderService, type OrderService } from './service.js'
export { orderRoutes } from './routes.js'
export { orderMachine, ORDER_STATUSES, FULFILLMENT_STATUSES, PAYMENT_STATUSES, HOLD_CODES, type OrderStatus } from './machine.js'
export { orderSchema, type Order, type CreateOrderBody } from './schema.js'
