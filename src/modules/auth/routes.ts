import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { z } from 'zod'
import type { Db } from '../../db/connection.js'
import { inTransaction } from '../../db/transaction.js'
import { ROLES } from '../../kernel/auth.js'
import type { Clock } from '../../kernel/clock.js'
import { ctxOf } from '../../kernel/http.js'
import type { AuthService } from './service.js'

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
  }
