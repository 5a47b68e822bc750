export { createAuthService, csrfMatches, unauthorized, SESSION_TTL_MS, type AuthService, type ApiKey, type UserSession } from './service.js'
export { authRoutes, SESSION_COOKIE } from './routes.js'
export { createUserBody, USER_ROLES, type User } from './schema.js'
