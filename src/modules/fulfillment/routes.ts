import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { z } from 'zod'
import type { Db } from '../../db/connection.js'
import { inTransaction } from '../../db/transaction.js'
import type { Clock } from '../../kernel/clock.js'
import { ctxOf, etagOf, idempotencyKeyOf, optionalIfMatch } from '../../kernel/http.js'
import { isUniqueViolation } from '../../kernel/idempotency.js'
import { page } from '../../kernel/pagination.js'
import { ratesResultSchema, shipmentSchema } from '../shipping/index.js'
import {
  accuracyQuery,
  accuracyReportSchema,
  boxSuggestionSchema,
  completedPicklistSchema,
  createdPicklistSchema,
  createPackagingBody,
  createPicklistBody,
  fulfillmentListQuery,
  fulfillmentSchema,
  packagingListQuery,
  packagingParams,
  packagingSchema,
  packBody,
  picklistListQuery,
  picklistSchema,
  picklistSummarySchema,
  putAwayBody,
  scanBody,
  scanResultSchema,
  shipBody,
  shortBody,
  shortResultSchema,
  updatePackagingBody,
} from './schema.js'
import type { FulfillmentService } from './service.js'

const fulfillmentParams = z.object({ id: z.string().trim().min(1).max(100).describe('Fulfilment order id (fo_…) or number (FO-…).') })
const picklistParams = z.object({ id: z.string().trim().min(1).max(100).describe('Picklist id (pl_…) or number (PL-…).') })
const idempotencyHeader = z.object({ 'idempotency-key': z.string().optional() }).passthrough()

export const fulfillmentRoutes =
  (d: { db: Db; clock: Clock; fulfillment: FulfillmentService }): FastifyPluginAsyncZod =>
  async (app) => {
    const tags = ['fulfillment']
    const f = d.fulfillment

    // ---- fulfilment orders ----

    app.get('/fulfillments', {
      config: { permission: 'fulfillment:read' },
      schema: { tags, summary: 'List fulfilment orders, newest first', querystring: fulfillmentListQuery, response: { 200: page(fulfillmentSchema) } },
      handler: async (req) => f.list(d.db, req.query),
    })

    app.get('/fulfillments/:id', {
      config: { permission: 'fulfillment:read' },
      schema: { tags, summary: 'Get a fulfilment order: lines, packages, shipments and what may happen next', params: fulfillmentParams, response: { 200: fulfillmentSchema } },
      handler: async (req, reply) => {
        const fo = await f.get(d.db, req.params.id)
        return reply.header('ETag', etagOf(fo.version)).send(fo)
      },
    })

    app.get('/fulfillments/:id/box-suggestion', {
      config: { permission: 'fulfillment:read' },
      schema: {
        tags,
        summary: 'Suggested boxes for the picked units not yet packed',
        description: 'First-fit decreasing by volume over the active boxes, each opened box the one with the least billable (dimensional) weight for what it will hold; fragile items get protective-material instructions. The packer may choose otherwise.',
        params: fulfillmentParams,
        response: { 200: boxSuggestionSchema },
      },
      handler: async (req) => f.boxSuggestion(d.db, req.params.id),
    })

    app.post('/fulfillments/:id/pack', {
      config: { permission: 'fulfillment:write' },
      schema: {
        tags,
        summary: 'Record packages: box (or custom dimensions), weight and contents',
        description:
          'The contents come out of the picked units not yet packed; several calls may share them out, and the fulfilment order is `packed` once none is left. A mismatch is 422 naming each path. Weight defaults to the contents plus the box tare. Each package records whether it follows the suggestion.',
        params: fulfillmentParams,
        body: packBody,
        response: { 201: fulfillmentSchema },
      },
      handler: async (req, reply) => {
        const fo = await inTransaction(d.db, (trx) => f.pack(trx, ctxOf(req, d.clock), req.params.id, req.body))
        return reply.code(201).header('ETag', etagOf(fo.version)).send(fo)
      },
    })

    app.post('/fulfillments/:id/put-away', {
      config: { permission: 'fulfillment:write' },
      schema: {
        tags,
        summary: 'Put picked units the order no longer wants back from staging into a bin',
        params: fulfillmentParams,
        body: putAwayBody,
        response: { 200: fulfillmentSchema },
      },
      handler: async (req) => inTransaction(d.db, (trx) => f.putAway(trx, ctxOf(req, d.clock), req.params.id, req.body ?? {})),
    })

    app.get('/fulfillments/:id/packing-slip.pdf', {
      config: { permission: 'fulfillment:read' },
      schema: { tags, summary: 'The packing slip as PDF', params: fulfillmentParams },
      handler: async (req, reply) => {
        const pdf = await f.packingSlipPdf(d.db, req.params.id)
        return reply.type('application/pdf').header('Content-Disposition', `inline; filename="${req.params.id}-packing-slip.pdf"`).send(pdf)
      },
    })

    app.post('/fulfillments/:id/rates', {
      config: { permission: 'fulfillment:read' },
      schema: {
        tags,
        summary: "Each carrier service's cost and delivery date for the packed parcels",
        description: 'The default is the cheapest service that meets the promised date (else the fastest); the explanation says why.',
        params: fulfillmentParams,
        response: { 200: ratesResultSchema },
      },
      handler: async (req) => f.rates(d.db, ctxOf(req, d.clock), req.params.id),
    })

    app.post('/fulfillments/:id/ship', {
      config: { permission: 'fulfillment:write' },
      schema: {
        tags,
        summary: 'Buy the label and create the shipment',
        description:
          'Ships every unshipped package (or the ones named: a partial shipment) with the named service, else the default of the rates. The label is voided if recording the shipment fails. Send `Idempotency-Key`: a retry returns the first shipment with 200.',
        params: fulfillmentParams,
        headers: idempotencyHeader,
        body: shipBody,
        response: {
          200: z.object({ fulfillment: fulfillmentSchema, shipment: shipmentSchema }).describe('A replay: the shipment the first request created.'),
          201: z.object({ fulfillment: fulfillmentSchema, shipment: shipmentSchema }).meta({ id: 'ShipResult' }),
        },
      },
      handler: async (req, reply) => {
        const { fulfillment, shipment, replayed } = await f.ship(d.db, ctxOf(req, d.clock), req.params.id, req.body ?? {}, { idempotencyKey: idempotencyKeyOf(req) })
        return reply
          .code(replayed ? 200 : 201)
          .header('Location', `/v1/shipments/${shipment.id}`)
          .send({ fulfillment, shipment })
      },
    })

    // ---- picklists and picking ----

    app.post('/picklists', {
      config: { permission: 'fulfillment:write' },
      schema: {
        tags,
        summary: 'Plan a pick wave at a location',
        description:
          'Takes open, unheld fulfilment orders by priority and promised date (or exactly the ones named), up to `maxOrders` and the cart capacity, and lists one line per sku × bin × lot in the bins’ pick sequence, lot-tracked items first-expiry-first-out. A fulfilment order the bins cannot fill waits (`deferred`). Send `Idempotency-Key` so a retry returns the first picklist.',
        headers: idempotencyHeader,
        body: createPicklistBody,
        response: { 200: createdPicklistSchema.describe('A replay: the picklist the first request created.'), 201: createdPicklistSchema },
      },
      handler: async (req, reply) => {
        const ctx = ctxOf(req, d.clock)
        const idempotencyKey = idempotencyKeyOf(req)
        const run = () => inTransaction(d.db, (trx) => f.createPicklist(trx, ctx, req.body, { idempotencyKey }))
        const { picklist, replayed } = await run().catch((err) => (isUniqueViolation(err) && idempotencyKey ? run() : Promise.reject(err)))
        return reply
          .code(replayed ? 200 : 201)
          .header('Location', `/v1/picklists/${picklist.id}`)
          .send(picklist)
      },
    })

    app.get('/picklists', {
      config: { permission: 'fulfillment:read' },
      schema: { tags, summary: 'List picklists, newest first', querystring: picklistListQuery, response: { 200: page(picklistSummarySchema) } },
      handler: async (req) => f.listPicklists(d.db, req.query),
    })

    app.get('/picklists/:id', {
      config: { permission: 'fulfillment:read' },
      schema: { tags, summary: 'Get a picklist: lines in walk order with progress, and its picking accuracy', params: picklistParams, response: { 200: picklistSchema } },
      handler: async (req) => f.getPicklist(d.db, req.params.id),
    })

    app.get('/picklists/:id.pdf', {
      config: { permission: 'fulfillment:read' },
      schema: { tags, summary: 'The picklist as PDF, with a barcode per bin and item', params: picklistParams },
      handler: async (req, reply) => {
        const pdf = await f.picklistPdf(d.db, req.params.id)
        return reply.type('application/pdf').header('Content-Disposition', `inline; filename="${req.params.id}.pdf"`).send(pdf)
      },
    })

    app.post('/picklists/:id/scans', {
      config: { permission: 'fulfillment:write' },
      schema: {
        tags,
        summary: 'Scan a bin and an item (and a quantity)',
        description:
          'Accepted scans move the units from the bin to staging (201, with the line and what is left). A wrong bin, a wrong item or more units than are left is refused with 422 `picking.wrong_bin`, `picking.wrong_item` or `picking.over_pick`, and counted against picking accuracy. Omit `bin` for units in no bin; `barcode` may be a SKU.',
        params: picklistParams,
        body: scanBody,
        response: { 201: scanResultSchema },
      },
      handler: async (req, reply) => {
        const outcome = await inTransaction(d.db, (trx) => f.scan(trx, ctxOf(req, d.clock), req.params.id, req.body))
        // A refusal is committed (it counts) and then answered as the error it is.
        if (!outcome.ok) throw outcome.error
        return reply.code(201).send(outcome.result)
      },
    })

    app.post('/picklists/:id/short', {
      config: { permission: 'fulfillment:write' },
      schema: {
        tags,
        summary: 'Report a short pick',
        description:
          '`found` is the number of units of the line found in all (scanned ones included). The rest is recorded short, routed again by order management (else backordered) and written off the bin’s stock.',
        params: picklistParams,
        body: shortBody,
        response: { 200: shortResultSchema },
      },
      handler: async (req) => inTransaction(d.db, (trx) => f.shortPick(trx, ctxOf(req, d.clock), req.params.id, req.body)),
    })

    app.post('/picklists/:id/complete', {
      config: { permission: 'fulfillment:write' },
      schema: {
        tags,
        summary: 'Finish the walk',
        description: 'Fulfilment orders whose units were all picked become `picked`; units nobody picked go back to an open fulfilment order for the next wave.',
        params: picklistParams,
        response: { 200: completedPicklistSchema },
      },
      handler: async (req) => inTransaction(d.db, (trx) => f.completePicklist(trx, ctxOf(req, d.clock), req.params.id)),
    })

    app.post('/picklists/:id/cancel', {
      config: { permission: 'fulfillment:write' },
      schema: { tags, summary: 'Cancel a picklist nothing was picked from; its fulfilment orders go back to the queue', params: picklistParams, response: { 200: picklistSchema } },
      handler: async (req) => inTransaction(d.db, (trx) => f.cancelPicklist(trx, ctxOf(req, d.clock), req.params.id)),
    })

    app.get('/picking/accuracy', {
      config: { permission: 'fulfillment:read' },
      schema: { tags, summary: 'Picking accuracy: accepted scans over all scans', querystring: accuracyQuery, response: { 200: accuracyReportSchema } },
      handler: async (req) => f.pickingAccuracy(d.db, req.query),
    })

    // ---- box catalog ----

    app.post('/packaging', {
      config: { permission: 'fulfillment:write' },
      schema: { tags, summary: 'Add a box to the catalog', body: createPackagingBody, response: { 201: packagingSchema } },
      handler: async (req, reply) => {
        const box = await inTransaction(d.db, (trx) => f.createPackaging(trx, ctxOf(req, d.clock), req.body))
        return reply.code(201).header('Location', `/v1/packaging/${box.code}`).header('ETag', etagOf(box.version)).send(box)
      },
    })

    app.get('/packaging', {
      config: { permission: 'fulfillment:read' },
      schema: { tags, summary: 'The box catalog', querystring: packagingListQuery, response: { 200: z.object({ data: z.array(packagingSchema) }) } },
      handler: async (req) => ({ data: await f.listPackaging(d.db, req.query) }),
    })

    app.get('/packaging/:code', {
      config: { permission: 'fulfillment:read' },
      schema: { tags, summary: 'Get a box', params: packagingParams, response: { 200: packagingSchema } },
      handler: async (req, reply) => {
        const box = await f.getPackaging(d.db, req.params.code)
        return reply.header('ETag', etagOf(box.version)).send(box)
      },
    })

    app.patch('/packaging/:code', {
      config: { permission: 'fulfillment:write' },
      schema: { tags, summary: 'Change a box (If-Match honoured when sent)', params: packagingParams, body: updatePackagingBody, response: { 200: packagingSchema } },
      handler: async (req, reply) => {
        const ifMatch = optionalIfMatch(req)
        const box = await inTransaction(d.db, (trx) => f.updatePackaging(trx, ctxOf(req, d.clock), req.params.code, req.body, ifMatch))
        return reply.header('ETag', etagOf(box.version)).send(box)
      },
    })
  }
