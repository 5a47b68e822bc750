import { mkdirSync } from 'node:fs'
import { dirname } from 'node:path'
import SQLite from 'better-sqlite3'
import pg from 'pg'
import { CamelCasePlugin, Kysely, PostgresDialect, SqliteDialect } from 'kysely'
import type { DatabaseConfig } from '../config.js'
import type { Database } from './database.js'

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
    const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: cachedStatements(raw) }), plugins })
    return { db, dialect: 'sqlite', sqlite: raw, close: () => db.destroy() }
  }
  const pool = new pg.Pool({
    connectionString: config.url,
    max: config.poolSize,
    ...(config.schema ? { options: `-c search_path=${config.schema}` } : {}),
  })
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }), plugins })
  return { db, dialect: 'postgres', pool, close: () => db.destroy() }
}

/**
 * Kysely's SQLite driver prepares every statement anew; preparing costs more than running a
 * small statement, so keep prepared statements by SQL text. Write transactions start with
 * BEGIN IMMEDIATE: the write lock is taken up front, so two processes sharing the file wait on
 * busy_timeout instead of failing with SQLITE_BUSY half-way through.
 */
function cachedStatements(raw: SQLite.Database) {
  const cache = new Map<string, SQLite.Statement>()
  return {
    close: () => raw.close(),
    prepare(sql: string) {
      let stmt = cache.get(sql)
      if (!stmt) {
        stmt = raw.prepare(sql === 'begin' ? 'begin immediate' : sql)
        if (cache.size > 2000) cache.clear()
        cache.set(sql, stmt)
      }
      return stmt
    },
  }
}
