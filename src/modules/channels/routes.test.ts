import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp, DIALECTS, type TestApp } from '../../../test/helpers.js'

describe.each(DIALECTS)('channels on %s', (dialect) => {
  let t: TestApp
  beforeAll(async () => {
    t = await createTestApp(dialect)
  })
  afterAll(() => t.close())

  it('creates, lists, reads and edits a channel', async () => {
    const created = await t.call('POST', '/v1/channels', { body: { code: 'web', name: 'Web shop', type: 'web' } })
    expect(created.statusCode).toBe(201)
    expect(created.json()).toMatchObject({ code: 'web', name: 'Web shop', type: 'web', active: true })
    expect((await t.call('GET', '/v1/channels')).json().data.map((c: { code: string }) => c.code)).toEqual(['web'])
    const edited = await t.call('PATCH', '/v1/channels/web', { body: { name: 'Webshop EU', active: false } })
    expect(edited.json()).toMatchObject({ name: 'Webshop EU', active: false })
    // A PATCH changes only what it names: renaming does not reactivate the channel.
    const renamed = await t.call('PATCH', '/v1/channels/web', { body: { name: 'Webshop' } })
    expect(renamed.json()).toMatchObject({ name: 'Webshop', active: false })
  })

  it('refuses a duplicate code with 409 and a bad type with 422 naming the field', async () => {
    const dup = await t.call('POST', '/v1/channels', { body: { code: 'web', name: 'Again', type: 'web' } })
    expect(dup.statusCode).toBe(409)
    expect(dup.headers['content-type']).toContain('application/problem+json')
    expect(dup.json().code).toBe('channel.code_taken')
    const bad = await t.call('POST', '/v1/channels', { body: { code: 'x', name: 'X', type: 'carrier-pigeon' } })
    expect(bad.statusCode).toBe(422)
    expect(bad.json().errors.map((e: { path: string }) => e.path)).toEqual(['type'])
  })

  it('needs a key, and a role that may write', async () => {
    expect((await t.call('GET', '/v1/channels', { key: null })).statusCode).toBe(401)
    expect((await t.call('GET', '/v1/channels', { key: 'ordo_nope' })).statusCode).toBe(401)
    const viewer = await t.keyFor('viewer')
    expect((await t.call('GET', '/v1/channels', { key: viewer })).statusCode).toBe(200)
    const denied = await t.call('POST', '/v1/channels', { key: viewer, body: { code: 'pos', name: 'POS', type: 'pos' } })
    expect(denied.statusCode).toBe(403)
    expect(denied.json().code).toBe('auth.forbidden')
  })
})
