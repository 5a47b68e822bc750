import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp, DIALECTS, type TestApp } from '../../../test/helpers.js'
import { secretKey } from './signature.js'

describe.each(DIALECTS)('webhook endpoints on %s', (dialect) => {
  let t: TestApp
  beforeAll(async () => {
    t = await createTestApp(dialect)
  })
  afterAll(() => t.close())

  it('creates an endpoint and shows its secret once', async () => {
    const r = await t.call('POST', '/v1/webhook-endpoints', { body: { url: 'https://hooks.example.com/ordo', description: 'ERP', eventTypes: ['order.*', 'shipment.delivered'] } })
    expect(r.statusCode).toBe(201)
    const created = r.json()
    expect(created).toMatchObject({ url: 'https://hooks.example.com/ordo', description: 'ERP', eventTypes: ['order.*', 'shipment.delivered'], active: true, version: 1 })
    expect(secretKey(created.secret)?.length).toBe(32)
    expect(r.headers.location).toBe(`/v1/webhook-endpoints/${created.id}`)
    const read = (await t.call('GET', `/v1/webhook-endpoints/${created.id}`)).json()
    expect(read).not.toHaveProperty('secret')
    expect(JSON.stringify((await t.call('GET', '/v1/webhook-endpoints')).json())).not.toContain(created.secret)
  })

  it('answers a retried create with the same Idempotency-Key with the first endpoint', async () => {
    const body = { url: 'https://retry.example.com/x', eventTypes: ['order.*'] }
    const first = await t.call('POST', '/v1/webhook-endpoints', { body, headers: { 'idempotency-key': 'erp-setup-1' } })
    const again = await t.call('POST', '/v1/webhook-endpoints', { body, headers: { 'idempotency-key': 'erp-setup-1' } })
    expect([first.statusCode, again.statusCode]).toEqual([201, 200])
    expect(again.json()).toEqual(first.json())
    const other = await t.call('POST', '/v1/webhook-endpoints', { body: { ...body, eventTypes: ['*'] }, headers: { 'idempotency-key': 'erp-setup-1' } })
    expect(other.statusCode).toBe(422)
    const all = (await t.call('GET', '/v1/webhook-endpoints')).json().data
    expect(all.filter((e: { url: string }) => e.url === body.url)).toHaveLength(1)
  })

  it('takes a secret of your own, and refuses one that is not a whsec_ secret', async () => {
    const own = `whsec_${Buffer.alloc(24, 7).toString('base64')}`
    const r = await t.call('POST', '/v1/webhook-endpoints', { body: { url: 'https://a.example.com/x', eventTypes: ['*'], secret: own } })
    expect(r.json().secret).toBe(own)
    const bad = await t.call('POST', '/v1/webhook-endpoints', { body: { url: 'https://a.example.com/x', eventTypes: ['*'], secret: 'hunter2' } })
    expect(bad.statusCode).toBe(422)
    expect(bad.json().errors.map((e: { path: string }) => e.path)).toEqual(['secret'])
  })

  it('refuses URLs with credentials or other schemes, and malformed event types, naming the field', async () => {
    const creds = await t.call('POST', '/v1/webhook-endpoints', { body: { url: 'https://user:pw@hooks.example.com/x', eventTypes: ['*'] } })
    expect(creds.statusCode).toBe(422)
    expect(creds.json()).toMatchObject({ code: 'webhook.url_refused', errors: [{ path: 'url' }] })
    const ftp = await t.call('POST', '/v1/webhook-endpoints', { body: { url: 'ftp://hooks.example.com/x', eventTypes: ['*'] } })
    expect(ftp.json().code).toBe('webhook.url_refused')
    const types = await t.call('POST', '/v1/webhook-endpoints', { body: { url: 'https://hooks.example.com/x', eventTypes: ['order.*', 'Order Shipped', 'order.*.x'] } })
    expect(types.statusCode).toBe(422)
    expect(types.json().errors.map((e: { path: string }) => e.path)).toEqual(['eventTypes.1', 'eventTypes.2'])
  })

  it('edits an endpoint (If-Match honoured), pauses and resumes it, and deletes it', async () => {
    const { id } = (await t.call('POST', '/v1/webhook-endpoints', { body: { url: 'https://b.example.com/x', eventTypes: ['order.created'] } })).json()
    const edited = await t.call('PATCH', `/v1/webhook-endpoints/${id}`, { body: { eventTypes: ['order.*'], active: false }, headers: { 'if-match': '"1"' } })
    expect(edited.statusCode).toBe(200)
    expect(edited.json()).toMatchObject({ eventTypes: ['order.*'], active: false, version: 2, url: 'https://b.example.com/x' })
    expect(edited.headers.etag).toBe('"2"')
    const stale = await t.call('PATCH', `/v1/webhook-endpoints/${id}`, { body: { active: true }, headers: { 'if-match': '"1"' } })
    expect(stale.statusCode).toBe(412)
    expect((await t.call('PATCH', `/v1/webhook-endpoints/${id}`, { body: { url: 'https://user:pw@b.example.com' } })).json().code).toBe('webhook.url_refused')
    expect((await t.call('PATCH', `/v1/webhook-endpoints/${id}`, { body: { active: true } })).json().active).toBe(true)
    expect((await t.call('DELETE', `/v1/webhook-endpoints/${id}`)).statusCode).toBe(204)
    expect((await t.call('GET', `/v1/webhook-endpoints/${id}`)).json().code).toBe('webhook_endpoint.not_found')
    expect((await t.call('DELETE', `/v1/webhook-endpoints/${id}`)).statusCode).toBe(404)
  })

  it('rotates the secret: a new one shown once, the old one kept signing for the time asked', async () => {
    const { id, secret } = (await t.call('POST', '/v1/webhook-endpoints', { body: { url: 'https://c.example.com/x', eventTypes: ['*'] } })).json()
    const rotated = await t.call('POST', `/v1/webhook-endpoints/${id}/rotate-secret`, { body: { keepPreviousForSeconds: 3600 } })
    expect(rotated.statusCode).toBe(200)
    expect(rotated.json().secret).not.toBe(secret)
    expect(rotated.json().previousSecretExpiresAt).toBe(new Date(t.clock.now().getTime() + 3_600_000).toISOString())
    const revoked = await t.call('POST', `/v1/webhook-endpoints/${id}/rotate-secret`, { body: { keepPreviousForSeconds: 0 } })
    expect(revoked.json().previousSecretExpiresAt).toBeNull()
    // Without a body: a generated secret, the old one kept for a day.
    const plain = await t.call('POST', `/v1/webhook-endpoints/${id}/rotate-secret`)
    expect(plain.statusCode).toBe(200)
    expect(plain.json().previousSecretExpiresAt).toBe(new Date(t.clock.now().getTime() + 86_400_000).toISOString())
  })

  it('lists an endpoint\'s deliveries (none yet) and 404s unknown ones', async () => {
    const { id } = (await t.call('POST', '/v1/webhook-endpoints', { body: { url: 'https://d.example.com/x', eventTypes: ['*'] } })).json()
    expect((await t.call('GET', `/v1/webhook-endpoints/${id}/deliveries`)).json()).toEqual({ data: [], nextCursor: null })
    expect((await t.call('GET', '/v1/webhook-endpoints/whe_nope/deliveries')).statusCode).toBe(404)
    expect((await t.call('GET', '/v1/webhook-deliveries/whd_nope')).json().code).toBe('webhook_delivery.not_found')
    expect((await t.call('POST', `/v1/webhook-endpoints/${id}/replay`, { body: { status: 'dead' } })).json()).toEqual({ replayed: 0 })
    expect((await t.call('POST', `/v1/webhook-endpoints/${id}/replay`, { body: { status: 'pending' } })).statusCode).toBe(422)
  })

  it('documents every route in the OpenAPI document', async () => {
    const doc = (await t.call('GET', '/openapi.json')).json()
    const paths = ['/v1/webhook-endpoints', '/v1/webhook-endpoints/{id}/rotate-secret', '/v1/webhook-endpoints/{id}/replay', '/v1/webhook-deliveries/{id}/retry', '/v1/notification-templates/{event}/preview', '/v1/orders/{id}/notifications']
    for (const path of paths) expect(doc.paths[path], path).toBeDefined()
    expect(doc.components.schemas.WebhookDelivery).toBeDefined()
  })

  it('is for admins and ops only', async () => {
    const ops = await t.keyFor('ops')
    expect((await t.call('GET', '/v1/webhook-endpoints', { key: ops })).statusCode).toBe(200)
    for (const role of ['support', 'viewer', 'warehouse', 'finance'] as const) {
      const key = await t.keyFor(role)
      const r = await t.call('POST', '/v1/webhook-endpoints', { key, body: { url: 'https://e.example.com/x', eventTypes: ['*'] } })
      expect(r.statusCode, role).toBe(403)
    }
  })
})
