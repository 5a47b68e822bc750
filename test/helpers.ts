import { copyFileSync, mkdtempSync } from 'node:fs'
import { join } from 'node:path'
import { inject } from 'vitest'
import type { FastifyInstance, LightMyRequestResponse } from 'fastify'
import { sql } from 'kysely'
import { buildApp } from '../src/app.js'
import { connect, type Connection, type Dialect } from '../src/db/connection.js'
import { migrateToLatest } from '../src/db/migrations.js'
import { inTransaction } from '../src/db/transaction.js'
import { fixedClock } from '../src/kernel/clock.js'
import { systemActor } from '../src/kernel/context.js'
import { newId } from '../src/kernel/ids.js'
import type { Role } from '../src/kernel/auth.js'

/** The databases the integration suite runs on: SQLite always, PostgreSQL when ORDO_TEST_DATABASE_URL is set. */
export const DIALECTS: Dialect[] = ['sqlite', ...(process.env.ORDO_TEST_DATABASE_URL ? (['postgres'] as const) : [])]

/** A fresh database: a copy of the migrated SQLite template, or a new PostgreSQL schema. */
export async function freshConnection(dialect: Dialect): Promise<Connection & { drop(): Promise<void> }> {
  if (dialect === 'sqlite') {
    const dir = mkdtempSync(join(process.cwd(), '.tmp', 'db-'))
    const file = join(dir, 'ordo.db')
    copyFileSync(inject('sqliteTemplate'), file)
    const conn = connect({ dialect: 'sqlite', file })
    return { ...conn, drop: () => conn.close() }
  }
  const url = process.env.ORDO_TEST_DATABASE_URL!
  const schema = `t_${newId('x').slice(2).toLowerCase()}`
  const admin = connect({ dialect: 'postgres', url, poolSize: 1 })
  await sql`create schema ${sql.id(schema)}`.execute(admin.db)
  await admin.close()
  const conn = connect({ dialect: 'postgres', url, schema, poolSize: 20 })
  await migrateToLatest(conn.db)
  return {
    ...conn,
    drop: async () => {
      await conn.close()
      const a = connect({ dialect: 'postgres', url, poolSize: 1 })
      await sql`drop schema ${sql.id(schema)} cascade`.execute(a.db)
      await a.close()
    },
  }
}

export interface TestApp {
  app: FastifyInstance
  conn: Connection
  clock: ReturnType<typeof fixedClock>
  /** An admin key. */
  key: string
  keyFor(role: Role, channel?: string): Promise<string>
  call(method: string, url: string, opts?: { body?: unknown; key?: string | null; headers?: Record<string, string> }): Promise<LightMyRequestResponse & { body: string; json(): any }>
  close(): Promise<void>
}

export async function createTestApp(dialect: Dialect): Promise<TestApp> {
  const conn = await freshConnection(dialect)
  const clock = fixedClock('2026-11-02T09:00:00.000Z')
  const app = await buildApp({ conn, clock, logger: false, apiKeyCacheSeconds: 0, validateResponses: true })
  await app.ready()
  const keyFor = async (role: Role, channel?: string) =>
    (await inTransaction(conn.db, (trx) => app.services.auth.createKey(trx, { actor: systemActor, clock }, { name: `test-${role}`, role, channel }))).key
  const key = await keyFor('admin')
  return {
    app,
    conn,
    clock,
    key,
    keyFor,
    call: (method, url, opts = {}) =>
      app.inject({
        method: method as 'GET',
        url,
        ...(opts.body !== undefined ? { payload: opts.body as object } : {}),
        headers: { ...(opts.key === null ? {} : { authorization: `Bearer ${opts.key ?? key}` }), ...opts.headers },
      }) as never,
    close: async () => {
      await app.close()
      await conn.drop()
    },
  }
}
