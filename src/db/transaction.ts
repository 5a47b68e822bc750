import { CompiledQuery, SqliteAdapter, type Transaction } from 'kysely'
import type { Database } from './database.js'
import type { Db } from './connection.js'
import { isStalePreparedStatement } from './prepared.js'

export type Trx = Transaction<Database>

// PostgreSQL aborts one side of a deadlock (40P01) or a serialization conflict (40001), and a
// statement prepared before a migration changed its columns (prepared.ts); the whole use case is
// retried, since it runs in one transaction and nothing escaped it.
const RETRYABLE = new Set(['40P01', '40001'])
const codeOf = (err: unknown) => (err as { code?: string })?.code

/** Runs one use case in one transaction, retrying the database's transient conflicts. */
export async function inTransaction<T>(db: Db, fn: (trx: Trx) => Promise<T>, attempts = 5): Promise<T> {
  if (db.getExecutor().adapter instanceof SqliteAdapter) return groupCommitterOf(db).run(fn)
  for (let attempt = 1; ; attempt++) {
    try {
      return await db.transaction().execute(fn)
    } catch (err) {
      const code = codeOf(err)
      if (attempt >= attempts || !((code && RETRYABLE.has(code)) || isStalePreparedStatement(err))) throw err
      await new Promise((r) => setTimeout(r, Math.random() * 5 * attempt))
    }
  }
}

const SAVEPOINT = CompiledQuery.raw('savepoint use_case')
const RELEASE = CompiledQuery.raw('release savepoint use_case')
const ROLLBACK_TO = CompiledQuery.raw('rollback to savepoint use_case')

interface Job {
  fn: (trx: Trx) => Promise<unknown>
  resolve(value: unknown): void
  reject(err: unknown): void
}

/** How many statements that write a SQLite connection has run (counted by connection.ts). */
export interface WriteCount {
  n: number
}

/** What connection.ts tells group commit about a SQLite connection. */
export interface SqliteWriter {
  writes: WriteCount
  /** Work to wait for before the next write transaction begins, if any (the WAL's restart). */
  beforeWrite(): Promise<void> | undefined
}
const writers = new WeakMap<Db, SqliteWriter>()
export const registerSqliteWriter = (db: Db, writer: SqliteWriter) => writers.set(db, writer)

const committers = new WeakMap<Db, GroupCommitter>()
const groupCommitterOf = (db: Db) => {
  let c = committers.get(db)
  if (!c) committers.set(db, (c = new GroupCommitter(db, writers.get(db))))
  return c
}

type Outcome = { ok: true; value: unknown } | { ok: false; err: unknown }

const MAX_BATCH = 64

/** Thrown to roll back a batch in which a use case failed after writing. */
const DIRTY_FAILURE = Symbol('a use case failed after writing')

/**
 * Group commit for SQLite. SQLite has one writer at a time, and on this workload the commit (and
 * the WAL pages it writes) costs more than the use case itself. While one write transaction runs,
 * the use cases that arrive queue up; the next transaction runs all of them in turn and commits
 * once. Each caller is answered only after the commit, so "accepted means committed" holds, and a
 * use case sees exactly the isolation it would alone (one connection, run in turn). With nothing
 * queued a use case runs alone at once: no added latency.
 *
 * A use case that fails must leave nothing behind while its neighbours commit. Most fail before
 * they write (a missing record, a bad field, an illegal transition): then there is nothing to undo,
 * and the batch goes on. So a batch first runs without savepoints, which cost about a tenth of an
 * order's CPU (SQLite copies every page a savepoint first touches). Only when a use case fails
 * after writing is the batch rolled back and run again with each use case in its own savepoint, so
 * that the one that failed is rolled back alone.
 */
class GroupCommitter {
  private queue: Job[] = []
  private running = false
  constructor(
    private readonly db: Db,
    /** Absent for a connection that does not count its writes: every batch then uses savepoints. */
    private readonly writer: SqliteWriter | undefined,
  ) {}

  run<T>(fn: (trx: Trx) => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ fn, resolve: resolve as (v: unknown) => void, reject })
      // Start on the next turn of the event loop: the requests that arrived in this one join
      // the batch (a use case alone would otherwise run to its commit in one microtask burst).
      if (!this.running) {
        this.running = true
        setImmediate(() => void this.drain())
      }
    })
  }

  private async drain() {
    try {
      while (this.queue.length) {
        // Requests still arriving join this batch: wait a turn of the event loop (which reads the
        // sockets that are ready) as long as the last one brought more. A batch runs to its
        // commit without yielding, so the requests that arrive meanwhile would otherwise start
        // the next one a few at a time, each paying a whole commit.
        for (let seen = 0; this.queue.length > seen && this.queue.length < MAX_BATCH; ) {
          seen = this.queue.length
          await new Promise((resolve) => setImmediate(resolve))
        }
        await this.runBatch(this.queue.splice(0, MAX_BATCH))
      }
    } finally {
      this.running = false
    }
  }

  private async runBatch(batch: Job[]) {
    const pause = this.writer?.beforeWrite()
    if (pause) await pause
    let savepoints = !this.writer || batch.length === 1
    let outcomes: Outcome[] = []
    for (let attempt = 1; ; attempt++) {
      outcomes = []
      try {
        await this.db.transaction().execute((trx) => (savepoints ? this.withSavepoints(trx, batch, outcomes) : this.inTurn(trx, batch, outcomes)))
        break
      } catch (err) {
        if (err === DIRTY_FAILURE) {
          savepoints = true
          continue
        }
        // Another process held the write lock past busy_timeout before anything ran: try again.
        if (codeOf(err) === 'SQLITE_BUSY' && outcomes.length === 0 && attempt < 5) continue
        for (const job of batch) job.reject(err)
        return
      }
    }
    batch.forEach((job, i) => {
      const o = outcomes[i]
      if (o.ok) job.resolve(o.value)
      else job.reject(o.err)
    })
  }

  /** Runs the use cases one after another; throws DIRTY_FAILURE when one fails after writing. */
  private async inTurn(trx: Trx, batch: Job[], outcomes: Outcome[]) {
    const writes = this.writer!.writes
    for (const job of batch) {
      const before = writes.n
      try {
        outcomes.push({ ok: true, value: await job.fn(trx) })
      } catch (err) {
        if (writes.n !== before) throw DIRTY_FAILURE
        outcomes.push({ ok: false, err })
      }
    }
  }

  /** Runs each use case in its own savepoint, so that one that fails is rolled back alone. */
  private async withSavepoints(trx: Trx, batch: Job[], outcomes: Outcome[]) {
    // Alone, a use case needs none: its failure rolls back the transaction, and runBatch rejects it.
    if (batch.length === 1) {
      outcomes.push({ ok: true, value: await batch[0].fn(trx) })
      return
    }
    for (const job of batch) {
      await trx.executeQuery(SAVEPOINT)
      try {
        const value = await job.fn(trx)
        await trx.executeQuery(RELEASE)
        outcomes.push({ ok: true, value })
      } catch (err) {
        await trx.executeQuery(ROLLBACK_TO)
        await trx.executeQuery(RELEASE)
        outcomes.push({ ok: false, err })
      }
    }
  }
}
