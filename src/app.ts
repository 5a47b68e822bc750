import Fastify, { type FastifyError, type FastifyInstance, type FastifyRequest, type FastifyServerOptions } from 'fastify'
import swagger from '@fastify/swagger'
import swaggerUi from '@fastify/swagger-ui'
import rateLimit from '@fastify/rate-limit'
import cookie from '@fastify/cookie'
import {
  hasZodFastifySchemaValidationErrors,
  jsonSchemaTransform,
  jsonSchemaTransformObject,
  serializerCompiler,
  validatorCompiler,
  type ZodTypeProvider,
} from 'fastify-type-provider-zod'
import type { Connection } from './db/connection.js'
import { systemClock, type Clock } from './kernel/clock.js'
import { can } from './kernel/auth.js'
import { AppError, STATUS_TITLES, type FieldError } from './kernel/errors.js'
import { newId } from './kernel/ids.js'
import { createServices, type Services } from './services.js'
import { systemRoutes } from './system-routes.js'
import { registerConsole } from './console.js'
import { authRoutes, csrfMatches, SESSION_COOKIE, unauthorized } from './modules/auth/index.js'
import { channelRoutes } from './modules/channels/index.js'
import { catalogRoutes } from './modules/catalog/index.js'
import { locationRoutes } from './modules/locations/index.js'
import { customerRoutes } from './modules/customers/index.js'
import { inventoryRoutes } from './modules/inventory/index.js'
import { orderRoutes } from './modules/orders/index.js'
import { routingRoutes } from './modules/routing/index.js'
import { fulfillmentRoutes } from './modules/fulfillment/index.js'
import { shippingRoutes } from './modules/shipping/index.js'
import { webhookRoutes } from './modules/webhooks/index.js'
import { notificationRoutes } from './modules/notifications/index.js'
import { paymentRoutes } from './modules/payments/index.js'
import { returnRoutes } from './modules/returns/index.js'
import { exceptionRoutes } from './modules/exceptions/index.js'
import { selfServicePages, selfServiceRoutes } from './modules/self-service/index.js'

export interface AppOptions {
  conn: Connection
  clock?: Clock
  logLevel?: string
  /** Requests per minute per API key (or per address without one). */
  rateLimitPerMinute?: number
  apiKeyCacheSeconds?: number
  logger?: FastifyServerOptions['logger']
  /**
   * Check every response against its zod schema before sending it (a mismatch is a 500). On by
   * default under tests (NODE_ENV=test or Vitest), off in production: the bodies are built by
   * typed code, and re-parsing each one cost ~3.4 % of the server's CPU on order intake.
   */
  validateResponses?: boolean
  /** The built console to serve at `/` (default web/dist; false: API only). */
  consoleDir?: string | false
}

declare module 'fastify' {
  interface FastifyInstance {
    services: Services
  }
}

export const API_VERSION = '0.1.0'

/** Builds the whole HTTP app; the server and the tests both use it. */
export async function buildApp(opts: AppOptions): Promise<FastifyInstance> {
  const { conn } = opts
  const clock = opts.clock ?? systemClock
  const app = Fastify({
    logger: opts.logger ?? { level: opts.logLevel ?? 'info' },
    genReqId: (req) => {
      const given = req.headers['x-request-id']
      return typeof given === 'string' && /^[\w.\-]{1,100}$/.test(given) ? given : newId('req')
    },
    bodyLimit: 2 * 1024 * 1024,
  }).withTypeProvider<ZodTypeProvider>()
  // The API speaks JSON only: anything else is a clear 415, not a confusing schema error.
  app.removeContentTypeParser(['text/plain'])
  app.setValidatorCompiler(validatorCompiler)
  // Without validation a response is plain JSON.stringify; the zod response schemas still
  // describe it in /openapi.json (jsonSchemaTransform below reads them either way).
  const validateResponses = opts.validateResponses ?? (process.env.NODE_ENV === 'test' || !!process.env.VITEST)
  app.setSerializerCompiler(validateResponses ? serializerCompiler : () => (data) => JSON.stringify(data))

  const services = createServices({ clock, apiKeyCacheSeconds: opts.apiKeyCacheSeconds ?? 5 })
  app.decorate('services', services)
  app.decorateRequest('actor', null as never)
  app.decorateRequest('userSession', null)

  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Ordo API',
        version: API_VERSION,
        description:
          'Ordo order management system. Authenticate with `Authorization: Bearer <api key>`. Errors are RFC 9457 problem+json with a stable `code` and per-field `errors[]`.',
      },
      components: {
        securitySchemes: {
          apiKey: { type: 'http', scheme: 'bearer', description: 'An Ordo API key (`ordo keys create`).' },
          session: { type: 'apiKey', in: 'cookie', name: SESSION_COOKIE, description: 'The console\'s session (`POST /v1/session`); writes also need `x-csrf-token`.' },
        },
      },
      security: [{ apiKey: [] }, { session: [] }],
    },
    transform: jsonSchemaTransform,
    transformObject: jsonSchemaTransformObject,
  })
  await app.register(swaggerUi, { routePrefix: '/docs' })
  await app.register(cookie)
  await app.register(rateLimit, {
    max: opts.rateLimitPerMinute ?? 100_000,
    timeWindow: 60_000,
    keyGenerator: (req) => (req.headers.authorization ? `k:${req.headers.authorization}` : `ip:${req.ip}`),
    errorResponseBuilder: (_req, ctx) =>
      new AppError(429, 'request.rate_limited', `Too many requests: at most ${ctx.max} per minute. Retry after ${Math.ceil(ctx.ttl / 1000)} s.`, undefined, {
        'Retry-After': String(Math.ceil(ctx.ttl / 1000)),
      }),
  })

  // The request id goes back to the client, so a support ticket can quote what the logs hold.
  app.addHook('onSend', async (req, reply) => {
    reply.header('x-request-id', req.id)
  })

  // Authentication and the role check run per /v1 route, after the rate limiter's own hook
  // (route-level hooks run after global ones, so a global hook would answer floods with 401
  // before they were ever counted).
  // The console signs in with a session cookie instead of a key; as a browser sends cookies by
  // itself, every cookie request that may change something must also echo the session's CSRF token.
  const authenticate = async (req: FastifyRequest) => {
    const header = req.headers.authorization
    const sessionToken = header ? undefined : req.cookies[SESSION_COOKIE]
    if (sessionToken) {
      const session = await services.auth.authenticateSession(conn.db, sessionToken, clock.now())
      if (!session) throw unauthorized('The session has expired or was signed out: sign in again.')
      if (req.method !== 'GET' && req.method !== 'HEAD' && !csrfMatches(req.headers['x-csrf-token'] as string | undefined, session.csrfToken)) {
        throw new AppError(403, 'auth.csrf', 'Send the x-csrf-token header with the csrfToken of your session (GET /v1/session).')
      }
      req.userSession = session
      req.actor = session.actor
    } else {
      const m = header ? /^Bearer\s+(\S+)$/i.exec(header) : null
      if (!m) throw unauthorized('Send an API key (Authorization: Bearer <key>) or sign in (POST /v1/session).')
      const actor = await services.auth.authenticate(conn.db, m[1], Date.now())
      if (!actor) throw unauthorized('The API key is unknown or revoked.')
      req.actor = actor
    }
    const permission = req.routeOptions.config?.permission
    if (permission && permission !== 'signed-in' && !can(req.actor.role, permission)) {
      throw new AppError(403, 'auth.forbidden', `Role "${req.actor.role}" may not do this (needs ${permission}).`)
    }
  }
  // Every /v1 route must say which permission it needs: forgetting is a start-up error, not an open door.
  app.addHook('onRoute', (route) => {
    if (!route.url.startsWith('/v1/') || route.config?.public) return
    if (!route.config?.permission) throw new Error(`Route ${route.method} ${route.url} names no permission`)
    const existing = route.onRequest ? (Array.isArray(route.onRequest) ? route.onRequest : [route.onRequest]) : []
    route.onRequest = [...existing, authenticate] as typeof route.onRequest
  })

  app.setErrorHandler((err: FastifyError, req, reply) => {
    const problem = toProblem(err)
    if (problem.status >= 500) req.log.error({ err }, 'request failed')
    else req.log.info({ code: problem.code, status: problem.status }, problem.detail)
    if (err instanceof AppError && err.headers) reply.headers(err.headers)
    return reply
      .code(problem.status)
      .type('application/problem+json')
      .send(JSON.stringify({ ...problem, instance: req.url, requestId: req.id }))
  })

  const consolePage = opts.consoleDir === false ? null : await registerConsole(app, opts.consoleDir)
  app.setNotFoundHandler({ preHandler: app.rateLimit({ max: 600, timeWindow: 60_000 }) }, (req, reply) =>
    consolePage?.(req, reply) ??
    reply
      .code(404)
      .type('application/problem+json')
      .send(JSON.stringify({ ...problemBody(404, 'route.not_found', `No route ${req.method} ${req.url.split('?')[0]}.`), instance: req.url, requestId: req.id })),
  )

  const deps = { db: conn.db, clock }
  await app.register(systemRoutes({ ...deps, conn }))
  await app.register(selfServicePages({ db: conn.db, selfService: services.selfService }))
  await app.register(
    async (v1) => {
      await v1.register(authRoutes({ ...deps, auth: services.auth }))
      await v1.register(channelRoutes({ ...deps, channels: services.channels }))
      await v1.register(catalogRoutes({ ...deps, catalog: services.catalog }))
      await v1.register(locationRoutes({ ...deps, locations: services.locations }))
      await v1.register(customerRoutes({ ...deps, customers: services.customers }))
      await v1.register(inventoryRoutes({ ...deps, inventory: services.inventory }))
      await v1.register(orderRoutes({ ...deps, orders: services.orders }))
      await v1.register(routingRoutes({ ...deps, routing: services.routing }))
      await v1.register(fulfillmentRoutes({ ...deps, fulfillment: services.fulfillment }))
      await v1.register(shippingRoutes({ ...deps, shipping: services.shipping }))
      await v1.register(webhookRoutes({ ...deps, webhooks: services.webhooks }))
      await v1.register(notificationRoutes({ ...deps, notifications: services.notifications }))
      await v1.register(returnRoutes({ ...deps, returns: services.returns }))
      await v1.register(selfServiceRoutes({ ...deps, selfService: services.selfService }))
      await v1.register(paymentRoutes({ ...deps, payments: services.payments }))
      await v1.register(exceptionRoutes({ ...deps, exceptions: services.exceptions }))
    },
    { prefix: '/v1' },
  )
  return app
}

function problemBody(status: number, code: string, detail: string, errors?: FieldError[]) {
  return {
    type: `https://ordo.dev/problems/${code.replace(/\./g, '/')}`,
    title: STATUS_TITLES[status] ?? 'Error',
    status,
    code,
    detail,
    ...(errors?.length ? { errors } : {}),
  }
}

/** Maps anything thrown into problem+json; messages of unexpected errors never reach the client. */
export function toProblem(err: FastifyError | AppError | Error): ReturnType<typeof problemBody> {
  if (err instanceof AppError) return problemBody(err.status, err.code, err.detail, err.errors)
  const fe = err as FastifyError
  if (hasZodFastifySchemaValidationErrors(fe)) {
    const where = fe.validationContext ?? 'body'
    const errors: FieldError[] = fe.validation!.map((v) => ({
      path: v.instancePath.replace(/^\//, '').replace(/\//g, '.') || where,
      message: v.message ?? 'invalid',
      code: v.keyword,
    }))
    // Body errors are 422 (understood but unacceptable); a malformed query or path is 400.
    const status = where === 'body' ? 422 : 400
    const fields = errors.map((e) => e.path).join(', ')
    return problemBody(status, 'request.invalid', `Invalid ${where === 'querystring' ? 'query' : where}: ${fields}.`, errors)
  }
  if (fe.code === 'FST_ERR_CTP_INVALID_JSON_BODY' || (fe.statusCode === 400 && err instanceof SyntaxError)) {
    return problemBody(400, 'request.malformed_json', 'The request body is not valid JSON.')
  }
  if (fe.code === 'FST_ERR_CTP_EMPTY_JSON_BODY') return problemBody(400, 'request.empty_body', 'The request has Content-Type application/json but no body.')
  if (fe.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') return problemBody(415, 'request.unsupported_media_type', 'Send JSON with Content-Type: application/json.')
  if (fe.code === 'FST_ERR_CTP_BODY_TOO_LARGE') return problemBody(413, 'request.too_large', 'The request body is too large.')
  if (fe.statusCode && fe.statusCode >= 400 && fe.statusCode < 500) {
    return problemBody(fe.statusCode, 'request.invalid', fe.message)
  }
  return problemBody(500, 'internal', 'An unexpected error occurred; it has been logged with this request id.')
}
