import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { z } from 'zod'
import type { Db } from '../../db/connection.js'
import { inTransaction } from '../../db/transaction.js'
import type { Clock } from '../../kernel/clock.js'
import { ctxOf, etagOf, idempotencyKeyOf, optionalIfMatch, sendCreated } from '../../kernel/http.js'
import { isUniqueViolation } from '../../kernel/idempotency.js'
import { page } from '../../kernel/pagination.js'
import {
  cancelShipmentBody,
  carrierCode,
  carrierSchema,
  carrierServiceSchema,
  createCarrierBody,
  createManifestBody,
  createServiceBody,
  createShippingMethodBody,
  manifestListQuery,
  manifestSchema,
  quoteBody,
  ratesResultSchema,
  shipmentListQuery,
  shipmentSchema,
  shippingMethodSchema,
  trackingEventBody,
  trackingLookupSchema,
  updateCarrierBody,
  updateServiceBody,
  updateShippingMethodBody,
} from './schema.js'
import type { ShippingService } from './service.js'

const carrierParams = z.object({ code: carrierCode })
const serviceParams = carrierParams.extend({ service: carrierCode })
const idParams = z.object({ id: z.string().min(1).max(100).describe('Id (shp_…) or number (SH-…).') })
const manifestParams = z.object({ id: z.string().min(1).max(100).describe('Id (mf_…) or number (MF-…).') })
const labelQuery = z.object({ package: z.coerce.number().int().min(1).optional().describe('1-based package number: only its label; without it, every package.') })

export const shippingRoutes =
  (d: { db: Db; clock: Clock; shipping: ShippingService }): FastifyPluginAsyncZod =>
  async (app) => {
    const tags = ['shipping']

    // ---- carriers and services ----

    app.post('/carriers', {
      config: { permission: 'shipping:write' },
      schema: {
        tags,
        summary: 'Add a carrier account',
        description: 'The adapter (`table_rate` is built in) quotes and buys its labels; `settings` are checked by the adapter. A taken code is 409.',
        body: createCarrierBody,
        response: { 201: carrierSchema },
      },
      handler: async (req, reply) => {
        const carrier = await inTransaction(d.db, (trx) => d.shipping.createCarrier(trx, ctxOf(req, d.clock), req.body))
        return reply.code(201).header('Location', `/v1/carriers/${carrier.code}`).header('ETag', etagOf(carrier.version)).send(carrier)
      },
    })

    app.get('/carriers', {
      config: { permission: 'shipping:read' },
      schema: { tags, summary: 'Carriers with their services and rate cards', response: { 200: z.object({ data: z.array(carrierSchema) }) } },
      handler: async () => ({ data: await d.shipping.listCarriers(d.db) }),
    })

    app.get('/carriers/:code', {
      config: { permission: 'shipping:read' },
      schema: { tags, summary: 'Get a carrier', params: carrierParams, response: { 200: carrierSchema } },
      handler: async (req, reply) => {
        const carrier = await d.shipping.getCarrier(d.db, req.params.code)
        return reply.header('ETag', etagOf(carrier.version)).send(carrier)
      },
    })

    app.patch('/carriers/:code', {
      config: { permission: 'shipping:write' },
      schema: { tags, summary: 'Edit a carrier (If-Match honoured when sent)', params: carrierParams, body: updateCarrierBody, response: { 200: carrierSchema } },
      handler: async (req, reply) => {
        const ifMatch = optionalIfMatch(req)
        const carrier = await inTransaction(d.db, (trx) => d.shipping.updateCarrier(trx, ctxOf(req, d.clock), req.params.code, req.body, ifMatch))
        return reply.header('ETag', etagOf(carrier.version)).send(carrier)
      },
    })

    app.post('/carriers/:code/services', {
      config: { permission: 'shipping:write' },
      schema: {
        tags,
        summary: 'Add a service with its rate card',
        description: 'The rate card is checked field by field: a bad one is 422 with each path (`rateCard.zones.0.weightBreaks`).',
        params: carrierParams,
        body: createServiceBody,
        response: { 201: carrierServiceSchema },
      },
      handler: async (req, reply) => {
        const svc = await inTransaction(d.db, (trx) => d.shipping.createService(trx, ctxOf(req, d.clock), req.params.code, req.body))
        return reply
          .code(201)
          .header('Location', `/v1/carriers/${req.params.code}/services/${svc.code}`)
          .header('ETag', etagOf(svc.version))
          .send(svc)
      },
    })

    app.get('/carriers/:code/services/:service', {
      config: { permission: 'shipping:read' },
      schema: { tags, summary: 'Get a carrier service and its rate card', params: serviceParams, response: { 200: carrierServiceSchema } },
      handler: async (req, reply) => {
        const svc = await d.shipping.getService(d.db, req.params.code, req.params.service)
        return reply.header('ETag', etagOf(svc.version)).send(svc)
      },
    })

    app.patch('/carriers/:code/services/:service', {
      config: { permission: 'shipping:write' },
      schema: {
        tags,
        summary: 'Edit a service or replace its rate card (If-Match honoured when sent)',
        params: serviceParams,
        body: updateServiceBody,
        response: { 200: carrierServiceSchema },
      },
      handler: async (req, reply) => {
        const ifMatch = optionalIfMatch(req)
        const svc = await inTransaction(d.db, (trx) => d.shipping.updateService(trx, ctxOf(req, d.clock), req.params.code, req.params.service, req.body, ifMatch))
        return reply.header('ETag', etagOf(svc.version)).send(svc)
      },
    })

    // ---- shipping methods ----

    app.get('/shipping-methods', {
      config: { permission: 'shipping:read' },
      schema: { tags, summary: 'Shipping methods and the freight they charge customers', response: { 200: z.object({ data: z.array(shippingMethodSchema) }) } },
      handler: async () => ({ data: await d.shipping.listShippingMethods(d.db) }),
    })

    app.post('/shipping-methods', {
      config: { permission: 'shipping:write' },
      schema: { tags, summary: 'Add a shipping method', body: createShippingMethodBody, response: { 201: shippingMethodSchema } },
      handler: async (req, reply) => {
        const method = await inTransaction(d.db, (trx) => d.shipping.createShippingMethod(trx, ctxOf(req, d.clock), req.body))
        return reply.code(201).header('ETag', etagOf(method.version)).send(method)
      },
    })

    app.patch('/shipping-methods/:code', {
      config: { permission: 'shipping:write' },
      schema: {
        tags,
        summary: 'Edit a shipping method (If-Match honoured when sent)',
        params: carrierParams,
        body: updateShippingMethodBody,
        response: { 200: shippingMethodSchema },
      },
      handler: async (req, reply) => {
        const ifMatch = optionalIfMatch(req)
        const method = await inTransaction(d.db, (trx) => d.shipping.updateShippingMethod(trx, ctxOf(req, d.clock), req.params.code, req.body, ifMatch))
        return reply.header('ETag', etagOf(method.version)).send(method)
      },
    })

    app.post('/rates/quote', {
      config: { permission: 'shipping:read' },
      schema: {
        tags,
        summary: 'Quote parcels from a location to a place, without a fulfilment order',
        description: 'Every active service priced, the default pick (cheapest that meets `promisedBy`) and why, and the freight a shipping method would charge.',
        body: quoteBody,
        response: { 200: ratesResultSchema },
      },
      handler: async (req) => d.shipping.quote(d.db, ctxOf(req, d.clock), req.body),
    })

    // ---- shipments ----

    app.get('/shipments', {
      config: { permission: 'shipping:read' },
      schema: { tags, summary: 'List shipments, newest first', querystring: shipmentListQuery, response: { 200: page(shipmentSchema) } },
      handler: async (req) => d.shipping.list(d.db, req.query),
    })

    app.get('/shipments/:id', {
      config: { permission: 'shipping:read' },
      schema: { tags, summary: 'Get a shipment with its packages and tracking events', params: idParams, response: { 200: shipmentSchema } },
      handler: async (req, reply) => {
        const shipment = await d.shipping.get(d.db, ctxOf(req, d.clock), req.params.id)
        return reply.header('ETag', etagOf(shipment.version)).send(shipment)
      },
    })

    app.get('/shipments/:id/label.pdf', {
      config: { permission: 'shipping:read' },
      schema: { tags, summary: 'The 4×6 in labels as one PDF: a page per package, or only ?package=N', params: idParams, querystring: labelQuery },
      handler: async (req, reply) => {
        const pdf = await d.shipping.labelPdf(d.db, req.params.id, req.query.package)
        return reply.type('application/pdf').header('Content-Disposition', `inline; filename="${req.params.id}-label.pdf"`).send(pdf)
      },
    })

    app.get('/shipments/:id/label.zpl', {
      config: { permission: 'shipping:read' },
      schema: { tags, summary: 'The labels as ZPL II for a thermal printer: one ^XA…^XZ per package', params: idParams, querystring: labelQuery },
      handler: async (req, reply) => reply.type('text/plain; charset=utf-8').send(await d.shipping.labelZpl(d.db, req.params.id, req.query.package)),
    })

    app.post('/shipments/:id/tracking-events', {
      config: { permission: 'tracking:write' },
      schema: {
        tags,
        summary: 'Report a tracking event (carrier or driver)',
        description:
          'Every event is kept. One that is older than the latest applied one is stored without changing the status; a repeat of the same status and time is answered 200 and changes nothing; an illegal move is 409. A delivery of items that need proof needs `deliveryCode` or `identityCheck` (422 naming the field otherwise).',
        params: idParams,
        body: trackingEventBody,
        response: { 200: shipmentSchema.describe('A repeat: nothing changed.'), 201: shipmentSchema },
      },
      handler: async (req, reply) => {
        const { shipment, created } = await d.shipping.recordTrackingEvent(d.db, ctxOf(req, d.clock), req.params.id, req.body)
        return reply
          .code(created ? 201 : 200)
          .header('ETag', etagOf(shipment.version))
          .send(shipment)
      },
    })

    app.post('/shipments/:id/cancel', {
      config: { permission: 'shipping:write' },
      schema: {
        tags,
        summary: 'Cancel a shipment before handover; its label is voided at the carrier',
        description: 'Only `label_created` or `awaiting_pickup` (409 otherwise). The void goes to the carrier first: when it fails (502), nothing changes.',
        params: idParams,
        body: cancelShipmentBody,
        response: { 200: shipmentSchema },
      },
      handler: async (req, reply) => {
        const shipment = await d.shipping.cancel(d.db, ctxOf(req, d.clock), req.params.id, req.body?.reason)
        return reply.header('ETag', etagOf(shipment.version)).send(shipment)
      },
    })

    // ---- manifests ----

    app.post('/manifests', {
      config: { permission: 'shipping:write' },
      schema: {
        tags,
        summary: "Close the day: a carrier's manifest at a location",
        description: 'Gathers the labels of the carrier at the location not yet on a manifest (422 when there are none); they move to `awaiting_pickup`. Send `Idempotency-Key` so a retry returns the first manifest.',
        body: createManifestBody,
        headers: z.object({ 'idempotency-key': z.string().optional() }).passthrough(),
        response: { 200: manifestSchema.describe('A replay: the manifest the first request created.'), 201: manifestSchema },
      },
      handler: async (req, reply) => {
        const ctx = ctxOf(req, d.clock)
        const idempotencyKey = idempotencyKeyOf(req)
        const run = () => inTransaction(d.db, (trx) => d.shipping.createManifest(trx, ctx, req.body, { idempotencyKey }))
        // A concurrent twin with the same key may commit first: the retry then replays it.
        const { manifest, replayed } = await run().catch((err) => (isUniqueViolation(err) ? run() : Promise.reject(err)))
        return sendCreated(reply, manifest, `/v1/manifests/${manifest.id}`, replayed)
      },
    })

    app.get('/manifests', {
      config: { permission: 'shipping:read' },
      schema: { tags, summary: 'List manifests, newest first', querystring: manifestListQuery, response: { 200: page(manifestSchema) } },
      handler: async (req) => d.shipping.listManifests(d.db, req.query),
    })

    app.get('/manifests/:id', {
      config: { permission: 'shipping:read' },
      schema: { tags, summary: 'Get a manifest', params: manifestParams, response: { 200: manifestSchema } },
      handler: async (req) => d.shipping.getManifest(d.db, req.params.id),
    })

    app.get('/manifests/:id.pdf', {
      config: { permission: 'shipping:read' },
      schema: { tags, summary: 'The manifest as PDF, for the driver to sign', params: manifestParams },
      handler: async (req, reply) => {
        const pdf = await d.shipping.manifestPdf(d.db, req.params.id)
        return reply.type('application/pdf').header('Content-Disposition', `inline; filename="${req.params.id}.pdf"`).send(pdf)
      },
    })

    // ---- tracking lookup ----

    app.get('/tracking/:trackingNumber', {
      config: { permission: 'shipping:read' },
      schema: {
        tags,
        summary: 'Look up a shipment by tracking number (its own or a package’s)',
        description: 'Spaces and case are ignored; an S10 number with a wrong check digit is 422 before any lookup.',
        params: z.object({ trackingNumber: z.string().min(1).max(64) }),
        response: { 200: trackingLookupSchema },
      },
      handler: async (req) => d.shipping.track(d.db, req.params.trackingNumber),
    })
  }
