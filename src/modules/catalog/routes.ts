import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { z } from 'zod'
import type { Db } from '../../db/connection.js'
import { inTransaction } from '../../db/transaction.js'
import type { Clock } from '../../kernel/clock.js'
import { ctxOf, etagOf, optionalIfMatch } from '../../kernel/http.js'
import { page } from '../../kernel/pagination.js'
import { createProductBody, listProductsQuery, productSchema, updateProductBody } from './schema.js'
import type { CatalogService } from './service.js'

/** If-Match is optional on master-data edits: checked when sent. */

const skuParams = z.object({ sku: z.string().trim().min(1).max(100).describe('The SKU or the product id.') })

export const catalogRoutes =
  (d: { db: Db; clock: Clock; catalog: CatalogService }): FastifyPluginAsyncZod =>
  async (app) => {
    app.post('/products', {
      config: { permission: 'catalog:write' },
      schema: { tags: ['catalog'], summary: 'Create a product (SKU)', body: createProductBody, response: { 201: productSchema } },
      handler: async (req, reply) => {
        const product = await inTransaction(d.db, (trx) => d.catalog.create(trx, ctxOf(req, d.clock), req.body))
        return reply.code(201).header('Location', `/v1/products/${encodeURIComponent(product.sku)}`).header('ETag', etagOf(product.version)).send(product)
      },
    })

    app.get('/products', {
      config: { permission: 'catalog:read' },
      schema: { tags: ['catalog'], summary: 'List products, by id', querystring: listProductsQuery, response: { 200: page(productSchema) } },
      handler: async (req) => d.catalog.list(d.db, req.query),
    })

    app.get('/products/:sku', {
      config: { permission: 'catalog:read' },
      schema: { tags: ['catalog'], summary: 'Get a product by SKU or id', params: skuParams, response: { 200: productSchema } },
      handler: async (req, reply) => {
        const product = await d.catalog.get(d.db, req.params.sku)
        return reply.header('ETag', etagOf(product.version)).send(product)
      },
    })

    app.patch('/products/:sku', {
      config: { permission: 'catalog:write' },
      schema: {
        tags: ['catalog'],
        summary: 'Edit a product; `barcodes` replaces the list. Send If-Match with the ETag to refuse overwriting a newer version (412).',
        params: skuParams,
        body: updateProductBody,
        response: { 200: productSchema },
      },
      handler: async (req, reply) => {
        const ifMatch = optionalIfMatch(req)
        const product = await inTransaction(d.db, (trx) => d.catalog.update(trx, ctxOf(req, d.clock), req.params.sku, req.body, ifMatch))
        return reply.header('ETag', etagOf(product.version)).send(product)
      },
    })
  }
