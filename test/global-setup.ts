import { mkdirSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { connect } from '../src/db/connection.js'
import { migrateToLatest } from '../src/db/migrations.js'

/** Migrates one SQLite file once; every test app starts from a copy of it. */
export default async function setup({ provide }: { provide: (key: string, value: string) => void }) {
  const dir = join(process.cwd(), '.tmp', `test-${process.pid}`)
  mkdirSync(dir, { recursive: true })
  const template = join(dir, 'template.db')
  const conn = connect({ dialect: 'sqlite', file: template })
  await migrateToLatest(conn.db)
  await conn.close()
  // One self-contained file (no -wal beside it), so a plain copy is a complete database.
  const raw = new Database(template)
  raw.pragma('journal_mode = DELETE')
  raw.close()
  provide('sqliteTemplate', template)
  return () => rmSync(dir, { recursive: true, force: true })
}

declare module 'vitest' {
  export interface ProvidedContext {
    sqliteTemplate: string
  }
}
