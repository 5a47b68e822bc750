import { mkdtempSync, rmSync, statSync } from 'node:fs'
import os from 'node:os'
import { join } from 'node:path'
import { randomBytes } from 'node:crypto'
import { sql } from 'kysely'
import { afterAll, describe, expect, it } from 'vitest'
import { connect } from './connection.js'
import { inTransaction } from './transaction.js'

describe('SQLite checkpointer', () => {
  const dir = mkdtempSync(join(os.tmpdir(), 'ordo-wal-'))
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  it('starts the WAL again, and cuts its file back, while write transactions follow each other without a break', async () => {
    const file = join(dir, 'wal.db')
    const limit = 1024 * 1024
    const conn = connect({ dialect: 'sqlite', file }, { everyMs: 10, restartAboveBytes: limit })
    try {
      await sql`create table blobs (id integer primary key, body blob not null)`.execute(conn.db)
      const walSize = () => statSync(`${file}-wal`).size
      let transactions = 0
      let largest = 0
      let cutBack = 0
      // Back-to-back write transactions of 80 KB each, as under a steady stream of orders: each
      // starts as soon as the last committed, so no checkpoint ever finds the writer idle. Without
      // the restart the WAL holds every frame written since the load began, and is never cut back.
      while (transactions < 600) {
        await inTransaction(conn.db, async (trx) => {
          for (let r = 0; r < 20; r++) await sql`insert into blobs (body) values (${randomBytes(4000)})`.execute(trx)
        })
        transactions++
        const size = walSize()
        if (size < largest && size <= limit) cutBack++
        largest = Math.max(largest, size)
        await new Promise((resolve) => setImmediate(resolve))
      }
      // 48 MB written: the WAL went back to its start again and again, and never held half of it.
      expect(cutBack).toBeGreaterThanOrEqual(3)
      expect(largest).toBeLessThan(24 * limit)
      const [{ n }] = (await sql<{ n: number }>`select count(*) as n from blobs`.execute(conn.db)).rows
      expect(n).toBe(600 * 20)
    } finally {
      await conn.close()
    }
  })
})
