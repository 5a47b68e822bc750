import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { z } from 'zod'
import type { Db } from '../../db/connection.js'
import { inTransaction } from '../../db/transaction.js'
import type { Clock } from '../../kernel/clock.js'
import { ctxOf } from '../../kernel/http.js'
import { channelCode, channelSchema, createChannelBody, updateChannelBody } from './schema.js'
import type { ChannelService } from './service.js'

export const channelRoutes =
  (d: { db: Db; clock: Clock; channels: ChannelService }): FastifyPluginAsyncZod =>
  async (app) => {
    app.post('/channels', {
      config: { permission: 'channels:write' },
      schema: { tags: ['channels'], summary: 'Create a sales channel', body: createChannelBody, response: { 201: channelSchema } },
      handler: async (req, reply) => {
        const channel = await inTransaction(d.db, (trx) => d.channels.create(trx, ctxOf(req, d.clock), req.body))
        return reply.code(201).header('Location', `/v1/channels/${channel.code}`).send(channel)
      },
    })

    app.get('/channels', {
      config: { permission: 'catalog:read' },
      schema: { tags: ['channels'], summary: 'List sales channels', response: { 200: z.object({ data: z.array(channelSchema) }) } },
      handler: async () => ({ data: await d.channels.list(d.db) }),
    })

    app.get('/channels/:code', {
      config: { permission: 'catalog:read' },
      schema: { tags: ['channels'], summary: 'Get a sales channel', params: z.object({ code: channelCode }), response: { 200: channelSchema } },
      handler: async (req) => d.channels.getByCode(d.db, req.params.code),
    })

    app.patch('/channels/:code', {
      config: { permission: 'channels:write' },
      schema: { tags: ['channels'], summary: 'Rename, retype or deactivate a channel', params: z.object({ code: channelCode }), body: updateChannelBody, response: { 200: channelSchema } },
      handler: async (req) => inTransaction(d.db, (trx) => d.channels.update(trx, ctxOf(req, d.clock), req.params.code, req.body)),
    })
  }
