import type { Db, Dialect } from '../../db/connection.js'
import type { Trx } from '../../db/transaction.js'
import { createEventConsumer, type ConsumedEvent } from '../../kernel/event-consumer.js'
import { attemptDelivery, leaseUntil, newDelivery, type DeliverySettings } from './deliver.js'
import { matchesEventType, toEnvelope } from './envelope.js'
import type { WebhookDeliveriesTable } from './tables.js'

export interface DispatcherLog {
  error(obj: object, msg: string): void
}

export interface WebhookDispatcher {
  /** Turns new events into deliveries, then sends what is due; returns what it did. */
  tick(): Promise<{ events: number; attempted: number }>
}

/**
 * The webhook dispatcher. It reads the event log in `seq` order (its own durable cursor) and
 * writes one delivery per matching endpoint in the same transaction that moves the cursor, so an
 * event is queued exactly once and never lost across a restart. Then it claims due deliveries
 * and sends them (outside any transaction). A delivery waits while an earlier delivery of the
 * same entity to the same endpoint is still pending, so each entity's events arrive in order;
 * other entities go on. Any number of processes may run it on one database: claims are guarded
 * updates checked by row count (on PostgreSQL the candidates are picked with SKIP LOCKED, so
 * dispatchers do not queue behind each other's rows).
 */
export function createWebhookDispatcher(d: DeliverySettings & { db: Db; dialect: Dialect; log: DispatcherLog; batchSize?: number; concurrency?: number }): WebhookDispatcher {
  const concurrency = d.concurrency ?? 16
  const consumer = createEventConsumer({
    db: d.db,
    dialect: d.dialect,
    name: 'webhooks',
    batchSize: d.batchSize ?? 200,
    now: () => d.clock.now(),
    // With no endpoint there is nobody to deliver to: the log is passed over unread.
    interest: async (db) => ((await db.selectFrom('webhookEndpoints').select('id').limit(1).executeTakeFirst()) ? 'all' : []),
    handle: fanOut,
  })

  async function fanOut(trx: Trx, events: ConsumedEvent[]): Promise<void> {
    // Paused endpoints get their deliveries too: they wait, and go out in order when it is resumed.
    const endpoints = (await trx.selectFrom('webhookEndpoints').select(['id', 'eventTypes', 'createdAt']).execute()).map((e) => ({
      ...e,
      eventTypes: JSON.parse(e.eventTypes) as string[],
    }))
    if (!endpoints.length) return
    const at = d.clock.now().toISOString()
    const rows: WebhookDeliveriesTable[] = []
    for (const e of events) {
      let payload: string | undefined
      for (const endpoint of endpoints) {
        // An endpoint gets what happened from its creation on, not the history before it.
        if (e.occurredAt < endpoint.createdAt || !matchesEventType(endpoint.eventTypes, e.type)) continue
        payload ??= JSON.stringify(toEnvelope(e))
        rows.push(newDelivery({ endpointId: endpoint.id, eventId: e.id, eventType: e.type, entityId: e.entityId, seq: e.seq, payload }, at))
      }
    }
    for (let i = 0; i < rows.length; i += 100) {
      await trx
        .insertInto('webhookDeliveries')
        .values(rows.slice(i, i + 100))
        .onConflict((oc) => oc.columns(['endpointId', 'eventId']).doNothing())
        .execute()
    }
  }

  /** Due deliveries of active endpoints whose entity has no earlier delivery still pending. */
  const candidates = (now: string, limit: number) =>
    d.db
      .selectFrom('webhookDeliveries as w')
      .innerJoin('webhookEndpoints as e', 'e.id', 'w.endpointId')
      .select('w.id')
      .where('w.status', '=', 'pending')
      .where('w.nextAttemptAt', '<=', now)
      .where((eb) => eb.or([eb('w.lockedUntil', 'is', null), eb('w.lockedUntil', '<', now)]))
      .where('e.active', '=', 1)
      .where((eb) =>
        eb.not(
          eb.exists(
            eb
              .selectFrom('webhookDeliveries as p')
              .select('p.id')
              .whereRef('p.endpointId', '=', 'w.endpointId')
              .whereRef('p.entityId', '=', 'w.entityId')
              .where('p.status', '=', 'pending')
              .whereRef('p.seq', '<', 'w.seq'),
          ),
        ),
      )
      .orderBy('w.id')
      .limit(limit)

  async function claim(now: Date, limit: number): Promise<{ ids: string[]; lease: string }> {
    const at = now.toISOString()
    const lease = leaseUntil(now, d.timeoutMs)
    if (d.dialect === 'postgres') {
      const rows = await d.db
        .updateTable('webhookDeliveries')
        .set({ lockedUntil: lease, updatedAt: at })
        .where('id', 'in', candidates(at, limit).forUpdate('w').skipLocked())
        .returning('id')
        .execute()
      return { ids: rows.map((r) => r.id), lease }
    }
    const ids: string[] = []
    for (const { id } of await candidates(at, limit).execute()) {
      const won = await d.db
        .updateTable('webhookDeliveries')
        .set({ lockedUntil: lease, updatedAt: at })
        .where('id', '=', id)
        .where('status', '=', 'pending')
        .where((eb) => eb.or([eb('lockedUntil', 'is', null), eb('lockedUntil', '<', at)]))
        .executeTakeFirst()
      if (Number(won.numUpdatedRows) === 1) ids.push(id)
    }
    return { ids, lease }
  }

  /** Keeps up to `concurrency` deliveries in flight; a finished one may let the next of its entity go. */
  async function deliverDue(): Promise<number> {
    let attempted = 0
    let drained = false
    const inFlight = new Set<Promise<void>>()
    while (attempted < 10_000) {
      if (!drained && inFlight.size < concurrency) {
        const { ids, lease } = await claim(d.clock.now(), concurrency - inFlight.size)
        drained = ids.length === 0
        for (const id of ids) {
          const p: Promise<void> = attemptDelivery(d.db, d, id, lease)
            .then(() => undefined)
            .catch((err) => d.log.error({ err, deliveryId: id }, 'webhook delivery could not be recorded; it is retried when its claim expires'))
            .finally(() => {
              inFlight.delete(p)
              drained = false
            })
          inFlight.add(p)
          attempted++
        }
        if (ids.length && inFlight.size < concurrency) continue
      }
      if (!inFlight.size) break
      await Promise.race(inFlight)
    }
    await Promise.all(inFlight)
    return attempted
  }

  return {
    async tick() {
      const events = await consumer.drain()
      return { events, attempted: await deliverDue() }
    },
  }
}
