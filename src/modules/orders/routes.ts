import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { z } from 'zod'
import type { Db } from '../../db/connection.js'
import { inTransaction } from '../../db/transaction.js'
import type { Clock } from '../../kernel/clock.js'
import { ctxOf, etagOf, idempotencyKeyOf, optionalIfMatch, requireIfMatch } from '../../kernel/http.js'
import { isUniqueViolation } from '../../kernel/idempotency.js'
import { page } from '../../kernel/pagination.js'
import { routingDecisionSchema } from '../routing/index.js'
import { cancelOrderBody, createOrderBody, editOrderBody, orderListQuery, orderSchema, placeHoldBody, releaseHoldBody } from './schema.js'
import type { OrderService } from './service.js'

const idParams = z.object({ id: z.string().min(1).max(100).describe('Order id (ord_…) or number (SO-…).') })
const timelineEntry = z
  .object({
    id: z.string(),
    type: z.string(),
    from: z.string().nullable(),
    to: z.string().nullable(),
    actor: z.string(),
    reason: z.string().nullable(),
    data: z.record(z.string(), z.unknown()),
    occurredAt: z.string(),
  })
  .meta({ id: 'TimelineEntry' })

export const orderRoutes =
  (d: { db: Db; clock: Clock; orders: OrderService }): FastifyPluginAsyncZod =>
  async (app) => {
    const tags = ['orders']

    app.post('/orders', {
      config: { permission: 'orders:create' },
      schema: {
        tags,
        summary: 'Place an order',
        description:
          'Verifies the order (customer, address, SKUs, prices, payment), recomputes its totals, reserves stock and allocates it to locations. A verified order is `confirmed`; one that fails a check is `on_hold` with its holds listed, and is reserved all the same. Send `Idempotency-Key` (or an `externalId`) so a retry returns the first order with 200 instead of creating another.',
        body: createOrderBody,
        headers: z.object({ 'idempotency-key': z.string().optional() }).passthrough(),
        response: { 200: orderSchema.describe('A replay: the order the first request created.'), 201: orderSchema },
      },
      handler: async (req, reply) => {
        const ctx = ctxOf(req, d.clock)
        const idempotencyKey = idempotencyKeyOf(req)
        const run = () => inTransaction(d.db, (trx) => d.orders.create(trx, ctx, req.body, { idempotencyKey }))
        // A concurrent twin (same key or external id) may commit first: the retry then replays it.
        const { order, replayed } = await run().catch((err) => (isUniqueViolation(err) ? run() : Promise.reject(err)))
        return reply
          .code(replayed ? 200 : 201)
          .header('Location', `/v1/orders/${order.id}`)
          .header('ETag', etagOf(order.version))
          .send(order)
      },
    })

    app.get('/orders', {
      config: { permission: 'orders:read' },
      schema: { tags, summary: 'List orders, newest first', querystring: orderListQuery, response: { 200: page(orderSchema) } },
      handler: async (req) => d.orders.list(d.db, ctxOf(req, d.clock), req.query),
    })

    app.get('/orders/:id', {
      config: { permission: 'orders:read' },
      schema: { tags, summary: 'Get an order', params: idParams, response: { 200: orderSchema } },
      handler: async (req, reply) => {
        const order = await d.orders.get(d.db, ctxOf(req, d.clock), req.params.id)
        return reply.header('ETag', etagOf(order.version)).send(order)
      },
    })

    app.patch('/orders/:id', {
      config: { permission: 'orders:write' },
      schema: {
        tags,
        summary: 'Edit an order (If-Match required)',
        description:
          'Change lines (the full new set: existing lines by id with the quantity now wanted, new lines by sku; left-out lines are removed), addresses, shipping, payment method or notes. The order is re-verified, the difference is reserved or released, and totals are recomputed. 409 once anything has shipped.',
        params: idParams,
        body: editOrderBody,
        response: { 200: orderSchema },
      },
      handler: async (req, reply) => {
        const ifMatch = requireIfMatch(req)
        const order = await inTransaction(d.db, (trx) => d.orders.edit(trx, ctxOf(req, d.clock), req.params.id, req.body, ifMatch))
        return reply.header('ETag', etagOf(order.version)).send(order)
      },
    })

    app.post('/orders/:id/cancel', {
      config: { permission: 'orders:write' },
      schema: {
        tags,
        summary: 'Cancel an order, or some of its lines',
        description: 'Releases the reservations of what is cancelled. If-Match is honoured when sent.',
        params: idParams,
        body: cancelOrderBody,
        response: { 200: orderSchema },
      },
      handler: async (req, reply) => {
        const ifMatch = optionalIfMatch(req)
        const order = await inTransaction(d.db, (trx) => d.orders.cancel(trx, ctxOf(req, d.clock), req.params.id, req.body, ifMatch))
        return reply.header('ETag', etagOf(order.version)).send(order)
      },
    })

    app.post('/orders/:id/holds', {
      config: { permission: 'holds:write' },
      schema: { tags, summary: 'Put an order on hold', params: idParams, body: placeHoldBody, response: { 201: orderSchema } },
      handler: async (req, reply) => {
        const order = await inTransaction(d.db, (trx) => d.orders.placeHold(trx, ctxOf(req, d.clock), req.params.id, req.body))
        return reply.code(201).header('ETag', etagOf(order.version)).send(order)
      },
    })

    app.post('/orders/:id/holds/:holdId/release', {
      config: { permission: 'holds:write' },
      schema: {
        tags,
        summary: 'Release a hold; the order is confirmed when no hold is left',
        params: idParams.extend({ holdId: z.string().min(1).max(100) }),
        body: releaseHoldBody,
        response: { 200: orderSchema },
      },
      handler: async (req, reply) => {
        const order = await inTransaction(d.db, (trx) => d.orders.releaseHold(trx, ctxOf(req, d.clock), req.params.id, req.params.holdId, req.body?.note))
        return reply.header('ETag', etagOf(order.version)).send(order)
      },
    })

    app.get('/orders/:id/events', {
      config: { permission: 'orders:read' },
      schema: { tags, summary: "The order's timeline: who did what, when, from → to, and why", params: idParams, response: { 200: z.object({ data: z.array(timelineEntry) }) } },
      handler: async (req) => ({ data: await d.orders.timeline(d.db, ctxOf(req, d.clock), req.params.id) }),
    })

    app.get('/orders/:id/routing', {
      config: { permission: 'orders:read' },
      schema: {
        tags,
        summary: "Where the order's units were routed and why: every candidate location with its scores per ranker, and the filters that removed the others",
        params: idParams,
        response: { 200: z.object({ data: z.array(routingDecisionSchema) }) },
      },
      handler: async (req) => ({ data: await d.orders.routingDecisions(d.db, ctxOf(req, d.clock), req.params.id) }),
    })
  }
