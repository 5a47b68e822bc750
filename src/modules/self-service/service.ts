import { randomUUID } from 'node:crypto'
import type { Selectable } from 'kysely'
import type { Db } from '../../db/connection.js'
import type { Trx } from '../../db/transaction.js'
import type { Clock } from '../../kernel/clock.js'
import { actorLabel, type Actor, type Ctx } from '../../kernel/context.js'
import { AppError, conflict, notFound } from '../../kernel/errors.js'
import { recordEvent } from '../../kernel/events.js'
import { newId } from '../../kernel/ids.js'
import { decodeCursor, toPage } from '../../kernel/pagination.js'
import type { ChannelService } from '../channels/index.js'
import type { FulfillmentService } from '../fulfillment/index.js'
import type { LocationService } from '../locations/index.js'
import { formatMoney } from '../../kernel/money.js'
import type { NotificationLinks } from '../notifications/index.js'
import type { Order, OrderService } from '../orders/index.js'
import type { Return, ReturnService } from '../returns/index.js'
import type { ShippingService } from '../shipping/index.js'
import { customerTimeline, nextStep } from './customer-timeline.js'
import { signLink, verifyLink } from './link.js'
import type { PageReturn, ReturnForm, StatusPage } from './page.js'
import type { Feedback, FeedbackInput, FeedbackListQuery, StatusLink } from './schema.js'
import type { OrderFeedbackTable } from './tables.js'

/** How long a signed link works. Every e-mail carries a fresh one, so this runs from the latest. */
export const LINK_TTL_DAYS = 90
/** How long a customer may change the feedback they gave. */
export const FEEDBACK_EDIT_DAYS = 30
const DAY = 86_400_000

type FeedbackRow = Selectable<OrderFeedbackTable>
type ReturnRequest = Parameters<ReturnService['request']>[2]

/** The returns form as the page posts it, checked. */
export interface ReturnFormInput {
  /** The form's idempotency key: a second submit of the same form returns the first return. */
  key: string
  lines: { line: string; quantity: number; reason: string }[]
  resolution?: ReturnRequest['lines'][number]['resolution']
  comment?: string
  label: boolean
}

/** Reads for the page: it sees every channel's orders, and writes nothing. */
const pageReader: Actor = { kind: 'system', id: 'self-service', name: 'self-service', role: 'viewer' }

/** Who gave feedback: `customer:<email>` for the customer (actorLabel writes every system actor as `system`). */
/** The customer, as history records what they do from their page. */
const customerActor = (email: string): Actor => ({ kind: 'system', id: `customer:${email}`, name: `customer:${email}`, role: 'viewer' })

/** What the page shows after the customer did something (a redirect carries it in the query). */
export interface PageExtras {
  notice?: StatusPage['notice']
  entered?: StatusPage['entered']
  /** The return just requested (its number), to say what the policy answered. */
  returnNumber?: string
  feedbackSaved?: boolean
}

/**
 * The customer's side of an order: signed links (in e-mails and for support to send), the order
 * page with its timeline, parcels and what comes next, feedback after delivery (shown to staff),
 * and return requests through the returns module, in the customer's name.
 */
export function createSelfServiceService(d: {
  clock: Clock
  orders: OrderService
  channels: ChannelService
  locations: LocationService
  shipping: ShippingService
  fulfillment: FulfillmentService
  returns: ReturnService
  /** Base of the links: ORDO_PUBLIC_URL, without a trailing slash. */
  publicUrl: string
  /** ORDO_LINK_SECRET; unset: the secret the migration stored in the database. */
  linkSecret?: string
}) {
  if (d.linkSecret && d.linkSecret.length < 32) throw new Error('ORDO_LINK_SECRET must be at least 32 characters (e.g. `openssl rand -base64 32`).')
  let secret: Promise<Buffer> | undefined = d.linkSecret ? Promise.resolve(Buffer.from(d.linkSecret, 'utf8')) : undefined

  /** The signing secret, read once per process (every process reads the same row). */
  function secretOf(db: Db | Trx): Promise<Buffer> {
    secret ??= db
      .selectFrom('selfServiceSettings')
      .select('value')
      .where('name', '=', 'link_secret')
      .executeTakeFirst()
      .then((row) => {
        if (!row) throw new Error('The link secret is missing from self_service_settings: set ORDO_LINK_SECRET, or run the migrations on a fresh database.')
        return Buffer.from(row.value, 'base64url')
      })
    const pending = secret
    pending.catch(() => {
      if (secret === pending) secret = undefined
    })
    return pending
  }

  const statusPath = (key: Buffer, orderId: string, expiresAt = new Date(d.clock.now().getTime() + LINK_TTL_DAYS * DAY)) => `/o/${signLink(key, orderId, expiresAt)}`

  const editableUntil = (row: FeedbackRow) => new Date(Date.parse(row.createdAt) + FEEDBACK_EDIT_DAYS * DAY).toISOString()

  async function shapeFeedback(db: Db | Trx, rows: FeedbackRow[]): Promise<Feedback[]> {
    const codes = new Map<string, string>()
    for (const id of new Set(rows.map((r) => r.channelId))) codes.set(id, (await d.channels.getById(db, id)).code)
    return rows.map((r) => ({
      id: r.id,
      order: { id: r.orderId, number: r.orderNumber },
      channel: codes.get(r.channelId) ?? r.channelId,
      rating: r.rating,
      comment: r.comment,
      givenBy: r.givenBy,
      editableUntil: editableUntil(r),
      version: r.version,
      createdAt: r.createdAt,
      updatedAt: r.updatedAt,
    }))
  }

  const feedbackRow = (db: Db | Trx, orderId: string) => db.selectFrom('orderFeedback').selectAll().where('orderId', '=', orderId).executeTakeFirst()

  const delivered = (o: Order) => o.lines.some((l) => l.deliveredQuantity > 0)

  /** The returns form: delivered lines still returnable under the channel's policy today. */
  async function returnForm(db: Db, o: Order): Promise<ReturnForm | null> {
    if (!delivered(o)) return null
    const [policy, reasons, returnable] = await Promise.all([
      d.returns.policies.getPolicy(db, o.channel),
      d.returns.policies.listReasons(db),
      d.orders.returnsPort.returnable(db, { actor: pageReader, clock: d.clock }, o.id),
    ])
    const today = d.clock.now().toISOString().slice(0, 10)
    const lastDay = (deliveredAt: string) => new Date(Date.parse(`${deliveredAt.slice(0, 10)}T00:00:00.000Z`) + policy.windowDays * DAY).toISOString().slice(0, 10)
    const lines = returnable.lines
      .filter((l) => l.deliveredAt && today <= lastDay(l.deliveredAt) && !policy.nonReturnableSkus.includes(l.sku))
      .map((l) => ({ id: l.id, name: l.name, returnable: l.deliveredQuantity - l.returnRequestedQuantity }))
      .filter((l) => l.returnable > 0)
    // An exchange needs the SKU wanted instead, which this simple form does not ask for.
    const resolutions = policy.resolutions.filter((r) => r !== 'exchange')
    if (!lines.length || !resolutions.length) return null
    return {
      lines,
      reasons: reasons.filter((r) => r.active).map((r) => ({ code: r.code, label: r.label })),
      resolutions,
      offerLabel: policy.returnShippingPaidBy === 'customer' && policy.returnLocation !== null,
      key: randomUUID(),
    }
  }

  const locationAddress = async (db: Db, code: string | undefined) => {
    const l = (await d.locations.listAll(db)).find((x) => x.code === code)
    if (!l) return null
    const a = l.address
    return [l.name, a.line1, a.line2, `${a.postalCode ?? ''} ${a.city}`.trim(), a.country].filter(Boolean).join(', ')
  }

  async function pageReturn(db: Db, base: string, r: Return): Promise<PageReturn> {
    const accepted = r.status === 'authorized' || r.status === 'pickup_scheduled'
    return {
      number: r.number,
      status: r.status,
      items: r.lines.map((l) => `${l.quantity} × ${l.name}`).join(', '),
      inReview: r.status === 'requested',
      labelUrl: accepted && r.label ? `${base}/returns/${encodeURIComponent(r.id)}/label.pdf` : null,
      sendTo: accepted && !r.label ? await locationAddress(db, r.location?.code) : null,
    }
  }

  /** What the policy said to a return just requested, in the customer's words. */
  function returnNotice(r: PageReturn): NonNullable<StatusPage['notice']> {
    if (r.inReview) return { kind: 'ok', section: 'returns', title: `We have your return request ${r.number}.`, lines: ['We will look at it and e-mail you.'] }
    if (r.status === 'rejected' || r.status === 'cancelled') return { kind: 'error', section: 'returns', title: `Return ${r.number} was not accepted.` }
    return {
      kind: 'ok',
      section: 'returns',
      title: `Return ${r.number} is accepted.`,
      lines: r.labelUrl ? ['Print the label, stick it on the parcel and hand it to the carrier.'] : r.sendTo ? [`Send the items to: ${r.sendTo}`] : undefined,
      link: r.labelUrl ? { href: r.labelUrl, text: 'Print your return label (PDF)' } : undefined,
    }
  }

  const service = {
    /** Where customers reach the pages (ORDO_PUBLIC_URL). */
    publicUrl: d.publicUrl,

    /** The context of what a customer does from the page of an order: they act as `customer:<email>`. */
    async customerCtx(db: Db, orderId: string): Promise<Ctx> {
      const order = await d.orders.get(db, { actor: pageReader, clock: d.clock }, orderId)
      return { actor: customerActor(order.customer.email), clock: d.clock }
    },

    /** A signed link to the order's page, for support to send (the caller must be allowed to see the order). */
    async linkFor(db: Db, ctx: Ctx, orderId: string): Promise<StatusLink> {
      const order = await d.orders.get(db, ctx, orderId)
      const expiresAt = new Date(d.clock.now().getTime() + LINK_TTL_DAYS * DAY)
      return { url: `${d.publicUrl}${statusPath(await secretOf(db), order.id, expiresAt)}`, expiresAt: expiresAt.toISOString() }
    },

    /** The links customer e-mails carry: all of them into the signed order page. */
    async emailLinks(db: Db | Trx): Promise<Partial<NotificationLinks>> {
      const key = await secretOf(db)
      const status = (o: { id: string }) => `${d.publicUrl}${statusPath(key, o.id)}`
      return {
        status,
        tracking: (_trackingNumber, o) => status(o),
        feedback: (o) => `${status(o)}#feedback`,
        returnLabel: (o, returnId) => `${status(o)}/returns/${encodeURIComponent(returnId)}/label.pdf`,
      }
    },

    /** The order a link opens, or null for a link that was changed, cut short or has expired. */
    async orderOf(db: Db, token: string): Promise<string | null> {
      const check = verifyLink(await secretOf(db), token, d.clock.now())
      return check.ok ? check.orderId : null
    },

    /** Everything the customer's page shows. 404 (order.not_found) when the order is gone. */
    async page(db: Db, token: string, orderId: string, extras: PageExtras = {}): Promise<StatusPage> {
      const ctx: Ctx = { actor: pageReader, clock: d.clock }
      const order = await d.orders.get(db, ctx, orderId)
      const base = `/o/${token}`
      const [events, shipments, fulfillments, locations, channel, feedback, returns] = await Promise.all([
        d.orders.timeline(db, ctx, order.id),
        d.shipping.list(db, { order: order.id, limit: 100 }),
        d.fulfillment.list(db, { order: order.id, limit: 100 }),
        d.locations.listAll(db),
        d.channels.getByCode(db, order.channel),
        feedbackRow(db, order.id),
        d.returns.list(db, { order: order.id, limit: 100 }),
      ])
      const live = shipments.data.filter((s) => s.status !== 'cancelled').reverse()
      const cityOf = new Map(locations.map((l) => [l.code, l.address.city]))
      const money = (amount: number) => formatMoney(amount, order.currency)
      const list = await Promise.all(returns.data.reverse().map((r) => pageReturn(db, base, r)))
      const now = d.clock.now().toISOString()
      const given = feedback ? { rating: feedback.rating, comment: feedback.comment } : null
      let notice = extras.notice
      if (!notice && extras.feedbackSaved && given) notice = { kind: 'ok', section: 'feedback', title: 'Thank you for your feedback!' }
      const justRequested = extras.returnNumber ? list.find((r) => r.number === extras.returnNumber) : undefined
      if (!notice && justRequested) notice = returnNotice(justRequested)
      return {
        shop: channel.name,
        base,
        order: {
          number: order.number,
          placedAt: order.createdAt,
          lines: order.lines
            .map((l) => ({ l, quantity: order.status === 'cancelled' ? l.quantity : l.quantity - l.cancelledQuantity }))
            .filter(({ quantity }) => quantity > 0)
            .map(({ l, quantity }) => ({ name: l.name, sku: l.sku, quantity, total: money(l.total) })),
          total: money(order.totals.total),
          shipTo: [order.shippingAddress.city, order.shippingAddress.country].filter(Boolean).join(', '),
        },
        next: nextStep({
          status: order.status,
          fulfillmentStatus: order.fulfillmentStatus,
          shipments: live,
          packed: fulfillments.data.some((f) => f.status === 'packed'),
          hasFeedback: !!feedback,
        }),
        timeline: customerTimeline(events, {
          shipments: new Map(live.map((s) => [s.id, { carrier: s.carrier.name, trackingNumber: s.trackingNumber }])),
          packedIn: new Map(fulfillments.data.flatMap((f) => (cityOf.has(f.location) ? [[f.number, cityOf.get(f.location)!]] : []))),
          lineNames: new Map(order.lines.map((l) => [l.id, l.name])),
          money: formatMoney,
        }),
        shipments: live.map((s) => ({
          carrier: s.carrier.name,
          trackingNumber: s.trackingNumber,
          status: s.status,
          expected: s.estimatedDeliveryDate,
          deliveredAt: s.deliveredAt,
          events: [...s.trackingEvents].sort((a, b) => a.occurredAt.localeCompare(b.occurredAt)).map((e) => ({ at: e.occurredAt, status: e.status, location: e.location })),
        })),
        feedback: !delivered(order)
          ? { state: 'not_yet' }
          : feedback && now >= editableUntil(feedback)
            ? { state: 'closed', given: given! }
            : { state: 'open', given, editableUntil: feedback ? editableUntil(feedback) : null },
        returns: { list, form: await returnForm(db, order) },
        notice,
        entered: extras.entered,
      }
    },

    /**
     * The customer's rating (1–5) and comment, once something was delivered: the first time it is
     * recorded (`order.feedback_received`), later it is changed in place for 30 days
     * (`order.feedback_updated`).
     */
    async giveFeedback(trx: Trx, ctx: Ctx, orderId: string, input: FeedbackInput): Promise<Feedback> {
      const order = await d.orders.get(trx, ctx, orderId)
      if (!delivered(order)) throw conflict('feedback.not_delivered', `Order ${order.number} has not been delivered yet: feedback opens on delivery.`)
      const at = ctx.clock.now().toISOString()
      const existing = await feedbackRow(trx, order.id)
      let row: FeedbackRow
      if (!existing) {
        row = { id: newId('fb'), orderId: order.id, orderNumber: order.number, channelId: (await d.channels.getByCode(trx, order.channel)).id, rating: input.rating, comment: input.comment, givenBy: actorLabel(ctx.actor), version: 1, createdAt: at, updatedAt: at }
        await trx.insertInto('orderFeedback').values(row).execute()
      } else {
        if (at >= editableUntil(existing)) throw conflict('feedback.edit_window_closed', `Feedback on ${order.number} can be changed for ${FEEDBACK_EDIT_DAYS} days after it was given; that was until ${editableUntil(existing)}.`)
        row = { ...existing, rating: input.rating, comment: input.comment, givenBy: actorLabel(ctx.actor), version: existing.version + 1, updatedAt: at }
        const r = await trx
          .updateTable('orderFeedback')
          .set({ rating: row.rating, comment: row.comment, givenBy: row.givenBy, version: row.version, updatedAt: at })
          .where('id', '=', existing.id)
          .where('version', '=', existing.version)
          .executeTakeFirst()
        if (Number(r.numUpdatedRows) !== 1) throw conflict('feedback.version_conflict', 'The feedback changed at the same moment; send it again.')
      }
      await recordEvent(trx, ctx, {
        type: existing ? 'order.feedback_updated' : 'order.feedback_received',
        entity: 'order',
        entityId: order.id,
        orderId: order.id,
        data: { feedbackId: row.id, rating: row.rating, comment: row.comment, ...(existing ? { previousRating: existing.rating } : {}) },
      })
      return (await shapeFeedback(trx, [row]))[0]
    },

    /** The feedback on one order the caller may see (404 feedback.not_found when none was given). */
    async feedbackFor(db: Db, ctx: Ctx, orderId: string): Promise<Feedback> {
      const order = await d.orders.get(db, ctx, orderId)
      const row = await feedbackRow(db, order.id)
      if (!row) throw notFound('feedback', order.number)
      return (await shapeFeedback(db, [row]))[0]
    },

    /** Feedback, newest first, with the count and average rating of everything the filters match. */
    async listFeedback(db: Db, ctx: Ctx, q: FeedbackListQuery): Promise<{ data: Feedback[]; nextCursor: string | null; count: number; averageRating: number | null }> {
      let query = db.selectFrom('orderFeedback')
      if (ctx.actor.channelId) query = query.where('channelId', '=', ctx.actor.channelId)
      if (q.channel) query = query.where('channelId', '=', (await d.channels.getByCode(db, q.channel)).id)
      if (q.rating) query = query.where('rating', '=', q.rating)
      if (q.from) query = query.where('createdAt', '>=', new Date(q.from).toISOString())
      if (q.to) query = query.where('createdAt', '<=', q.to.length === 10 ? `${q.to}T23:59:59.999Z` : new Date(q.to).toISOString())
      const before = decodeCursor(q.cursor)
      const [stats, rows] = await Promise.all([
        query.select((eb) => [eb.fn.countAll<number>().as('count'), eb.fn.avg<number | string | null>('rating').as('average')]).executeTakeFirstOrThrow(),
        (before ? query.where('id', '<', before) : query).selectAll().orderBy('id', 'desc').limit(q.limit + 1).execute(),
      ])
      const page = toPage(rows, q.limit, (r) => r.id)
      const average = stats.average === null ? null : Math.round(Number(stats.average) * 100) / 100
      return { data: await shapeFeedback(db, page.data), nextCursor: page.nextCursor, count: Number(stats.count), averageRating: average }
    },

    /**
     * A return asked for on the page, in the customer's name: the returns module checks it against
     * the channel's policy and authorizes it, leaves it for a person, or refuses it naming the rule
     * (a 422 AppError whose `errors[]` say why, per line).
     */
    async requestReturn(db: Db, ctx: Ctx, orderId: string, form: ReturnFormInput): Promise<{ ok: true; return: Return } | { ok: false; reasons: string[] }> {
      const body: ReturnRequest = {
        order: orderId,
        lines: form.lines.map((l) => ({ ...l, comment: form.comment, resolution: form.resolution })),
        ...(form.label ? { label: true } : {}),
      }
      try {
        return { ok: true, return: (await d.returns.request(db, ctx, body, { idempotencyKey: form.key })).return }
      } catch (err) {
        if (!(err instanceof AppError) || (err.status !== 422 && err.status !== 409)) throw err
        if (err.status === 409) return { ok: false, reasons: ['Your order changed at the same moment. Please look at it again and send the form once more.'] }
        // The policy's own words, per line: "T-shirt black M: outside the 30-day window, delivered 2026-10-01".
        const order = await d.orders.get(db, ctx, orderId)
        const names = new Map(order.lines.map((l) => [l.id, l.name]))
        const reasons = (err.errors ?? []).map((e) => {
          const i = /^lines\.(\d+)\./.exec(e.path)?.[1]
          const name = i === undefined ? undefined : names.get(form.lines[Number(i)]?.line ?? '')
          return name ? `${name}: ${e.message}` : e.message
        })
        return { ok: false, reasons: reasons.length ? reasons : [err.detail] }
      }
    },

    /** A return's label for the customer: only a return of the order the link opens. */
    async returnLabel(db: Db, orderId: string, returnId: string): Promise<Buffer> {
      const r = await d.returns.get(db, returnId).catch((err) => (err instanceof AppError && err.status === 404 ? null : Promise.reject(err)))
      if (!r || r.order.id !== orderId || !r.label) throw notFound('return_label', returnId)
      return d.returns.labelPdf(db, r.id)
    },
  }
  return service
}

export type SelfServiceService = ReturnType<typeof createSelfServiceService>
