import http from 'node:http'
import { mkdtempSync } from 'node:fs'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp, DIALECTS, type TestApp } from '../../../test/helpers.js'
import { address, HAMBURG, orderBody, seedBasics, stock } from '../../../test/fixtures.js'
import { seedCarriers } from '../../../test/shipping-fixtures.js'
import { deliverOrder } from '../../../test/delivered-order.js'
import { startWorkers } from '../../workers.js'

const MUNICH = { city: 'München', postalCode: '80331', latitude: 48.137, longitude: 11.575 }

/** Shared by both suites: calls that must succeed, the queue, one item of it. */
function client(t: () => TestApp) {
  const ok = async (method: string, url: string, body?: unknown) => {
    const r = await t().call(method, url, body === undefined ? {} : { body })
    if (r.statusCode >= 300) throw new Error(`${method} ${url} → ${r.statusCode} ${r.body}`)
    return r.json()
  }
  const queue = (query = '') => ok('GET', `/v1/exceptions?limit=500${query ? `&${query}` : ''}`)
  const find = async (key: string, query = '') => (await queue(query)).data.find((i: any) => i.key === key)
  const timeline = async (orderId: string) => (await ok('GET', `/v1/orders/${orderId}/events`)).data as any[]
  return { ok, queue, find, timeline }
}

describe.each(DIALECTS)('exception queue on %s', (dialect) => {
  let t: TestApp
  const { ok, queue, find, timeline } = client(() => t)
  const post = (url: string, body: unknown = {}, opts: { key?: string; headers?: Record<string, string> } = {}) => t.call('POST', url, { body, ...opts })

  /** Picks, packs and ships the order's open fulfilment order; returns the shipment (label bought, not yet collected). */
  const ship = async (orderNumber: string) => {
    const [fo] = (await ok('GET', `/v1/fulfillments?order=${orderNumber}`)).data.filter((f: any) => f.status === 'open')
    const picklist = await ok('POST', '/v1/picklists', { location: fo.location, fulfillmentOrders: [fo.number] })
    for (const line of picklist.lines) await ok('POST', `/v1/picklists/${picklist.id}/scans`, { ...(line.bin ? { bin: line.bin } : {}), barcode: line.sku, quantity: line.quantity })
    await ok('POST', `/v1/fulfillments/${fo.id}/pack`, {
      packages: [{ dimensions: { lengthMm: 300, widthMm: 200, heightMm: 150 }, weightGrams: 1000, contents: fo.lines.map((l: any) => ({ sku: l.sku, quantity: l.quantity })) }],
    })
    return (await ok('POST', `/v1/fulfillments/${fo.id}/ship`, {})).shipment
  }
  const track = (shipmentId: string, status: string, extra: Record<string, unknown> = {}) =>
    ok('POST', `/v1/shipments/${shipmentId}/tracking-events`, { status, occurredAt: t.clock.now().toISOString(), source: 'carrier', ...extra })

  beforeAll(async () => {
    t = await createTestApp(dialect)
    await seedBasics(t)
    await seedCarriers(t)
    for (const sku of ['TEE-BLK-M', 'BOOK-OMS']) await ok('POST', '/v1/inventory/adjustments', { sku, location: 'BER', bin: 'A-01', delta: 50, reason: 'opening stock' })
  })
  afterAll(() => t.close())

  let held: any
  it('lists an order on hold by its hold code, counted by type and code, until the hold is released', async () => {
    held = await ok('POST', '/v1/orders', orderBody())
    const withHold = await ok('POST', `/v1/orders/${held.id}/holds`, { code: 'fraud', detail: 'Billing and shipping countries differ' })
    const hold = withHold.holds.find((h: any) => !h.releasedAt)
    const key = `order_hold:${hold.id}`

    const list = await queue()
    const item = list.data.find((i: any) => i.key === key)
    expect(item).toMatchObject({
      type: 'order_hold',
      status: 'open',
      severity: 'high',
      holdCode: 'fraud',
      title: `${held.number} is on hold: fraud`,
      entity: { type: 'order', id: held.id, number: held.number },
      orderId: held.id,
      orderNumber: held.number,
      channel: 'web',
      since: hold.createdAt,
      link: `/v1/orders/${held.id}`,
      assignee: null,
      version: 0,
    })
    expect(item.detail).toContain('Billing and shipping countries differ')
    expect(list.counts).toMatchObject({ byType: { order_hold: 1 }, byHoldCode: { fraud: 1 }, total: list.data.length, capped: [] })
    expect((await queue('holdCode=fraud')).data.map((i: any) => i.key)).toEqual([key])
    const other = await queue('holdCode=price')
    expect(other.data).toEqual([])
    // The counts still show every type: the hold code only chooses what is listed.
    expect(other.counts.byHoldCode).toEqual({ fraud: 1 })

    const one = await t.call('GET', `/v1/exceptions/${key}`)
    expect([one.statusCode, one.headers.etag, one.json().key]).toEqual([200, '"0"', key])

    await ok('POST', `/v1/orders/${held.id}/holds/${hold.id}/release`, { note: 'customer called back' })
    expect(await find(key)).toBeUndefined()
    expect((await t.call('GET', `/v1/exceptions/${key}`)).json()).toMatchObject({ status: 404, code: 'exception.not_found' })
  })

  let backordered: any
  it('lists a backorder once it has waited the alert days (or as many as asked), until stock fills it', async () => {
    backordered = await ok('POST', '/v1/orders', orderBody({ lines: [{ sku: 'SCARCE-1', quantity: 2 }] }))
    expect(backordered.fulfillmentStatus).toBe('backordered')
    const key = `backorder:${backordered.lines[0].id}`
    expect(await find(key)).toBeUndefined()
    expect(await find(key, 'backorderDays=0')).toMatchObject({ type: 'backorder', severity: 'normal', title: `${backordered.number}: 2 × SCARCE-1 backordered`, since: '2026-11-02T09:00:00.000Z' })

    t.clock.set('2026-11-06T10:00:00.000Z')
    expect(await find(key)).toMatchObject({ type: 'backorder', orderNumber: backordered.number, channel: 'web' })
    expect(await find(key, 'olderThanDays=4')).toBeDefined()
    expect(await find(key, 'olderThanDays=5')).toBeUndefined()
    expect(await find(key, 'backorderDays=5')).toBeUndefined()

    await stock(t, 'SCARCE-1', 'MUC', 2)
    expect((await ok('GET', `/v1/orders/${backordered.id}`)).lines[0].backorderedQuantity).toBe(0)
    expect(await find(key, 'backorderDays=0')).toBeUndefined()
  })

  let shortKey: string
  let shorted: any
  it('lists a short pick at its location; a person resolves it with a note the order timeline shows, once (409), and can reopen it', async () => {
    await ok('POST', '/v1/inventory/adjustments', { sku: 'MUG-WHT', location: 'MUC', bin: 'A-01', delta: 2, reason: 'opening stock' })
    shorted = await ok('POST', '/v1/orders', orderBody({ shippingAddress: address(MUNICH), lines: [{ sku: 'MUG-WHT', quantity: 2 }] }))
    const picklist = await ok('POST', '/v1/picklists', { location: 'MUC' })
    await ok('POST', `/v1/picklists/${picklist.id}/scans`, { bin: 'A-01', barcode: 'MUG-WHT' })
    await ok('POST', `/v1/picklists/${picklist.id}/short`, { bin: 'A-01', barcode: 'MUG-WHT', found: 1 })

    const [item] = (await queue('type=short_pick')).data
    shortKey = item.key
    expect(item).toMatchObject({
      key: expect.stringMatching(/^short_pick:/),
      title: `1 × MUG-WHT not found in bin A-01 (${picklist.number})`,
      location: 'MUC',
      entity: { type: 'picklist', id: picklist.id, number: picklist.number },
      orderId: shorted.id,
      orderNumber: shorted.number,
      channel: 'web',
      link: `/v1/picklists/${picklist.id}`,
    })
    expect(item.detail).toContain(shorted.number)

    const resolve = await post(`/v1/exceptions/${shortKey}/resolve`, { note: 'Counted A-01: the second mug was broken and thrown away.' })
    expect(resolve.statusCode).toBe(200)
    expect(resolve.headers.etag).toBe('"1"')
    expect(resolve.json()).toMatchObject({ status: 'resolved', resolvedBy: 'api_key:test-admin', resolutionNote: 'Counted A-01: the second mug was broken and thrown away.', version: 1 })
    expect(await find(shortKey)).toBeUndefined()
    const resolved = await queue('status=resolved')
    expect(resolved.data.map((i: any) => i.key)).toContain(shortKey)
    expect(resolved.counts.byType.short_pick).toBe(1)
    const event = (await timeline(shorted.id)).find((e) => e.type === 'exception.resolved')
    expect(event).toMatchObject({ actor: 'api_key:test-admin', reason: 'Counted A-01: the second mug was broken and thrown away.', data: { key: shortKey, type: 'short_pick' } })

    const again = await post(`/v1/exceptions/${shortKey}/resolve`, { note: 'again' })
    expect([again.statusCode, again.json().code]).toEqual([409, 'exception.already_resolved'])

    const reopened = await post(`/v1/exceptions/${shortKey}/reopen`, { note: 'the count was wrong' })
    expect(reopened.json()).toMatchObject({ status: 'open', resolvedAt: null, resolutionNote: null, version: 2 })
    expect(await find(shortKey)).toMatchObject({ status: 'open' })
    expect((await queue('status=resolved')).data.map((i: any) => i.key)).not.toContain(shortKey)
    expect((await timeline(shorted.id)).map((e) => e.type)).toContain('exception.reopened')
    const notResolved = await post(`/v1/exceptions/${shortKey}/reopen`)
    expect([notResolved.statusCode, notResolved.json().code]).toEqual([409, 'exception.not_resolved'])
  })

  it('lists a shipment in exception until it moves on, and one late against its promised date until it is delivered', async () => {
    const troubled = await ok('POST', '/v1/orders', orderBody({ shippingAddress: address(HAMBURG), shippingMethod: 'standard' }))
    const shipment = await ship(troubled.number)
    await track(shipment.id, 'in_transit', { location: 'Hub Hannover' })
    t.clock.advance(3_600_000)
    await track(shipment.id, 'exception', { location: 'Hamburg depot', detail: 'address not found' })
    const key = `shipment_exception:${shipment.id}`
    expect(await find(key)).toMatchObject({
      type: 'shipment_exception',
      severity: 'high',
      entity: { type: 'shipment', id: shipment.id, number: shipment.number },
      orderNumber: troubled.number,
      channel: 'web',
      location: 'BER',
      since: t.clock.now().toISOString(),
      detail: `Address not found. At Hamburg depot. Tracking ${shipment.trackingNumber}.`,
    })
    t.clock.advance(3_600_000)
    await track(shipment.id, 'in_transit', { detail: 'address corrected' })
    expect(await find(key)).toBeUndefined()

    // Promised for today: no service makes it, so the estimate is already past the promise.
    const today = t.clock.now().toISOString().slice(0, 10)
    const promised = await ok('POST', '/v1/orders', orderBody({ shippingAddress: address(HAMBURG), promisedDeliveryDate: today }))
    const late = await ship(promised.number)
    const lateKey = `shipment_late:${late.id}`
    const atRisk = await find(lateKey)
    expect(atRisk).toMatchObject({ type: 'shipment_late', severity: 'normal', title: `${late.number} (${promised.number}) will arrive after its promised date` })
    expect((await post(`/v1/exceptions/${lateKey}/resolve`, { note: 'Told the customer it comes a day later.' })).statusCode).toBe(200)
    expect(await find(lateKey)).toBeUndefined()

    // Once the promised day has passed it is overdue: a newer condition, so it is back for a person.
    t.clock.set(`${today}T23:00:00.000Z`)
    t.clock.advance(2 * 3_600_000)
    const overdue = await find(lateKey)
    expect(overdue).toMatchObject({ status: 'open', severity: 'high', title: `${late.number} (${promised.number}) is past its promised date`, resolvedAt: null })
    expect(overdue.since > atRisk.since).toBe(true)

    await track(late.id, 'in_transit')
    expect(await find(lateKey)).toBeDefined()
    t.clock.advance(60_000)
    await track(late.id, 'delivered')
    expect(await find(lateKey)).toBeUndefined()
  })

  it('lists returns waiting for authorization and for inspection until a person does each', async () => {
    await ok('PUT', '/v1/return-policies', { windowDays: 30, returnLocation: 'BER', autoAuthorize: false })
    const order = await ok('POST', '/v1/orders', orderBody({ shippingAddress: address(HAMBURG), lines: [{ sku: 'BOOK-OMS', quantity: 1 }] }))
    await deliverOrder(t, order.number)
    const rma = await ok('POST', '/v1/returns', { order: order.number, lines: [{ sku: 'BOOK-OMS', quantity: 1, reason: 'no_longer_needed', resolution: 'refund' }] })
    expect(rma.status).toBe('requested')

    const waiting = await find(`return_authorization:${rma.id}`)
    expect(waiting).toMatchObject({ type: 'return_authorization', entity: { type: 'return', id: rma.id, number: rma.number }, orderNumber: order.number, channel: 'web', link: `/v1/returns/${rma.id}` })
    expect(waiting.detail).toContain('a person authorize every return')

    await ok('POST', `/v1/returns/${rma.id}/authorize`, {})
    expect(await find(`return_authorization:${rma.id}`)).toBeUndefined()
    await ok('POST', `/v1/returns/${rma.id}/receive`, { location: 'BER' })
    expect(await find(`return_inspection:${rma.id}`)).toMatchObject({ type: 'return_inspection', location: 'BER', orderId: order.id })
    await ok('POST', `/v1/returns/${rma.id}/inspect`, { lines: [{ line: 'BOOK-OMS', condition: 'new', disposition: 'restock' }] })
    expect(await find(`return_inspection:${rma.id}`)).toBeUndefined()
  })

  it('assigns items, filters by assignee, location, channel and age, counts by type and pages with a cursor', async () => {
    const m1 = await ok('POST', '/v1/orders', orderBody({ channel: 'marketplace' }))
    const m2 = await ok('POST', '/v1/orders', orderBody({ channel: 'marketplace' }))
    const h1 = (await ok('POST', `/v1/orders/${m1.id}/holds`, { code: 'payment', detail: 'card declined' })).holds[0]
    const h2 = (await ok('POST', `/v1/orders/${m2.id}/holds`, { code: 'address', detail: 'no house number' })).holds[0]
    const market = await queue('channel=marketplace')
    expect(market.data.map((i: any) => i.key)).toEqual([`order_hold:${h1.id}`, `order_hold:${h2.id}`]) // high (payment) before normal
    expect(market.counts).toMatchObject({ byType: { order_hold: 2, backorder: 0, short_pick: 0 }, byHoldCode: { payment: 1, address: 1 }, total: 2 })

    const assigned = await post(`/v1/exceptions/order_hold:${h2.id}/assign`, { assignee: 'sam@example.com', note: 'calling the customer' })
    expect(assigned.json()).toMatchObject({ assignee: 'sam@example.com', assignedBy: 'api_key:test-admin', note: 'calling the customer', version: 1 })
    expect((await timeline(m2.id)).find((e) => e.type === 'exception.assigned')).toMatchObject({ data: { assignee: 'sam@example.com' } })
    expect((await queue('assignee=sam@example.com')).data.map((i: any) => i.key)).toEqual([`order_hold:${h2.id}`])
    expect((await queue('channel=marketplace&assigned=false')).data.map((i: any) => i.key)).toEqual([`order_hold:${h1.id}`])
    expect((await queue('location=MUC')).data.every((i: any) => i.location === 'MUC')).toBe(true)
    expect((await queue('location=MUC')).data.map((i: any) => i.key)).toContain(shortKey)
    expect((await queue('channel=marketplace&olderThanDays=1')).data).toEqual([])

    // A stale If-Match is refused; the current one is taken.
    const stale = await post(`/v1/exceptions/order_hold:${h2.id}/assign`, { assignee: 'kim@example.com' }, { headers: { 'if-match': '"0"' } })
    expect([stale.statusCode, stale.json().code, stale.headers.etag]).toEqual([412, 'request.version_mismatch', '"1"'])
    const handedBack = await post(`/v1/exceptions/order_hold:${h2.id}/assign`, { assignee: null }, { headers: { 'if-match': '"1"' } })
    expect(handedBack.json()).toMatchObject({ assignee: null, note: 'calling the customer', version: 2 })

    // The whole queue, two at a time: every item once, in the queue's order; the counts add up.
    const all = await queue()
    const seen: string[] = []
    let cursor: string | null = null
    do {
      const pageOf: any = await ok('GET', `/v1/exceptions?limit=2${cursor ? `&cursor=${cursor}` : ''}`)
      expect(pageOf.data.length).toBeLessThanOrEqual(2)
      seen.push(...pageOf.data.map((i: any) => i.key))
      cursor = pageOf.nextCursor
    } while (cursor)
    expect(seen).toEqual(all.data.map((i: any) => i.key))
    const tally: Record<string, number> = {}
    for (const i of all.data) tally[i.type] = (tally[i.type] ?? 0) + 1
    expect(Object.fromEntries(Object.entries(all.counts.byType).filter(([, n]) => n))).toEqual(tally)
    expect(all.counts.total).toBe(all.data.length)
    const severities = all.data.map((i: any) => ['high', 'normal', 'low'].indexOf(i.severity))
    expect(severities).toEqual([...severities].sort())
  })

  it('answers 404 for an unknown key and 409 for acting on an item whose condition has ended', async () => {
    expect((await t.call('GET', '/v1/exceptions/order_hold:hold_nope')).statusCode).toBe(404)
    expect((await post('/v1/exceptions/order_hold:hold_nope/resolve', { note: 'x' })).statusCode).toBe(404)
    expect((await t.call('GET', '/v1/exceptions/not-a-key')).statusCode).toBe(400)
    const noNote = await post(`/v1/exceptions/${shortKey}/resolve`, {})
    expect([noNote.statusCode, noNote.json().errors[0].path]).toEqual([422, 'note'])

    // Assigned, then the condition ends by itself: the item is cleared, and there is nothing left to resolve.
    const order = await ok('POST', '/v1/orders', orderBody())
    const hold = (await ok('POST', `/v1/orders/${order.id}/holds`, { code: 'manual', detail: 'check the gift note' })).holds[0]
    await ok('POST', `/v1/exceptions/order_hold:${hold.id}/assign`, { assignee: 'sam@example.com' })
    await ok('POST', `/v1/orders/${order.id}/holds/${hold.id}/release`, {})
    expect(await ok('GET', `/v1/exceptions/order_hold:${hold.id}`)).toMatchObject({ status: 'cleared', assignee: 'sam@example.com', title: `${order.number} is on hold: manual` })
    const late = await post(`/v1/exceptions/order_hold:${hold.id}/resolve`, { note: 'done' })
    expect([late.statusCode, late.json().code]).toEqual([409, 'exception.cleared'])
  })

  it('lets every staff role read the queue and the working roles act on it; a viewer cannot resolve, a channel key cannot even read', async () => {
    const viewer = await t.keyFor('viewer')
    expect((await t.call('GET', '/v1/exceptions', { key: viewer })).statusCode).toBe(200)
    expect((await post(`/v1/exceptions/${shortKey}/resolve`, { note: 'x' }, { key: viewer })).statusCode).toBe(403)
    expect((await post(`/v1/exceptions/${shortKey}/assign`, { assignee: 'me' }, { key: await t.keyFor('purchasing') })).statusCode).toBe(403)
    expect((await t.call('GET', '/v1/exceptions', { key: await t.keyFor('channel', 'web') })).statusCode).toBe(403)
    const warehouse = await post(`/v1/exceptions/${shortKey}/resolve`, { note: 'Recounted: 0 left, as the books say.' }, { key: await t.keyFor('warehouse') })
    expect(warehouse.json()).toMatchObject({ status: 'resolved', resolvedBy: 'api_key:test-warehouse' })
  })
})

/** A receiver that answers every webhook with `status`. */
async function receiver() {
  const rx = { status: 503, port: 0, server: http.createServer((req, res) => req.resume().on('end', () => res.writeHead(rx.status).end())) }
  await new Promise<void>((resolve) => rx.server.listen(0, '127.0.0.1', resolve))
  rx.port = (rx.server.address() as AddressInfo).port
  return rx
}

describe.each(DIALECTS)('exception queue: e-mails and webhooks that did not get through, on %s', (dialect) => {
  let t: TestApp
  let rx: Awaited<ReturnType<typeof receiver>>
  const { ok, find, timeline } = client(() => t)
  const workers = () =>
    startWorkers({
      conn: t.conn,
      services: t.app.services,
      clock: t.clock,
      log: { info() {}, error() {} },
      // No retries: the first failure is final, so one round dead-letters and fails for good.
      webhooks: { allowPrivate: true, timeoutMs: 5000, retry: { schedule: [1000], windowMs: 0 }, random: () => 0.5 },
      notifications: {
        smtpUrl: null,
        mailFrom: 'Shop <shop@example.com>',
        outboxDir: mkdtempSync(join(process.cwd(), '.tmp', 'outbox-')),
        retrySchedule: [],
        mailer: { send: () => Promise.reject(new Error('550 5.1.1 mailbox unavailable')), close() {} },
      },
      autoStart: false,
    })

  beforeAll(async () => {
    t = await createTestApp(dialect)
    await seedBasics(t)
    await stock(t, 'TEE-BLK-M', 'BER', 10)
    rx = await receiver()
  })
  afterAll(async () => {
    rx.server.close()
    await t.close()
  })

  it('lists an e-mail that failed for good until it is retried, and an endpoint with dead letters until they are replayed', async () => {
    const endpoint = await ok('POST', '/v1/webhook-endpoints', { url: `http://127.0.0.1:${rx.port}/hooks`, eventTypes: ['order.created', 'order.confirmed'] })
    const w = workers()
    const order = await ok('POST', '/v1/orders', orderBody())
    await w.tick()

    const [mail] = (await ok('GET', `/v1/orders/${order.id}/notifications`)).data
    expect(mail.status).toBe('failed')
    const mailItem = await find(`notification_failed:${mail.id}`)
    expect(mailItem).toMatchObject({ type: 'notification_failed', severity: 'low', orderId: order.id, orderNumber: order.number, channel: 'web', link: `/v1/notifications/${mail.id}` })
    expect(mailItem.detail).toContain('550 5.1.1 mailbox unavailable')

    const key = `webhook_dead:${endpoint.id}`
    expect(await find(key)).toMatchObject({ type: 'webhook_dead', severity: 'high', title: `2 webhook deliveries to http://127.0.0.1:${rx.port}/hooks dead-lettered`, entity: { type: 'webhook_endpoint', id: endpoint.id } })
    expect((await ok('POST', `/v1/exceptions/${key}/resolve`, { note: 'Receiver down for maintenance; replay tomorrow.' })).status).toBe('resolved')
    expect(await find(key)).toBeUndefined()

    // A new dead letter is a newer condition: the endpoint is back in the queue.
    t.clock.advance(60_000)
    await ok('POST', '/v1/orders', orderBody())
    await w.tick()
    expect(await find(key)).toMatchObject({ status: 'open', title: `4 webhook deliveries to http://127.0.0.1:${rx.port}/hooks dead-lettered` })

    rx.status = 200
    await ok('POST', `/v1/webhook-endpoints/${endpoint.id}/replay`, { status: 'dead' })
    await w.tick()
    expect(await find(key)).toBeUndefined()

    await ok('POST', `/v1/exceptions/notification_failed:${mail.id}/assign`, { assignee: 'ops@example.com' })
    await ok('POST', `/v1/notifications/${mail.id}/retry`, {})
    expect(await find(`notification_failed:${mail.id}`)).toBeUndefined()
    expect((await timeline(order.id)).map((e) => e.type)).toContain('exception.assigned')
    await w.stop()
  })
})
