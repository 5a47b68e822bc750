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

  it('starts the WAL again while write transactions follow each other without a break, so its file stops growing', async () => {
    const file = join(dir, 'wal.db')
    const limit = 1024 * 1024
    const conn = connect({ dialect: 'sqlite', file }, { everyMs: 10, restartAboveBytes: limit })
    try {
      await sql`create table blobs (id integer primary key, body blob not null)`.execute(conn.db)
      const walSize = () => statSync(`${file}-wal`).size
      let transactions = 0
      let largest = 0
      // Back-to-back write transactions of 80 KB each, as under a steady stream of orders: each
      // starts as soon as the last committed, so no checkpoint ever finds the writer idle. Without
      // the restart the WAL holds every frame written since the load began.
      while (transactions < 1200) {
        await inTransaction(conn.db, async (trx) => {
          for (let r = 0; r < 20; r++) await sql`insert into blobs (body) values (${randomBytes(4000)})`.execute(trx)
        })
        transactions++
        largest = Math.max(largest, walSize())
        await new Promise((resolve) => setImmediate(resolve))
      }
      // 96 MB written; the WAL started again from its beginning each time it passed its limit (the
      // first time takes longest: this writer is faster than any checkpoint), so its file stopped growing.
      expect(largest).toBeLessThan(48 * limit)
      expect(walSize()).toBeGreaterThan(limit)
      // Once writes are sparse, SQLite starts the WAL again by itself and cuts the file back.
      for (let quiet = 0; quiet < 2; quiet++) {
        await new Promise((resolve) => setTimeout(resolve, 200))
        await inTransaction(conn.db, (trx) => sql`insert into blobs (body) values (${randomBytes(4000)})`.execute(trx))
      }
      expect(walSize()).toBeLessThanOrEqual(limit)
      const [{ n }] = (await sql<{ n: number }>`select count(*) as n from blobs`.execute(conn.db)).rows
      expect(n).toBe(1200 * 20 + 2)
    } finally {
      await conn.close()
    }
  })
})
