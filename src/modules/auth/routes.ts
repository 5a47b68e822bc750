import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { z } from 'zod'
import type { Db } from '../../db/connection.js'
import { inTransaction } from '../../db/transaction.js'
import { ROLE_PERMISSIONS, ROLES } from '../../kernel/auth.js'
import type { Clock } from '../../kernel/clock.js'
import { AppError } from '../../kernel/errors.js'
import { ctxOf } from '../../kernel/http.js'
import { page } from '../../kernel/pagination.js'
import { createUserBody, sessionSchema, signInBody, updateUserBody, userListQuery, userSchema } from './schema.js'
import type { AuthService, UserSession } from './service.js'

/** The console's session cookie: HttpOnly, SameSite=Strict, Secure over https. */
export const SESSION_COOKIE = 'ordo_session'

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by the auth hook when the request came with a session cookie rather than an API key. */
    userSession: UserSession | null
  }
}

const sessionBody = (s: UserSession) => ({ user: s.user, csrfToken: s.csrfToken, permissions: [...ROLE_PERMISSIONS[s.user.role]], expiresAt: s.expiresAt })
const userParams = z.object({ id: z.string().min(1).max(254).describe('User id (usr_…) or e-mail.') })

const apiKeySchema = z
  .object({
    id: z.string(),
    name: z.string(),
    role: z.enum(ROLES),
    channel: z.string().nullable(),
    prefix: z.string(),
    createdAt: z.string(),
    revokedAt: z.string().nullable(),
  })
  .meta({ id: 'ApiKey' })

export const authRoutes =
  (d: { db: Db; clock: Clock; auth: AuthService }): FastifyPluginAsyncZod =>
  async (app) => {
    app.get('/api-keys', {
      config: { permission: 'keys:manage' },
      schema: { tags: ['auth'], summary: 'List API keys (never their secrets)', response: { 200: z.object({ data: z.array(apiKeySchema) }) } },
      handler: async () => ({ data: await d.auth.listKeys(d.db) }),
    })

    app.post('/api-keys', {
      config: { permission: 'keys:manage' },
      schema: {
        tags: ['auth'],
        summary: 'Create an API key; the response is the only time its secret is shown',
        body: z.object({ name: z.string().trim().min(1).max(200), role: z.enum(ROLES), channel: z.string().optional().describe('Required for role `channel`: the channel code the key is bound to.') }),
        response: { 201: apiKeySchema.extend({ key: z.string() }) },
      },
      handler: async (req, reply) => reply.code(201).send(await inTransaction(d.db, (trx) => d.auth.createKey(trx, ctxOf(req, d.clock), req.body))),
    })

    app.post('/api-keys/:id/revoke', {
      config: { permission: 'keys:manage' },
      schema: { tags: ['auth'], summary: 'Revoke an API key', params: z.object({ id: z.string().max(100) }), response: { 200: apiKeySchema } },
      handler: async (req) => inTransaction(d.db, (trx) => d.auth.revokeKey(trx, ctxOf(req, d.clock), req.params.id)),
    })

    app.post('/session', {
      config: {
        public: true,
        // Guessing passwords is slow: 10 tries a minute per address and e-mail (counted after the body is read).
        rateLimit: { max: 10, timeWindow: 60_000, hook: 'preHandler', keyGenerator: (req) => `sign-in:${req.ip}:${(req.body as { email?: string } | undefined)?.email ?? ''}` },
      },
      schema: {
        tags: ['auth'],
        summary: 'Sign in to the console',
        description:
          'Sets the `ordo_session` cookie (HttpOnly, SameSite=Strict). Requests with the cookie that are not GET or HEAD must send the returned `csrfToken` as `x-csrf-token`. A wrong e-mail, password or a disabled account all give the same 401.',
        security: [],
        body: signInBody,
        response: { 200: sessionSchema },
      },
      handler: async (req, reply) => {
        const user = await d.auth.checkPassword(d.db, req.body.email, req.body.password)
        const { token, session } = await inTransaction(d.db, (trx) => d.auth.openSession(trx, ctxOf(req, d.clock), user.id))
        req.log.info({ user: user.id }, 'signed in')
        reply.setCookie(SESSION_COOKIE, token, { httpOnly: true, sameSite: 'strict', path: '/', secure: req.protocol === 'https' })
        return sessionBody(session)
      },
    })

    app.get('/session', {
      config: { permission: 'signed-in' },
      schema: { tags: ['auth'], summary: 'The signed-in user and the CSRF token of this session', response: { 200: sessionSchema } },
      handler: async (req) => sessionBody(ownSession(req.userSession)),
    })

    app.delete('/session', {
      config: { permission: 'signed-in' },
      schema: { tags: ['auth'], summary: 'Sign out', response: { 204: z.null().describe('Signed out; the cookie is cleared.') } },
      handler: async (req, reply) => {
        const session = ownSession(req.userSession)
        await inTransaction(d.db, (trx) => d.auth.closeSession(trx, ctxOf(req, d.clock), session.id))
        return reply.clearCookie(SESSION_COOKIE, { path: '/' }).code(204).send(null)
      },
    })

    app.get('/users', {
      config: { permission: 'keys:manage' },
      schema: { tags: ['auth'], summary: 'List console users', querystring: userListQuery, response: { 200: page(userSchema) } },
      handler: async (req) => d.auth.listUsers(d.db, req.query),
    })

    app.post('/users', {
      config: { permission: 'keys:manage' },
      schema: { tags: ['auth'], summary: 'Create a console user', body: createUserBody, response: { 201: userSchema } },
      handler: async (req, reply) => {
        const user = await inTransaction(d.db, (trx) => d.auth.createUser(trx, ctxOf(req, d.clock), req.body))
        return reply.code(201).header('Location', `/v1/users/${user.id}`).send(user)
      },
    })

    app.get('/users/:id', {
      config: { permission: 'keys:manage' },
      schema: { tags: ['auth'], summary: 'Get a console user', params: userParams, response: { 200: userSchema } },
      handler: async (req) => d.auth.getUser(d.db, req.params.id),
    })

    app.patch('/users/:id', {
      config: { permission: 'keys:manage' },
      schema: {
        tags: ['auth'],
        summary: "Change a user's name, role or password, or disable them",
        description: 'A new password or `active: false` ends all their sessions. The last active admin cannot be disabled or demoted (409).',
        params: userParams,
        body: updateUserBody,
        response: { 200: userSchema },
      },
      handler: async (req) => inTransaction(d.db, (trx) => d.auth.updateUser(trx, ctxOf(req, d.clock), req.params.id, req.body)),
    })
  }

function ownSession(session: UserSession | null): UserSession {
  if (!session) throw new AppError(404, 'session.not_found', 'This request is authenticated by an API key, not a session.')
  return session
}
