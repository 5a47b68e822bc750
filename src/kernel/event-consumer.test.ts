import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DIALECTS, freshConnection } from '../../test/helpers.js'
import { inTransaction } from '../db/transaction.js'
import { fixedClock } from './clock.js'
import { systemActor } from './context.js'
import { createEventConsumer, type ConsumedEvent, type EventCursorsTable } from './event-consumer.js'
import { recordEvents } from './events.js'

describe.each(DIALECTS)('event consumers on %s', (dialect) => {
  let conn: Awaited<ReturnType<typeof freshConnection>>
  const ctx = { actor: systemActor, clock: fixedClock('2026-11-02T09:00:00.000Z') }
  beforeAll(async () => {
    conn = await freshConnection(dialect)
    // 25 events: every fifth a `thing.wanted`, the rest `thing.ignored`.
    await inTransaction(conn.db, (trx) =>
      recordEvents(
        trx,
        ctx,
        Array.from({ length: 25 }, (_, i) => ({ type: i % 5 === 4 ? 'thing.wanted' : 'thing.ignored', entity: 'thing', entityId: `thing_${i + 1}` })),
      ),
    )
  })
  afterAll(() => conn.drop())

  const consumer = (name: string, seen: ConsumedEvent[][], interest?: () => readonly string[] | 'all') =>
    createEventConsumer({ db: conn.db, dialect, name, batchSize: 2, now: () => new Date('2026-11-02T09:00:00.000Z'), interest, handle: async (_trx, events) => void seen.push(events) })
  const cursorOf = async (name: string) =>
    Number((await conn.db.withTables<{ eventCursors: EventCursorsTable }>().selectFrom('eventCursors').select('lastSeq').where('consumer', '=', name).executeTakeFirstOrThrow()).lastSeq)

  it('hands over every event in order, a batch at a time', async () => {
    const seen: ConsumedEvent[][] = []
    expect(await consumer('all', seen).drain()).toBe(25)
    expect(seen.map((b) => b.length)).toEqual([...Array(12).fill(2), 1])
    expect(seen.flat().map((e) => e.seq)).toEqual(Array.from({ length: 25 }, (_, i) => i + 1))
    expect(await cursorOf('all')).toBe(25)
  })

  it('reads only the types it is interested in, and moves its cursor past the others', async () => {
    const seen: ConsumedEvent[][] = []
    // batch 2: windows of 20 events, so two batches.
    expect(await consumer('wanted', seen, () => ['thing.wanted']).drain()).toBe(25)
    expect(seen.map((b) => b.map((e) => e.entityId))).toEqual([['thing_5', 'thing_10', 'thing_15', 'thing_20'], ['thing_25']])
    expect(await cursorOf('wanted')).toBe(25)
    // Interested in nothing: passes over the log without handing anything over.
    const none: ConsumedEvent[][] = []
    expect(await consumer('none', none, () => []).drain()).toBe(25)
    expect(none).toEqual([])
    expect(await cursorOf('none')).toBe(25)
    // Caught up: a new event of another type is passed over, one of its type handed over.
    await inTransaction(conn.db, (trx) => recordEvents(trx, ctx, [{ type: 'thing.ignored', entity: 'thing', entityId: 'thing_26' }, { type: 'thing.wanted', entity: 'thing', entityId: 'thing_27' }]))
    const next: ConsumedEvent[][] = []
    expect(await consumer('wanted', next, () => ['thing.wanted']).drain()).toBe(2)
    expect(next.map((b) => b.map((e) => e.entityId))).toEqual([['thing_27']])
  })
})
