import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp, DIALECTS, type TestApp } from '../../../test/helpers.js'

const berlin = {
  code: 'BER-1',
  name: 'Berlin DC',
  type: 'warehouse',
  address: { name: 'Ordo Berlin', line1: 'Lagerstraße 1', city: 'Berlin', postalCode: '10115', country: 'DE' },
  latitude: 52.5,
  longitude: 13.25,
}

describe.each(DIALECTS)('locations on %s', (dialect) => {
  let t: TestApp
  beforeAll(async () => {
    t = await createTestApp(dialect)
  })
  afterAll(() => t.close())

  it('creates a location with defaults and reads it with its ETag', async () => {
    const created = await t.call('POST', '/v1/locations', { body: berlin })
    expect(created.statusCode).toBe(201)
    expect(created.headers.location).toBe('/v1/locations/BER-1')
    expect(created.json()).toMatchObject({ ...berlin, active: true, priority: 100, version: 1, createdAt: '2026-11-02T09:00:00.000Z' })
    expect(created.json().id).toMatch(/^loc_/)

    const read = await t.call('GET', '/v1/locations/BER-1')
    expect(read.statusCode).toBe(200)
    expect(read.headers.etag).toBe('"1"')
    expect(read.json()).toEqual(created.json())

    const store = await t.call('POST', '/v1/locations', {
      body: { code: 'STORE-MUC', name: 'Munich store', type: 'store', address: { country: 'DE', city: 'München' }, priority: 50 },
    })
    expect(store.statusCode).toBe(201)
    expect(store.json()).toMatchObject({ latitude: null, longitude: null, priority: 50 })

    const missing = await t.call('GET', '/v1/locations/NOPE')
    expect(missing.statusCode).toBe(404)
    expect(missing.json().code).toBe('location.not_found')
  })

  it('refuses a taken code with 409 and bad fields with 422 naming each', async () => {
    const dup = await t.call('POST', '/v1/locations', { body: berlin })
    expect(dup.statusCode).toBe(409)
    expect(dup.headers['content-type']).toContain('application/problem+json')
    expect(dup.json().code).toBe('location.code_taken')

    const bad = await t.call('POST', '/v1/locations', {
      body: { ...berlin, code: 'X 1', type: 'depot', address: { country: 'XX' }, latitude: 91, priority: 1.5 },
    })
    expect(bad.statusCode).toBe(422)
    expect(bad.json().errors.map((e: { path: string }) => e.path).sort()).toEqual(['address.country', 'code', 'latitude', 'priority', 'type'])
  })

  it('edits with a version: ETag on the answer, 412 for a stale If-Match, only named fields change', async () => {
    const etag = (await t.call('GET', '/v1/locations/BER-1')).headers.etag as string
    const edited = await t.call('PATCH', '/v1/locations/BER-1', { body: { priority: 10, latitude: null, longitude: null }, headers: { 'if-match': etag } })
    expect(edited.statusCode).toBe(200)
    expect(edited.json()).toMatchObject({ name: 'Berlin DC', active: true, priority: 10, latitude: null, longitude: null, version: 2 })
    expect(edited.headers.etag).toBe('"2"')

    const stale = await t.call('PATCH', '/v1/locations/BER-1', { body: { active: false }, headers: { 'if-match': etag } })
    expect(stale.statusCode).toBe(412)
    expect(stale.json().code).toBe('request.version_mismatch')
    expect((await t.call('GET', '/v1/locations/BER-1')).json().active).toBe(true)

    const notAnEtag = await t.call('PATCH', '/v1/locations/BER-1', { body: { active: false }, headers: { 'if-match': 'yesterday' } })
    expect(notAnEtag.statusCode).toBe(400)
    expect(notAnEtag.json().errors.map((e: { path: string }) => e.path)).toEqual(['If-Match'])

    const blind = await t.call('PATCH', '/v1/locations/BER-1', { body: { name: 'Berlin DC 1' } })
    expect(blind.statusCode).toBe(200)
    expect(blind.json()).toMatchObject({ name: 'Berlin DC 1', priority: 10, active: true, version: 3 })
  })

  it('lists by id with cursor pagination and filters by type and active', async () => {
    await t.call('POST', '/v1/locations', { body: { ...berlin, code: 'HAM-1', name: 'Hamburg DC', active: false } })
    const first = await t.call('GET', '/v1/locations?limit=2')
    expect(first.json().data.map((l: { code: string }) => l.code)).toEqual(['BER-1', 'STORE-MUC'])
    expect(first.json().nextCursor).toEqual(expect.any(String))
    const next = await t.call('GET', `/v1/locations?limit=2&cursor=${first.json().nextCursor}`)
    expect(next.json()).toMatchObject({ data: [expect.objectContaining({ code: 'HAM-1' })], nextCursor: null })

    const codes = async (qs: string) => (await t.call('GET', `/v1/locations?${qs}`)).json().data.map((l: { code: string }) => l.code)
    expect(await codes('type=store')).toEqual(['STORE-MUC'])
    expect(await codes('type=warehouse&active=true')).toEqual(['BER-1'])
    expect(await codes('active=false')).toEqual(['HAM-1'])
    expect((await t.call('GET', '/v1/locations?type=depot')).statusCode).toBe(400)

    // Allocation sees every location, the preferred (lowest priority) first.
    const all = await t.app.services.locations.listAll(t.conn.db)
    expect(all.map((l) => l.code)).toEqual(['BER-1', 'STORE-MUC', 'HAM-1'])
  })

  it('keeps bins per location, unique by code, in pick order', async () => {
    const add = (location: string, body: object) => t.call('POST', `/v1/locations/${location}/bins`, { body })
    const a = await add('BER-1', { code: 'A-01', zone: 'A', pickSequence: 20 })
    expect(a.statusCode).toBe(201)
    expect(a.json()).toMatchObject({ code: 'A-01', zone: 'A', pickSequence: 20 })
    expect(a.json().id).toMatch(/^bin_/)
    expect((await add('BER-1', { code: 'B-01', pickSequence: 10 })).json()).toMatchObject({ zone: null, pickSequence: 10 })
    expect((await add('BER-1', { code: 'A-00', pickSequence: 20 })).statusCode).toBe(201)
    expect((await add('BER-1', { code: 'Z-99' })).json().pickSequence).toBe(0)

    const dup = await add('BER-1', { code: 'A-01' })
    expect(dup.statusCode).toBe(409)
    expect(dup.json().code).toBe('bin.code_taken')
    expect((await add('STORE-MUC', { code: 'A-01' })).statusCode).toBe(201) // the same code in another location is fine
    expect((await add('NOPE', { code: 'A-01' })).statusCode).toBe(404)
    const bad = await add('BER-1', { code: 'C-01', pickSequence: -1 })
    expect(bad.statusCode).toBe(422)
    expect(bad.json().errors.map((e: { path: string }) => e.path)).toEqual(['pickSequence'])

    const list = await t.call('GET', '/v1/locations/BER-1/bins')
    expect(list.statusCode).toBe(200)
    expect(list.json().data.map((b: { code: string }) => b.code)).toEqual(['Z-99', 'B-01', 'A-00', 'A-01'])
    expect((await t.call('GET', '/v1/locations/NOPE/bins')).statusCode).toBe(404)

    const berlinId = (await t.call('GET', '/v1/locations/BER-1')).json().id
    expect((await t.app.services.locations.findBin(t.conn.db, berlinId, 'B-01'))?.pickSequence).toBe(10)
    expect(await t.app.services.locations.findBin(t.conn.db, berlinId, 'Q-00')).toBeUndefined()
  })

  it('records the history of locations and bins', async () => {
    const rows = await t.conn.db.selectFrom('events').select('type').where('entity', 'in', ['location', 'bin']).orderBy('id').execute()
    const count = (type: string) => rows.filter((r) => r.type === type).length
    expect(count('location.created')).toBe(3)
    expect(count('location.updated')).toBe(2)
    expect(count('bin.created')).toBe(5)
  })

  it('publishes Location and Bin in the OpenAPI document', async () => {
    const doc = (await t.call('GET', '/openapi.json')).json()
    expect(Object.keys(doc.components.schemas)).toEqual(expect.arrayContaining(['Location', 'Bin', 'Address']))
    expect(doc.components.schemas.Location.properties.priority.description).toMatch(/LOWER ships first/)
  })

  it('needs a key, and a role that may write locations', async () => {
    expect((await t.call('GET', '/v1/locations', { key: null })).statusCode).toBe(401)
    const viewer = await t.keyFor('viewer')
    expect((await t.call('GET', '/v1/locations/BER-1/bins', { key: viewer })).statusCode).toBe(200)
    const denied = await t.call('POST', '/v1/locations/BER-1/bins', { key: viewer, body: { code: 'V-1' } })
    expect(denied.statusCode).toBe(403)
    expect(denied.json().code).toBe('auth.forbidden')
    expect((await t.call('PATCH', '/v1/locations/BER-1', { key: viewer, body: { priority: 1 } })).statusCode).toBe(403)
    const warehouse = await t.keyFor('warehouse')
    expect((await t.call('POST', '/v1/locations/BER-1/bins', { key: warehouse, body: { code: 'W-1' } })).statusCode).toBe(201)
  })
})
