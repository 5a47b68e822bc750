import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { z } from 'zod'
import type { Db } from '../../db/connection.js'
import { inTransaction } from '../../db/transaction.js'
import type { Clock } from '../../kernel/clock.js'
import { ctxOf } from '../../kernel/http.js'
import { page } from '../../kernel/pagination.js'
import {
  adjustmentBody,
  adjustmentResultSchema,
  bucketSchema,
  inventoryQuery,
  ledgerEntrySchema,
  ledgerQuery,
  lowStockRowSchema,
  reorderBody,
  stockRowSchema,
  transferBody,
  transferSchema,
} from './schema.js'
import type { InventoryService } from './service.js'

export const inventoryRoutes =
  (d: { db: Db; clock: Clock; inventory: InventoryService }): FastifyPluginAsyncZod =>
  async (app) => {
    const tags = ['inventory']
    app.get('/inventory', {
      config: { permission: 'inventory:read' },
      schema: { tags, summary: 'Stock per SKU and location: onHand, reserved, available', querystring: inventoryQuery, response: { 200: page(stockRowSchema) } },
      handler: async (req) => d.inventory.list(d.db, req.query),
    })

    app.get('/inventory/buckets', {
      config: { permission: 'inventory:read' },
      schema: {
        tags,
        summary: 'Units by bin and lot of one SKU at one location',
        querystring: z.object({ sku: z.string().min(1).max(64), location: z.string().min(1).max(64) }),
        response: { 200: z.object({ data: z.array(bucketSchema) }) },
      },
      handler: async (req) => ({ data: await d.inventory.buckets(d.db, req.query.sku, req.query.location) }),
    })

    app.post('/inventory/adjustments', {
      config: { permission: 'inventory:write' },
      schema: {
        tags,
        summary: 'Adjust stock by a delta, or set it to a counted quantity',
        description: 'Arriving units are allocated to waiting backorders at once, oldest order first. A correction below what is reserved takes the difference back from the newest orders into backorder.',
        body: adjustmentBody,
        response: { 201: adjustmentResultSchema },
      },
      handler: async (req, reply) => reply.code(201).send(await inTransaction(d.db, (trx) => d.inventory.adjust(trx, ctxOf(req, d.clock), req.body))),
    })

    app.post('/inventory/transfers', {
      config: { permission: 'inventory:write' },
      schema: { tags, summary: 'Move unreserved units from one location to another', body: transferBody, response: { 201: transferSchema } },
      handler: async (req, reply) => reply.code(201).send(await inTransaction(d.db, (trx) => d.inventory.transfer(trx, ctxOf(req, d.clock), req.body))),
    })

    app.get('/inventory/ledger', {
      config: { permission: 'inventory:read' },
      schema: { tags, summary: 'Every stock movement, newest first', querystring: ledgerQuery, response: { 200: page(ledgerEntrySchema) } },
      handler: async (req) => d.inventory.ledger(d.db, req.query),
    })

    app.put('/inventory/reorder-points', {
      config: { permission: 'inventory:plan' },
      schema: { tags, summary: 'Set the reorder point and quantity of a SKU at a location', body: reorderBody, response: { 200: stockRowSchema } },
      handler: async (req) => inTransaction(d.db, (trx) => d.inventory.setReorder(trx, ctxOf(req, d.clock), req.body)),
    })

    app.get('/inventory/low-stock', {
      config: { permission: 'inventory:read' },
      schema: {
        tags,
        summary: 'Stock at or below its reorder point, with a suggested order quantity',
        querystring: z.object({ location: z.string().max(64).optional() }),
        response: { 200: z.object({ data: z.array(lowStockRowSchema) }) },
      },
      handler: async (req) => ({ data: await d.inventory.lowStock(d.db, req.query) }),
    })
  }
