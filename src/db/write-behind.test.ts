import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DIALECTS, freshConnection } from '../../test/helpers.js'
import { compiledInsert, compiledQuery } from './compiled.js'
import type { Connection } from './connection.js'
import { inTransaction, type Trx } from './transaction.js'
import { fold, readAhead, writeBehind } from './write-behind.js'

const channel = (code: string) => ({ id: `ch_${code}`, code, name: `Channel ${code}`, type: 'web', active: 1, createdAt: 'now', updatedAt: 'now' })
const key = (code: string, channelId: string) => ({ id: `key_${code}`, name: code, role: 'channel', channelId, prefix: code, keyHash: `hash-${code}`, createdAt: 'now', revokedAt: null })
const channelsNamed = compiledQuery((db, p: { codes: string[] }) => db.selectFrom('channels').select(['code', 'name']).where('code', 'in', p.codes).orderBy('code'))
const codes = async (db: Connection['db'] | Trx) => (await db.selectFrom('channels').select('code').orderBy('code').execute()).map((r) => r.code)

/** The text of every statement pg sends while `run` runs (none on SQLite). */
async function sentTexts(run: () => Promise<unknown>): Promise<string[]> {
  const texts: string[] = []
  const realQuery = pg.Client.prototype.query
  pg.Client.prototype.query = function (this: pg.Client, ...args: unknown[]) {
    // Repeated statements go out prepared: { name, text, values }.
    const text = typeof args[0] === 'string' ? args[0] : (args[0] as { text?: string } | undefined)?.text
    if (text) texts.push(text)
    return Reflect.apply(realQuery, this, args)
  } as typeof realQuery
  try {
    await run()
  } finally {
    pg.Client.prototype.query = realQuery
  }
  return texts
}

describe('fold', () => {
  it('moves each statement’s parameters past the ones before it', () => {
    const [sql, parameters] = fold([
      { sql: 'insert into a (x, y) values ($1, $2)', parameters: [1, 2] },
      { sql: 'insert into b (x) values ($1)', parameters: [3] },
      { sql: 'insert into c (x, y) values ($1, $2), ($3, $4)', parameters: [4, 5, 6, 7] },
    ])
    expect(sql).toBe('with w1 as (insert into a (x, y) values ($1, $2)), w2 as (insert into b (x) values ($3)) insert into c (x, y) values ($4, $5), ($6, $7)')
    expect(parameters).toEqual([1, 2, 3, 4, 5, 6, 7])
    // The same statements again (the text is reused) with other values, and with another row count.
    expect(fold([{ sql: 'insert into a (x, y) values ($1, $2)', parameters: [8, 9] }, { sql: 'insert into b (x) values ($1)', parameters: [10] }])).toEqual([
      'with w1 as (insert into a (x, y) values ($1, $2)) insert into b (x) values ($3)',
      [8, 9, 10],
    ])
    expect(fold([{ sql: 'insert into a (x, y) values ($1, $2), ($3, $4)', parameters: [1, 2, 3, 4] }, { sql: 'insert into b (x) values ($1)', parameters: [5] }])[0]).toBe(
      'with w1 as (insert into a (x, y) values ($1, $2), ($3, $4)) insert into b (x) values ($5)',
    )
  })
})

describe.each(DIALECTS)('writeBehind on %s', (dialect) => {
  let conn: Connection & { drop(): Promise<void> }
  beforeAll(async () => {
    conn = await freshConnection(dialect)
  })
  afterAll(() => conn.drop())

  it('lets a use case read what it wrote behind, parents and children alike', async () => {
    const seen = await inTransaction(conn.db, async (trx) => {
      await writeBehind(trx, compiledInsert(trx, 'channels', [channel('wb1')]))
      await writeBehind(trx, compiledInsert(trx, 'apiKeys', [key('wb1', 'ch_wb1')]))
      return trx.selectFrom('apiKeys').innerJoin('channels', 'channels.id', 'apiKeys.channelId').select(['channels.code', 'apiKeys.name']).where('apiKeys.id', '=', 'key_wb1').execute()
    })
    expect(seen).toEqual([{ code: 'wb1', name: 'wb1' }])
  })

  it('commits nothing of a use case whose held insert fails, and reports that insert’s error', async () => {
    const attempt = inTransaction(conn.db, async (trx) => {
      await writeBehind(trx, compiledInsert(trx, 'channels', [channel('wb2')]))
      await writeBehind(trx, compiledInsert(trx, 'channels', [channel('wb1')])) // taken above
      // A caller that swallows the error of its next read still cannot commit the rest.
      await trx.selectFrom('channels').selectAll().execute().catch(() => [])
      await writeBehind(trx, compiledInsert(trx, 'channels', [channel('wb3')]))
    })
    await expect(attempt).rejects.toMatchObject({ code: dialect === 'postgres' ? '23505' : expect.stringMatching(/^SQLITE_CONSTRAINT/) })
    expect((await codes(conn.db)).filter((c) => c.startsWith('wb'))).toEqual(['wb1'])
  })

  it('sends what it holds in front of the next statement that reads none of its tables, in one round trip', async () => {
    let result: unknown
    const queries = await sentTexts(async () => {
      result = await inTransaction(conn.db, async (trx) => {
        await writeBehind(trx, compiledInsert(trx, 'channels', [channel('cr1')]))
        await writeBehind(trx, compiledInsert(trx, 'apiKeys', [key('cr1', 'ch_cr1')]))
        // Reads neither table: carries both inserts.
        const carried = await trx.selectFrom('locations').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()
        // Reads a held table: the held insert goes first, on its own.
        await writeBehind(trx, compiledInsert(trx, 'channels', [channel('cr2')]))
        const seen = await trx.updateTable('channels').set({ name: 'seen' }).where('code', 'in', ['cr1', 'cr2']).executeTakeFirst()
        return { carried: Number(carried.n), updated: Number(seen.numUpdatedRows) }
      })
    })
    expect(result).toEqual({ carried: 0, updated: 2 })
    if (dialect === 'postgres') {
      const mine = queries.filter((q) => !q.startsWith('begin') && !q.startsWith('commit'))
      expect(mine).toHaveLength(3)
      expect(mine[0]).toMatch(/^with w1 as \(insert into "channels".*\), w2 as \(insert into "api_keys".*\) select count\(\*\)/)
      expect(mine[1]).toMatch(/^insert into "channels"/)
      expect(mine[2]).toMatch(/^update "channels"/)
    }
  })

  it('reports a held insert that fails at the commit, and commits nothing', async () => {
    await conn.db.insertInto('channels').values(channel('cm0')).execute()
    const attempt = inTransaction(conn.db, async (trx) => {
      await writeBehind(trx, compiledInsert(trx, 'channels', [channel('cm1')]))
      await writeBehind(trx, compiledInsert(trx, 'channels', [channel('cm0')])) // taken
    })
    await expect(attempt).rejects.toMatchObject({ code: dialect === 'postgres' ? '23505' : expect.stringMatching(/^SQLITE_CONSTRAINT/) })
    expect((await codes(conn.db)).filter((c) => c.startsWith('cm'))).toEqual(['cm0'])
    // The connection is clean for the next use case.
    await inTransaction(conn.db, (trx) => writeBehind(trx, compiledInsert(trx, 'channels', [channel('cm2')])))
    expect((await codes(conn.db)).filter((c) => c.startsWith('cm'))).toEqual(['cm0', 'cm2'])
  })

  it('answers a read made after the same read was sent ahead with its result, in one round trip with the statements between', async () => {
    await inTransaction(conn.db, (trx) => writeBehind(trx, compiledInsert(trx, 'channels', [channel('ra1'), channel('ra2')])))
    const texts = await sentTexts(() =>
      inTransaction(conn.db, async (trx) => {
        await readAhead(trx, channelsNamed(trx, { codes: ['ra1', 'ra2'] }))
        const between = await trx.selectFrom('locations').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()
        const rows = (await trx.executeQuery(channelsNamed(trx, { codes: ['ra1', 'ra2'] }))).rows
        // Another read of the same text, other values: not the one sent ahead, so it runs.
        const other = (await trx.executeQuery(channelsNamed(trx, { codes: ['ra2'] }))).rows
        expect({ n: Number(between.n), rows, other }).toEqual({ n: 0, rows: [{ code: 'ra1', name: 'Channel ra1' }, { code: 'ra2', name: 'Channel ra2' }], other: [{ code: 'ra2', name: 'Channel ra2' }] })
      }),
    )
    // On PostgreSQL the read goes out before the statement between, and only the other read follows.
    if (dialect === 'postgres') expect(texts.filter((q) => q.startsWith('select')).map((q) => q.slice(0, 13))).toEqual(['select "code"', 'select count(', 'select "code"'])
  })

  it('discards a read sent ahead once the use case writes before making it, so the read sees the write', async () => {
    await inTransaction(conn.db, (trx) => writeBehind(trx, compiledInsert(trx, 'channels', [channel('rb1')])))
    const rows = await inTransaction(conn.db, async (trx) => {
      await readAhead(trx, channelsNamed(trx, { codes: ['rb1'] }))
      await trx.updateTable('channels').set({ name: 'renamed' }).where('code', '=', 'rb1').execute()
      return (await trx.executeQuery(channelsNamed(trx, { codes: ['rb1'] }))).rows
    })
    expect(rows).toEqual([{ code: 'rb1', name: 'renamed' }])
    // Outside a transaction nothing is sent ahead, and the read runs as usual.
    await readAhead(conn.db as unknown as Trx, channelsNamed(conn.db, { codes: ['rb1'] }))
    expect((await conn.db.executeQuery(channelsNamed(conn.db, { codes: ['rb1'] }))).rows).toEqual([{ code: 'rb1', name: 'renamed' }])
  })

  it('drops what was held after a savepoint that is rolled back to', async () => {
    const trx = await conn.db.startTransaction().execute()
    await writeBehind(trx, compiledInsert(trx, 'channels', [channel('sp1')]))
    const sp = await trx.savepoint('inner').execute()
    await writeBehind(sp, compiledInsert(sp, 'channels', [channel('sp2')]))
    await sp.rollbackToSavepoint('inner').execute()
    await writeBehind(trx, compiledInsert(trx, 'channels', [channel('sp3')]))
    await trx.commit().execute()
    expect((await codes(conn.db)).filter((c) => c.startsWith('sp'))).toEqual(['sp1', 'sp3'])
  })
})
