import { sql, type Kysely } from 'kysely'

export async function up(db: Kysely<any>): Promise<void> {
  // The exception queue itself is derived from each module's own state; this table holds only the
  // people's part, keyed by the item's stable key (`hold:hold_01…`): who has it, and who resolved
  // it with which note. `item` keeps the item as last seen, so a resolved item whose condition has
  // ended can still be shown.
  await db.schema
    .createTable('exceptions')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('hold_code', 'text')
    .addColumn('order_id', 'text')
    .addColumn('location', 'text')
    .addColumn('channel', 'text')
    .addColumn('item', 'text', (c) => c.notNull())
    .addColumn('assignee', 'text')
    .addColumn('assigned_at', 'text')
    .addColumn('assigned_by', 'text')
    .addColumn('note', 'text')
    .addColumn('resolved_at', 'text')
    .addColumn('resolved_by', 'text')
    .addColumn('resolution_note', 'text')
    // The item's `since` when it was resolved: a condition that comes back with a newer one reopens it.
    .addColumn('resolved_since', 'text')
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute()
  await db.schema.createIndex('exceptions_resolved').on('exceptions').columns(['resolved_at', 'key']).where(sql.ref('resolved_at'), 'is not', null).execute()

  // Partial indexes for the reads the queue asks of other modules (the reads live in their
  // services). Each holds only the rows the queue looks for, so it stays small however large its
  // table grows: open holds, backordered lines, short-pick scans.
  await db.schema.createIndex('order_holds_open').on('order_holds').columns(['created_at', 'id']).where(sql.ref('released_at'), 'is', null).execute()
  await db.schema.createIndex('order_lines_backordered').on('order_lines').column('order_id').where(sql.ref('backordered_qty'), '>', 0).execute()
  await db.schema.createIndex('pick_scans_short').on('pick_scans').column('id').where(sql.ref('outcome'), '=', 'short').execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const i of ['pick_scans_short', 'order_lines_backordered', 'order_holds_open']) await db.schema.dropIndex(i).execute()
  await db.schema.dropTable('exceptions').execute()
}
