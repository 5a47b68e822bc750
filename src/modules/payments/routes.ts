import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { z } from 'zod'
import type { Db } from '../../db/connection.js'
import type { Clock } from '../../kernel/clock.js'
import { page } from '../../kernel/pagination.js'
import { creditNoteListQuery, creditNoteSchema, customerCreditSchema, refundListQuery, refundSchema } from './schema.js'
import type { PaymentService } from './service.js'

const idParams = z.object({ id: z.string().min(1).max(100) })

export const paymentRoutes =
  (d: { db: Db; clock: Clock; payments: PaymentService }): FastifyPluginAsyncZod =>
  async (app) => {
    const tags = ['payments']

    app.get('/refunds', {
      config: { permission: 'returns:read' },
      schema: {
        tags,
        summary: 'List refunds, newest first',
        description: '`status=pending` lists refunds whose outcome is not yet recorded: resolve their return again to retry them with the same idempotency key.',
        querystring: refundListQuery,
        response: { 200: page(refundSchema) },
      },
      handler: async (req) => d.payments.listRefunds(d.db, req.query),
    })

    app.get('/refunds/:id', {
      config: { permission: 'returns:read' },
      schema: { tags, summary: 'Get a refund', params: idParams, response: { 200: refundSchema } },
      handler: async (req) => d.payments.getRefund(d.db, req.params.id),
    })

    app.get('/credit-notes', {
      config: { permission: 'returns:read' },
      schema: { tags, summary: 'List credit notes (store credit), newest first', querystring: creditNoteListQuery, response: { 200: page(creditNoteSchema) } },
      handler: async (req) => d.payments.listCreditNotes(d.db, req.query),
    })

    app.get('/credit-notes/:id', {
      config: { permission: 'returns:read' },
      schema: { tags, summary: 'Get a credit note by id or number (CN-…)', params: idParams, response: { 200: creditNoteSchema } },
      handler: async (req) => d.payments.getCreditNote(d.db, req.params.id),
    })

    app.get('/customers/:id/credit', {
      config: { permission: 'returns:read' },
      schema: { tags, summary: "A customer's store credit: balance per currency and credit notes", params: idParams, response: { 200: customerCreditSchema } },
      handler: async (req) => d.payments.creditOf(d.db, req.params.id),
    })

    app.get('/payment-providers', {
      config: { permission: 'returns:read' },
      schema: {
        tags,
        summary: 'Installed payment providers',
        description: "A refund goes through the provider registered under the order's payment method, else `manual`.",
        response: { 200: z.object({ data: z.array(z.object({ code: z.string(), description: z.string() })) }) },
      },
      handler: async () => ({ data: d.payments.providers.codes().map((code) => ({ code, description: d.payments.providers.get(code)!.description })) }),
    })
  }
