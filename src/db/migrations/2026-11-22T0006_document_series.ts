import { PostgresAdapter, sql, type Kysely } from 'kysely'

// Series for fulfilment documents: fulfilment orders, picklists, shipments, manifests, returns.
const SERIES = ['FO', 'PL', 'SH', 'MF', 'RMA']

export async function up(db: Kysely<any>): Promise<void> {
  // Items that need proof at the door (age-restricted, high value): a delivery code or an ID check before `delivered`.
  await db.schema.alterTable('products').addColumn('proof_on_delivery', 'integer', (c) => c.notNull().defaultTo(0)).execute()
  if (db.getExecutor().adapter instanceof PostgresAdapter) {
    for (const s of SERIES) await sql`create sequence ${sql.raw(`number_${s.toLowerCase()}_seq`)} start 10001`.execute(db)
  } else {
    await db.insertInto('counters').values(SERIES.map((name) => ({ name, value: 10000 }))).execute()
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('products').dropColumn('proof_on_delivery').execute()
  if (db.getExecutor().adapter instanceof PostgresAdapter) {
    for (const s of SERIES) await sql`drop sequence ${sql.raw(`number_${s.toLowerCase()}_seq`)}`.execute(db)
  } else {
    await db.deleteFrom('counters').where('name', 'in', SERIES).execute()
  }
}
