import type { Selectable } from 'kysely'
import { compiledQuery } from '../../db/compiled.js'
import type { Db } from '../../db/connection.js'
import type { Trx } from '../../db/transaction.js'
import { writeBehind } from '../../db/write-behind.js'
import type { ConsumedEvent } from '../../kernel/event-consumer.js'
import { actorLabel, type Ctx } from '../../kernel/context.js'
import { AppError, conflict, invalid, notFound } from '../../kernel/errors.js'
import { MASTER_DATA_TTL_MS, ttlCache } from '../../kernel/cache.js'
import { recordEvent } from '../../kernel/events.js'
import { versionMismatch } from '../../kernel/http.js'
import { newId } from '../../kernel/ids.js'
import { decodeCursor, toPage } from '../../kernel/pagination.js'
import type { ChannelService } from '../channels/index.js'
import type { OrderService } from '../orders/index.js'
import { defaultLinks, SAMPLE_ORDER, sampleEventData, templateData, type MailEvent, type NotificationLinks, type OrderForMail } from './context.js'
import { parseTemplate, renderSubject, renderTemplate, TemplateError } from './render.js'
import type {
  Notification,
  NotificationDetail,
  NotificationListQuery,
  NotificationStatus,
  NotificationTemplate,
  Preview,
  PreviewBody,
  PutTemplateBody,
} from './schema.js'
import type { NotificationsTable, NotificationTemplatesTable } from './tables.js'
import { BUILT_IN_TEMPLATES, TEMPLATE_EVENTS, templateFor, type TemplateContent, type TemplateEvent } from './templates.js'

type TemplateRow = Selectable<NotificationTemplatesTable>
type NotificationRow = Selectable<NotificationsTable>

const toNotification = (r: NotificationRow): Notification => ({
  id: r.id,
  orderId: r.orderId,
  eventId: r.eventId,
  template: r.template,
  channel: r.channel,
  to: r.recipient,
  subject: r.subject,
  status: r.status as NotificationStatus,
  attempts: r.attempts,
  nextAttemptAt: r.nextAttemptAt,
  lastError: r.lastError,
  sentAt: r.sentAt,
  messageId: r.messageId,
  createdAt: r.createdAt,
})

const fromRow = (r: TemplateRow): NotificationTemplate => ({
  event: r.event as TemplateEvent,
  channel: r.channel || null,
  source: r.channel ? 'channel' : 'default',
  subject: r.subject,
  text: r.textBody,
  html: r.htmlBody,
  enabled: r.enabled === 1,
  version: r.version,
  updatedBy: r.updatedBy,
  updatedAt: r.updatedAt,
})

const builtIn = (event: TemplateEvent): NotificationTemplate => ({
  event,
  channel: null,
  source: 'built-in',
  ...BUILT_IN_TEMPLATES[event],
  enabled: true,
  version: null,
  updatedBy: null,
  updatedAt: null,
})

/** Each part parsed once, so a broken template is refused with the field it is in. */
function checkTemplate(t: Partial<TemplateContent>): void {
  for (const field of ['subject', 'text', 'html'] as const) {
    const source = t[field]
    if (source === undefined) continue
    try {
      parseTemplate(source)
    } catch (err) {
      if (!(err instanceof TemplateError)) throw err
      throw invalid('notification.template_invalid', `The ${field} template does not parse: ${err.message} (at character ${err.offset}).`, [{ path: field, message: err.message }])
    }
  }
}

function render(t: TemplateContent, data: Record<string, unknown>): TemplateContent {
  return { subject: renderSubject(t.subject, data), text: renderTemplate(t.text, data, 'text'), html: renderTemplate(t.html, data, 'html') }
}

/** A rendered e-mail, queued at most once per (event, template). */
const queueMail = compiledQuery((db, p: { id: string; orderId: string; eventId: string; template: string; recipient: string; subject: string; text: string; html: string; at: string }) =>
  db
    .insertInto('notifications')
    .values({
      id: p.id,
      orderId: p.orderId,
      eventId: p.eventId,
      template: p.template,
      channel: 'email',
      recipient: p.recipient,
      subject: p.subject,
      textBody: p.text,
      htmlBody: p.html,
      status: 'queued',
      attempts: 0,
      nextAttemptAt: p.at,
      lockedUntil: null,
      lastError: null,
      sentAt: null,
      messageId: null,
      createdAt: p.at,
      updatedAt: p.at,
    })
    .onConflict((oc) => oc.columns(['eventId', 'template']).doNothing()),
)

/**
 * Customer e-mails: the templates (built in, edited per event and per sales channel), rendering
 * and previews, the queue the notifier fills from events, and the log per order.
 */
export function createNotificationService(d: {
  orders: OrderService
  channels: ChannelService
  publicUrl: string
  /** Links that need the database (signed with a secret kept there) come as a function of it. */
  links?: Partial<NotificationLinks> | ((db: Db | Trx) => Promise<Partial<NotificationLinks>>)
}) {
  const linksFor = async (db: Db | Trx): Promise<NotificationLinks> => ({ ...defaultLinks(d.publicUrl), ...(typeof d.links === 'function' ? await d.links(db) : d.links) })

  // Read for every e-mail, written by a person now and then: cached like other master data.
  const templateRows = ttlCache<Selectable<NotificationTemplatesTable>[]>(MASTER_DATA_TTL_MS)

  /** The template a channel's customers get: its own, else the edited default, else the built-in one. */
  async function effectiveTemplate(db: Db | Trx, event: TemplateEvent, channel?: string): Promise<NotificationTemplate> {
    const rows = await templateRows.get(`${event}@${channel ?? ''}`, () =>
      db
        .selectFrom('notificationTemplates')
        .selectAll()
        .where('event', '=', event)
        .where('channel', 'in', channel ? [channel, ''] : [''])
        .execute(),
    )
    const row = rows.find((r) => r.channel === channel) ?? rows.find((r) => r.channel === '')
    return row ? fromRow(row) : builtIn(event)
  }

  const channelKey = async (db: Db | Trx, channel?: string) => (channel ? (await d.channels.getByCode(db, channel)).code : '')

  const notificationRow = async (db: Db | Trx, id: string) => {
    const row = await db.selectFrom('notifications').selectAll().where('id', '=', id).executeTakeFirst()
    if (!row) throw notFound('notification', id)
    return row
  }

  async function listRows(db: Db | Trx, q: NotificationListQuery & { orderId?: string }) {
    const before = decodeCursor(q.cursor)
    let query = db.selectFrom('notifications').selectAll().orderBy('id', 'desc').limit(q.limit + 1)
    if (q.orderId) query = query.where('orderId', '=', q.orderId)
    if (q.status) query = query.where('status', '=', q.status)
    if (before) query = query.where('id', '<', before)
    const page = toPage(await query.execute(), q.limit, (r) => r.id)
    return { data: page.data.map(toNotification), nextCursor: page.nextCursor }
  }

  return {
    /** The default template of every event, and every channel's own. */
    async listTemplates(db: Db | Trx): Promise<NotificationTemplate[]> {
      const rows = await db.selectFrom('notificationTemplates').selectAll().orderBy('event').orderBy('channel').execute()
      const defaults = TEMPLATE_EVENTS.map((event) => {
        const row = rows.find((r) => r.event === event && r.channel === '')
        return row ? fromRow(row) : builtIn(event)
      })
      return [...defaults, ...rows.filter((r) => r.channel !== '').map(fromRow)]
    },

    async getTemplate(db: Db | Trx, event: TemplateEvent, channel?: string): Promise<NotificationTemplate> {
      return effectiveTemplate(db, event, await channelKey(db, channel))
    },

    /** Saves the template of an event for one channel, or the default (no channel). */
    async putTemplate(trx: Trx, ctx: Ctx, event: TemplateEvent, channel: string | undefined, input: PutTemplateBody, ifMatch?: number): Promise<NotificationTemplate> {
      checkTemplate(input)
      templateRows.clear()
      const key = await channelKey(trx, channel)
      const current = await trx.selectFrom('notificationTemplates').selectAll().where('event', '=', event).where('channel', '=', key).executeTakeFirst()
      if (ifMatch !== undefined && ifMatch !== (current?.version ?? 0)) throw versionMismatch(current?.version ?? 0)
      const values = { subject: input.subject, textBody: input.text, htmlBody: input.html, enabled: input.enabled ? 1 : 0, updatedBy: actorLabel(ctx.actor), updatedAt: ctx.clock.now().toISOString() }
      if (current) {
        const done = await trx
          .updateTable('notificationTemplates')
          .set((eb) => ({ ...values, version: eb('version', '+', 1) }))
          .where('event', '=', event)
          .where('channel', '=', key)
          .where('version', '=', current.version)
          .executeTakeFirst()
        if (Number(done.numUpdatedRows) !== 1) throw versionMismatch(current.version + 1)
      } else {
        await trx.insertInto('notificationTemplates').values({ event, channel: key, version: 1, ...values }).execute()
      }
      await recordEvent(trx, ctx, { type: 'notification_template.updated', entity: 'notification_template', entityId: `${event}@${key || 'default'}`, data: { event, channel: key || null, enabled: input.enabled } })
      return fromRow(await trx.selectFrom('notificationTemplates').selectAll().where('event', '=', event).where('channel', '=', key).executeTakeFirstOrThrow())
    },

    /** Drops an edited template: the channel falls back to the default, the default to the built-in one. */
    async deleteTemplate(trx: Trx, ctx: Ctx, event: TemplateEvent, channel?: string): Promise<void> {
      templateRows.clear()
      const key = await channelKey(trx, channel)
      const done = await trx.deleteFrom('notificationTemplates').where('event', '=', event).where('channel', '=', key).executeTakeFirst()
      if (Number(done.numDeletedRows) !== 1) throw notFound('notification_template', `${event}${channel ? ` for channel ${channel}` : ''}`)
      await recordEvent(trx, ctx, { type: 'notification_template.deleted', entity: 'notification_template', entityId: `${event}@${key || 'default'}`, data: { event, channel: key || null } })
    },

    /** Renders a template (saved or a draft) for an order the caller may see, or for a sample order. */
    async preview(db: Db, ctx: Ctx, event: TemplateEvent, channel: string | undefined, input: PreviewBody): Promise<Preview> {
      checkTemplate(input)
      const order: OrderForMail = input.orderId ? await d.orders.get(db, ctx, input.orderId) : SAMPLE_ORDER
      const saved = await effectiveTemplate(db, event, await channelKey(db, channel ?? (input.orderId ? order.channel : undefined)))
      const mailEvent: MailEvent = { type: event, entityId: order.id, reason: null, occurredAt: ctx.clock.now().toISOString(), data: input.data ?? sampleEventData(event) }
      const content = render({ subject: input.subject ?? saved.subject, text: input.text ?? saved.text, html: input.html ?? saved.html }, templateData(order, mailEvent, await linksFor(db)))
      return { to: order.customer.email, ...content }
    },

    /**
     * Queues the e-mails a batch of events calls for (called by the notifier in the transaction
     * that moves its cursor); the orders they are about are read together. Rendered now, so
     * retries send the same message; at most one per (event, template), and one order
     * confirmation per order.
     */
    async queue(trx: Trx, ctx: Ctx, events: ConsumedEvent[]): Promise<void> {
      const wanted = events.flatMap((e) => {
        const template = templateFor(e)
        return template && e.orderId ? [{ e, template, orderId: e.orderId }] : []
      })
      if (!wanted.length) return
      // The orders and the confirmations already queued, each read once for the batch.
      const confirmations = wanted.filter((w) => w.template === 'order.confirmed').map((w) => w.orderId)
      const [orders, confirmed, links] = await Promise.all([
        d.orders.getMany(trx, ctx, wanted.map((w) => w.orderId)),
        confirmations.length
          ? trx.selectFrom('notifications').select('orderId').where('template', '=', 'order.confirmed').where('orderId', 'in', [...new Set(confirmations)]).execute()
          : [],
        linksFor(trx),
      ])
      const confirmedOrders = new Set(confirmed.map((r) => r.orderId))
      const at = ctx.clock.now().toISOString()
      for (const { e, template, orderId } of wanted) {
        const order = orders.get(orderId)
        if (!order) continue
        if (template === 'order.confirmed') {
          if (confirmedOrders.has(orderId)) continue
          confirmedOrders.add(orderId)
        }
        const t = await effectiveTemplate(trx, template, order.channel)
        if (!t.enabled) continue
        const content = render(t, templateData(order, { type: e.type, entityId: e.entityId, reason: e.reason, occurredAt: e.occurredAt, data: e.data }, links))
        // Nobody reads the outcome: on PostgreSQL it travels with the cursor's update.
        await writeBehind(
          trx,
          queueMail(trx, { id: newId('ntf'), orderId: order.id, eventId: e.id, template, recipient: order.customer.email, subject: content.subject, text: content.text, html: content.html, at }),
        )
      }
    },

    /** The e-mails of one order, newest first; the order must be one the caller may see. */
    async listForOrder(db: Db, ctx: Ctx, orderId: string, q: NotificationListQuery) {
      const order = await d.orders.get(db, ctx, orderId)
      return listRows(db, { ...q, orderId: order.id })
    },

    list: (db: Db | Trx, q: NotificationListQuery) => listRows(db, q),

    /** E-mails that failed with no attempt left, newest first (the exception queue's read). */
    async undeliverable(db: Db | Trx, q: { limit: number }) {
      return db
        .selectFrom('notifications')
        .select(['id', 'orderId', 'template', 'recipient', 'subject', 'attempts', 'lastError', 'updatedAt'])
        .where('status', '=', 'failed')
        .where('nextAttemptAt', 'is', null)
        .orderBy('id', 'desc')
        .limit(q.limit)
        .execute()
    },

    async get(db: Db | Trx, id: string): Promise<NotificationDetail> {
      const row = await notificationRow(db, id)
      return { ...toNotification(row), text: row.textBody, html: row.htmlBody }
    },

    /** Sends a failed e-mail again soon. A sent one is never sent twice (409). */
    async retry(trx: Trx, ctx: Ctx, id: string): Promise<Notification> {
      const row = await notificationRow(trx, id)
      if (row.status === 'sent') throw conflict('notification.already_sent', `Notification ${id} was sent at ${row.sentAt}; it is not sent twice.`)
      const at = ctx.clock.now().toISOString()
      const done = await trx
        .updateTable('notifications')
        .set({ status: 'queued', nextAttemptAt: at, updatedAt: at })
        .where('id', '=', id)
        .where('status', '!=', 'sent')
        .where((eb) => eb.or([eb('lockedUntil', 'is', null), eb('lockedUntil', '<', at)]))
        .executeTakeFirst()
      if (Number(done.numUpdatedRows) !== 1) throw conflict('notification.sending', `Notification ${id} is being sent right now.`)
      await recordEvent(trx, ctx, { type: 'notification.retried', entity: 'notification', entityId: id, orderId: row.orderId, from: row.status, to: 'queued', data: { template: row.template } })
      return toNotification(await notificationRow(trx, id))
    },
  }
}

export type NotificationService = ReturnType<typeof createNotificationService>
