import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp, DIALECTS, type TestApp } from '../../../test/helpers.js'

const widget = { sku: 'WID-1', name: 'Blue widget', price: { amount: 1999, currency: 'EUR' } }

describe.each(DIALECTS)('catalog on %s', (dialect) => {
  let t: TestApp
  beforeAll(async () => {
    t = await createTestApp(dialect)
  })
  afterAll(() => t.close())

  it('creates a product with defaults and reads it by SKU and by id, with its ETag', async () => {
    const created = await t.call('POST', '/v1/products', { body: { ...widget, barcodes: ['4006381333931', 'WID1'] } })
    expect(created.statusCode).toBe(201)
    expect(created.headers.location).toBe('/v1/products/WID-1')
    const p = created.json()
    expect(p).toMatchObject({
      sku: 'WID-1',
      name: 'Blue widget',
      barcodes: ['4006381333931', 'WID1'],
      weightGrams: 0,
      lengthMm: 0,
      widthMm: 0,
      heightMm: 0,
      price: { amount: 1999, currency: 'EUR' },
      taxCode: 'standard',
      active: true,
      lotTracked: false,
      fragile: false,
      version: 1,
      createdAt: '2026-11-02T09:00:00.000Z',
    })
    expect(p.id).toMatch(/^prd_/)

    const bySku = await t.call('GET', '/v1/products/WID-1')
    expect(bySku.statusCode).toBe(200)
    expect(bySku.headers.etag).toBe('"1"')
    expect(bySku.json()).toEqual(p)
    expect((await t.call('GET', `/v1/products/${p.id}`)).json().sku).toBe('WID-1')

    const missing = await t.call('GET', '/v1/products/NOPE')
    expect(missing.statusCode).toBe(404)
    expect(missing.json().code).toBe('product.not_found')
  })

  it('refuses a taken SKU with 409 and bad fields with 422 naming each', async () => {
    const dup = await t.call('POST', '/v1/products', { body: widget })
    expect(dup.statusCode).toBe(409)
    expect(dup.headers['content-type']).toContain('application/problem+json')
    expect(dup.json().code).toBe('product.sku_taken')

    const bad = await t.call('POST', '/v1/products', {
      body: { sku: '-bad sku', name: 'X', weightGrams: -1, price: { amount: 1.5, currency: 'eur' }, taxCode: 'luxury' },
    })
    expect(bad.statusCode).toBe(422)
    expect(bad.json().code).toBe('request.invalid')
    expect(bad.json().errors.map((e: { path: string }) => e.path).sort()).toEqual(['price.amount', 'price.currency', 'sku', 'taxCode', 'weightGrams'])

    const twice = await t.call('POST', '/v1/products', { body: { ...widget, sku: 'WID-2', barcodes: ['A1', 'A1'] } })
    expect(twice.statusCode).toBe(422)
    expect(twice.json().errors.map((e: { path: string }) => e.path)).toEqual(['barcodes.1'])
  })

  it('keeps every barcode on exactly one product', async () => {
    const taken = await t.call('POST', '/v1/products', { body: { ...widget, sku: 'GAD-1', name: 'Gadget', barcodes: ['G1', 'WID1'] } })
    expect(taken.statusCode).toBe(409)
    expect(taken.json().code).toBe('product.barcode_taken')
    expect(taken.json().detail).toContain('"WID1"')
    expect(taken.json().detail).toContain('"WID-1"')
    expect(taken.json().errors).toEqual([expect.objectContaining({ path: 'barcodes.1' })])
    // Nothing of the refused product was kept.
    expect((await t.call('GET', '/v1/products/GAD-1')).statusCode).toBe(404)

    const gadget = await t.call('POST', '/v1/products', { body: { ...widget, sku: 'GAD-1', name: 'Gadget', barcodes: ['G1'] } })
    expect(gadget.statusCode).toBe(201)
    const steal = await t.call('PATCH', '/v1/products/GAD-1', { body: { barcodes: ['G1', '4006381333931'] } })
    expect(steal.statusCode).toBe(409)
    expect(steal.json().code).toBe('product.barcode_taken')

    // A product may keep and reorder its own barcodes; a freed barcode can go to another product.
    const reordered = await t.call('PATCH', '/v1/products/WID-1', { body: { barcodes: ['WID1'] } })
    expect(reordered.statusCode).toBe(200)
    expect(reordered.json().barcodes).toEqual(['WID1'])
    const moved = await t.call('PATCH', '/v1/products/GAD-1', { body: { barcodes: ['4006381333931', 'G1'] } })
    expect(moved.statusCode).toBe(200)
    expect(moved.json().barcodes).toEqual(['4006381333931', 'G1'])

    const byBarcode = await t.call('GET', '/v1/products?barcode=4006381333931')
    expect(byBarcode.json().data.map((p: { sku: string }) => p.sku)).toEqual(['GAD-1'])
  })

  it('edits with a version: ETag on the answer, 412 for a stale If-Match', async () => {
    const read = await t.call('GET', '/v1/products/WID-1')
    const etag = read.headers.etag as string
    const edited = await t.call('PATCH', '/v1/products/WID-1', { body: { name: 'Blue widget XL', fragile: true }, headers: { 'if-match': etag } })
    expect(edited.statusCode).toBe(200)
    expect(edited.json()).toMatchObject({ name: 'Blue widget XL', fragile: true, active: true, price: { amount: 1999, currency: 'EUR' } })
    expect(edited.json().version).toBe(read.json().version + 1)
    expect(edited.headers.etag).toBe(`"${read.json().version + 1}"`)

    const stale = await t.call('PATCH', '/v1/products/WID-1', { body: { name: 'Lost update' }, headers: { 'if-match': etag } })
    expect(stale.statusCode).toBe(412)
    expect(stale.json().code).toBe('request.version_mismatch')
    expect(stale.headers.etag).toBe(edited.headers.etag)
    expect((await t.call('GET', '/v1/products/WID-1')).json().name).toBe('Blue widget XL')

    // Without If-Match the edit applies to whatever is current; only the named fields change.
    const blind = await t.call('PATCH', '/v1/products/WID-1', { body: { active: false } })
    expect(blind.statusCode).toBe(200)
    expect(blind.json()).toMatchObject({ name: 'Blue widget XL', active: false, fragile: true, taxCode: 'standard' })

    const missing = await t.call('PATCH', '/v1/products/NOPE', { body: { name: 'x' } })
    expect(missing.statusCode).toBe(404)
  })

  it('lists by id with cursor pagination and filters', async () => {
    for (const sku of ['TEE-S', 'TEE-M', 'TEE-L']) {
      expect((await t.call('POST', '/v1/products', { body: { sku, name: `Cotton tee ${sku.slice(4)}`, price: { amount: 1500, currency: 'EUR' } } })).statusCode).toBe(201)
    }
    const first = await t.call('GET', '/v1/products?limit=2')
    expect(first.statusCode).toBe(200)
    expect(first.json().data.map((p: { sku: string }) => p.sku)).toEqual(['WID-1', 'GAD-1'])
    expect(first.json().nextCursor).toEqual(expect.any(String))
    const second = await t.call('GET', `/v1/products?limit=2&cursor=${first.json().nextCursor}`)
    expect(second.json().data.map((p: { sku: string }) => p.sku)).toEqual(['TEE-S', 'TEE-M'])
    const last = await t.call('GET', `/v1/products?limit=2&cursor=${second.json().nextCursor}`)
    expect(last.json()).toMatchObject({ data: [expect.objectContaining({ sku: 'TEE-L' })], nextCursor: null })

    const skus = async (qs: string) => (await t.call('GET', `/v1/products?${qs}`)).json().data.map((p: { sku: string }) => p.sku)
    expect(await skus('q=tee')).toEqual(['TEE-S', 'TEE-M', 'TEE-L'])
    expect(await skus('q=COTTON%20TEE%20m')).toEqual(['TEE-M'])
    expect(await skus('q=wid-')).toEqual(['WID-1'])
    expect(await skus('q=%25')).toEqual([]) // a literal %, not a wildcard
    expect(await skus('active=false')).toEqual(['WID-1'])
    expect(await skus('active=true&q=gad')).toEqual(['GAD-1'])

    const badCursor = await t.call('GET', '/v1/products?cursor=!!')
    expect(badCursor.statusCode).toBe(400)
    const badActive = await t.call('GET', '/v1/products?active=maybe')
    expect(badActive.statusCode).toBe(400)
    expect(badActive.json().errors.map((e: { path: string }) => e.path)).toEqual(['active'])
  })

  it('finds products in bulk and by barcode for other modules', async () => {
    const catalog = t.app.services.catalog
    const bySku = await catalog.findBySkus(t.conn.db, ['TEE-S', 'GAD-1', 'UNKNOWN', 'TEE-S'])
    expect([...bySku.keys()].sort()).toEqual(['GAD-1', 'TEE-S'])
    expect(bySku.get('GAD-1')!.barcodes).toEqual(['4006381333931', 'G1'])
    const byId = await catalog.findByIds(t.conn.db, [bySku.get('TEE-S')!.id])
    expect(byId.get(bySku.get('TEE-S')!.id)!.sku).toBe('TEE-S')
    expect((await catalog.findByBarcode(t.conn.db, 'G1'))?.sku).toBe('GAD-1')
    expect(await catalog.findByBarcode(t.conn.db, 'nothing')).toBeUndefined()
    expect((await catalog.findBySkus(t.conn.db, [])).size).toBe(0)
    // Without barcodes (order intake): the same products, barcodes left empty.
    const lean = await catalog.findBySkus(t.conn.db, ['TEE-S', 'GAD-1', 'UNKNOWN'], { barcodes: false })
    expect([...lean.keys()].sort()).toEqual(['GAD-1', 'TEE-S'])
    expect(lean.get('GAD-1')).toEqual({ ...bySku.get('GAD-1'), barcodes: [] })
    let statements = 0
    const counted = t.conn.db.withPlugin({ transformQuery: (args) => (statements++, args.node), transformResult: async (args) => args.result })
    await catalog.findBySkus(counted, ['TEE-S', 'GAD-1'], { barcodes: false })
    expect(statements).toBe(1)
  })

  it('records the history of a product', async () => {
    const id = (await t.call('GET', '/v1/products/WID-1')).json().id
    const rows = await t.conn.db.selectFrom('events').select(['type', 'actor']).where('entityId', '=', id).orderBy('id').execute()
    expect(rows.map((r) => r.type)).toEqual(['product.created', 'product.updated', 'product.updated', 'product.updated'])
    expect(rows[0].actor).toBe('api_key:test-admin')
  })

  it('needs a key, and a role that may write the catalog', async () => {
    expect((await t.call('GET', '/v1/products', { key: null })).statusCode).toBe(401)
    const viewer = await t.keyFor('viewer')
    expect((await t.call('GET', '/v1/products/WID-1', { key: viewer })).statusCode).toBe(200)
    const denied = await t.call('POST', '/v1/products', { key: viewer, body: { ...widget, sku: 'NEW-1' } })
    expect(denied.statusCode).toBe(403)
    expect(denied.json().code).toBe('auth.forbidden')
    expect((await t.call('PATCH', '/v1/products/WID-1', { key: viewer, body: { name: 'x' } })).statusCode).toBe(403)
    const purchasing = await t.keyFor('purchasing')
    expect((await t.call('POST', '/v1/products', { key: purchasing, body: { ...widget, sku: 'NEW-1' } })).statusCode).toBe(201)
  })
})
