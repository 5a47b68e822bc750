import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DIALECTS, freshConnection } from '../../test/helpers.js'
import { connect } from '../db/connection.js'
import { inTransaction } from '../db/transaction.js'
import { nextNumber } from './numbers.js'

describe.each(DIALECTS)('document numbers on %s', (dialect) => {
  let conn: Awaited<ReturnType<typeof freshConnection>>
  beforeAll(async () => {
    conn = await freshConnection(dialect)
  })
  afterAll(() => conn.drop())

  it('numbers each series on its own, in order', async () => {
    const got = await inTransaction(conn.db, async (trx) => [await nextNumber(trx, 'PL'), await nextNumber(trx, 'PL'), await nextNumber(trx, 'SH')])
    expect(got).toEqual(['PL-10001', 'PL-10002', 'SH-10001'])
  })

  it('never hands out the same number twice, however many use cases draw at once', async () => {
    const drawn = await Promise.all(Array.from({ length: 200 }, () => inTransaction(conn.db, (trx) => nextNumber(trx, 'RMA'))))
    expect(new Set(drawn).size).toBe(200)
    const values = drawn.map((n) => Number(n.slice(4))).sort((a, b) => a - b)
    // SQLite's counter is gap-free; PostgreSQL's blocks leave at most what this process still holds.
    if (dialect === 'sqlite') expect(values).toEqual(Array.from({ length: 200 }, (_, i) => 10001 + i))
    else expect(values[199] - values[0]).toBeLessThan(200 + 64)
  })

  it('on PostgreSQL, takes numbers in blocks while a series is busy, and another process numbers past them', async () => {
    if (dialect !== 'postgres') return
    // A second Kysely instance on the same schema stands for another process.
    const { rows } = await sql<{ searchPath: string }>`show search_path`.execute(conn.db)
    const other = connect({ dialect: 'postgres', url: process.env.ORDO_TEST_DATABASE_URL!, schema: rows[0].searchPath, poolSize: 1 })
    try {
      const mine = [] as string[]
      for (let i = 0; i < 6; i++) mine.push(await inTransaction(conn.db, (trx) => nextNumber(trx, 'CN')))
      // The block this process took last is not used up: the other process numbers past it.
      const theirs = await inTransaction(other.db, (trx) => nextNumber(trx, 'CN'))
      expect(mine).toEqual(['CN-10001', 'CN-10002', 'CN-10003', 'CN-10004', 'CN-10005', 'CN-10006'])
      expect(Number(theirs.slice(3))).toBeGreaterThan(10007)
    } finally {
      await other.close()
    }
  })
})
