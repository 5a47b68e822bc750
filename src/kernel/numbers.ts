import { PostgresAdapter, sql } from 'kysely'
import type { Trx } from '../db/transaction.js'
import { compiledQuery } from '../db/compiled.js'

/** The document series Ordo numbers: sales orders, stock transfers, fulfilment orders, picklists, shipments, manifests, returns, credit notes. */
export type Series = 'SO' | 'TR' | 'FO' | 'PL' | 'SH' | 'MF' | 'RMA' | 'CN'

/**
 * The next human document number (`SO-10001`). SQLite already serialises writers, so there a
 * counter row is fast and gap-free. On PostgreSQL a sequence hands numbers out without blocking
 * other transactions (a rolled-back order leaves a gap, as in Shopify), and each process takes
 * them in blocks (`NumberBlocks`), so a busy series costs no statement per document.
 */
export async function nextNumber(trx: Trx, series: Series): Promise<string> {
  const executor = trx.getExecutor()
  if (executor.adapter instanceof PostgresAdapter) return `${series}-${await blocksOf(executor.adapter).next(trx, series)}`
  const { rows } = await trx.executeQuery(nextOnCounter(trx, { series }))
  if (!rows.length) throw new Error(`no counter for series ${series}`)
  return `${series}-${rows[0].value}`
}

/**
 * Sequence numbers a process holds for later documents, per series. A series that is numbered
 * again within a second of its last draw takes twice as many next time (up to 64); one drawn
 * less often goes back down, so a quiet series still takes one number at a time. What a process
 * holds when it stops is a gap, as a rollback leaves; with several processes, numbers follow each
 * other per process, not across them (as with a sequence's own CACHE).
 */
class NumberBlocks {
  private readonly held = new Map<Series, { numbers: number[]; size: number; drawnAt: number }>()

  async next(trx: Trx, series: Series): Promise<number> {
    let block = this.held.get(series)
    if (!block) this.held.set(series, (block = { numbers: [], size: 1, drawnAt: -Infinity }))
    if (!block.numbers.length) {
      const now = performance.now()
      block.size = now - block.drawnAt < 1000 ? Math.min(block.size * 2, 64) : Math.max(1, block.size >> 1)
      block.drawnAt = now
      const { rows } = await trx.executeQuery(drawFromSequence(trx, { sequence: sequenceOf(series), count: block.size }))
      // Another use case of this process may have drawn meanwhile: keep the numbers in order.
      block.numbers = [...block.numbers, ...rows.map((r) => r.n)].sort((x, y) => x - y)
    }
    return block.numbers.shift()!
  }
}

/** One set of blocks per database: a Kysely instance (and its transactions) shares one adapter. */
const blocks = new WeakMap<object, NumberBlocks>()
const blocksOf = (adapter: object) => {
  let b = blocks.get(adapter)
  if (!b) blocks.set(adapter, (b = new NumberBlocks()))
  return b
}

const sequenceOf = (series: Series) => `number_${series.toLowerCase()}_seq`

const drawFromSequence = compiledQuery((db, p: { sequence: string; count: number }) =>
  db.selectFrom(sql<{ i: number }>`generate_series(1, ${p.count}::int)`.as('i')).select(sql<number>`nextval(${p.sequence})`.as('n')),
)

const nextOnCounter = compiledQuery((db, p: { series: Series }) =>
  db
    .updateTable('counters')
    .set((eb) => ({ value: eb('value', '+', 1) }))
    .where('name', '=', p.series)
    .returning('value'),
)
