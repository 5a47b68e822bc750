import type { Connection } from './db/connection.js'
import type { Services } from './services.js'

export interface CheckReport {
  ok: boolean
  problems: string[]
  stockRows: number
  ledgerRows: number
}

/**
 * `ordo check`: proves the inventory invariants. Every stock row equals the sum of its ledger and
 * of its bins/lots, every reserved unit belongs to an open order line (and vice versa), and every
 * unit waiting in staging belongs to a fulfilment order that picked it.
 */
export async function runChecks(conn: Connection, services: Services): Promise<CheckReport> {
  const stock = await services.inventory.check(conn.db)
  const reservations = await services.orders.checkReservations(conn.db, await services.inventory.reservedByStock(conn.db))
  const staging = await services.fulfillment.check(conn.db)
  const problems = [...stock.problems, ...reservations, ...staging]
  return { ok: problems.length === 0, problems, stockRows: stock.stockRows, ledgerRows: stock.ledgerRows }
}
