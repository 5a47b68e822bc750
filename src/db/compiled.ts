import { PostgresAdapter, type Compilable, type CompiledQuery, type Insertable } from 'kysely'
import type { Db } from './connection.js'
import type { Database } from './database.js'
import type { Trx } from './transaction.js'

type Table = keyof Database & string

/**
 * The insert of `rows` into `table`, compiled once. Building and compiling a wide insert with
 * Kysely costs more than SQLite takes to run it (≈ 40 µs for the 30 columns of an order), and
 * the hot paths write the same shapes over and over: the SQL is kept per dialect, table, column
 * list and row count, and only the values are bound per call. Every row must have the keys of the
 * first one; a row with another shape or an `undefined` value (Kysely's "leave it to the
 * default") is compiled as usual, uncached. Ordo's Kysely instances all carry the same plugins
 * (CamelCasePlugin), so the dialect is the only part of the instance the SQL depends on.
 */
export function compiledInsert<T extends Table>(db: Trx | Db, table: T, rows: readonly Insertable<Database[T]>[]): CompiledQuery {
  const columns = Object.keys(rows[0])
  const values: unknown[] = []
  for (const row of rows) {
    const r = row as Record<string, unknown>
    if (Object.keys(r).length !== columns.length) return build(db, table, rows)
    for (const c of columns) {
      const v = r[c]
      if (v === undefined) return build(db, table, rows)
      values.push(v)
    }
  }
  const dialect = db.getExecutor().adapter instanceof PostgresAdapter ? 'pg' : 'sqlite'
  // Keyed without the column list (joining thirty names and hashing the result cost more than the
  // rest of the call); the shapes under a key are told apart by their columns, compared in order.
  const key = `${dialect}|${table}|${rows.length}`
  let shapes = templates.get(key)
  let shape = shapes?.find((s) => s.columns.length === columns.length && s.columns.every((c, i) => c === columns[i]))
  if (!shape) {
    shape = { columns, template: compileTemplate(db, table, columns, rows.length) }
    if (!shapes) {
      if (templates.size >= MAX_TEMPLATES) templates.clear()
      templates.set(key, (shapes = []))
    }
    if (shapes.length >= MAX_SHAPES_PER_KEY) shapes.length = 0
    shapes.push(shape)
  }
  if (shape.template === null) return build(db, table, rows)
  return { ...shape.template, parameters: values }
}

const MAX_TEMPLATES = 500
const MAX_SHAPES_PER_KEY = 16
/** template null: this shape does not compile to one parameter per value in row order (then it is never used). */
const templates = new Map<string, { columns: string[]; template: CompiledQuery | null }[]>()

const build = <T extends Table>(db: Trx | Db, table: T, rows: readonly Insertable<Database[T]>[]) =>
  db
    .insertInto(table)
    .values(rows as Insertable<Database[T]>[])
    .compile()

/** Compiles the insert with a unique marker in every cell, and keeps it only if the markers come out as the parameters, in order. */
function compileTemplate(db: Trx | Db, table: Table, columns: string[], rowCount: number): CompiledQuery | null {
  const markers: string[] = []
  const rows = Array.from({ length: rowCount }, () =>
    Object.fromEntries(
      columns.map((c) => {
        const m = `\u0000ordo:${markers.length}`
        markers.push(m)
        return [c, m]
      }),
    ),
  )
  const compiled = db
    .insertInto(table)
    .values(rows as never)
    .compile()
  const ok = compiled.parameters.length === markers.length && compiled.parameters.every((p, i) => p === markers[i])
  return ok ? compiled : null
}

type Slot = { key: string; index?: number } | { value: unknown }
const PLACEHOLDER = '\u0000ordo:'
/** Templates kept per compiled query: one per dialect and per combination of list lengths. */
const MAX_SHAPES = 64

/**
 * A query of fixed shape compiled once per dialect: `build` writes it against placeholders (`p.sku`
 * stands for the value given as `sku` at each call), and each call binds only the values. For the
 * statements every order runs (the stock reservation, the document counter, the customer lookup),
 * whose building costs Kysely 10–30 µs a time. Values written into `build` as constants are kept.
 * A list parameter (`where('sku', 'in', p.skus)`) gets a template per list length. A placeholder
 * Kysely did not turn into a bind parameter (used as an identifier, say) is a bug, reported on the
 * first call.
 */
export function compiledQuery<P extends Record<string, unknown>, R = unknown>(build: (db: Trx | Db, p: P) => Compilable<R>): (db: Trx | Db, params: P) => CompiledQuery<R> {
  const shapes = new Map<string, { template: CompiledQuery<R>; slots: Slot[] }>()
  return (db, params) => {
    let shape = db.getExecutor().adapter instanceof PostgresAdapter ? 'pg' : 'sqlite'
    for (const key in params) {
      const v = params[key]
      if (Array.isArray(v)) shape += `|${key}:${v.length}`
    }
    let c = shapes.get(shape)
    if (!c) {
      const lists = Object.fromEntries(
        Object.entries(params).flatMap(([key, v]) => (Array.isArray(v) ? [[key, v.map((_, i) => `${PLACEHOLDER}${key}\u0000${i}`)]] : [])),
      )
      const placeholders = new Proxy(lists, { get: (t, key: string) => t[key] ?? `${PLACEHOLDER}${key}` }) as P
      const template = build(db, placeholders).compile()
      if (template.sql.includes(PLACEHOLDER)) throw new Error(`a placeholder ended up in the SQL text: ${template.sql}`)
      const slots = template.parameters.map((v): Slot => {
        if (typeof v !== 'string' || !v.startsWith(PLACEHOLDER)) return { value: v }
        const [key, index] = v.slice(PLACEHOLDER.length).split('\u0000')
        return index === undefined ? { key } : { key, index: Number(index) }
      })
      if (shapes.size >= MAX_SHAPES) shapes.clear()
      shapes.set(shape, (c = { template, slots }))
    }
    return { ...c.template, parameters: c.slots.map((s) => ('key' in s ? (s.index === undefined ? params[s.key] : (params[s.key] as unknown[])[s.index]) : s.value)) }
  }
}
