import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { z } from 'zod'
import type { Db } from '../../db/connection.js'
import { inTransaction } from '../../db/transaction.js'
import type { Clock } from '../../kernel/clock.js'
import { ctxOf, etagOf, idempotencyKeyOf, optionalIfMatch, sendCreated } from '../../kernel/http.js'
import { page } from '../../kernel/pagination.js'
import {
  authorizeBody,
  cancelBody,
  createReturnBody,
  heldStockQuery,
  heldStockSchema,
  inspectBody,
  inTransitBody,
  pickupBody,
  policySchema,
  putPolicyBody,
  putReasonsBody,
  reasonSchema,
  receiveBody,
  rejectBody,
  releaseBody,
  resolveBody,
  returnListQuery,
  returnSchema,
} from './schema.js'
import type { ReturnService } from './service.js'

const idParams = z.object({ id: z.string().min(1).max(100).describe('Return id (rma_…) or number (RMA-…).') })
const channelParams = z.object({ channel: z.string().min(1).max(64).describe('Channel code.') })

export const returnRoutes =
  (d: { db: Db; clock: Clock; returns: ReturnService }): FastifyPluginAsyncZod =>
  async (app) => {
    const tags = ['returns']

    // ---- configuration ----

    app.get('/return-reasons', {
      config: { permission: 'returns:read' },
      schema: { tags, summary: 'Return reasons: the active ones customers choose from, then retired ones', response: { 200: z.object({ data: z.array(reasonSchema) }) } },
      handler: async () => ({ data: await d.returns.policies.listReasons(d.db) }),
    })

    app.put('/return-reasons', {
      config: { permission: 'channels:write' },
      schema: { tags, summary: 'Replace the list of return reasons (left-out reasons are retired, not deleted)', body: putReasonsBody, response: { 200: z.object({ data: z.array(reasonSchema) }) } },
      handler: async (req) => ({ data: await inTransaction(d.db, (trx) => d.returns.policies.putReasons(trx, ctxOf(req, d.clock), req.body)) }),
    })

    app.get('/return-policies', {
      config: { permission: 'returns:read' },
      schema: { tags, summary: 'Return policies: the default, then each channel that has its own', response: { 200: z.object({ data: z.array(policySchema) }) } },
      handler: async () => ({ data: await d.returns.policies.listPolicies(d.db) }),
    })

    app.put('/return-policies', {
      config: { permission: 'channels:write' },
      schema: { tags, summary: 'Set the default return policy (If-Match honoured when sent)', body: putPolicyBody, response: { 200: policySchema } },
      handler: async (req, reply) => {
        const ifMatch = optionalIfMatch(req)
        const policy = await inTransaction(d.db, (trx) => d.returns.policies.putPolicy(trx, ctxOf(req, d.clock), undefined, req.body, ifMatch))
        return reply.header('ETag', etagOf(policy.version)).send(policy)
      },
    })

    app.get('/return-policies/:channel', {
      config: { permission: 'returns:read' },
      schema: { tags, summary: "The policy a channel's returns follow (its own, or the default)", params: channelParams, response: { 200: policySchema } },
      handler: async (req, reply) => {
        const policy = await d.returns.policies.getPolicy(d.db, req.params.channel)
        return reply.header('ETag', etagOf(policy.version)).send(policy)
      },
    })

    app.put('/return-policies/:channel', {
      config: { permission: 'channels:write' },
      schema: { tags, summary: "Set a channel's own return policy (If-Match honoured when sent)", params: channelParams, body: putPolicyBody, response: { 200: policySchema } },
      handler: async (req, reply) => {
        const ifMatch = optionalIfMatch(req)
        const policy = await inTransaction(d.db, (trx) => d.returns.policies.putPolicy(trx, ctxOf(req, d.clock), req.params.channel, req.body, ifMatch))
        return reply.header('ETag', etagOf(policy.version)).send(policy)
      },
    })

    app.delete('/return-policies/:channel', {
      config: { permission: 'channels:write' },
      schema: { tags, summary: 'Remove a channel’s own policy: it follows the default again', params: channelParams, response: { 204: z.null() } },
      handler: async (req, reply) => {
        await inTransaction(d.db, (trx) => d.returns.policies.deletePolicy(trx, ctxOf(req, d.clock), req.params.channel))
        return reply.code(204).send(null)
      },
    })

    // ---- returns ----

    app.post('/returns', {
      config: { permission: 'returns:write' },
      schema: {
        tags,
        summary: 'Request a return',
        description:
          "Only delivered units not yet asked back, within the channel's policy: a refused line is a 422 naming the field (`lines.0.quantity`) and the rule (`errors[].code`: `outside_window`, `non_returnable`, `exceeds_returnable`, `not_delivered`, `resolution_not_allowed`, `unknown_reason`). The policy authorizes it at once (buying a return label when needed) or leaves it `requested` for a person (`decision` says why). Send `Idempotency-Key` so a retry returns the first return with 200.",
        body: createReturnBody,
        headers: z.object({ 'idempotency-key': z.string().optional() }).passthrough(),
        response: { 200: returnSchema.describe('A replay: the return the first request created.'), 201: returnSchema },
      },
      handler: async (req, reply) => {
        const result = await d.returns.request(d.db, ctxOf(req, d.clock), req.body, { idempotencyKey: idempotencyKeyOf(req) })
        return sendCreated(reply.header('ETag', etagOf(result.return.version)), result.return, `/v1/returns/${result.return.id}`, result.replayed)
      },
    })

    app.get('/returns', {
      config: { permission: 'returns:read' },
      schema: { tags, summary: 'List returns, newest first', querystring: returnListQuery, response: { 200: page(returnSchema) } },
      handler: async (req) => d.returns.list(d.db, req.query),
    })

    app.get('/returns/:id', {
      config: { permission: 'returns:read' },
      schema: {
        tags,
        summary: 'Get a return',
        description: 'Lines with their inspections, the label, the pickup, the settlement (per line: resolution, restocking fee, refund, credit), refunds, credit notes, payment requests and `allowedActions`.',
        params: idParams,
        response: { 200: returnSchema },
      },
      handler: async (req, reply) => {
        const ret = await d.returns.get(d.db, req.params.id)
        return reply.header('ETag', etagOf(ret.version)).send(ret)
      },
    })

    const command = <B extends z.ZodTypeAny>(path: string, summary: string, description: string, body: B, run: (id: string, body: z.infer<B>, req: Parameters<typeof ctxOf>[0]) => Promise<z.infer<typeof returnSchema>>, permission: 'returns:write' | 'refunds:write' = 'returns:write') =>
      app.post(`/returns/:id/${path}`, {
        config: { permission },
        schema: { tags, summary, description, params: idParams, body, response: { 200: returnSchema } },
        handler: async (req, reply) => {
          const ret = await run(req.params.id, req.body as z.infer<B>, req)
          return reply.header('ETag', etagOf(ret.version)).send(ret)
        },
      })

    command('authorize', 'Authorize a requested return', 'Buys a return label (customer → return location) when the merchant pays, the customer asked or a pickup is wanted; a wanted pickup is scheduled at once. The label is voided if recording fails.', authorizeBody, (id, body, req) =>
      d.returns.authorize(d.db, ctxOf(req, d.clock), id, body),
    )
    command('reject', 'Reject a requested return', 'Its units may be asked back again by a new request.', rejectBody, (id, body, req) => inTransaction(d.db, (trx) => d.returns.reject(trx, ctxOf(req, d.clock), id, body.reason)))
    command('cancel', 'Cancel a return before the parcel left', 'A bought label is voided at the carrier first; if that fails nothing changes (502).', cancelBody, (id, body, req) => d.returns.cancel(d.db, ctxOf(req, d.clock), id, body.reason))
    command('schedule-pickup', 'Schedule (or move) the carrier pickup', 'Needs a return label (409 `return.label_required`).', pickupBody, (id, body, req) => inTransaction(d.db, (trx) => d.returns.schedulePickup(trx, ctxOf(req, d.clock), id, body)))
    command('in-transit', 'The parcel is on its way back', 'From the carrier’s first scan, or the customer sent it (their tracking number).', inTransitBody, (id, body, req) => inTransaction(d.db, (trx) => d.returns.markInTransit(trx, ctxOf(req, d.clock), id, body)))
    command('receive', 'Receive the parcel at a location', 'Counts the units per line (default: all); the order counts them as returned, missing units are withdrawn. Nothing enters stock before inspection.', receiveBody, (id, body, req) =>
      inTransaction(d.db, (trx) => d.returns.receive(trx, ctxOf(req, d.clock), id, body)),
    )
    command('inspect', 'Inspect every received unit', '`restock` adds to available stock at the receiving location (ledger kind `return`); `quarantine`/`refurbish` hold units apart, not for sale (GET /v1/returned-stock); `scrap` writes them off.', inspectBody, (id, body, req) =>
      inTransaction(d.db, (trx) => d.returns.inspect(trx, ctxOf(req, d.clock), id, body)),
    )
    command(
      'resolve',
      'Resolve an inspected return: refund, replacement, exchange, store credit',
      'Replacement/exchange orders (zero price, routed and fulfilled like any order), credit notes and payment requests are recorded with the settlement; a refund goes to the payment provider after that commit with an idempotency key, then the return is `resolved` and the order’s paymentStatus follows. If the provider fails (502/409) the refund stays on record: resolve again (without lines) to retry it.',
      resolveBody,
      (id, body, req) => d.returns.resolve(d.db, ctxOf(req, d.clock), id, body),
      'refunds:write',
    )

    app.get('/returns/:id/label.pdf', {
      config: { permission: 'returns:read' },
      schema: { tags, summary: 'The return label as a 4×6 in PDF', params: idParams },
      handler: async (req, reply) => reply.type('application/pdf').header('Content-Disposition', `inline; filename="${req.params.id}-return-label.pdf"`).send(await d.returns.labelPdf(d.db, req.params.id)),
    })

    app.get('/returns/:id/label.zpl', {
      config: { permission: 'returns:read' },
      schema: { tags, summary: 'The return label as ZPL II for a thermal printer', params: idParams },
      handler: async (req, reply) => reply.type('text/plain; charset=utf-8').send(await d.returns.labelZpl(d.db, req.params.id)),
    })

    // ---- units held apart after inspection ----

    app.get('/returned-stock', {
      config: { permission: 'returns:read' },
      schema: { tags, summary: 'Quarantined and refurbish units held at locations (not in available stock)', querystring: heldStockQuery, response: { 200: page(heldStockSchema) } },
      handler: async (req) => d.returns.heldStock(d.db, req.query),
    })

    app.post('/returned-stock/:id/release', {
      config: { permission: 'returns:write' },
      schema: {
        tags,
        summary: 'Release held units: restock them (refurbished, or cleared) or scrap them',
        params: z.object({ id: z.string().min(1).max(100) }),
        body: releaseBody,
        response: { 200: heldStockSchema },
      },
      handler: async (req) => inTransaction(d.db, (trx) => d.returns.releaseHeld(trx, ctxOf(req, d.clock), req.params.id, req.body)),
    })
  }
