// Public surface of the exceptions module: the queue of what needs a person, derived from the other modules.
export { createExceptionService, type ExceptionService } from './service.js'
export { exceptionRoutes } from './routes.js'
export { exceptionSettings } from './settings.js'
export { EXCEPTION_TYPES, SEVERITIES, exceptionSchema, type Exception, type ExceptionType, type Severity } from './schema.js'
