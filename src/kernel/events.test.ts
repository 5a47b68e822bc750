import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DIALECTS, freshConnection } from '../../test/helpers.js'
import { inTransaction } from '../db/transaction.js'
import { fixedClock } from './clock.js'
import { systemActor } from './context.js'
import { recordEvent, recordEvents, stampEvents } from './events.js'

describe.each(DIALECTS)('events on %s', (dialect) => {
  let conn: Awaited<ReturnType<typeof freshConnection>>
  const ctx = { actor: systemActor, clock: fixedClock('2026-11-02T09:00:00.000Z') }
  const ev = (n: number) => ({ type: 'thing.happened', entity: 'thing', entityId: `thing_${n}` })
  const seqs = async () => (await conn.db.selectFrom('events').select(['entityId', 'seq']).orderBy('id').execute()).map((r) => [r.entityId, r.seq === null ? null : Number(r.seq)])
  beforeAll(async () => {
    conn = await freshConnection(dialect)
  })
  afterAll(() => conn.drop())

  it('gives every event a gap-free seq in commit order (at insert on SQLite, by the sequencer on PostgreSQL)', async () => {
    await inTransaction(conn.db, async (trx) => {
      await recordEvents(trx, ctx, [ev(1), ev(2)])
      await recordEvent(trx, ctx, ev(3))
    })
    await inTransaction(conn.db, (trx) => recordEvents(trx, ctx, [ev(4)]))
    if (dialect === 'sqlite') {
      expect(await seqs()).toEqual([['thing_1', 1], ['thing_2', 2], ['thing_3', 3], ['thing_4', 4]])
      expect(await stampEvents(conn.db, dialect)).toBe(0)
    } else {
      expect((await seqs()).every(([, seq]) => seq === null)).toBe(true)
      expect(await stampEvents(conn.db, dialect)).toBe(4)
      expect(await seqs()).toEqual([['thing_1', 1], ['thing_2', 2], ['thing_3', 3], ['thing_4', 4]])
    }
    // A rolled-back transaction leaves no gap.
    await expect(
      inTransaction(conn.db, async (trx) => {
        await recordEvent(trx, ctx, ev(5))
        throw new Error('rolled back')
      }),
    ).rejects.toThrow('rolled back')
    await inTransaction(conn.db, (trx) => recordEvent(trx, ctx, ev(6)))
    await stampEvents(conn.db, dialect)
    expect((await seqs()).slice(4)).toEqual([['thing_6', 5]])
  })
})
