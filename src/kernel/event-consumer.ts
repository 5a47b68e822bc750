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
  /** Handles the next batch; returns how many events it took (0 when caught up or another process took the batch). */
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
  handle: (trx: Trx, events: ConsumedEvent[]) => Promise<void>
}): EventConsumer {
  const batchSize = o.batchSize ?? 100
  const tick = async (): Promise<number> => {
    // PostgreSQL gives `seq` after commit; stamp what has committed so this read sees it.
    await stampEvents(o.db, o.dialect)
    // Nothing new: answer from a read, without taking SQLite's write lock on every poll.
    const cursor = await o.db.withTables<CursorDb>().selectFrom('eventCursors').select('lastSeq').where('consumer', '=', o.name).executeTakeFirst()
    if (cursor && !(await o.db.selectFrom('events').select('seq').where('seq', '>', cursor.lastSeq).limit(1).executeTakeFirst())) return 0
    try {
      return await inTransaction(o.db, async (trx) => {
        const t = trx.withTables<CursorDb>()
        const at = o.now().toISOString()
        await t.insertInto('eventCursors').values({ consumer: o.name, lastSeq: 0, updatedAt: at }).onConflict((oc) => oc.column('consumer').doNothing()).execute()
        const { lastSeq } = await t.selectFrom('eventCursors').select('lastSeq').where('consumer', '=', o.name).executeTakeFirstOrThrow()
        const rows = await trx.selectFrom('events').selectAll().where('seq', '>', lastSeq).orderBy('seq').limit(batchSize).execute()
        if (!rows.length) return 0
        await o.handle(trx, rows.map(publishedEvent))
        const moved = await t
          .updateTable('eventCursors')
          .set({ lastSeq: rows[rows.length - 1].seq!, updatedAt: at })
          .where('consumer', '=', o.name)
          .where('lastSeq', '=', lastSeq)
          .executeTakeFirst()
        if (Number(moved.numUpdatedRows) !== 1) throw new LostRace()
        return rows.length
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
        if (n < batchSize) break
      }
      return total
    },
  }
}
