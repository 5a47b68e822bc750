import { sql, type Selectable, type SqlBool } from 'kysely'
import type { Db } from '../../db/connection.js'
import type { Trx } from '../../db/transaction.js'
import { compiledQuery } from '../../db/compiled.js'
import type { Address } from '../../kernel/address.js'
import type { Ctx } from '../../kernel/context.js'
import { AppError, notFound } from '../../kernel/errors.js'
import { recordEvent } from '../../kernel/events.js'
import { versionMismatch } from '../../kernel/http.js'
import { newId } from '../../kernel/ids.js'
import { isUniqueViolation } from '../../kernel/idempotency.js'
import { decodeCursor, toPage } from '../../kernel/pagination.js'
import type { CreateCustomerBody, Customer, InlineCustomer, ListCustomersQuery, UpdateCustomerBody } from './schema.js'
import type { CustomersTable } from './tables.js'

type CustomerRow = Selectable<CustomersTable>

const toCustomer = (r: CustomerRow): Customer => ({
  id: r.id,
  email: r.email,
  name: r.name,
  phone: r.phone,
  addresses: JSON.parse(r.addresses) as Address[],
  version: r.version,
  createdAt: r.createdAt,
  updatedAt: r.updatedAt,
})

const emailTaken = (email: string) =>
  new AppError(409, 'customer.email_taken', `A customer with e-mail "${email}" already exists.`, [{ path: 'email', message: 'taken', code: 'taken' }])

/** `%text%` for LIKE, with the wildcards of the text itself escaped (both dialects use `escape '\'`). */
const containsPattern = (text: string) => `%${text.replace(/[\\%_]/g, '\\$&')}%`

const normalEmail = (email: string) => email.trim().toLowerCase()
const blankToNull = (v: string | null | undefined) => (v && v.trim() ? v.trim() : null)

/** Every order with an inline customer looks the customer up by e-mail; every order shown or e-mailed, by id. */
/** A customer first seen on an order; nothing when a concurrent order created it first. */
const insertNewCustomer = compiledQuery((db, p: { id: string; email: string; name: string | null; phone: string | null; at: string }) =>
  db
    .insertInto('customers')
    .values({ id: p.id, email: p.email, name: p.name, phone: p.phone, addresses: '[]', version: 1, createdAt: p.at, updatedAt: p.at })
    .onConflict((oc) => oc.column('email').doNothing())
    .returningAll(),
)
const customerByEmail = compiledQuery((db, p: { email: string }) => db.selectFrom('customers').selectAll().where('email', '=', p.email))
const customerById = compiledQuery((db, p: { id: string }) => db.selectFrom('customers').selectAll().where('id', '=', p.id))

export function createCustomerService() {
  const get = async (db: Db | Trx, id: string): Promise<Customer> => {
    const row = (await db.executeQuery(customerById(db, { id }))).rows[0]
    if (!row) throw notFound('customer', id)
    return toCustomer(row)
  }

  return {
    async create(trx: Trx, ctx: Ctx, input: CreateCustomerBody): Promise<Customer> {
      const at = ctx.clock.now().toISOString()
      const row: CustomerRow = {
        id: newId('cus'),
        email: normalEmail(input.email),
        name: input.name ?? null,
        phone: input.phone ?? null,
        addresses: JSON.stringify(input.addresses),
        version: 1,
        createdAt: at,
        updatedAt: at,
      }
      try {
        await trx.insertInto('customers').values(row).execute()
      } catch (err) {
        if (isUniqueViolation(err)) throw emailTaken(row.email)
        throw err
      }
      await recordEvent(trx, ctx, { type: 'customer.created', entity: 'customer', entityId: row.id, data: { email: row.email } })
      return toCustomer(row)
    },

    /** Changes the named fields (`addresses` replaces the list); `ifMatch` is the version the client read (412 when stale). */
    async update(trx: Trx, ctx: Ctx, id: string, input: UpdateCustomerBody, ifMatch?: number): Promise<Customer> {
      const current = await get(trx, id)
      if (ifMatch !== undefined && ifMatch !== current.version) throw versionMismatch(current.version)
      const patch = {
        ...(input.email !== undefined && { email: normalEmail(input.email) }),
        ...(input.name !== undefined && { name: input.name }),
        ...(input.phone !== undefined && { phone: input.phone }),
        ...(input.addresses !== undefined && { addresses: JSON.stringify(input.addresses) }),
        updatedAt: ctx.clock.now().toISOString(),
      }
      let q = trx
        .updateTable('customers')
        .set((eb) => ({ ...patch, version: eb('version', '+', 1) }))
        .where('id', '=', current.id)
      if (ifMatch !== undefined) q = q.where('version', '=', ifMatch)
      let updated: number
      try {
        updated = Number((await q.executeTakeFirst()).numUpdatedRows)
      } catch (err) {
        if (isUniqueViolation(err) && patch.email) throw emailTaken(patch.email)
        throw err
      }
      if (updated !== 1) throw versionMismatch((await get(trx, current.id)).version)
      await recordEvent(trx, ctx, { type: 'customer.updated', entity: 'customer', entityId: current.id, data: { changes: Object.keys(input) } })
      return get(trx, current.id)
    },

    async list(db: Db | Trx, query: ListCustomersQuery): Promise<{ data: Customer[]; nextCursor: string | null }> {
      const after = decodeCursor(query.cursor)
      let q = db.selectFrom('customers').selectAll()
      if (after) q = q.where('id', '>', after)
      if (query.email) q = q.where('email', '=', normalEmail(query.email))
      if (query.q) {
        const pattern = containsPattern(query.q)
        q = q.where((eb) =>
          eb.or([sql<SqlBool>`lower(email) like lower(${pattern}) escape '\\'`, sql<SqlBool>`lower(name) like lower(${pattern}) escape '\\'`]),
        )
      }
      const rows = await q.orderBy('id').limit(query.limit + 1).execute()
      const { data, nextCursor } = toPage(rows, query.limit, (r) => r.id)
      return { data: data.map(toCustomer), nextCursor }
    },

    /** One customer by id; 404 `customer.not_found`. */
    get,

    /** Customers by id, keyed by id, in one query; unknown ids are absent. */
    async getMany(db: Db | Trx, ids: string[]): Promise<Map<string, Customer>> {
      const unique = [...new Set(ids)]
      if (!unique.length) return new Map()
      const rows = await db.selectFrom('customers').selectAll().where('id', 'in', unique).execute()
      return new Map(rows.map((r) => [r.id, toCustomer(r)]))
    },

    /**
     * The customer an order names inline, matched by lower-cased e-mail. A known customer gets
     * the name and phone filled in only where they are still empty; an unknown one is created.
     * Returning customers are the common case, so the e-mail is looked up first: one statement
     * when nothing needs filling (an insert-if-absent first would cost a do-nothing insert plus
     * the read). A new one costs the read, the insert and its event. Safe against a concurrent
     * order for the same new e-mail: the insert does nothing when the address exists by then (or
     * was just committed by the other transaction), and the re-read finds it. ON CONFLICT instead
     * of catching the unique violation, because a failed statement aborts a PostgreSQL
     * transaction and the re-read could not run in it.
     */
    async findOrCreate(trx: Trx, ctx: Ctx, inline: InlineCustomer): Promise<Customer> {
      const at = ctx.clock.now().toISOString()
      const email = normalEmail(inline.email)
      const name = blankToNull(inline.name)
      const phone = blankToNull(inline.phone)
      const byEmail = async () => (await trx.executeQuery(customerByEmail(trx, { email }))).rows[0]
      let existing = await byEmail()
      if (!existing) {
        const inserted = (await trx.executeQuery(insertNewCustomer(trx, { id: newId('cus'), email, name, phone, at }))).rows[0]
        if (inserted) {
          await recordEvent(trx, ctx, { type: 'customer.created', entity: 'customer', entityId: inserted.id, data: { email, source: 'order' } })
          return toCustomer(inserted)
        }
        // A concurrent order created it between our read and our insert.
        existing = await byEmail()
        if (!existing) throw new Error(`customer "${email}" conflicted on insert but cannot be read`)
      }
      const fillName = name !== null && !blankToNull(existing.name)
      const fillPhone = phone !== null && !blankToNull(existing.phone)
      if (!fillName && !fillPhone) return toCustomer(existing)
      // Fill in only what is still empty, even if a concurrent edit got there first.
      const filled = await trx
        .updateTable('customers')
        .set((eb) => ({
          ...(fillName && { name: sql<string>`coalesce(nullif(name, ''), ${name})` }),
          ...(fillPhone && { phone: sql<string>`coalesce(nullif(phone, ''), ${phone})` }),
          version: eb('version', '+', 1),
          updatedAt: at,
        }))
        .where('id', '=', existing.id)
        .returningAll()
        .executeTakeFirstOrThrow()
      const changes = [...(fillName ? ['name'] : []), ...(fillPhone ? ['phone'] : [])]
      await recordEvent(trx, ctx, { type: 'customer.updated', entity: 'customer', entityId: existing.id, data: { changes, source: 'order' } })
      return toCustomer(filled)
    },
  }
}

export type CustomerService = ReturnType<typeof createCustomerService>
