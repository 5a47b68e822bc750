import { sql, type Kysely } from 'kysely'

export async function up(db: Kysely<any>): Promise<void> {
  // Lines were indexed by product for one reader: filling backorders when stock arrives. Every
  // order paid for that index with a write on a random page; indexing only the backordered lines
  // (a few) serves the same reader and costs a normal order nothing.
  await db.schema.dropIndex('order_lines_product').execute()
  await db.schema
    .createIndex('order_lines_backordered_product')
    .on('order_lines')
    .columns(['product_id', 'order_id'])
    .where(sql.ref('backordered_qty'), '>', sql.lit(0))
    .execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('order_lines_backordered_product').execute()
  await db.schema.createIndex('order_lines_product').on('order_lines').columns(['product_id', 'order_id']).execute()
}
