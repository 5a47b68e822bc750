import type { KyselyPlugin } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp, DIALECTS, type TestApp } from '../../../test/helpers.js'
import { inTransaction } from '../../db/transaction.js'
import { systemActor } from '../../kernel/context.js'
import type { InlineCustomer } from './index.js'

const ada = {
  email: 'Ada.Lovelace@Example.com',
  name: 'Ada Lovelace',
  phone: '+44 20 7946 0000',
  addresses: [{ name: 'Ada Lovelace', line1: '12 St James Sq', city: 'London', postalCode: 'SW1Y 4JH', country: 'GB' }],
}

describe.each(DIALECTS)('customers on %s', (dialect) => {
  let t: TestApp
  const findOrCreate = (inline: InlineCustomer) =>
    inTransaction(t.conn.db, (trx) => t.app.services.customers.findOrCreate(trx, { actor: systemActor, clock: t.clock }, inline))
  beforeAll(async () => {
    t = await createTestApp(dialect)
  })
  afterAll(() => t.close())

  it('creates a customer with a lower-cased e-mail and reads it with its ETag', async () => {
    const created = await t.call('POST', '/v1/customers', { body: ada })
    expect(created.statusCode).toBe(201)
    const c = created.json()
    expect(c).toMatchObject({ ...ada, email: 'ada.lovelace@example.com', version: 1, createdAt: '2026-11-02T09:00:00.000Z' })
    expect(c.id).toMatch(/^cus_/)
    expect(created.headers.location).toBe(`/v1/customers/${c.id}`)

    const read = await t.call('GET', `/v1/customers/${c.id}`)
    expect(read.statusCode).toBe(200)
    expect(read.headers.etag).toBe('"1"')
    expect(read.json()).toEqual(c)

    const bare = await t.call('POST', '/v1/customers', { body: { email: 'grace@example.com' } })
    expect(bare.json()).toMatchObject({ email: 'grace@example.com', name: null, phone: null, addresses: [] })

    const missing = await t.call('GET', '/v1/customers/cus_nope')
    expect(missing.statusCode).toBe(404)
    expect(missing.json().code).toBe('customer.not_found')
  })

  it('refuses an e-mail already in use (in any case) with 409 and bad fields with 422 naming each', async () => {
    const dup = await t.call('POST', '/v1/customers', { body: { email: 'ADA.LOVELACE@example.COM' } })
    expect(dup.statusCode).toBe(409)
    expect(dup.headers['content-type']).toContain('application/problem+json')
    expect(dup.json().code).toBe('customer.email_taken')
    expect(dup.json().errors.map((e: { path: string }) => e.path)).toEqual(['email'])

    const bad = await t.call('POST', '/v1/customers', { body: { email: 'not-an-email', addresses: [{ country: 'DE' }, { city: 'Nowhere' }] } })
    expect(bad.statusCode).toBe(422)
    expect(bad.json().errors.map((e: { path: string }) => e.path).sort()).toEqual(['addresses.1.country', 'email'])
  })

  it('edits with a version: ETag on the answer, 412 for a stale If-Match, 409 for a taken e-mail', async () => {
    const { data } = (await t.call('GET', '/v1/customers?email=grace@example.com')).json()
    const id = data[0].id
    const edited = await t.call('PATCH', `/v1/customers/${id}`, { body: { name: 'Grace Hopper' }, headers: { 'if-match': '"1"' } })
    expect(edited.statusCode).toBe(200)
    expect(edited.json()).toMatchObject({ email: 'grace@example.com', name: 'Grace Hopper', phone: null, version: 2 })
    expect(edited.headers.etag).toBe('"2"')

    const stale = await t.call('PATCH', `/v1/customers/${id}`, { body: { name: 'Amazing Grace' }, headers: { 'if-match': '"1"' } })
    expect(stale.statusCode).toBe(412)
    expect(stale.json().code).toBe('request.version_mismatch')
    expect(stale.headers.etag).toBe('"2"')

    const taken = await t.call('PATCH', `/v1/customers/${id}`, { body: { email: 'Ada.Lovelace@example.com' } })
    expect(taken.statusCode).toBe(409)
    expect(taken.json().code).toBe('customer.email_taken')

    const moved = await t.call('PATCH', `/v1/customers/${id}`, { body: { email: 'Grace.Hopper@Navy.mil', phone: '+1 555 0100' } })
    expect(moved.statusCode).toBe(200)
    expect(moved.json()).toMatchObject({ email: 'grace.hopper@navy.mil', name: 'Grace Hopper', phone: '+1 555 0100', version: 3 })
  })

  it('lists by id with cursor pagination, text search and exact e-mail', async () => {
    await t.call('POST', '/v1/customers', { body: { email: 'alan@example.org', name: 'Alan Turing' } })
    const first = await t.call('GET', '/v1/customers?limit=2')
    expect(first.json().data.map((c: { email: string }) => c.email)).toEqual(['ada.lovelace@example.com', 'grace.hopper@navy.mil'])
    const next = await t.call('GET', `/v1/customers?limit=2&cursor=${first.json().nextCursor}`)
    expect(next.json()).toMatchObject({ data: [expect.objectContaining({ email: 'alan@example.org' })], nextCursor: null })

    const emails = async (qs: string) => (await t.call('GET', `/v1/customers?${qs}`)).json().data.map((c: { email: string }) => c.email)
    expect(await emails('q=TURING')).toEqual(['alan@example.org'])
    expect(await emails('q=example')).toEqual(['ada.lovelace@example.com', 'alan@example.org'])
    expect(await emails('email=ALAN@EXAMPLE.ORG')).toEqual(['alan@example.org'])
    expect(await emails('email=alan@example')).toEqual([])
  })

  it('matches an inline customer by e-mail case-insensitively, filling in only what is empty', async () => {
    const alan = (await t.call('GET', '/v1/customers?email=alan@example.org')).json().data[0]
    const matched = await findOrCreate({ email: '  ALAN@Example.org ', name: 'Someone Else', phone: '+44 161 000' })
    expect(matched).toMatchObject({ id: alan.id, name: 'Alan Turing', phone: '+44 161 000', version: alan.version + 1 })

    // Nothing left to fill: the customer stays as it is.
    const again = await findOrCreate({ email: 'alan@example.org', name: 'A. Turing', phone: '+1 999' })
    expect(again).toMatchObject({ id: alan.id, name: 'Alan Turing', phone: '+44 161 000', version: alan.version + 1 })

    const fresh = await findOrCreate({ email: 'New.Buyer@Shop.example', name: 'New Buyer' })
    expect(fresh).toMatchObject({ email: 'new.buyer@shop.example', name: 'New Buyer', phone: null, addresses: [], version: 1 })
    expect((await t.call('GET', `/v1/customers/${fresh.id}`)).statusCode).toBe(200)

    const types = await t.conn.db.selectFrom('events').select('type').where('entityId', 'in', [alan.id, fresh.id]).orderBy('id').execute()
    expect(types.map((e) => e.type)).toEqual(['customer.created', 'customer.updated', 'customer.created'])
  })

  it('creates one customer when orders for a new e-mail arrive at the same time', async () => {
    const results = await Promise.all(
      Array.from({ length: 8 }, (_, i) => findOrCreate({ email: i % 2 ? 'Rush@Example.com' : 'rush@example.com', ...(i === 3 && { name: 'Rush Buyer' }) })),
    )
    expect(new Set(results.map((c) => c.id)).size).toBe(1)
    const { data } = (await t.call('GET', '/v1/customers?email=rush@example.com')).json()
    expect(data).toHaveLength(1)
    expect(data[0].name).toBe('Rush Buyer')
  })

  it('stays on the order-intake hot path: one statement for a known customer, three for a new one', async () => {
    let statements = 0
    // Counted as they run (some hot inserts are compiled once and never pass transformQuery again).
    const counter: KyselyPlugin = {
      transformQuery: (args) => args.node,
      transformResult: async (args) => (statements++, args.result),
    }
    const counted = (inline: InlineCustomer) =>
      inTransaction(t.conn.db.withPlugin(counter), (trx) => t.app.services.customers.findOrCreate(trx, { actor: systemActor, clock: t.clock }, inline))
    await counted({ email: 'hot@example.com', name: 'Hot Path' })
    // read (none) + insert + event; on SQLite the event's seq is given at insert, after reading the last one
    expect(statements).toBe(dialect === 'sqlite' ? 4 : 3)
    statements = 0
    await counted({ email: 'HOT@example.com', name: 'Hot Path' })
    expect(statements).toBe(1) // read; nothing to fill
  })

  it('publishes Customer in the OpenAPI document', async () => {
    const doc = (await t.call('GET', '/openapi.json')).json()
    expect(Object.keys(doc.components.schemas)).toEqual(expect.arrayContaining(['Customer', 'Product']))
  })

  it('needs a key, and a role that may read or write customers', async () => {
    expect((await t.call('GET', '/v1/customers', { key: null })).statusCode).toBe(401)
    const viewer = await t.keyFor('viewer')
    expect((await t.call('GET', '/v1/customers', { key: viewer })).statusCode).toBe(200)
    const denied = await t.call('POST', '/v1/customers', { key: viewer, body: { email: 'v@example.com' } })
    expect(denied.statusCode).toBe(403)
    expect(denied.json().code).toBe('auth.forbidden')
    const warehouse = await t.keyFor('warehouse')
    expect((await t.call('PATCH', '/v1/customers/cus_x', { key: warehouse, body: { name: 'x' } })).statusCode).toBe(403)
    const support = await t.keyFor('support')
    expect((await t.call('POST', '/v1/customers', { key: support, body: { email: 'support-made@example.com' } })).statusCode).toBe(201)
  })
})
