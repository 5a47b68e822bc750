import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { z } from 'zod'
import type { Db } from '../../db/connection.js'
import { inTransaction } from '../../db/transaction.js'
import type { Clock } from '../../kernel/clock.js'
import { ctxOf, etagOf, optionalIfMatch } from '../../kernel/http.js'
import { page } from '../../kernel/pagination.js'
import {
  notificationDetailSchema,
  notificationListQuery,
  notificationSchema,
  previewBody,
  previewSchema,
  putTemplateBody,
  templateParams,
  templateQuery,
  templateSchema,
} from './schema.js'
import type { NotificationService } from './service.js'

const idParams = z.object({ id: z.string().min(1).max(100) })

export const notificationRoutes =
  (d: { db: Db; clock: Clock; notifications: NotificationService }): FastifyPluginAsyncZod =>
  async (app) => {
    const tags = ['notifications']
    const manage = { permission: 'notifications:manage' as const }

    app.get('/notification-templates', {
      config: manage,
      schema: { tags, summary: "The default e-mail template of every event, and each channel's own", response: { 200: z.object({ data: z.array(templateSchema) }) } },
      handler: async () => ({ data: await d.notifications.listTemplates(d.db) }),
    })

    app.get('/notification-templates/:event', {
      config: manage,
      schema: {
        tags,
        summary: "The template an event's e-mail is rendered from (a channel's own, else the default)",
        params: templateParams,
        querystring: templateQuery,
        response: { 200: templateSchema },
      },
      handler: async (req, reply) => {
        const t = await d.notifications.getTemplate(d.db, req.params.event, req.query.channel)
        if (t.version !== null) reply.header('ETag', etagOf(t.version))
        return reply.send(t)
      },
    })

    app.put('/notification-templates/:event', {
      config: manage,
      schema: {
        tags,
        summary: 'Replace the template of an event, for one channel (?channel=) or as the default (If-Match honoured)',
        description: 'Subject, text and HTML with placeholders such as `{{order.number}}`, `{{#each order.lines}}…{{/each}}` and `{{#if shipment.trackingUrl}}…{{/if}}`; values are HTML-escaped in the HTML body. A template that does not parse is refused (422) naming the field. See docs/notifications.md for the data.',
        params: templateParams,
        querystring: templateQuery,
        body: putTemplateBody,
        response: { 200: templateSchema },
      },
      handler: async (req, reply) => {
        const ifMatch = optionalIfMatch(req)
        const t = await inTransaction(d.db, (trx) => d.notifications.putTemplate(trx, ctxOf(req, d.clock), req.params.event, req.query.channel, req.body, ifMatch))
        return reply.header('ETag', etagOf(t.version!)).send(t)
      },
    })

    app.delete('/notification-templates/:event', {
      config: manage,
      schema: {
        tags,
        summary: 'Go back to the default (for a channel) or to the built-in template',
        params: templateParams,
        querystring: templateQuery,
        response: { 204: z.null().describe('Removed.') },
      },
      handler: async (req, reply) => {
        await inTransaction(d.db, (trx) => d.notifications.deleteTemplate(trx, ctxOf(req, d.clock), req.params.event, req.query.channel))
        return reply.code(204).send(null)
      },
    })

    app.post('/notification-templates/:event/preview', {
      config: manage,
      schema: {
        tags,
        summary: 'Render a template (saved, or a draft in the body) for an order or for sample data',
        params: templateParams,
        querystring: templateQuery,
        body: previewBody,
        response: { 200: previewSchema },
      },
      handler: async (req) => d.notifications.preview(d.db, ctxOf(req, d.clock), req.params.event, req.query.channel, req.body),
    })

    app.get('/orders/:id/notifications', {
      config: { permission: 'orders:read' },
      schema: {
        tags,
        summary: "The e-mails sent (or trying to be) for an order, newest first",
        params: z.object({ id: z.string().min(1).max(100).describe('Order id or number.') }),
        querystring: notificationListQuery,
        response: { 200: page(notificationSchema) },
      },
      handler: async (req) => d.notifications.listForOrder(d.db, ctxOf(req, d.clock), req.params.id, req.query),
    })

    app.get('/notifications', {
      config: manage,
      schema: { tags, summary: 'Every e-mail, newest first (`?status=failed`: the ones that did not go out)', querystring: notificationListQuery, response: { 200: page(notificationSchema) } },
      handler: async (req) => d.notifications.list(d.db, req.query),
    })

    app.get('/notifications/:id', {
      config: manage,
      schema: { tags, summary: 'One e-mail with its text and HTML as sent', params: idParams, response: { 200: notificationDetailSchema } },
      handler: async (req) => d.notifications.get(d.db, req.params.id),
    })

    app.post('/notifications/:id/retry', {
      config: manage,
      schema: { tags, summary: 'Send a failed e-mail again soon (a sent one is never sent twice: 409)', params: idParams, response: { 200: notificationSchema } },
      handler: async (req) => inTransaction(d.db, (trx) => d.notifications.retry(trx, ctxOf(req, d.clock), req.params.id)),
    })
  }
