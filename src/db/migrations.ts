import type { Kysely, Migration, MigrationProvider } from 'kysely'
import { Migrator, PostgresAdapter, sql } from 'kysely'
import * as m0001 from './migrations/2026-11-21T0001_auth_channels.js'
import * as m0002 from './migrations/2026-11-21T0002_catalog_locations.js'
import * as m0003 from './migrations/2026-11-21T0003_inventory.js'
import * as m0004 from './migrations/2026-11-21T0004_orders.js'
import * as m0005 from './migrations/2026-11-21T0005_events_idempotency.js'
import * as m0006 from './migrations/2026-11-22T0006_document_series.js'
import * as m0007 from './migrations/2026-11-22T0007_routing.js'
import * as m0008 from './migrations/2026-11-22T0008_fulfillment.js'
import * as m0009 from './migrations/2026-11-22T0009_shipping.js'
import * as m0010 from './migrations/2026-11-22T0010_users_sessions.js'
import * as m0011 from './migrations/2026-11-22T0011_order_routing.js'
import * as m0012 from './migrations/2026-11-22T0012_webhooks.js'
import * as m0013 from './migrations/2026-11-22T0013_notifications.js'
import * as m0014 from './migrations/2026-11-22T0014_returns.js'
import * as m0015 from './migrations/2026-11-22T0015_exceptions.js'
import * as m0016 from './migrations/2026-11-22T0016_feedback.js'
import * as m0017 from './migrations/2026-11-22T0017_backordered_lines_by_product.js'

// Listed by hand so a built package needs no file globbing. Names sort by time.
const migrations: Record<string, Migration> = {
  '2026-11-21T0001_auth_channels': m0001,
  '2026-11-21T0002_catalog_locations': m0002,
  '2026-11-21T0003_inventory': m0003,
  '2026-11-21T0004_orders': m0004,
  '2026-11-21T0005_events_idempotency': m0005,
  '2026-11-22T0006_document_series': m0006,
  '2026-11-22T0007_routing': m0007,
  '2026-11-22T0008_fulfillment': m0008,
  '2026-11-22T0009_shipping': m0009,
  '2026-11-22T0010_users_sessions': m0010,
  '2026-11-22T0011_order_routing': m0011,
  '2026-11-22T0012_webhooks': m0012,
  '2026-11-22T0013_notifications': m0013,
  '2026-11-22T0014_returns': m0014,
  '2026-11-22T0015_exceptions': m0015,
  '2026-11-22T0016_feedback': m0016,
  '2026-11-22T0017_backordered_lines_by_product': m0017,
}

const provider: MigrationProvider = { getMigrations: async () => migrations }

/** Brings the schema up to date; returns the names of the migrations it ran. */
export async function migrateToLatest(db: Kysely<any>): Promise<string[]> {
  // Kysely looks for its bookkeeping tables in every schema it can see; on PostgreSQL pin them to
  // the schema this connection works in (search_path), so databases with several schemas stay apart.
  const migrationTableSchema =
    db.getExecutor().adapter instanceof PostgresAdapter ? (await sql<{ schema: string }>`select current_schema() as schema`.execute(db)).rows[0].schema : undefined
  const migrator = new Migrator({ db, provider, ...(migrationTableSchema ? { migrationTableSchema } : {}) })
  const { error, results } = await migrator.migrateToLatest()
  if (error) throw error instanceof Error ? error : new Error(String(error))
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName)
}
