import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { z } from 'zod'
import type { Db } from '../../db/connection.js'
import { inTransaction } from '../../db/transaction.js'
import type { Clock } from '../../kernel/clock.js'
import { ctxOf, etagOf, optionalIfMatch } from '../../kernel/http.js'
import { page } from '../../kernel/pagination.js'
import { binSchema, createBinBody, createLocationBody, listLocationsQuery, locationCode, locationSchema, updateLocationBody } from './schema.js'
import type { LocationService } from './service.js'

/** If-Match is optional on master-data edits: checked when sent. */

const codeParams = z.object({ code: locationCode })

export const locationRoutes =
  (d: { db: Db; clock: Clock; locations: LocationService }): FastifyPluginAsyncZod =>
  async (app) => {
    app.post('/locations', {
      config: { permission: 'locations:write' },
      schema: { tags: ['locations'], summary: 'Create a warehouse or store', body: createLocationBody, response: { 201: locationSchema } },
      handler: async (req, reply) => {
        const location = await inTransaction(d.db, (trx) => d.locations.create(trx, ctxOf(req, d.clock), req.body))
        return reply.code(201).header('Location', `/v1/locations/${location.code}`).header('ETag', etagOf(location.version)).send(location)
      },
    })

    app.get('/locations', {
      config: { permission: 'catalog:read' },
      schema: { tags: ['locations'], summary: 'List locations, by id', querystring: listLocationsQuery, response: { 200: page(locationSchema) } },
      handler: async (req) => d.locations.list(d.db, req.query),
    })

    app.get('/locations/:code', {
      config: { permission: 'catalog:read' },
      schema: { tags: ['locations'], summary: 'Get a location', params: codeParams, response: { 200: locationSchema } },
      handler: async (req, reply) => {
        const location = await d.locations.getByCode(d.db, req.params.code)
        return reply.header('ETag', etagOf(location.version)).send(location)
      },
    })

    app.patch('/locations/:code', {
      config: { permission: 'locations:write' },
      schema: {
        tags: ['locations'],
        summary: 'Edit a location. Send If-Match with the ETag to refuse overwriting a newer version (412).',
        params: codeParams,
        body: updateLocationBody,
        response: { 200: locationSchema },
      },
      handler: async (req, reply) => {
        const ifMatch = optionalIfMatch(req)
        const location = await inTransaction(d.db, (trx) => d.locations.update(trx, ctxOf(req, d.clock), req.params.code, req.body, ifMatch))
        return reply.header('ETag', etagOf(location.version)).send(location)
      },
    })

    app.post('/locations/:code/bins', {
      config: { permission: 'locations:write' },
      schema: { tags: ['locations'], summary: 'Add a bin to a location', params: codeParams, body: createBinBody, response: { 201: binSchema } },
      handler: async (req, reply) => {
        const bin = await inTransaction(d.db, (trx) => d.locations.createBin(trx, ctxOf(req, d.clock), req.params.code, req.body))
        return reply.code(201).send(bin)
      },
    })

    app.get('/locations/:code/bins', {
      config: { permission: 'catalog:read' },
      schema: { tags: ['locations'], summary: 'The bins of a location in pick order', params: codeParams, response: { 200: z.object({ data: z.array(binSchema) }) } },
      handler: async (req) => ({ data: await d.locations.listBins(d.db, req.params.code) }),
    })
  }
