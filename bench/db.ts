/**
 * A fresh, migrated database for one bench section: SQLite in a new temp file, or PostgreSQL in a
 * new schema (dropped by `cleanup`), with the URL a server process needs to reach the same data.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import os from 'node:os'
import { join } from 'node:path'
import pg from 'pg'
import { sql } from 'kysely'
import { connect, type Connection, type Dialect } from '../src/db/connection.js'
import { migrateToLatest } from '../src/db/migrations.js'

export interface Prepared {
  conn: Connection
  /** DATABASE_URL for `ordo serve` on the same data. */
  serverUrl: string
  cleanup(): Promise<void>
}

/** A URL whose connections use `schema`: libpq's `options` parameter, which pg reads from the URL too. */
function withSearchPath(url: string, schema: string) {
  const u = new URL(url)
  u.searchParams.set('options', `-c search_path=${schema}`)
  return u.toString()
}

/** Null when PostgreSQL answers at `url`, else why not. */
export async function pgProblem(url: string): Promise<string | null> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 })
  try {
    await client.connect()
    await client.query('select 1')
    return null
  } catch (err) {
    return (err as Error).message
  } finally {
    await client.end().catch(() => {})
  }
}

async function showSearchPath(url: string): Promise<string> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 })
  await client.connect()
  try {
    return (await client.query<{ search_path: string }>('show search_path')).rows[0].search_path
  } finally {
    await client.end()
  }
}

/** A migrated database; for PostgreSQL the caller checks first that the server answers (`pgProblem`). */
export async function freshDatabase(dialect: Dialect, opts: { pgUrl: string; poolSize: number }): Promise<Prepared> {
  if (dialect === 'sqlite') {
    const dir = mkdtempSync(join(os.tmpdir(), 'ordo-bench-'))
    const file = join(dir, 'ordo.db')
    const conn = connect({ dialect: 'sqlite', file })
    await migrateToLatest(conn.db)
    return {
      conn,
      serverUrl: `sqlite:${file}`,
      cleanup: async () => {
        await conn.close()
        rmSync(dir, { recursive: true, force: true })
      },
    }
  }
  const schema = `bench_${Date.now().toString(36)}_${process.pid}`
  const admin = connect({ dialect: 'postgres', url: opts.pgUrl, poolSize: 1 })
  await sql`create schema ${sql.id(schema)}`.execute(admin.db)
  await admin.close()
  const drop = async () => {
    const a = connect({ dialect: 'postgres', url: opts.pgUrl, poolSize: 1 })
    await sql`drop schema if exists ${sql.id(schema)} cascade`.execute(a.db)
    await a.close()
  }
  const serverUrl = withSearchPath(opts.pgUrl, schema)
  // The server gets the schema through the URL only: make sure it lands there and not in public.
  const seen = await showSearchPath(serverUrl)
  if (seen !== schema) {
    await drop()
    throw new Error(`PostgreSQL: a URL with options=-c search_path=${schema} gave search_path "${seen}"`)
  }
  const conn = connect({ dialect: 'postgres', url: opts.pgUrl, schema, poolSize: opts.poolSize })
  const cleanup = async () => {
    await conn.close()
    await drop()
  }
  try {
    await migrateToLatest(conn.db)
  } catch (err) {
    await cleanup()
    throw err
  }
  return { conn, serverUrl, cleanup }
}
