// Public surface of the returns module: return requests (RMA), their lifecycle, policies and reasons.
export { createReturnService, type ReturnService } from './service.js'
export { returnRoutes } from './routes.js'
export { returnMachine, RETURN_STATUSES, type ReturnStatus } from './machine.js'
export { CONDITIONS, DISPOSITIONS, RESOLUTIONS, type Condition, type Disposition, type Resolution } from './policy.js'
export { returnSchema, type Return } from './schema.js'
export type { ReturnableOrder, ReturnsOrderPort } from './ports.js'
