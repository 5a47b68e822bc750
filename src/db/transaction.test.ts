import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DIALECTS, freshConnection } from '../../test/helpers.js'
import type { Connection } from './connection.js'
import { inTransaction } from './transaction.js'

describe.each(DIALECTS)('inTransaction on %s', (dialect) => {
  let conn: Connection & { drop(): Promise<void> }
  beforeAll(async () => {
    conn = await freshConnection(dialect)
  })
  afterAll(() => conn.drop())

  const insertChannel = (code: string) => (trx: Parameters<Parameters<typeof inTransaction>[1]>[0]) =>
    trx.insertInto('channels').values({ id: `ch_${code}`, code, name: code, type: 'web', active: 1, createdAt: 'now', updatedAt: 'now' }).execute()

  it('commits each use case that succeeds and rolls back each that fails, even when they share a commit', async () => {
    const results = await Promise.allSettled(
      Array.from({ length: 30 }, (_, i) =>
        inTransaction(conn.db, async (trx) => {
          await insertChannel(`c${i}`)(trx)
          if (i % 3 === 0) throw new Error(`use case ${i} failed after writing`)
          return i
        }),
      ),
    )
    results.forEach((r, i) => {
      if (i % 3 === 0) expect(r).toMatchObject({ status: 'rejected', reason: { message: `use case ${i} failed after writing` } })
      else expect(r).toEqual({ status: 'fulfilled', value: i })
    })
    const codes = (await conn.db.selectFrom('channels').select('code').execute()).map((r) => r.code).sort()
    expect(codes).toEqual(Array.from({ length: 30 }, (_, i) => i).filter((i) => i % 3 !== 0).map((i) => `c${i}`).sort())
  })

  it('runs each use case once when the ones that fail had not written yet', async () => {
    const runs = new Map<number, number>()
    const results = await Promise.allSettled(
      Array.from({ length: 20 }, (_, i) =>
        inTransaction(conn.db, async (trx) => {
          runs.set(i, (runs.get(i) ?? 0) + 1)
          const taken = await trx.selectFrom('channels').select('id').where('code', '=', `r${i}`).executeTakeFirst()
          if (i % 4 === 0 || taken) throw new Error(`use case ${i} refused before writing`)
          await insertChannel(`r${i}`)(trx)
          return i
        }),
      ),
    )
    expect(results.filter((r) => r.status === 'rejected')).toHaveLength(5)
    expect([...runs.values()].every((n) => n === 1)).toBe(true)
    const codes = await conn.db.selectFrom('channels').select('code').where('code', 'like', 'r%').execute()
    expect(codes).toHaveLength(15)
  })

  // Group commit is SQLite's (one writer); on PostgreSQL each use case has its own transaction.
  it.skipIf(dialect === 'postgres')('gathers use cases that arrive over consecutive turns of the event loop into one transaction', async () => {
    const transactions = new Set<unknown>()
    const pending: Promise<number>[] = []
    for (let i = 0; i < 6; i++) {
      pending.push(
        inTransaction(conn.db, async (trx) => {
          transactions.add(trx)
          await insertChannel(`g${i}`)(trx)
          return i
        }),
      )
      await new Promise((resolve) => setImmediate(resolve))
    }
    expect(await Promise.all(pending)).toEqual([0, 1, 2, 3, 4, 5])
    expect(transactions.size).toBe(1)
  })

  it('sees its own writes and those of the use cases committed before it', async () => {
    await inTransaction(conn.db, insertChannel('first'))
    const seen = await Promise.all([
      inTransaction(conn.db, async (trx) => {
        await insertChannel('second')(trx)
        return (await trx.selectFrom('channels').select('code').where('code', 'in', ['first', 'second']).execute()).length
      }),
      inTransaction(conn.db, async (trx) => (await trx.selectFrom('channels').select('code').where('code', '=', 'first').execute()).length),
    ])
    expect(seen).toEqual([2, 1])
  })
})
