import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { z } from 'zod'
import type { Db } from '../../db/connection.js'
import { inTransaction } from '../../db/transaction.js'
import type { Clock } from '../../kernel/clock.js'
import { ctxOf, etagOf, optionalIfMatch } from '../../kernel/http.js'
import { assignBody, exceptionKey, exceptionListQuery, exceptionListSchema, exceptionSchema, reopenBody, resolveBody } from './schema.js'
import type { ExceptionService } from './service.js'

const keyParams = z.object({ key: exceptionKey })

export const exceptionRoutes =
  (d: { db: Db; clock: Clock; exceptions: ExceptionService }): FastifyPluginAsyncZod =>
  async (app) => {
    const tags = ['exceptions']

    app.get('/exceptions', {
      config: { permission: 'exceptions:read' },
      schema: {
        tags,
        summary: 'The exception queue: what needs a person, with counts by type',
        description:
          'Orders on hold, backorders that waited `backorderDays`, short picks, shipments in exception or late against their promised date, returns awaiting authorization or inspection, undeliverable e-mails and dead-lettered webhooks, derived from their modules on every read. Open items come high severity first, then oldest first. `status=resolved` lists what people resolved, latest first.',
        querystring: exceptionListQuery,
        response: { 200: exceptionListSchema },
      },
      handler: async (req) => d.exceptions.list(d.db, ctxOf(req, d.clock), req.query),
    })

    app.get('/exceptions/:key', {
      config: { permission: 'exceptions:read' },
      schema: { tags, summary: 'One item of the queue, open, resolved or cleared', params: keyParams, response: { 200: exceptionSchema } },
      handler: async (req, reply) => {
        const item = await d.exceptions.get(d.db, ctxOf(req, d.clock), req.params.key)
        return reply.header('ETag', etagOf(item.version)).send(item)
      },
    })

    app.post('/exceptions/:key/assign', {
      config: { permission: 'exceptions:write' },
      schema: { tags, summary: 'Give an open item to someone (null: back to the queue). If-Match is honoured when sent.', params: keyParams, body: assignBody, response: { 200: exceptionSchema } },
      handler: async (req, reply) => {
        const ifMatch = optionalIfMatch(req)
        const item = await inTransaction(d.db, (trx) => d.exceptions.assign(trx, ctxOf(req, d.clock), req.params.key, req.body, ifMatch))
        return reply.header('ETag', etagOf(item.version)).send(item)
      },
    })

    app.post('/exceptions/:key/resolve', {
      config: { permission: 'exceptions:write' },
      schema: {
        tags,
        summary: 'Resolve an open item with a note (409 when already resolved). If-Match is honoured when sent.',
        description: 'The item leaves the queue even while its condition holds, and comes back if the condition returns with a newer `since`.',
        params: keyParams,
        body: resolveBody,
        response: { 200: exceptionSchema },
      },
      handler: async (req, reply) => {
        const ifMatch = optionalIfMatch(req)
        const item = await inTransaction(d.db, (trx) => d.exceptions.resolve(trx, ctxOf(req, d.clock), req.params.key, req.body, ifMatch))
        return reply.header('ETag', etagOf(item.version)).send(item)
      },
    })

    app.post('/exceptions/:key/reopen', {
      config: { permission: 'exceptions:write' },
      schema: { tags, summary: 'Put a resolved item back in the queue while its condition holds. If-Match is honoured when sent.', params: keyParams, body: reopenBody, response: { 200: exceptionSchema } },
      handler: async (req, reply) => {
        const ifMatch = optionalIfMatch(req)
        const item = await inTransaction(d.db, (trx) => d.exceptions.reopen(trx, ctxOf(req, d.clock), req.params.key, req.body, ifMatch))
        return reply.header('ETag', etagOf(item.version)).send(item)
      },
    })
  }
