import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import type { Db } from '../../db/connection.js'
import { inTransaction } from '../../db/transaction.js'
import type { Clock } from '../../kernel/clock.js'
import { ctxOf, etagOf, optionalIfMatch } from '../../kernel/http.js'
import { routingPolicySchema } from './policy.js'
import {
  channelParams,
  effectivePolicySchema,
  importCentroidsBody,
  importCentroidsResult,
  policyListSchema,
  policyQuery,
  policyRecordSchema,
  simulateBody,
  simulationReportSchema,
} from './schema.js'
import type { RoutingService } from './service.js'

export const routingRoutes =
  (d: { db: Db; clock: Clock; routing: RoutingService }): FastifyPluginAsyncZod =>
  async (app) => {
    app.get('/routing/policy', {
      config: { permission: 'routing:read' },
      schema: {
        tags: ['routing'],
        summary: 'The default routing policy and the channel overrides; with ?channel= the policy in force for that channel',
        querystring: policyQuery,
        response: { 200: policyListSchema.or(effectivePolicySchema) },
      },
      handler: async (req, reply) => {
        if (req.query.channel) {
          const record = await d.routing.effectivePolicy(d.db, req.query.channel)
          if (!record.inherited) reply.header('ETag', etagOf(record.version))
          return reply.send(record)
        }
        const list = await d.routing.policies(d.db)
        return reply.header('ETag', etagOf(list.default.version)).send(list)
      },
    })

    app.put('/routing/policy', {
      config: { permission: 'routing:write' },
      schema: {
        tags: ['routing'],
        summary: 'Replace the default routing policy. Send If-Match with the ETag to refuse overwriting a newer version (412).',
        body: routingPolicySchema,
        response: { 200: policyRecordSchema },
      },
      handler: async (req, reply) => {
        const ifMatch = optionalIfMatch(req)
        const { record } = await inTransaction(d.db, (trx) => d.routing.putPolicy(trx, ctxOf(req, d.clock), null, req.body, ifMatch))
        return reply.header('ETag', etagOf(record.version)).send(record)
      },
    })

    app.put('/routing/policy/:channel', {
      config: { permission: 'routing:write' },
      schema: {
        tags: ['routing'],
        summary: 'Create or replace a channel\'s routing policy override (If-Match "0" to create only)',
        params: channelParams,
        body: routingPolicySchema,
        response: { 200: policyRecordSchema, 201: policyRecordSchema },
      },
      handler: async (req, reply) => {
        const ifMatch = optionalIfMatch(req)
        const { record, created } = await inTransaction(d.db, (trx) => d.routing.putPolicy(trx, ctxOf(req, d.clock), req.params.channel, req.body, ifMatch))
        return reply.code(created ? 201 : 200).header('ETag', etagOf(record.version)).send(record)
      },
    })

    app.delete('/routing/policy/:channel', {
      config: { permission: 'routing:write' },
      schema: { tags: ['routing'], summary: 'Remove a channel\'s override: its orders follow the default policy again', params: channelParams },
      handler: async (req, reply) => {
        const ifMatch = optionalIfMatch(req)
        await inTransaction(d.db, (trx) => d.routing.deletePolicy(trx, ctxOf(req, d.clock), req.params.channel, ifMatch))
        return reply.code(204).send()
      },
    })

    app.post('/routing/simulate', {
      config: { permission: 'routing:read' },
      schema: {
        tags: ['routing'],
        summary: 'Run a routing policy (or two side by side) over given or past orders without reserving anything',
        body: simulateBody,
        response: { 200: simulationReportSchema },
      },
      handler: async (req) => d.routing.simulate(d.db, ctxOf(req, d.clock), req.body),
    })

    app.post('/routing/geo/centroids', {
      config: { permission: 'routing:write' },
      schema: {
        tags: ['routing'],
        summary: 'Load postal-code centroids (insert or update), up to 10,000 per request; `ordo geo import` loads whole files',
        body: importCentroidsBody,
        response: { 200: importCentroidsResult },
      },
      handler: async (req) => inTransaction(d.db, (trx) => d.routing.importCentroids(trx, ctxOf(req, d.clock), req.body.rows)),
    })
  }
