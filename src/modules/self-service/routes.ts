import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify'
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { z } from 'zod'
import type { Db } from '../../db/connection.js'
import { inTransaction } from '../../db/transaction.js'
import type { Clock } from '../../kernel/clock.js'
import { AppError } from '../../kernel/errors.js'
import { ctxOf } from '../../kernel/http.js'
import { isUniqueViolation } from '../../kernel/idempotency.js'
import { RESOLUTIONS } from '../returns/index.js'
import { PAGE_CSP, renderForbidden, renderNotFound, renderStatusPage, renderTrouble } from './page.js'
import { feedbackForm, feedbackListQuery, feedbackPageSchema, feedbackSchema, statusLinkSchema } from './schema.js'
import { FEEDBACK_EDIT_DAYS, LINK_TTL_DAYS, type PageExtras, type SelfServiceService } from './service.js'

const idParams = z.object({ id: z.string().min(1).max(100).describe('Order id (ord_…) or number (SO-…).') })

/** Staff's side under /v1: a link to send a customer, and what customers said. */
export const selfServiceRoutes =
  (d: { db: Db; clock: Clock; selfService: SelfServiceService }): FastifyPluginAsyncZod =>
  async (app) => {
    const tags = ['self-service']

    app.get('/orders/:id/status-link', {
      config: { permission: 'orders:read' },
      schema: {
        tags,
        summary: "A signed link to the customer's order page, for support to send",
        description: `The page shows the order's progress, its parcels with their tracking, and lets the customer give feedback after delivery and request returns. No login: the link is the key. It works for ${LINK_TTL_DAYS} days.`,
        params: idParams,
        response: { 200: statusLinkSchema },
      },
      handler: async (req) => d.selfService.linkFor(d.db, ctxOf(req, d.clock), req.params.id),
    })

    app.get('/orders/:id/feedback', {
      config: { permission: 'orders:read' },
      schema: { tags, summary: "The customer's rating and comment on an order (404 feedback.not_found when none was given)", params: idParams, response: { 200: feedbackSchema } },
      handler: async (req) => d.selfService.feedbackFor(d.db, ctxOf(req, d.clock), req.params.id),
    })

    app.get('/feedback', {
      config: { permission: 'orders:read' },
      schema: {
        tags,
        summary: 'Customer feedback, newest first, with the count and average rating of everything the filters match',
        querystring: feedbackListQuery,
        response: { 200: feedbackPageSchema },
      },
      handler: async (req) => d.selfService.listFeedback(d.db, ctxOf(req, d.clock), req.query),
    })
  }

// ---- the customer's pages -------------------------------------------------------------------------

const PAGE_HEADERS = {
  'content-security-policy': PAGE_CSP,
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  // The link is the key: never hand it to another site in a Referer, never keep the page in a shared cache.
  // (`same-origin` rather than `no-referrer`: with the latter, browsers send `Origin: null` on the page's own forms.)
  'referrer-policy': 'same-origin',
  'cache-control': 'no-store',
  'x-robots-tag': 'noindex, nofollow',
}

const sendPage = (reply: FastifyReply, status: number, body: string) => reply.code(status).headers(PAGE_HEADERS).type('text/html; charset=utf-8').send(body)

type Form = Record<string, string>
type TokenRequest = FastifyRequest<{ Params: { token: string }; Body: Form; Querystring: Record<string, string | undefined> }>

const returnFields = z.object({
  key: z.string().min(1).max(100),
  comment: z
    .string()
    .trim()
    .max(2000)
    .optional()
    .transform((c) => c || undefined),
  resolution: z.enum(RESOLUTIONS).exclude(['exchange']).optional(),
  label: z.literal('1').optional(),
})
const returnLine = z.object({ line: z.string().min(1).max(100), quantity: z.coerce.number().int().min(1).max(1_000_000), reason: z.string().min(1).max(64) })

/**
 * The customer's order page at `/o/{token}`: plain HTML, no login, no cookie, no script. Forms post
 * back to it (same origin only) and are answered with a redirect to the page (or the page with the
 * problem, when there is one). A wrong or expired link is a friendly 404 that says nothing more.
 */
export const selfServicePages =
  (d: { db: Db; selfService: SelfServiceService }): FastifyPluginAsync =>
  async (app) => {
    const publicOrigin = new URL(d.selfService.publicUrl).origin
    app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: 64 * 1024 }, (_req, body, done) => {
      done(null, Object.fromEntries(new URLSearchParams(body as string)))
    })

    // These routes answer people, not programs: every failure is a page.
    app.setErrorHandler((err, req, reply) => {
      const status = err instanceof AppError ? err.status : (err as { statusCode?: number }).statusCode ?? 500
      if (status >= 500) req.log.error({ err }, 'self-service page failed')
      if (err instanceof AppError && err.headers) reply.headers(err.headers)
      if (status === 404) return sendPage(reply, 404, renderNotFound())
      if (status === 429) return sendPage(reply, 429, renderTrouble('Too many attempts', 'Please wait a minute, then try again.'))
      if (status < 500) return sendPage(reply, 400, renderTrouble('We could not read that', 'Please go back to your order page and try again.'))
      return sendPage(reply, 500, renderTrouble('Something went wrong on our side', 'Please try again in a few minutes.'))
    })

    /** The order the link opens; a 404 page for anything else. */
    const orderOf = async (token: string) => {
      const orderId = await d.selfService.orderOf(d.db, token)
      if (!orderId) throw new AppError(404, 'self_service.link_invalid', 'invalid link')
      return orderId
    }

    /**
     * A form must come from the page itself. A browser says where a form came from (Sec-Fetch-Site,
     * or in older ones Origin); a program that sends neither needs the link anyway, which is the key.
     */
    const fromOurPage = (req: FastifyRequest) => {
      const site = req.headers['sec-fetch-site']
      if (site !== undefined) return site === 'same-origin'
      const origin = req.headers.origin
      return origin === undefined || origin === publicOrigin || origin === `${req.protocol}://${req.host}`
    }

    const show = async (reply: FastifyReply, status: number, token: string, orderId: string, extras: PageExtras) =>
      sendPage(reply, status, renderStatusPage(await d.selfService.page(d.db, token, orderId, extras)))

    const formLimit = { rateLimit: { max: 30, timeWindow: 60_000 } }

    app.get('/o/:token', { schema: { hide: true } }, async (req: TokenRequest, reply) => {
      const orderId = await orderOf(req.params.token)
      const returnNumber = typeof req.query.return === 'string' ? req.query.return.slice(0, 40) : undefined
      return show(reply, 200, req.params.token, orderId, { returnNumber, feedbackSaved: req.query.feedback === 'saved' })
    })

    app.post('/o/:token/feedback', { schema: { hide: true }, config: formLimit }, async (req: TokenRequest, reply) => {
      const { token } = req.params
      const orderId = await orderOf(token)
      if (!fromOurPage(req)) return sendPage(reply, 403, renderForbidden())
      const body = req.body ?? {}
      const entered = { rating: body.rating, comment: body.comment }
      const parsed = feedbackForm.safeParse(body)
      if (!parsed.success) {
        const lines = [...new Set(parsed.error.issues.map((i) => (i.path[0] === 'rating' ? 'Choose a rating from 1 to 5.' : 'Keep the comment to 2,000 characters.')))]
        return show(reply, 422, token, orderId, { entered, notice: { kind: 'error', section: 'feedback', title: 'Please check your feedback', lines } })
      }
      const ctx = await d.selfService.customerCtx(d.db, orderId)
      const give = () => inTransaction(d.db, (trx) => d.selfService.giveFeedback(trx, ctx, orderId, parsed.data))
      try {
        // Two submits at the same moment: the second finds the first and changes it.
        await give().catch((err) => (isUniqueViolation(err) ? give() : Promise.reject(err)))
      } catch (err) {
        if (!(err instanceof AppError) || err.status !== 409) throw err
        const words: Record<string, string> = {
          'feedback.not_delivered': 'You can rate your order once it has been delivered.',
          'feedback.edit_window_closed': `Feedback can be changed for ${FEEDBACK_EDIT_DAYS} days after it was given.`,
        }
        return show(reply, 409, token, orderId, { entered, notice: { kind: 'error', section: 'feedback', title: words[err.code] ?? 'Your feedback changed at the same moment. Please send it again.' } })
      }
      return reply.code(303).headers(PAGE_HEADERS).header('location', `/o/${token}?feedback=saved#feedback`).send()
    })

    app.post('/o/:token/returns', { schema: { hide: true }, config: formLimit }, async (req: TokenRequest, reply) => {
      const { token } = req.params
      const orderId = await orderOf(token)
      if (!fromOurPage(req)) return sendPage(reply, 403, renderForbidden())
      const body = req.body ?? {}
      const problem = (title: string, lines?: string[]) => show(reply, 422, token, orderId, { entered: { returns: body }, notice: { kind: 'error', section: 'returns', title, lines } })
      const fields = returnFields.safeParse(body)
      const chosen = Object.keys(body).filter((k) => k.startsWith('qty:') && body[k] !== '0')
      if (chosen.some((k) => !body[`reason:${k.slice(4)}`])) return problem('Choose a reason for each item you are sending back.')
      const lines = chosen.map((k) => returnLine.safeParse({ line: k.slice(4), quantity: body[k], reason: body[`reason:${k.slice(4)}`] }))
      if (!fields.success || lines.some((l) => !l.success)) return problem('Please check the form and send it again.')
      if (!lines.length) return problem('Choose how many units of at least one item you are sending back.')
      const ctx = await d.selfService.customerCtx(d.db, orderId)
      const outcome = await d.selfService.requestReturn(d.db, ctx, orderId, {
        key: fields.data.key,
        lines: lines.map((l) => l.data!),
        resolution: fields.data.resolution,
        comment: fields.data.comment,
        label: fields.data.label === '1',
      })
      if (!outcome.ok) return problem('We cannot accept this return', outcome.reasons)
      return reply.code(303).headers(PAGE_HEADERS).header('location', `/o/${token}?return=${encodeURIComponent(outcome.return.number)}#returns`).send()
    })

    app.get('/o/:token/returns/:returnId/label.pdf', { schema: { hide: true } }, async (req: FastifyRequest<{ Params: { token: string; returnId: string } }>, reply) => {
      const orderId = await orderOf(req.params.token)
      const pdf = await d.selfService.returnLabel(d.db, orderId, req.params.returnId)
      return reply
        .headers({ ...PAGE_HEADERS, 'content-disposition': 'inline; filename="return-label.pdf"' })
        .type('application/pdf')
        .send(pdf)
    })
  }
