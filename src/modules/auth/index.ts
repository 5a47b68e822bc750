export { createAuthService, unauthorized, type AuthService, type ApiKey } from './service.js'
export { authRoutes } from './routes.js'
