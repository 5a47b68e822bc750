import { sql, type Kysely } from 'kysely'

export async function up(db: Kysely<any>): Promise<void> {
  // One row per (product, location): the running sum of the ledger. available = on_hand - reserved.
  await db.schema
    .createTable('stock_levels')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('product_id', 'text', (c) => c.notNull().references('products.id'))
    .addColumn('location_id', 'text', (c) => c.notNull().references('locations.id'))
    .addColumn('on_hand', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('reserved', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('reorder_point', 'integer')
    .addColumn('reorder_quantity', 'integer')
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('stock_levels_product_location', ['product_id', 'location_id'])
    .addCheckConstraint('stock_levels_reserved_range', sql`reserved >= 0 and on_hand >= reserved`)
    .execute()
  await db.schema.createIndex('stock_levels_location').on('stock_levels').column('location_id').execute()

  // Below the location: where in the building (bin) and which batch (lot) the on-hand units are.
  // '' stands for "no bin" / "no lot" so the unique key works the same on both databases.
  await db.schema
    .createTable('stock_buckets')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('product_id', 'text', (c) => c.notNull().references('products.id'))
    .addColumn('location_id', 'text', (c) => c.notNull().references('locations.id'))
    .addColumn('bin_code', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('lot', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('expires_on', 'text')
    .addColumn('on_hand', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('stock_buckets_key', ['product_id', 'location_id', 'bin_code', 'lot'])
    .execute()

  // Append-only: every movement of on-hand or reserved units, with what caused it.
  await db.schema
    .createTable('stock_ledger')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('product_id', 'text', (c) => c.notNull())
    .addColumn('location_id', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('on_hand_delta', 'integer', (c) => c.notNull())
    .addColumn('reserved_delta', 'integer', (c) => c.notNull())
    .addColumn('bin_code', 'text')
    .addColumn('lot', 'text')
    .addColumn('ref_type', 'text')
    .addColumn('ref_id', 'text')
    .addColumn('reason', 'text')
    .addColumn('actor', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute()
  await db.schema.createIndex('stock_ledger_stock').on('stock_ledger').columns(['product_id', 'location_id', 'id']).execute()

  await db.schema
    .createTable('stock_transfers')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('number', 'text', (c) => c.notNull().unique())
    .addColumn('product_id', 'text', (c) => c.notNull())
    .addColumn('from_location_id', 'text', (c) => c.notNull())
    .addColumn('to_location_id', 'text', (c) => c.notNull())
    .addColumn('quantity', 'integer', (c) => c.notNull())
    .addColumn('reason', 'text')
    .addColumn('actor', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const t of ['stock_transfers', 'stock_ledger', 'stock_buckets', 'stock_levels']) await db.schema.dropTable(t).execute()
}
