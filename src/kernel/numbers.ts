import { PostgresAdapter, sql } from 'kysely'
import type { Trx } from '../db/transaction.js'
import { compiledQuery } from '../db/compiled.js'

/** The document series Ordo numbers: sales orders, stock transfers, fulfilment orders, picklists, shipments, manifests, returns, credit notes. */
export type Series = 'SO' | 'TR' | 'FO' | 'PL' | 'SH' | 'MF' | 'RMA' | 'CN'

/** Numbers drawn ahead on PostgreSQL, per transaction, for a later `nextNumber` in it to take. */
const drawnAhead = new WeakMap<Trx, Map<Series, number>>()

/**
 * The next human document number (`SO-10001`). On PostgreSQL a sequence hands it out without
 * blocking other transactions (a rolled-back order leaves a gap, as in Shopify); SQLite already
 * serialises writers, so a counter row is as fast there.
 *
 * `ahead`: a series the same use case will most likely number too (an order's fulfilment order).
 * On PostgreSQL both numbers come in one statement, saving the use case a round trip later; a
 * number drawn ahead and not used is a gap, as a rollback leaves. SQLite's counters stay gap-free
 * and ignore it.
 */
export async function nextNumber(trx: Trx, series: Series, opts: { ahead?: Series } = {}): Promise<string> {
  if (trx.getExecutor().adapter instanceof PostgresAdapter) {
    const drawn = drawnAhead.get(trx)
    const ready = drawn?.get(series)
    if (ready !== undefined) {
      drawn!.delete(series)
      return `${series}-${ready}`
    }
    const ahead = opts.ahead
    if (ahead && ahead !== series) {
      const { rows } = await trx.executeQuery(nextTwoOnSequences(trx, { first: sequenceOf(series), second: sequenceOf(ahead) }))
      if (drawn) drawn.set(ahead, rows[0].m)
      else drawnAhead.set(trx, new Map([[ahead, rows[0].m]]))
      return `${series}-${rows[0].n}`
    }
    const { rows } = await sql<{ n: number }>`select nextval(${sequenceOf(series)}) as n`.execute(trx)
    return `${series}-${rows[0].n}`
  }
  const { rows } = await trx.executeQuery(nextOnCounter(trx, { series }))
  if (!rows.length) throw new Error(`no counter for series ${series}`)
  return `${series}-${rows[0].value}`
}

const sequenceOf = (series: Series) => `number_${series.toLowerCase()}_seq`

const nextTwoOnSequences = compiledQuery((db, p: { first: string; second: string }) =>
  db.selectNoFrom((eb) => [eb.fn<number>('nextval', [eb.val(p.first)]).as('n'), eb.fn<number>('nextval', [eb.val(p.second)]).as('m')]),
)

const nextOnCounter = compiledQuery((db, p: { series: Series }) =>
  db
    .updateTable('counters')
    .set((eb) => ({ value: eb('value', '+', 1) }))
    .where('name', '=', p.series)
    .returning('value'),
)
