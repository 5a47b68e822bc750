import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp, DIALECTS, type TestApp } from '../../../test/helpers.js'
import { orderBody, seedBasics, stock } from '../../../test/fixtures.js'
import { TEMPLATE_EVENTS } from './templates.js'

const draft = { subject: 'Your order {{order.number}}', text: 'Hi {{customer.name}}, {{order.totals.total}}', html: '<p>Hi {{customer.name}}</p>' }

describe.each(DIALECTS)('notification templates on %s', (dialect) => {
  let t: TestApp
  beforeAll(async () => {
    t = await createTestApp(dialect)
    await seedBasics(t)
    await stock(t, 'TEE-BLK-M', 'BER', 10)
  })
  afterAll(() => t.close())

  it('lists the built-in template of every event', async () => {
    const r = await t.call('GET', '/v1/notification-templates')
    expect(r.statusCode).toBe(200)
    expect(r.json().data.map((x: { event: string; source: string }) => [x.event, x.source])).toEqual(TEMPLATE_EVENTS.map((e) => [e, 'built-in']))
  })

  it("saves a default and a channel's own template; a channel without one falls back to the default, then to the built-in one", async () => {
    const builtIn = (await t.call('GET', '/v1/notification-templates/order.shipped?channel=web')).json()
    expect(builtIn).toMatchObject({ source: 'built-in', channel: null, version: null, subject: 'Order {{order.number}} has shipped' })

    const saved = await t.call('PUT', '/v1/notification-templates/order.shipped', { body: draft })
    expect(saved.statusCode).toBe(200)
    expect(saved.json()).toMatchObject({ source: 'default', channel: null, version: 1, enabled: true, updatedBy: 'api_key:test-admin', ...draft })
    expect(saved.headers.etag).toBe('"1"')
    const web = await t.call('PUT', '/v1/notification-templates/order.shipped?channel=web', { body: { ...draft, subject: 'Web: {{order.number}}' } })
    expect(web.json()).toMatchObject({ source: 'channel', channel: 'web', version: 1 })

    expect((await t.call('GET', '/v1/notification-templates/order.shipped?channel=web')).json().subject).toBe('Web: {{order.number}}')
    expect((await t.call('GET', '/v1/notification-templates/order.shipped?channel=marketplace')).json()).toMatchObject({ source: 'default', subject: draft.subject })
    const listed = (await t.call('GET', '/v1/notification-templates')).json().data
    expect(listed.filter((x: { event: string }) => x.event === 'order.shipped').map((x: { source: string }) => x.source)).toEqual(['default', 'channel'])

    expect((await t.call('DELETE', '/v1/notification-templates/order.shipped?channel=web')).statusCode).toBe(204)
    expect((await t.call('GET', '/v1/notification-templates/order.shipped?channel=web')).json().source).toBe('default')
    expect((await t.call('DELETE', '/v1/notification-templates/order.shipped')).statusCode).toBe(204)
    expect((await t.call('GET', '/v1/notification-templates/order.shipped')).json().source).toBe('built-in')
    const gone = await t.call('DELETE', '/v1/notification-templates/order.shipped')
    expect(gone.statusCode).toBe(404)
    expect(gone.json().code).toBe('notification_template.not_found')
  })

  it('refuses a template that does not parse, naming the field, and an unknown channel or event', async () => {
    const bad = await t.call('PUT', '/v1/notification-templates/order.confirmed', { body: { ...draft, text: 'Hi {{#each order.lines}}{{name}}' } })
    expect(bad.statusCode).toBe(422)
    expect(bad.json()).toMatchObject({ code: 'notification.template_invalid', errors: [{ path: 'text', message: expect.stringMatching(/never closed/) }] })
    const channel = await t.call('PUT', '/v1/notification-templates/order.confirmed?channel=nope', { body: draft })
    expect(channel.statusCode).toBe(404)
    expect(channel.json().code).toBe('channel.not_found')
    expect((await t.call('GET', '/v1/notification-templates/order.teleported')).statusCode).toBe(400)
    expect((await t.call('GET', '/v1/notification-templates/order.confirmed')).json().source).toBe('built-in')
  })

  it('honours If-Match on edits', async () => {
    await t.call('PUT', '/v1/notification-templates/order.cancelled', { body: draft })
    const stale = await t.call('PUT', '/v1/notification-templates/order.cancelled', { body: draft, headers: { 'if-match': '"7"' } })
    expect(stale.statusCode).toBe(412)
    const fresh = await t.call('PUT', '/v1/notification-templates/order.cancelled', { body: { ...draft, enabled: false }, headers: { 'if-match': '"1"' } })
    expect(fresh.json()).toMatchObject({ version: 2, enabled: false })
  })

  it('previews a template with sample data, for a real order, and as an unsaved draft', async () => {
    const sample = await t.call('POST', '/v1/notification-templates/order.shipped/preview')
    expect(sample.statusCode).toBe(200)
    expect(sample.json()).toMatchObject({ to: 'anna@example.com', subject: 'Order SO-10042 has shipped' })
    expect(sample.json().text).toMatch(/Follow your parcel: http:\/\/127\.0\.0\.1:3000\/o\/[\w-]+\.[\w-]{22}\n/)

    const order = (await t.call('POST', '/v1/orders', { body: orderBody({ customer: { email: 'bo@example.com', name: 'Bo <b>Larsen</b>' } }) })).json()
    const real = await t.call('POST', '/v1/notification-templates/order.confirmed/preview', { body: { orderId: order.number } })
    expect(real.json()).toMatchObject({ to: 'bo@example.com', subject: `Order ${order.number} confirmed` })
    expect(real.json().text).toContain('Hello Bo <b>Larsen</b>,')
    expect(real.json().html).toContain('Hello Bo &lt;b&gt;Larsen&lt;/b&gt;,')
    expect(real.json().text).toContain(`Total: €${(order.totals.total / 100).toFixed(2)}`)

    const tracked = await t.call('POST', '/v1/notification-templates/order.shipped/preview', { body: { orderId: order.id, data: { trackingNumber: 'ZZ1' }, subject: 'Parcel {{shipment.trackingNumber}} for {{order.number}}' } })
    expect(tracked.json().subject).toBe(`Parcel ZZ1 for ${order.number}`)
    const broken = await t.call('POST', '/v1/notification-templates/order.shipped/preview', { body: { html: '{{/if}}' } })
    expect(broken.statusCode).toBe(422)
    expect(broken.json().errors[0].path).toBe('html')
    expect((await t.call('POST', '/v1/notification-templates/order.shipped/preview', { body: { orderId: 'SO-99999' } })).statusCode).toBe(404)
  })

  it('is for admins and ops; the e-mail log of an order needs only orders:read', async () => {
    const viewer = await t.keyFor('viewer')
    expect((await t.call('GET', '/v1/notification-templates', { key: viewer })).statusCode).toBe(403)
    expect((await t.call('PUT', '/v1/notification-templates/order.confirmed', { key: viewer, body: draft })).statusCode).toBe(403)
    expect((await t.call('GET', '/v1/notifications?status=failed', { key: viewer })).statusCode).toBe(403)
    expect((await t.call('GET', '/v1/notification-templates', { key: await t.keyFor('ops') })).statusCode).toBe(200)
    const order = (await t.call('POST', '/v1/orders', { body: orderBody() })).json()
    expect((await t.call('GET', `/v1/orders/${order.id}/notifications`, { key: viewer })).json()).toEqual({ data: [], nextCursor: null })
    expect((await t.call('GET', '/v1/orders/ord_nope/notifications', { key: viewer })).statusCode).toBe(404)
    expect((await t.call('POST', '/v1/notifications/ntf_nope/retry')).statusCode).toBe(404)
  })
})
