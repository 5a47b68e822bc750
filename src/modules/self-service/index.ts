// Public surface of the self-service module: the customer's signed order page, feedback, returns from the page.
export { createSelfServiceService, type SelfServiceService } from './service.js'
export { selfServicePages, selfServiceRoutes } from './routes.js'
export { feedbackSchema, statusLinkSchema, type Feedback, type StatusLink } from './schema.js'
