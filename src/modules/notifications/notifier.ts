import type { Db, Dialect } from '../../db/connection.js'
import { compiledQuery } from '../../db/compiled.js'
import { inTransaction } from '../../db/transaction.js'
import type { Clock } from '../../kernel/clock.js'
import { systemActor, type Ctx } from '../../kernel/context.js'
import { createEventConsumer } from '../../kernel/event-consumer.js'
import { recordEvent } from '../../kernel/events.js'
import type { Mailer } from './mailer.js'
import type { NotificationService } from './service.js'

const MINUTE = 60_000

/** After the 1st, 2nd, … failed attempt, wait this long; after the last, the e-mail stays failed. */
export const DEFAULT_MAIL_RETRY_SCHEDULE = [MINUTE, 5 * MINUTE, 30 * MINUTE, 2 * 60 * MINUTE, 6 * 60 * MINUTE]

export interface NotifierLog {
  error(obj: object, msg: string): void
}

export interface Notifier {
  /** Queues the e-mails new events call for, then sends what is due. */
  tick(): Promise<{ events: number; attempted: number }>
}

// The statements of every e-mail sent, compiled once.
const claimMail = compiledQuery((db, p: { id: string; lease: string; at: string }) =>
  db
    .updateTable('notifications')
    .set({ lockedUntil: p.lease, updatedAt: p.at })
    .where('id', '=', p.id)
    .where('status', 'in', ['queued', 'failed'])
    .where((eb) => eb.or([eb('lockedUntil', 'is', null), eb('lockedUntil', '<', p.at)])),
)
const mailById = compiledQuery((db, p: { id: string }) => db.selectFrom('notifications').selectAll().where('id', '=', p.id))
const mailSent = compiledQuery((db, p: { id: string; lease: string; attempts: number; at: string; messageId: string }) =>
  db
    .updateTable('notifications')
    .set({ status: 'sent', attempts: p.attempts, sentAt: p.at, messageId: p.messageId, lastError: null, nextAttemptAt: null, lockedUntil: null, updatedAt: p.at })
    .where('id', '=', p.id)
    .where('lockedUntil', '=', p.lease),
)
const mailFailed = compiledQuery((db, p: { id: string; lease: string; attempts: number; at: string; error: string; next: string | null }) =>
  db
    .updateTable('notifications')
    .set({ status: 'failed', attempts: p.attempts, lastError: p.error, nextAttemptAt: p.next, lockedUntil: null, updatedAt: p.at })
    .where('id', '=', p.id)
    .where('lockedUntil', '=', p.lease),
)

/**
 * The notifier. Its event consumer (own cursor) queues one rendered e-mail per event that has a
 * template, in the transaction that moves the cursor. Sending claims due e-mails with a guarded
 * update (any number of processes), talks to the mail server outside any transaction, then
 * records `sent` (never sent again) or `failed` with the error and the next attempt.
 */
export function createNotifier(d: {
  db: Db
  dialect: Dialect
  clock: Clock
  log: NotifierLog
  notifications: NotificationService
  mailer: Mailer
  mailFrom: string
  retrySchedule?: number[]
  concurrency?: number
}): Notifier {
  const schedule = d.retrySchedule ?? DEFAULT_MAIL_RETRY_SCHEDULE
  const ctx = (): Ctx => ({ actor: systemActor, clock: d.clock })
  const domain = /@([^>\s]+)>?\s*$/.exec(d.mailFrom)?.[1] ?? 'ordo.local'
  const consumer = createEventConsumer({
    db: d.db,
    dialect: d.dialect,
    name: 'notifications',
    batchSize: 50,
    now: () => d.clock.now(),
    handle: async (trx, events) => {
      for (const e of events) await d.notifications.queue(trx, ctx(), e)
    },
  })

  async function claim(): Promise<{ ids: string[]; lease: string }> {
    const now = d.clock.now()
    const at = now.toISOString()
    const lease = new Date(now.getTime() + 2 * MINUTE).toISOString()
    const due = await d.db
      .selectFrom('notifications')
      .select('id')
      .where('status', 'in', ['queued', 'failed'])
      .where('nextAttemptAt', '<=', at)
      .where((eb) => eb.or([eb('lockedUntil', 'is', null), eb('lockedUntil', '<', at)]))
      .orderBy('id')
      .limit(d.concurrency ?? 8)
      .execute()
    const ids: string[] = []
    for (const { id } of due) {
      const won = await d.db.executeQuery(claimMail(d.db, { id, lease, at }))
      if (Number(won.numAffectedRows) === 1) ids.push(id)
    }
    return { ids, lease }
  }

  async function send(id: string, lease: string): Promise<void> {
    const n = (await d.db.executeQuery(mailById(d.db, { id }))).rows[0]
    if (!n) throw new Error(`notification ${id} vanished while claimed`)
    const messageId = `<${n.id}@${domain}>`
    let outcome: { ok: true; messageId: string } | { ok: false; error: string }
    try {
      const sent = await d.mailer.send({ messageId, from: d.mailFrom, to: n.recipient, subject: n.subject, text: n.textBody, html: n.htmlBody })
      outcome = { ok: true, messageId: sent.messageId || messageId }
    } catch (err) {
      outcome = { ok: false, error: (err as Error).message || String(err) }
    }
    const now = d.clock.now()
    const at = now.toISOString()
    const attempts = n.attempts + 1
    const next = !outcome.ok && attempts <= schedule.length ? new Date(now.getTime() + schedule[attempts - 1]).toISOString() : null
    await inTransaction(d.db, async (trx) => {
      const done = await trx.executeQuery(
        outcome.ok
          ? mailSent(trx, { id, lease, attempts, at, messageId: outcome.messageId })
          : mailFailed(trx, { id, lease, attempts, at, error: outcome.error, next }),
      )
      if (Number(done.numAffectedRows) !== 1) return
      await recordEvent(trx, ctx(), {
        type: outcome.ok ? 'notification.sent' : 'notification.failed',
        entity: 'notification',
        entityId: id,
        orderId: n.orderId,
        from: n.status,
        to: outcome.ok ? 'sent' : 'failed',
        reason: outcome.ok ? null : outcome.error,
        data: { template: n.template, to: n.recipient, attempts, ...(outcome.ok ? { messageId: outcome.messageId } : { nextAttemptAt: next }) },
      })
    })
  }

  return {
    async tick() {
      const events = await consumer.drain()
      let attempted = 0
      for (let round = 0; round < 100; round++) {
        const { ids, lease } = await claim()
        if (!ids.length) break
        await Promise.all(ids.map((id) => send(id, lease).catch((err) => d.log.error({ err, notificationId: id }, 'notification outcome could not be recorded; it is retried when its claim expires'))))
        attempted += ids.length
      }
      return { events, attempted }
    },
  }
}
