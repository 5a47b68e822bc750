import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { freshConnection } from '../../test/helpers.js'
import type { Connection } from './connection.js'
import { StatementNames } from './prepared.js'
import { inTransaction } from './transaction.js'

describe('StatementNames', () => {
  it('names a text the second time it is seen, and keeps that name', () => {
    const names = new StatementNames()
    expect(names.nameOf('select 1')).toBeUndefined()
    const name = names.nameOf('select 1')
    expect(name).toMatch(/^ordo_/)
    expect(names.nameOf('select 1')).toBe(name)
    expect(names.nameOf('select 2')).toBeUndefined()
    expect(names.nameOf('select 2')).not.toBe(name)
  })

  it('names no more than its limit of texts, and forgets texts seen once in bulk', () => {
    const names = new StatementNames(2, 3)
    for (const t of ['a', 'a', 'b', 'b']) names.nameOf(t)
    expect(names.nameOf('c')).toBeUndefined()
    expect(names.nameOf('c')).toBeUndefined() // the limit is reached: sent unnamed
    expect(names.nameOf('a')).toBeDefined()
    const small = new StatementNames(10, 2)
    small.nameOf('x')
    small.nameOf('y')
    small.nameOf('z') // a third text seen once: x and y are forgotten
    expect(small.nameOf('x')).toBeUndefined()
    expect(small.nameOf('z')).toBeDefined()
  })

  it('names a forgotten text anew', () => {
    const names = new StatementNames()
    names.nameOf('select 1')
    const first = names.nameOf('select 1')
    names.forget('select 1')
    expect(names.nameOf('select 1')).toBeUndefined()
    expect(names.nameOf('select 1')).not.toBe(first)
  })
})

describe.runIf(process.env.ORDO_TEST_DATABASE_URL)('prepared statements on PostgreSQL', () => {
  let conn: Connection & { drop(): Promise<void> }
  beforeAll(async () => {
    conn = await freshConnection('postgres')
  })
  afterAll(() => conn.drop())

  const probe = (db: Connection['db']) => db.selectFrom('prepared_probe' as never).selectAll().execute()

  it('answers a prepared select * whose table a migration changed, outside a transaction', async () => {
    await sql`create table prepared_probe (id int primary key)`.execute(conn.db)
    await sql`insert into prepared_probe values (1)`.execute(conn.db)
    for (let i = 0; i < 3; i++) expect(await probe(conn.db)).toEqual([{ id: 1 }])
    await sql`alter table prepared_probe add column note text`.execute(conn.db)
    expect(await probe(conn.db)).toEqual([{ id: 1, note: null }])
    expect(await probe(conn.db)).toEqual([{ id: 1, note: null }])
  })

  it('fails such a statement inside a transaction once, and prepares it anew for the next', async () => {
    for (let i = 0; i < 3; i++) await conn.db.transaction().execute(probe)
    await sql`alter table prepared_probe add column extra text`.execute(conn.db)
    await expect(conn.db.transaction().execute(probe)).rejects.toThrow(/cached plan must not change result type/)
    expect(await conn.db.transaction().execute(probe)).toEqual([{ id: 1, note: null, extra: null }])
  })

  it('retries a use case that meets such a statement', async () => {
    for (let i = 0; i < 3; i++) await inTransaction(conn.db, probe)
    await sql`alter table prepared_probe add column third text`.execute(conn.db)
    expect(await inTransaction(conn.db, probe)).toEqual([{ id: 1, note: null, extra: null, third: null }])
  })
})
