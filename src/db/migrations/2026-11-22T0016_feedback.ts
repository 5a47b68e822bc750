import { randomBytes } from 'node:crypto'
import { sql, type Kysely } from 'kysely'

export async function up(db: Kysely<any>): Promise<void> {
  // What customers said about an order after delivery: one row per order, edited in place.
  await db.schema
    .createTable('order_feedback')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('order_id', 'text', (c) => c.notNull().unique())
    .addColumn('order_number', 'text', (c) => c.notNull())
    .addColumn('channel_id', 'text', (c) => c.notNull())
    .addColumn('rating', 'integer', (c) => c.notNull().check(sql`rating between 1 and 5`))
    .addColumn('comment', 'text')
    .addColumn('given_by', 'text', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute()
  await db.schema.createIndex('order_feedback_created').on('order_feedback').columns(['created_at', 'id']).execute()

  // The secret that signs customers' order-status links when ORDO_LINK_SECRET is not set. Made here,
  // once per database, so every process and every restart signs and checks links alike.
  await db.schema
    .createTable('self_service_settings')
    .addColumn('name', 'text', (c) => c.primaryKey())
    .addColumn('value', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute()
  await db
    .insertInto('self_service_settings')
    .values({ name: 'link_secret', value: randomBytes(32).toString('base64url'), created_at: new Date().toISOString() })
    .execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('self_service_settings').execute()
  await db.schema.dropTable('order_feedback').execute()
}
