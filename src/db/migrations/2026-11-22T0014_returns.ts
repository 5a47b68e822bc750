import { PostgresAdapter, sql, type Kysely } from 'kysely'

// The reasons Ordo ships with; `merchant_fault` ones (our mistake) carry no restocking fee and no return postage.
const REASONS = [
  { code: 'damaged', label: 'Arrived damaged', merchantFault: 1 },
  { code: 'wrong_item', label: 'Wrong item sent', merchantFault: 1 },
  { code: 'not_as_described', label: 'Not as described', merchantFault: 1 },
  { code: 'no_longer_needed', label: 'No longer needed', merchantFault: 0 },
  { code: 'size_fit', label: 'Size or fit', merchantFault: 0 },
  { code: 'other', label: 'Other', merchantFault: 0 },
]

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('return_reasons')
    .addColumn('code', 'text', (c) => c.primaryKey())
    .addColumn('label', 'text', (c) => c.notNull())
    .addColumn('merchant_fault', 'integer', (c) => c.notNull().defaultTo(0))
    // Reasons taken off the list stay for the returns that name them.
    .addColumn('active', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('position', 'integer', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute()
  const at = new Date().toISOString()
  await db
    .insertInto('return_reasons')
    .values(REASONS.map((r, i) => ({ code: r.code, label: r.label, merchant_fault: r.merchantFault, active: 1, position: i + 1, updated_at: at })))
    .execute()

  // One policy per sales channel; channel_id '' is the default every other channel falls back to.
  await db.schema
    .createTable('return_policies')
    .addColumn('channel_id', 'text', (c) => c.primaryKey())
    .addColumn('window_days', 'integer', (c) => c.notNull())
    .addColumn('non_returnable_skus', 'text', (c) => c.notNull())
    .addColumn('restocking_fee_ppm', 'integer', (c) => c.notNull())
    .addColumn('return_shipping_paid_by', 'text', (c) => c.notNull())
    .addColumn('return_location_id', 'text', (c) => c.references('locations.id'))
    .addColumn('auto_authorize', 'integer', (c) => c.notNull())
    .addColumn('auto_authorize_max_amount', 'bigint')
    .addColumn('auto_authorize_max_currency', 'text')
    .addColumn('refund_shipping', 'text', (c) => c.notNull())
    .addColumn('resolutions', 'text', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute()
  await db
    .insertInto('return_policies')
    .values({
      channel_id: '',
      window_days: 30,
      non_returnable_skus: '[]',
      restocking_fee_ppm: 0,
      return_shipping_paid_by: 'customer',
      return_location_id: null,
      auto_authorize: 1,
      auto_authorize_max_amount: null,
      auto_authorize_max_currency: null,
      refund_shipping: 'never',
      resolutions: JSON.stringify(['refund', 'replacement', 'exchange', 'store_credit']),
      version: 1,
      updated_at: at,
    })
    .execute()

  await db.schema
    .createTable('returns')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('number', 'text', (c) => c.notNull().unique())
    .addColumn('order_id', 'text', (c) => c.notNull())
    .addColumn('order_number', 'text', (c) => c.notNull())
    .addColumn('channel_id', 'text', (c) => c.notNull())
    .addColumn('customer_id', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('currency', 'text', (c) => c.notNull())
    .addColumn('location_id', 'text', (c) => c.references('locations.id'))
    // JSON: how the policy decided (automatic or for a person, and why) and the terms it set.
    .addColumn('decision', 'text', (c) => c.notNull())
    .addColumn('terms', 'text', (c) => c.notNull())
    .addColumn('label_requested', 'integer', (c) => c.notNull().defaultTo(0))
    // JSON of the bought label (purchase and printable document), null without one.
    .addColumn('label', 'text')
    .addColumn('tracking_number', 'text')
    .addColumn('pickup', 'text')
    // JSON of the resolution: recorded when resolved, or while its refund is still outstanding.
    .addColumn('settlement', 'text')
    .addColumn('note', 'text')
    .addColumn('close_reason', 'text')
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('authorized_at', 'text')
    .addColumn('received_at', 'text')
    .addColumn('inspected_at', 'text')
    .addColumn('resolved_at', 'text')
    .addColumn('closed_at', 'text')
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute()
  await db.schema.createIndex('returns_order').on('returns').columns(['order_id']).execute()
  await db.schema.createIndex('returns_status').on('returns').columns(['status', 'id']).execute()
  await db.schema.createIndex('returns_channel').on('returns').columns(['channel_id', 'id']).execute()
  await db.schema.createIndex('returns_tracking').on('returns').columns(['tracking_number']).execute()

  await db.schema
    .createTable('return_lines')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('return_id', 'text', (c) => c.notNull().references('returns.id'))
    .addColumn('line_no', 'integer', (c) => c.notNull())
    .addColumn('order_line_id', 'text', (c) => c.notNull())
    .addColumn('product_id', 'text', (c) => c.notNull())
    .addColumn('sku', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('quantity', 'integer', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull().references('return_reasons.code'))
    .addColumn('comment', 'text')
    .addColumn('resolution', 'text', (c) => c.notNull())
    .addColumn('exchange_sku', 'text')
    .addColumn('unit_paid', 'bigint', (c) => c.notNull())
    .addColumn('received_qty', 'integer', (c) => c.notNull().defaultTo(0))
    .execute()
  await db.schema.createIndex('return_lines_return').on('return_lines').columns(['return_id', 'line_no']).execute()
  await db.schema.createIndex('return_lines_reason').on('return_lines').columns(['reason']).execute()

  // Inspection results; quarantined and refurbish units are held here (not in stock) until released.
  await db.schema
    .createTable('return_inspections')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('return_id', 'text', (c) => c.notNull().references('returns.id'))
    .addColumn('return_line_id', 'text', (c) => c.notNull().references('return_lines.id'))
    .addColumn('product_id', 'text', (c) => c.notNull())
    .addColumn('location_id', 'text', (c) => c.notNull().references('locations.id'))
    .addColumn('quantity', 'integer', (c) => c.notNull())
    .addColumn('condition', 'text', (c) => c.notNull())
    .addColumn('disposition', 'text', (c) => c.notNull())
    .addColumn('bin_code', 'text')
    .addColumn('note', 'text')
    .addColumn('restocked_qty', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('scrapped_qty', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('inspected_by', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute()
  await db.schema.createIndex('return_inspections_return').on('return_inspections').columns(['return_id']).execute()
  await db.schema.createIndex('return_inspections_held').on('return_inspections').columns(['disposition', 'location_id']).execute()

  await db.schema
    .createTable('refunds')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('order_id', 'text', (c) => c.notNull())
    .addColumn('order_number', 'text', (c) => c.notNull())
    .addColumn('return_id', 'text')
    .addColumn('return_number', 'text')
    .addColumn('customer_id', 'text', (c) => c.notNull())
    .addColumn('provider', 'text', (c) => c.notNull())
    .addColumn('payment_reference', 'text')
    .addColumn('amount', 'bigint', (c) => c.notNull())
    .addColumn('shipping_amount', 'bigint', (c) => c.notNull())
    .addColumn('currency', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('provider_reference', 'text')
    .addColumn('note', 'text')
    .addColumn('breakdown', 'text', (c) => c.notNull())
    // Sent to the provider on every attempt, so a retried refund is paid out once.
    .addColumn('idempotency_key', 'text', (c) => c.notNull().unique())
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('last_error', 'text')
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('completed_at', 'text')
    .execute()
  await db.schema.createIndex('refunds_order').on('refunds').columns(['order_id']).execute()
  await db.schema.createIndex('refunds_return').on('refunds').columns(['return_id']).execute()
  await db.schema.createIndex('refunds_status').on('refunds').columns(['status', 'id']).execute()

  await db.schema
    .createTable('credit_notes')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('number', 'text', (c) => c.notNull().unique())
    .addColumn('customer_id', 'text', (c) => c.notNull())
    .addColumn('order_id', 'text')
    .addColumn('return_id', 'text')
    .addColumn('currency', 'text', (c) => c.notNull())
    .addColumn('amount', 'bigint', (c) => c.notNull())
    .addColumn('balance', 'bigint', (c) => c.notNull())
    .addColumn('reason', 'text')
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute()
  await db.schema.createIndex('credit_notes_customer').on('credit_notes').columns(['customer_id', 'id']).execute()

  // Money the customer owes (an exchange for a dearer item), to be collected by the channel or a person.
  await db.schema
    .createTable('payment_requests')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('order_id', 'text', (c) => c.notNull())
    .addColumn('order_number', 'text', (c) => c.notNull())
    .addColumn('return_id', 'text')
    .addColumn('customer_id', 'text', (c) => c.notNull())
    .addColumn('amount', 'bigint', (c) => c.notNull())
    .addColumn('currency', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute()
  await db.schema.createIndex('payment_requests_order').on('payment_requests').columns(['order_id']).execute()

  // Credit notes are numbered CN-…, like the other document series (see 2026-11-22T0006).
  if (db.getExecutor().adapter instanceof PostgresAdapter) await sql`create sequence number_cn_seq start 10001`.execute(db)
  else await db.insertInto('counters').values({ name: 'CN', value: 10000 }).execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  if (db.getExecutor().adapter instanceof PostgresAdapter) await sql`drop sequence number_cn_seq`.execute(db)
  else await db.deleteFrom('counters').where('name', '=', 'CN').execute()
  for (const t of ['payment_requests', 'credit_notes', 'refunds', 'return_inspections', 'return_lines', 'returns', 'return_policies', 'return_reasons']) {
    await db.schema.dropTable(t).execute()
  }
}
