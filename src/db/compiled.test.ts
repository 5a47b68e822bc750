import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DIALECTS, freshConnection } from '../../test/helpers.js'
import { compiledInsert, compiledQuery } from './compiled.js'
import type { Connection } from './connection.js'

const channel = (code: string) => ({ id: `ch_${code}`, code, name: `Channel ${code}`, type: 'web', active: 1, createdAt: 'now', updatedAt: 'now' })

const channelsNamed = compiledQuery((db, p: { name: string; active: number }) =>
  db.selectFrom('channels').select('code').where('name', '=', p.name).where('active', '=', p.active).where('type', '=', 'web').orderBy('code'),
)
const rename = compiledQuery((db, p: { code: string; name: string }) =>
  db.updateTable('channels').set({ name: p.name, updatedAt: p.name }).where('code', '=', p.code).returning(['code', 'name', 'updatedAt']),
)

describe.each(DIALECTS)('compiled statements on %s', (dialect) => {
  let conn: Connection & { drop(): Promise<void> }
  beforeAll(async () => {
    conn = await freshConnection(dialect)
  })
  afterAll(() => conn.drop())

  it('compiles an insert as Kysely does, and binds each call’s values', async () => {
    const rows = [channel('cmp1'), channel('cmp2')]
    expect(compiledInsert(conn.db, 'channels', rows).sql).toBe(conn.db.insertInto('channels').values(rows).compile().sql)
    await conn.db.executeQuery(compiledInsert(conn.db, 'channels', rows))
    await conn.db.executeQuery(compiledInsert(conn.db, 'channels', [channel('cmp3'), channel('cmp4')]))
    // A row with a value left undefined (the column's default) is compiled as Kysely would.
    const partial = { ...channel('cmp5'), active: undefined as unknown as number }
    expect(compiledInsert(conn.db, 'channels', [partial]).sql).not.toContain('"active"')
    // The same table and columns in another order: compiled as a shape of its own.
    const reordered = (code: string) => {
      const { id, ...rest } = channel(code)
      return { ...rest, id }
    }
    expect(compiledInsert(conn.db, 'channels', [channel('cmp6')]).sql).toBe(conn.db.insertInto('channels').values([channel('cmp6')]).compile().sql)
    expect(compiledInsert(conn.db, 'channels', [reordered('cmp6')]).sql).toBe(conn.db.insertInto('channels').values([reordered('cmp6')]).compile().sql)
    await conn.db.executeQuery(compiledInsert(conn.db, 'channels', [reordered('cmp6')]))
    const codes = await conn.db.selectFrom('channels').select('code').where('code', 'like', 'cmp%').orderBy('code').execute()
    expect(codes.map((r) => r.code)).toEqual(['cmp1', 'cmp2', 'cmp3', 'cmp4', 'cmp6'])
  })

  it('binds a query’s placeholders per call, keeps its constants, and maps the result’s columns', async () => {
    await conn.db.insertInto('channels').values([channel('q1'), { ...channel('q2'), name: 'Other' }, { ...channel('q3'), active: 0 }]).execute()
    expect((await conn.db.executeQuery(channelsNamed(conn.db, { name: 'Channel q1', active: 1 }))).rows).toEqual([{ code: 'q1' }])
    expect((await conn.db.executeQuery(channelsNamed(conn.db, { name: 'Other', active: 1 }))).rows).toEqual([{ code: 'q2' }])
    expect((await conn.db.executeQuery(channelsNamed(conn.db, { name: 'Channel q3', active: 1 }))).rows).toEqual([])
    // The same placeholder twice, in a transaction, returning camelCase columns.
    const renamed = await conn.db.transaction().execute((trx) => trx.executeQuery(rename(trx, { code: 'q3', name: 'Renamed' })))
    expect(renamed.rows).toEqual([{ code: 'q3', name: 'Renamed', updatedAt: 'Renamed' }])
  })

  it('compiles a list parameter once per length', async () => {
    await conn.db.insertInto('channels').values([channel('l1'), channel('l2'), channel('l3')]).execute()
    const byCodes = compiledQuery((db, p: { codes: string[]; active: number }) =>
      db.selectFrom('channels').select('code').where('code', 'in', p.codes).where('active', '=', p.active).orderBy('code'),
    )
    const codes = async (list: string[]) => (await conn.db.executeQuery(byCodes(conn.db, { codes: list, active: 1 }))).rows.map((r) => (r as { code: string }).code)
    expect(await codes(['l1'])).toEqual(['l1'])
    expect(await codes(['l3', 'l2'])).toEqual(['l2', 'l3'])
    expect(await codes(['l2'])).toEqual(['l2'])
    expect(await codes(['l1', 'l2', 'l3', 'nope'])).toEqual(['l1', 'l2', 'l3'])
    expect(byCodes(conn.db, { codes: ['a', 'b'], active: 0 }).parameters).toEqual(['a', 'b', 0])
  })

  it('refuses a placeholder that would become part of the SQL text', () => {
    const bad = compiledQuery((db, p: { column: string }) => db.selectFrom('channels').select(sql.ref(p.column).as('x')))
    expect(() => bad(conn.db, { column: 'code' })).toThrow(/placeholder ended up in the SQL text/)
  })
})
