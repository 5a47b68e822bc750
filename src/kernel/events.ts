import { CompiledQuery, PostgresAdapter, sql, type Selectable } from 'kysely'
import type { Db } from '../db/connection.js'
import type { Trx } from '../db/transaction.js'
import { compiledInsert } from '../db/compiled.js'
import { writeBehind } from '../db/write-behind.js'
import { actorLabel, type Ctx } from './context.js'
import { newId } from './ids.js'
import type { EventsTable } from './tables.js'

export interface NewEvent {
  /** `<entity>.<past_tense>`, e.g. `order.confirmed`. */
  type: string
  entity: string
  entityId: string
  /** The order this event belongs to, so it shows on the order's timeline. */
  orderId?: string | null
  from?: string | null
  to?: string | null
  reason?: string | null
  /** Versioned payload: `v` is bumped when its shape changes incompatibly. */
  data?: Record<string, unknown>
}

/**
 * Appends events in the caller's transaction: the state change, its history row and its
 * outbox row commit or roll back together.
 */
export async function recordEvents(trx: Trx, ctx: Ctx, events: NewEvent[]): Promise<void> {
  if (!events.length) return
  const at = ctx.clock.now().toISOString()
  const actor = actorLabel(ctx.actor)
  // SQLite runs one write transaction at a time (BEGIN IMMEDIATE, across processes too), so the
  // order of inserts is the commit order and `seq` can be given right here: the feed sees the
  // event at once and the sequencer finds nothing to stamp. PostgreSQL commits concurrently, so
  // there `seq` stays null until the sequencer (stampEvents) stamps it after commit.
  const base =
    trx.getExecutor().adapter instanceof PostgresAdapter
      ? null
      : Number((await trx.executeQuery<{ base: number }>(LAST_SEQ)).rows[0].base)
  await writeBehind(
    trx,
    compiledInsert(
      trx,
      'events',
      events.map((e, i) => ({
        id: newId('evt'),
        seq: base === null ? null : base + i + 1,
        type: e.type,
        entity: e.entity,
        entityId: e.entityId,
        orderId: e.orderId ?? null,
        fromState: e.from ?? null,
        toState: e.to ?? null,
        actor,
        reason: e.reason ?? null,
        data: JSON.stringify({ v: 1, ...e.data }),
        requestId: ctx.requestId ?? null,
        occurredAt: at,
      })),
    ),
  )
}

const LAST_SEQ = CompiledQuery.raw('select coalesce(max(seq), 0) as base from events')

export const recordEvent = (trx: Trx, ctx: Ctx, e: NewEvent) => recordEvents(trx, ctx, [e])

/**
 * The sequencer: stamps a gap-free `seq` on committed events that have none, in id order.
 * Readers page by `seq`, so an event whose transaction committed late is still seen (after the
 * ones stamped before it) instead of being skipped. On PostgreSQL an advisory lock makes one
 * process the sequencer at a time; SQLite serialises writers by itself, and there recordEvents
 * stamps events as it writes them, so this only finds rows written before it did.
 */
export async function stampEvents(db: Db, dialect: 'sqlite' | 'postgres', batch = 5000): Promise<number> {
  // SQLite rows get their seq at insert (see recordEvents): nothing to stamp, and no reason to take the write lock.
  if (dialect === 'sqlite') return 0
  return db.transaction().execute(async (trx) => {
    if (dialect === 'postgres') {
      const { rows } = await sql<{ locked: boolean }>`select pg_try_advisory_xact_lock(8317001) as locked`.execute(trx)
      if (!rows[0]?.locked) return 0
    }
    const result = await sql`
      update events set seq = m.base + n.rn
      from (select id, row_number() over (order by id) as rn from events where seq is null order by id limit ${batch}) as n,
           (select coalesce(max(seq), 0) as base from events) as m
      where events.id = n.id`.execute(trx)
    return Number(result.numAffectedRows ?? 0)
  })
}

/** A stored event as the outside sees it (the feed, webhooks, e-mails): states named `from`/`to`, the payload parsed. */
export interface PublishedEvent {
  id: string
  seq: number
  type: string
  entity: string
  entityId: string
  orderId: string | null
  from: string | null
  to: string | null
  actor: string
  reason: string | null
  /** The versioned payload, `v` included. */
  data: Record<string, unknown> & { v?: number }
  requestId: string | null
  occurredAt: string
}

/** Only for sequenced rows (`seq` set): the feed and the consumers read nothing else. */
export const publishedEvent = (r: Selectable<EventsTable>): PublishedEvent => ({
  id: r.id,
  seq: r.seq!,
  type: r.type,
  entity: r.entity,
  entityId: r.entityId,
  orderId: r.orderId,
  from: r.fromState,
  to: r.toState,
  actor: r.actor,
  reason: r.reason,
  data: JSON.parse(r.data),
  requestId: r.requestId,
  occurredAt: r.occurredAt,
})
