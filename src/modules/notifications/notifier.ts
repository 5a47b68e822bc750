import { sql } from 'kysely'
import type { Db, Dialect } from '../../db/connection.js'
import { compiledQuery } from '../../db/compiled.js'
import { inTransaction } from '../../db/transaction.js'
import type { Clock } from '../../kernel/clock.js'
import { systemActor, type Ctx } from '../../kernel/context.js'
import { createEventConsumer } from '../../kernel/event-consumer.js'
import { recordEvents, type NewEvent } from '../../kernel/events.js'
import type { Mailer } from './mailer.js'
import type { NotificationService } from './service.js'
import { MAIL_EVENT_TYPES } from './templates.js'

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

// The statements of every batch of e-mails, compiled once.
/**
 * Claims up to `limit` due e-mails and returns them: one guarded update. Two processes may pick the
 * same rows in the subquery; the outer guard is checked again on the row each one updates, so only
 * one of them gets it.
 */
const claimDue = compiledQuery((db, p: { lease: string; at: string; limit: number }) =>
  db
    .updateTable('notifications')
    .set({ lockedUntil: p.lease, updatedAt: p.at })
    .where('id', 'in', (eb) =>
      eb
        .selectFrom('notifications')
        .select('id')
        .where('status', 'in', ['queued', 'failed'])
        .where('nextAttemptAt', '<=', p.at)
        .where((w) => w.or([w('lockedUntil', 'is', null), w('lockedUntil', '<', p.at)]))
        .orderBy('id')
        .limit(p.limit),
    )
    .where('status', 'in', ['queued', 'failed'])
    .where((eb) => eb.or([eb('lockedUntil', 'is', null), eb('lockedUntil', '<', p.at)]))
    .returningAll(),
)
/** Marks the e-mails of a batch that went out; returns those still held under the lease. Their message id is `<id@domain>`, as sent. */
const mailsSent = compiledQuery((db, p: { ids: string[]; lease: string; at: string; domainSuffix: string }) =>
  db
    .updateTable('notifications')
    .set((eb) => ({
      status: 'sent',
      attempts: eb('attempts', '+', 1),
      sentAt: p.at,
      messageId: sql<string>`'<' || id || ${p.domainSuffix}`,
      lastError: null,
      nextAttemptAt: null,
      lockedUntil: null,
      updatedAt: p.at,
    }))
    .where('id', 'in', p.ids)
    .where('lockedUntil', '=', p.lease)
    .returning('id'),
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
  /** E-mails claimed, sent and recorded per round. */
  batchSize?: number
}): Notifier {
  const schedule = d.retrySchedule ?? DEFAULT_MAIL_RETRY_SCHEDULE
  const batchSize = d.batchSize ?? 50
  const ctx = (): Ctx => ({ actor: systemActor, clock: d.clock })
  const domain = /@([^>\s]+)>?\s*$/.exec(d.mailFrom)?.[1] ?? 'ordo.local'
  // Stable per notification, so a re-sent message is recognisably the same one (mailsSent stores the same).
  const messageIdOf = (id: string) => `<${id}@${domain}>`
  const consumer = createEventConsumer({
    db: d.db,
    dialect: d.dialect,
    name: 'notifications',
    // Windows of 1,000 events: a round keeps up with several hundred orders a second even when
    // each of its statements waits for a pooled connection behind the API's requests.
    batchSize: 100,
    now: () => d.clock.now(),
    // Most events (stock moves, fulfilment steps) call for no e-mail: they are passed over unread.
    interest: () => MAIL_EVENT_TYPES,
    handle: (trx, events) => d.notifications.queue(trx, ctx(), events),
  })

  /**
   * One round: claim a batch, hand each message to the mailer (outside any transaction), then
   * record every outcome and its event in one transaction. Per e-mail that is one update; the
   * claim, the event insert and the commit are shared by the batch.
   */
  async function sendBatch(): Promise<number> {
    const now = d.clock.now()
    const lease = new Date(now.getTime() + 2 * MINUTE).toISOString()
    const claimed = (await d.db.executeQuery(claimDue(d.db, { lease, at: now.toISOString(), limit: batchSize }))).rows.sort((a, b) => (a.id < b.id ? -1 : 1))
    if (!claimed.length) return 0
    const outcomes = await Promise.all(
      claimed.map(async (n): Promise<{ ok: true } | { ok: false; error: string }> => {
        try {
          await d.mailer.send({ messageId: messageIdOf(n.id), from: d.mailFrom, to: n.recipient, subject: n.subject, text: n.textBody, html: n.htmlBody })
          return { ok: true }
        } catch (err) {
          return { ok: false, error: (err as Error).message || String(err) }
        }
      }),
    )
    const after = d.clock.now()
    const at = after.toISOString()
    await inTransaction(d.db, async (trx) => {
      const delivered = claimed.filter((_, i) => outcomes[i].ok).map((n) => n.id)
      const marked = delivered.length ? (await trx.executeQuery(mailsSent(trx, { ids: delivered, lease, at, domainSuffix: `@${domain}>` }))).rows : []
      const recorded = new Set(marked.map((r) => r.id))
      const events: NewEvent[] = []
      for (const [i, n] of claimed.entries()) {
        const outcome = outcomes[i]
        const attempts = n.attempts + 1
        const next = !outcome.ok && attempts <= schedule.length ? new Date(after.getTime() + schedule[attempts - 1]).toISOString() : null
        // A claim that expired was taken over by another process: that outcome is the other process's to record.
        const held = outcome.ok
          ? recorded.has(n.id)
          : Number((await trx.executeQuery(mailFailed(trx, { id: n.id, lease, attempts, at, error: outcome.error, next }))).numAffectedRows) === 1
        if (!held) continue
        events.push({
          type: outcome.ok ? 'notification.sent' : 'notification.failed',
          entity: 'notification',
          entityId: n.id,
          orderId: n.orderId,
          from: n.status,
          to: outcome.ok ? 'sent' : 'failed',
          reason: outcome.ok ? null : outcome.error,
          data: { template: n.template, to: n.recipient, attempts, ...(outcome.ok ? { messageId: messageIdOf(n.id) } : { nextAttemptAt: next }) },
        })
      }
      await recordEvents(trx, ctx(), events)
    })
    return claimed.length
  }

  return {
    async tick() {
      // Queueing and sending take turns: under a steady stream of orders the event log never
      // runs dry, and draining it first would hold every e-mail back until the orders stop.
      let events = 0
      let attempted = 0
      for (let round = 0; round < 100; round++) {
        const queued = await consumer.tick()
        events += queued
        let sent = 0
        for (let batch = 0; batch < 10; batch++) {
          const n = await sendBatch().catch((err) => {
            d.log.error({ err }, 'e-mail outcomes could not be recorded; they are retried when their claim expires')
            return 0
          })
          sent += n
          if (n < batchSize) break
        }
        attempted += sent
        if (!queued && !sent) break
      }
      return { events, attempted }
    },
  }
}
