import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { z } from 'zod'
import type { Db } from '../../db/connection.js'
import { inTransaction } from '../../db/transaction.js'
import type { Clock } from '../../kernel/clock.js'
import { ctxOf, etagOf, optionalIfMatch } from '../../kernel/http.js'
import { page } from '../../kernel/pagination.js'
import { createCustomerBody, customerSchema, listCustomersQuery, updateCustomerBody } from './schema.js'
import type { CustomerService } from './service.js'

/** If-Match is optional on master-data edits: checked when sent. */

const idParams = z.object({ id: z.string().trim().min(1).max(100) })

export const customerRoutes =
  (d: { db: Db; clock: Clock; customers: CustomerService }): FastifyPluginAsyncZod =>
  async (app) => {
    app.post('/customers', {
      config: { permission: 'customers:write' },
      schema: { tags: ['customers'], summary: 'Create a customer', body: createCustomerBody, response: { 201: customerSchema } },
      handler: async (req, reply) => {
        const customer = await inTransaction(d.db, (trx) => d.customers.create(trx, ctxOf(req, d.clock), req.body))
        return reply.code(201).header('Location', `/v1/customers/${customer.id}`).header('ETag', etagOf(customer.version)).send(customer)
      },
    })

    app.get('/customers', {
      config: { permission: 'customers:read' },
      schema: { tags: ['customers'], summary: 'List customers, by id', querystring: listCustomersQuery, response: { 200: page(customerSchema) } },
      handler: async (req) => d.customers.list(d.db, req.query),
    })

    app.get('/customers/:id', {
      config: { permission: 'customers:read' },
      schema: { tags: ['customers'], summary: 'Get a customer', params: idParams, response: { 200: customerSchema } },
      handler: async (req, reply) => {
        const customer = await d.customers.get(d.db, req.params.id)
        return reply.header('ETag', etagOf(customer.version)).send(customer)
      },
    })

    app.patch('/customers/:id', {
      config: { permission: 'customers:write' },
      schema: {
        tags: ['customers'],
        summary: 'Edit a customer; `addresses` replaces the list. Send If-Match with the ETag to refuse overwriting a newer version (412).',
        params: idParams,
        body: updateCustomerBody,
        response: { 200: customerSchema },
      },
      handler: async (req, reply) => {
        const ifMatch = optionalIfMatch(req)
        const customer = await inTransaction(d.db, (trx) => d.customers.update(trx, ctxOf(req, d.clock), req.params.id, req.body, ifMatch))
        return reply.header('ETag', etagOf(customer.version)).send(customer)
      },
    })
  }
