import type { Kysely } from 'kysely'

export async function up(db: Kysely<any>): Promise<void> {
  // Routing policies as JSON: `default`, or `channel:<code>` for a channel's override. No row for
  // the default means the built-in policy (version 0) is in force.
  await db.schema
    .createTable('routing_policies')
    .addColumn('scope', 'text', (c) => c.primaryKey())
    .addColumn('policy', 'text', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('updated_by', 'text', (c) => c.notNull())
    .execute()

  // Postal-code centroids (`ordo geo import`): codes stored in capitals without spaces or dashes.
  await db.schema
    .createTable('postal_centroids')
    .addColumn('country', 'text', (c) => c.notNull())
    .addColumn('postal_code', 'text', (c) => c.notNull())
    .addColumn('latitude', 'double precision', (c) => c.notNull())
    .addColumn('longitude', 'double precision', (c) => c.notNull())
    .addPrimaryKeyConstraint('postal_centroids_pk', ['country', 'postal_code'])
    .execute()

  // Every routing decision with its explanation, per order (append-only).
  await db.schema
    .createTable('routing_decisions')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('order_id', 'text', (c) => c.notNull())
    .addColumn('trigger', 'text', (c) => c.notNull())
    .addColumn('decision', 'text', (c) => c.notNull())
    .addColumn('policy_scope', 'text')
    .addColumn('policy_version', 'integer')
    .addColumn('explanation', 'text', (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute()
  await db.schema.createIndex('routing_decisions_order').on('routing_decisions').columns(['order_id', 'id']).execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const t of ['routing_decisions', 'postal_centroids', 'routing_policies']) await db.schema.dropTable(t).execute()
}
