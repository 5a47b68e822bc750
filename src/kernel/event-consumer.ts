import type { Db, Dialect } from '../db/connection.js'
import { inTransaction, type Trx } from '../db/transaction.js'
import { publishedEvent, stampEvents, type PublishedEvent } from './events.js'

/** The cursor table (migration 2026-11-22T0012): one row per consumer of the event log. */
export interface EventCursorsTable {
  consumer: string
  lastSeq: number
  updatedAt: string
}
type CursorDb = { eventCursors: EventCursorsTable }

/** An event as a consumer sees it: the row of `events`, its payload parsed. */
export type ConsumedEvent = PublishedEvent

export interface EventConsumer {
  /** Handles the next batch; returns how many events it moved past (0 when caught up or another process took the batch). */
  tick(): Promise<number>
  /** Ticks until caught up (at most `maxBatches` batches). */
  drain(maxBatches?: number): Promise<number>
}

class LostRace extends Error {}

/**
 * A background reader of the event log with a durable cursor. Each batch runs in one
 * transaction: the handler writes what the events call for (delivery rows, queued e-mails) and
 * the cursor moves past them, or neither happens. Several processes may run the same consumer:
 * the cursor moves by a guarded update (`where last_seq = <what we read>`), so a process that
 * raced another rolls its batch back and the handler's writes happen once. Handlers make their
 * writes idempotent too (unique keys), so a batch is never applied twice.
 */
export function createEventConsumer(o: {
  db: Db
  dialect: Dialect
  name: string
  batchSize?: number
  now: () => Date
  /**
   * The event types the handler acts on, asked before each batch ('all' when it wants every
   * event). Others are passed over without being read: a batch then covers the next
   * `batchSize × 10` events of the log and hands over only those of these types.
   */
  interest?: (db: Db) => Promise<readonly string[] | 'all'> | readonly string[] | 'all'
  handle: (trx: Trx, events: ConsumedEvent[]) => Promise<void>
}): EventConsumer {
  const batchSize = o.batchSize ?? 100
  const window = batchSize * 10
  const tick = async (): Promise<number> => {
    // PostgreSQL gives `seq` after commit; stamp what has committed so this read sees it.
    await stampEvents(o.db, o.dialect)
    // Nothing new: answer from a read, without taking SQLite's write lock on every poll.
    const cursor = await o.db.withTables<CursorDb>().selectFrom('eventCursors').select('lastSeq').where('consumer', '=', o.name).executeTakeFirst()
    if (cursor && !(await o.db.selectFrom('events').select('seq').where('seq', '>', cursor.lastSeq).limit(1).executeTakeFirst())) return 0
    const types = o.interest ? await o.interest(o.db) : 'all'
    try {
      return await inTransaction(o.db, async (trx) => {
        const t = trx.withTables<CursorDb>()
        const at = o.now().toISOString()
        await t.insertInto('eventCursors').values({ consumer: o.name, lastSeq: 0, updatedAt: at }).onConflict((oc) => oc.column('consumer').doNothing()).execute()
        const { lastSeq } = await t.selectFrom('eventCursors').select('lastSeq').where('consumer', '=', o.name).executeTakeFirstOrThrow()
        let upTo: number
        if (types === 'all') {
          const rows = await trx.selectFrom('events').selectAll().where('seq', '>', lastSeq).orderBy('seq').limit(batchSize).execute()
          if (!rows.length) return 0
          await o.handle(trx, rows.map(publishedEvent))
          upTo = rows[rows.length - 1].seq!
        } else {
          // seq is gap-free and given only to committed events, so every event up to the last one is there to pass over.
          const last = Number((await trx.selectFrom('events').select((eb) => eb.fn.max('seq').as('last')).executeTakeFirst())?.last ?? 0)
          upTo = Math.min(last, lastSeq + window)
          if (upTo <= lastSeq) return 0
          if (types.length) {
            const rows = await trx.selectFrom('events').selectAll().where('seq', '>', lastSeq).where('seq', '<=', upTo).where('type', 'in', types).orderBy('seq').execute()
            if (rows.length) await o.handle(trx, rows.map(publishedEvent))
          }
        }
        const moved = await t
          .updateTable('eventCursors')
          .set({ lastSeq: upTo, updatedAt: at })
          .where('consumer', '=', o.name)
          .where('lastSeq', '=', lastSeq)
          .executeTakeFirst()
        if (Number(moved.numUpdatedRows) !== 1) throw new LostRace()
        return upTo - lastSeq
      })
    } catch (err) {
      if (err instanceof LostRace) return 0
      throw err
    }
  }
  return {
    tick,
    async drain(maxBatches = 50) {
      let total = 0
      for (let i = 0; i < maxBatches; i++) {
        const n = await tick()
        total += n
        if (n < (o.interest ? window : batchSize)) break
      }
      return total
    },
  }
}
