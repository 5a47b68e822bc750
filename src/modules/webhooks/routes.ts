import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { z } from 'zod'
import type { Db } from '../../db/connection.js'
import { inTransaction } from '../../db/transaction.js'
import type { Clock } from '../../kernel/clock.js'
import { ctxOf, etagOf, idempotencyKeyOf, optionalIfMatch, sendCreated } from '../../kernel/http.js'
import { isUniqueViolation } from '../../kernel/idempotency.js'
import { page } from '../../kernel/pagination.js'
import {
  createEndpointBody,
  deliveryListQuery,
  deliverySchema,
  endpointSchema,
  endpointWithSecretSchema,
  replayBody,
  rotateSecretBody,
  updateEndpointBody,
} from './schema.js'
import type { WebhookService } from './service.js'

const idParams = z.object({ id: z.string().min(1).max(100) })

export const webhookRoutes =
  (d: { db: Db; clock: Clock; webhooks: WebhookService }): FastifyPluginAsyncZod =>
  async (app) => {
    const tags = ['webhooks']
    const config = { permission: 'webhooks:manage' as const }

    app.post('/webhook-endpoints', {
      config,
      schema: {
        tags,
        summary: 'Subscribe a URL to events',
        description:
          'Every matching event is POSTed to the URL, signed as Standard Webhooks says (`webhook-id`, `webhook-timestamp`, `webhook-signature`). The answer carries the signing secret: it is shown only here. See docs/webhooks.md.',
        body: createEndpointBody,
        headers: z.object({ 'idempotency-key': z.string().optional() }).passthrough(),
        response: { 200: endpointWithSecretSchema.describe('A replay: the endpoint the first request created.'), 201: endpointWithSecretSchema },
      },
      handler: async (req, reply) => {
        const ctx = ctxOf(req, d.clock)
        const idempotencyKey = idempotencyKeyOf(req)
        const run = () => inTransaction(d.db, (trx) => d.webhooks.create(trx, ctx, req.body, { idempotencyKey }))
        // A concurrent twin with the same key may commit first: the retry then replays it.
        const { endpoint, replayed } = await run().catch((err) => (isUniqueViolation(err) ? run() : Promise.reject(err)))
        reply.header('ETag', etagOf(endpoint.version))
        return sendCreated(reply, endpoint, `/v1/webhook-endpoints/${endpoint.id}`, replayed)
      },
    })

    app.get('/webhook-endpoints', {
      config,
      schema: { tags, summary: 'List webhook endpoints', response: { 200: z.object({ data: z.array(endpointSchema) }) } },
      handler: async () => ({ data: await d.webhooks.list(d.db) }),
    })

    app.get('/webhook-endpoints/:id', {
      config,
      schema: { tags, summary: 'Get a webhook endpoint', params: idParams, response: { 200: endpointSchema } },
      handler: async (req, reply) => {
        const endpoint = await d.webhooks.get(d.db, req.params.id)
        return reply.header('ETag', etagOf(endpoint.version)).send(endpoint)
      },
    })

    app.patch('/webhook-endpoints/:id', {
      config,
      schema: {
        tags,
        summary: 'Change the URL, the event types, or pause/resume an endpoint (If-Match honoured)',
        params: idParams,
        body: updateEndpointBody,
        response: { 200: endpointSchema },
      },
      handler: async (req, reply) => {
        const ifMatch = optionalIfMatch(req)
        const endpoint = await inTransaction(d.db, (trx) => d.webhooks.update(trx, ctxOf(req, d.clock), req.params.id, req.body, ifMatch))
        return reply.header('ETag', etagOf(endpoint.version)).send(endpoint)
      },
    })

    app.delete('/webhook-endpoints/:id', {
      config,
      schema: { tags, summary: 'Delete an endpoint and its delivery log', params: idParams, response: { 204: z.null().describe('Deleted.') } },
      handler: async (req, reply) => {
        await inTransaction(d.db, (trx) => d.webhooks.remove(trx, ctxOf(req, d.clock), req.params.id))
        return reply.code(204).send(null)
      },
    })

    app.post('/webhook-endpoints/:id/rotate-secret', {
      config,
      schema: {
        tags,
        summary: 'Replace the signing secret (shown once); the old one keeps signing for a while',
        params: idParams,
        body: rotateSecretBody,
        response: { 200: endpointWithSecretSchema },
      },
      handler: async (req) => inTransaction(d.db, (trx) => d.webhooks.rotateSecret(trx, ctxOf(req, d.clock), req.params.id, req.body)),
    })

    app.post('/webhook-endpoints/:id/test', {
      config,
      schema: {
        tags,
        summary: 'Send a webhook.test event now and show how the endpoint answered',
        params: idParams,
        response: { 200: deliverySchema },
      },
      handler: async (req) => d.webhooks.sendTest(d.db, ctxOf(req, d.clock), req.params.id),
    })

    app.get('/webhook-endpoints/:id/deliveries', {
      config,
      schema: {
        tags,
        summary: "An endpoint's delivery log, newest first, with every attempt",
        params: idParams,
        querystring: deliveryListQuery,
        response: { 200: page(deliverySchema) },
      },
      handler: async (req) => d.webhooks.listDeliveries(d.db, { ...req.query, endpointId: req.params.id }),
    })

    app.post('/webhook-endpoints/:id/replay', {
      config,
      schema: {
        tags,
        summary: 'Send dead letters again (all, or those created in [from, to)), in their original order',
        params: idParams,
        body: replayBody,
        response: { 200: z.object({ replayed: z.number().int() }) },
      },
      handler: async (req) => inTransaction(d.db, (trx) => d.webhooks.replay(trx, ctxOf(req, d.clock), req.params.id, req.body)),
    })

    app.get('/webhook-deliveries', {
      config,
      schema: { tags, summary: 'Deliveries to every endpoint, newest first (`?status=dead`: the dead letters)', querystring: deliveryListQuery, response: { 200: page(deliverySchema) } },
      handler: async (req) => d.webhooks.listDeliveries(d.db, req.query),
    })

    app.get('/webhook-deliveries/:id', {
      config,
      schema: { tags, summary: 'One delivery with its attempts', params: idParams, response: { 200: deliverySchema } },
      handler: async (req) => d.webhooks.getDelivery(d.db, req.params.id),
    })

    app.post('/webhook-deliveries/:id/retry', {
      config,
      schema: { tags, summary: 'Send a delivery again now (dead, pending or delivered), with a fresh retry window', params: idParams, response: { 200: deliverySchema } },
      handler: async (req) => inTransaction(d.db, (trx) => d.webhooks.retryDelivery(trx, ctxOf(req, d.clock), req.params.id)),
    })
  }
