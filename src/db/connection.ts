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
import { countWritesOf, type WriteCount } from './transaction.js'

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

export function connect(config: DatabaseConfig): Connection {
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
    const checkpointer = config.file === ':memory:' ? undefined : startCheckpointer(config.file, raw)
    const writes: WriteCount = { n: 0 }
    const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: cachedStatements(raw, writes) }), plugins })
    countWritesOf(db, writes)
    return {
      db,
      dialect: 'sqlite',
      sqlite: raw,
      close: async () => {
        await checkpointer?.terminate()
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

/**
 * SQLite copies the WAL back into the database file (a checkpoint, with an fsync) on the commit
 * that crosses 1,000 pages. better-sqlite3 is synchronous, so that commit would stall every
 * request in the process for the length of the copy. Instead the connection never checkpoints
 * itself, and a worker thread with its own connection runs passive checkpoints (which never block
 * writers) once a second: a page written by many commits in that second is copied once (measured
 * 5-10 % less CPU per order than every 200 ms). After a burst the WAL file is cut back to 64 MB.
 */
function startCheckpointer(file: string, raw: SQLite.Database): Worker {
  raw.pragma('wal_autocheckpoint = 0')
  raw.pragma('journal_size_limit = 67108864')
  const worker = new Worker(
    `const { workerData } = require('node:worker_threads')
     const Database = require(workerData.module)
     const db = new Database(workerData.file)
     db.pragma('busy_timeout = 5000')
     setInterval(() => { try { db.pragma('wal_checkpoint(PASSIVE)') } catch {} }, 1000)`,
    { eval: true, workerData: { file, module: require.resolve('better-sqlite3') } },
  )
  worker.unref()
  return worker
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
