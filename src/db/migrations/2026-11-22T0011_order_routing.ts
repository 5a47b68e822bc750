import type { Kysely } from 'kysely'

export async function up(db: Kysely<any>): Promise<void> {
  // An order may forbid splitting (ship from one location or wait); null follows the channel's routing policy.
  await db.schema.alterTable('orders').addColumn('allow_split', 'integer').execute()
  // Replacement and exchange orders point at the order they replace (and the return that caused them).
  await db.schema.alterTable('orders').addColumn('origin_order_id', 'text').execute()
  await db.schema.alterTable('orders').addColumn('origin_kind', 'text').execute()
  await db.schema.alterTable('orders').addColumn('origin_ref', 'text').execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const c of ['origin_ref', 'origin_kind', 'origin_order_id', 'allow_split']) await db.schema.alterTable('orders').dropColumn(c).execute()
}
