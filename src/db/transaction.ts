import type { Transaction } from 'kysely'
import type { Database } from './database.js'
import type { Db } from './connection.js'

export type Trx = Transaction<Database>

// PostgreSQL aborts one side of a deadlock (40P01) or a serialization conflict (40001);
// the whole use case is retried, since it runs in one transaction and nothing escaped it.
const RETRYABLE = new Set(['40P01', '40001'])

/** Runs one use case in one transaction, retrying the database's transient conflicts. */
export async function inTransaction<T>(db: Db, fn: (trx: Trx) => Promise<T>, attempts = 5): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await db.transaction().execute(fn)
    } catch (err) {
      const code = (err as { code?: string }).code
      if (attempt >= attempts || !code || !(RETRYABLE.has(code) || code === 'SQLITE_BUSY')) throw err
      await new Promise((r) => setTimeout(r, Math.random() * 5 * attempt))
    }
  }
}
