import { sql, type Kysely } from 'kysely'
import { PostgresAdapter } from 'kysely'

export async function up(db: Kysely<any>): Promise<void> {
  // History, outbox and feed in one append-only table. `seq` is stamped after commit by one
  // sequencer, so readers paging by seq never skip a row that committed late.
  await db.schema
    .createTable('events')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('seq', 'bigint')
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('entity', 'text', (c) => c.notNull())
    .addColumn('entity_id', 'text', (c) => c.notNull())
    .addColumn('order_id', 'text')
    .addColumn('from_state', 'text')
    .addColumn('to_state', 'text')
    .addColumn('actor', 'text', (c) => c.notNull())
    .addColumn('reason', 'text')
    .addColumn('data', 'text', (c) => c.notNull())
    .addColumn('request_id', 'text')
    .addColumn('occurred_at', 'text', (c) => c.notNull())
    .execute()
  await db.schema.createIndex('events_seq').on('events').column('seq').unique().execute()
  await db.schema.createIndex('events_entity').on('events').columns(['entity_id', 'id']).execute()
  await db.schema.createIndex('events_order').on('events').columns(['order_id', 'id']).execute()
  await db.schema.createIndex('events_unsequenced').on('events').column('id').where(sql.ref('seq'), 'is', null).execute()

  await db.schema
    .createTable('idempotency_keys')
    .addColumn('scope', 'text', (c) => c.notNull())
    .addColumn('key', 'text', (c) => c.notNull())
    .addColumn('request_hash', 'text', (c) => c.notNull())
    .addColumn('resource_type', 'text', (c) => c.notNull())
    .addColumn('resource_id', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('idempotency_keys_pk', ['scope', 'key'])
    .execute()

  // Human document numbers (SO-10001, TR-10001). PostgreSQL uses sequences, which never block
  // concurrent transactions; SQLite serialises writers anyway and uses a counter row.
  await db.schema
    .createTable('counters')
    .addColumn('name', 'text', (c) => c.primaryKey())
    .addColumn('value', 'bigint', (c) => c.notNull())
    .execute()
  if (db.getExecutor().adapter instanceof PostgresAdapter) {
    for (const name of ['so', 'tr']) await sql`create sequence ${sql.raw(`number_${name}_seq`)} start 10001`.execute(db)
  } else {
    await db.insertInto('counters').values([{ name: 'SO', value: 10000 }, { name: 'TR', value: 10000 }]).execute()
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const t of ['counters', 'idempotency_keys', 'events']) await db.schema.dropTable(t).execute()
}
