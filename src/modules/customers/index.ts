export { createCustomerService, type CustomerService } from './service.js'
export { customerRoutes } from './routes.js'
export { customerSchema, type Customer, type InlineCustomer } from './schema.js'
