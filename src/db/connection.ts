import { mkdirSync } from 'node:fs'
import { createRequire } from 'node:module'
import { Worker } from 'node:worker_threads'
import { dirname } from 'node:path'
import SQLite from 'better-sqlite3'
import pg from 'pg'
import { CamelCasePlugin, Kysely, PostgresDialect, SqliteDialect } from 'kysely'
import type { DatabaseConfig } from '../config.js'
import type { Database } from './database.js'
import { writeBehindPool } from './write-behind.js'
import { registerSqliteWriter, type WriteCount } from './transaction.js'

const require = createRequire(import.meta.url)

export type Db = Kysely<Database>
export type Dialect = DatabaseConfig['dialect']

// pg returns int8 (count(*), sums, bigint columns) as strings by default; Ordo's quantities and
// money fit in a double, so read them as numbers and code sees the same values on both databases.
pg.types.setTypeParser(20, (v) => Number.parseInt(v, 10))
pg.types.setTypeParser(1700, (v) => Number.parseFloat(v))

export interface Connection {
  db: Db
  dialect: Dialect
  /** The raw better-sqlite3 handle (SQLite only): used by the benchmark floor and by `ordo check`. */
  sqlite?: SQLite.Database
  pool?: pg.Pool
  close(): Promise<void>
}

/** How the SQLite checkpointer runs; the defaults suit production, tests shrink them. */
export interface CheckpointOptions {
  /** Passive checkpoints this often while the WAL is short. */
  everyMs?: number
  /** A WAL longer than this is started again under load (see startCheckpointer); the file is then cut back to the journal size limit. */
  restartAboveBytes?: number
}

export function connect(config: DatabaseConfig, checkpoints: CheckpointOptions = {}): Connection {
  const plugins = [new CamelCasePlugin()]
  if (config.dialect === 'sqlite') {
    if (config.file !== ':memory:') mkdirSync(dirname(config.file), { recursive: true })
    const raw = new SQLite(config.file)
    raw.pragma('journal_mode = WAL')
    raw.pragma('synchronous = NORMAL')
    raw.pragma('busy_timeout = 5000')
    raw.pragma('foreign_keys = ON')
    raw.pragma('cache_size = -32000')
    // Group commit falls back to a savepoint per use case; SQLite copies every page a savepoint first
    // touches into a sub-journal, a temp file by default. In memory it costs a quarter less per order.
    raw.pragma('temp_store = MEMORY')
    const checkpointer = config.file === ':memory:' ? undefined : startCheckpointer(config.file, raw, checkpoints)
    const writes: WriteCount = { n: 0 }
    const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: cachedStatements(raw, writes) }), plugins })
    registerSqliteWriter(db, { writes, beforeWrite: () => checkpointer?.beforeWrite() })
    return {
      db,
      dialect: 'sqlite',
      sqlite: raw,
      close: async () => {
        await checkpointer?.worker.terminate()
        await db.destroy()
      },
    }
  }
  const pool = new pg.Pool({
    connectionString: config.url,
    max: config.poolSize,
    // Statements sent back to back go out without waiting for each other's answers (BEGIN with
    // the first statement, the last held inserts with COMMIT: see write-behind.ts).
    pipeline: true,
    ...(config.schema ? { options: `-c search_path=${config.schema}` } : {}),
  })
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool: writeBehindPool(pool) }), plugins })
  return { db, dialect: 'postgres', pool, close: () => db.destroy() }
}

const JOURNAL_SIZE_LIMIT = 64 * 1024 * 1024
/**
 * The WAL is started again once longer than this. Each restart pauses the writer for one small
 * checkpoint (40-110 ms measured on the 2-core VM, mostly fsync), so it should be rare: at 1,500
 * orders/s (~60 MB of WAL a second) about every 17 s, which keeps the pauses out of p99.
 */
const RESTART_ABOVE_BYTES = 1024 * 1024 * 1024
/** Frames the checkpointer may be behind when it asks the writer for a pause (≈ 4 MB). */
const RESTART_GAP_FRAMES = 1024

interface Checkpointer {
  worker: Worker
  /** Resolves once the last frames are copied when the WAL is due to start again; else undefined. */
  beforeWrite(): Promise<void> | undefined
}

/**
 * SQLite copies the WAL back into the database file (a checkpoint, with an fsync) on the commit
 * that crosses 1,000 pages. better-sqlite3 is synchronous, so that commit would stall every
 * request in the process for the length of the copy. Instead the connection never checkpoints
 * itself, and a worker thread with its own connection runs passive checkpoints (which never block
 * writers) once a second: a page written by many commits in that second is copied once (measured
 * 5-10 % less CPU per order than every 200 ms). After a burst the WAL file is cut back to 64 MB.
 *
 * SQLite starts the WAL again from its beginning only when a write transaction begins with every
 * frame already copied. Under steady writes (from about half of what one process can take) that
 * moment never comes, since the writer appends while the checkpoint copies, and the WAL grew by
 * ~40 KB per order for as long as the load lasted (770 MB after 19,000 orders). So once the WAL
 * is longer than `restartAboveBytes`, the checkpointer runs back to back until it is nearly caught
 * up and then asks for a pause: the next write transaction waits (asynchronously: requests go on
 * being read and checked) while the checkpointer copies the last frames, then begins with nothing
 * left to copy and starts the WAL again: later frames overwrite the file from its start, so it
 * stays near 1 GB at most however long the load lasts (it is cut back to 64 MB once writes are
 * sparse enough for SQLite to start the WAL again by itself). Another process writing the same file can
 * spoil the moment; the checkpointer then asks again, each time waiting twice as long (up to a
 * minute) so that the pauses stay rare.
 */
function startCheckpointer(file: string, raw: SQLite.Database, opts: CheckpointOptions): Checkpointer {
  raw.pragma('wal_autocheckpoint = 0')
  const journalSizeLimit = `journal_size_limit = ${Math.min(JOURNAL_SIZE_LIMIT, opts.restartAboveBytes ?? JOURNAL_SIZE_LIMIT)}`
  raw.pragma(journalSizeLimit)
  const worker = new Worker(
    `const { workerData, parentPort } = require('node:worker_threads')
     const Database = require(workerData.module)
     const db = new Database(workerData.file)
     db.pragma('busy_timeout = 5000')
     const restartFrames = Math.ceil(workerData.restartAbove / db.pragma('page_size', { simple: true }))
     const checkpoint = () => { try { return db.pragma('wal_checkpoint(PASSIVE)')[0] } catch { return { log: 0, checkpointed: 0 } } }
     let timer
     const next = (ms) => { timer = setTimeout(run, ms) }
     let passes = 0
     let asked = false
     let logAtCopy = 0
     let retryMs = workerData.everyMs
     let askAfter = 0
     function run() {
       const { log, checkpointed } = checkpoint()
       if (logAtCopy) {
         // First look after a pause: did the WAL start again? If another process kept writing,
         // it did not; ask again later, each time twice as late (up to a minute).
         if (log < logAtCopy) retryMs = workerData.everyMs
         else {
           askAfter = Date.now() + retryMs
           retryMs = Math.min(2 * retryMs, 60000)
         }
         logAtCopy = 0
       }
       // Short, waiting for the writer's pause, or asking later: checkpoint at the usual pace.
       if (log <= restartFrames || asked || Date.now() < askAfter) return next(workerData.everyMs)
       // Too long: keep pace with the writer, and once nearly caught up (or after 20 passes) ask it
       // to pause before its next write transaction.
       if (log - checkpointed > workerData.gap && ++passes < 20) return next(0)
       passes = 0
       asked = true
       parentPort.postMessage('pause')
       next(workerData.everyMs)
     }
     parentPort.on('message', () => {
       // The writer has paused: copy the last frames now, then let it go on.
       clearTimeout(timer)
       logAtCopy = checkpoint().log || 1
       asked = false
       parentPort.postMessage('copied')
       next(workerData.everyMs)
     })
     next(workerData.everyMs)`,
    {
      eval: true,
      workerData: {
        file,
        module: require.resolve('better-sqlite3'),
        everyMs: opts.everyMs ?? 1000,
        restartAbove: opts.restartAboveBytes ?? RESTART_ABOVE_BYTES,
        gap: RESTART_GAP_FRAMES,
      },
    },
  )
  worker.unref()
  let pauseAsked = false
  let limitLifted = false
  let copied: (() => void) | undefined
  worker.on('message', (m: 'pause' | 'copied') => {
    if (m === 'pause') pauseAsked = true
    else copied?.()
  })
  worker.on('exit', () => copied?.())
  return {
    worker,
    beforeWrite() {
      // The write transaction that started the WAL again has committed: cut-backs may resume.
      if (limitLifted) {
        raw.pragma(journalSizeLimit)
        limitLifted = false
      }
      if (!pauseAsked) return undefined
      pauseAsked = false
      return new Promise<void>((resolve) => {
        copied = () => {
          // The next commit starts the WAL again. Cutting a 1 GB file back in that commit took a
          // few hundred ms of the event loop; the file keeps its size instead (it is overwritten
          // from its start) and is cut back by the next restart at a quiet moment.
          raw.pragma('journal_size_limit = -1')
          limitLifted = true
          resolve()
        }
        worker.postMessage('copy')
      })
    },
  }
}

/**
 * Kysely's SQLite driver prepares every statement anew; preparing costs more than running a
 * small statement, so keep prepared statements by SQL text. Write transactions start with
 * BEGIN IMMEDIATE: the write lock is taken up front, so two processes sharing the file wait on
 * busy_timeout instead of failing with SQLITE_BUSY half-way through. Every run of a statement
 * that writes is counted in `writes`: group commit (transaction.ts) reads it to tell whether a
 * use case that failed had written anything.
 */
function cachedStatements(raw: SQLite.Database, writes: WriteCount) {
  const cache = new Map<string, Pick<SQLite.Statement, 'reader' | 'all' | 'run' | 'iterate'>>()
  return {
    close: () => raw.close(),
    prepare(sql: string) {
      let stmt = cache.get(sql)
      if (!stmt) {
        const prepared = raw.prepare(sql === 'begin' ? 'begin immediate' : sql)
        stmt = prepared.readonly ? prepared : countingWrites(prepared, writes)
        if (cache.size > 2000) cache.clear()
        cache.set(sql, stmt)
      }
      return stmt
    },
  }
}

/** The statement as Kysely's driver uses it, counting each run in `writes`. */
function countingWrites(stmt: SQLite.Statement, writes: WriteCount): Pick<SQLite.Statement, 'reader' | 'all' | 'run' | 'iterate'> {
  return {
    reader: stmt.reader,
    all: (...params: unknown[]) => (writes.n++, stmt.all(...params)),
    run: (...params: unknown[]) => (writes.n++, stmt.run(...params)),
    iterate: (...params: unknown[]) => (writes.n++, stmt.iterate(...params)),
  }
}
