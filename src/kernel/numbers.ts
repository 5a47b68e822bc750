import { PostgresAdapter, sql } from 'kysely'
import type { Trx } from '../db/transaction.js'
import { compiledQuery } from '../db/compiled.js'

/** The document series Ordo numbers: sales orders, stock transfers, fulfilment orders, picklists, shipments, manifests, returns, credit notes. */
export type Series = 'SO' | 'TR' | 'FO' | 'PL' | 'SH' | 'MF' | 'RMA' | 'CN'

/**
 * The next human document number (`SO-10001`). On PostgreSQL a sequence hands it out without
 * blocking other transactions (a rolled-back order leaves a gap, as in Shopify); SQLite already
 * serialises writers, so a counter row is as fast there.
 */
export async function nextNumber(trx: Trx, series: Series): Promise<string> {
  if (trx.getExecutor().adapter instanceof PostgresAdapter) {
    const { rows } = await sql<{ n: number }>`select nextval(${`number_${series.toLowerCase()}_seq`}) as n`.execute(trx)
    return `${series}-${rows[0].n}`
  }
  const { rows } = await trx.executeQuery(nextOnCounter(trx, { series }))
  if (!rows.length) throw new Error(`no counter for series ${series}`)
  return `${series}-${rows[0].value}`
}

const nextOnCounter = compiledQuery((db, p: { series: Series }) =>
  db
    .updateTable('counters')
    .set((eb) => ({ value: eb('value', '+', 1) }))
    .where('name', '=', p.series)
    .returning('value'),
)
