import { randomBytes } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp, DIALECTS, type TestApp } from '../../../test/helpers.js'
import { orderBody, seedBasics, stock } from '../../../test/fixtures.js'
import { seedCarriers } from '../../../test/shipping-fixtures.js'
import { deliverOrder } from '../../../test/delivered-order.js'
import { signLink } from './link.js'

const DAY = 86_400_000
const FORM = { 'content-type': 'application/x-www-form-urlencoded' }
const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString()

describe.each(DIALECTS)('customer self-service on %s', (dialect) => {
  let t: TestApp
  const ok = async (method: string, url: string, body?: unknown) => {
    const r = await t.call(method, url, { body: body ?? {} })
    if (r.statusCode >= 300) throw new Error(`${method} ${url} → ${r.statusCode} ${r.body}`)
    return r.json()
  }
  /** The customer: no API key, only the link. */
  const visit = (path: string) => t.call('GET', path, { key: null })
  const post = (path: string, fields: Record<string, string>, headers: Record<string, string> = {}) =>
    t.call('POST', path, { key: null, body: form(fields), headers: { ...FORM, origin: 'http://localhost:80', ...headers } })
  const pathOf = async (orderId: string) => new URL((await ok('GET', `/v1/orders/${orderId}/status-link`)).url).pathname
  const advanceDays = (days: number) => t.clock.set(new Date(t.clock.now().getTime() + days * DAY))

  beforeAll(async () => {
    t = await createTestApp(dialect)
    await seedBasics(t)
    await seedCarriers(t)
    await stock(t, 'TEE-BLK-M', 'BER', 20)
    await stock(t, 'MUG-WHT', 'BER', 20)
    // Returns come back to Berlin on a free label, authorized at once.
    await ok('PUT', '/v1/return-policies', { windowDays: 30, returnLocation: 'BER', returnShippingPaidBy: 'merchant', autoAuthorize: true })
  })
  afterAll(() => t.close())

  /** An order held twice (with internal details) and released, so the page has something to keep quiet about. */
  async function heldAndReleased(over: Record<string, unknown> = {}) {
    const order = await ok('POST', '/v1/orders', orderBody({ payment: { status: 'pending', method: 'invoice' }, notes: 'VIP – check credit limit before shipping', ...over }))
    await ok('POST', `/v1/orders/${order.id}/holds`, { code: 'fraud', detail: 'Card BIN from another country than the address' })
    const held = await ok('GET', `/v1/orders/${order.id}`)
    for (const h of held.holds.filter((x: any) => !x.releasedAt)) {
      await ok('POST', `/v1/orders/${order.id}/holds/${h.id}/release`, { note: 'Checked by Jana on the phone' })
    }
    return ok('GET', `/v1/orders/${order.id}`)
  }

  describe('signed links', () => {
    let order: any
    let path: string
    beforeAll(async () => {
      order = await heldAndReleased()
      path = await pathOf(order.id)
    })

    it('gives support an absolute link under ORDO_PUBLIC_URL that works for 90 days', async () => {
      const link = await ok('GET', `/v1/orders/${order.number}/status-link`)
      expect(link.url).toMatch(/^http:\/\/127\.0\.0\.1:3000\/o\/[\w-]+\.[\w-]{22}$/)
      expect(Date.parse(link.expiresAt) - t.clock.now().getTime()).toBe(90 * DAY)
      const viewer = await t.keyFor('viewer')
      expect((await t.call('GET', `/v1/orders/${order.id}/status-link`, { key: viewer })).statusCode).toBe(200)
      // A channel key sees its own channel's orders only.
      const marketplace = await t.keyFor('channel', 'marketplace')
      expect((await t.call('GET', `/v1/orders/${order.id}/status-link`, { key: marketplace })).statusCode).toBe(404)
      expect((await t.call('GET', `/v1/orders/${order.id}/status-link`, { key: null })).statusCode).toBe(401)
    })

    it('opens the order page without a login or a cookie, behind a strict Content-Security-Policy', async () => {
      const page = await visit(path)
      expect(page.statusCode).toBe(200)
      expect(page.headers['content-type']).toBe('text/html; charset=utf-8')
      expect(page.headers['content-security-policy']).toMatch(/^default-src 'none'; style-src 'sha256-[\w+/=]+'; img-src data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'$/)
      expect(page.headers['referrer-policy']).toBe('same-origin')
      expect(page.headers['cache-control']).toBe('no-store')
      expect(page.headers['set-cookie']).toBeUndefined()
      expect(page.body).not.toMatch(/<script/i)
      expect(page.body).toContain(`Order ${order.number}`)
      expect(page.body).toContain('Web shop')
      expect(page.body).toContain('T-shirt black M')
      expect(page.body).toContain('Order confirmed')
      expect(page.body).toContain('We are packing your order.')
    })

    it('keeps holds, notes, actors and warehouse data off the page', async () => {
      const timeline = (await ok('GET', `/v1/orders/${order.id}/events`)).data
      // The staff timeline has them all…
      expect(JSON.stringify(timeline)).toContain('Card BIN from another country')
      expect(timeline.map((e: any) => e.actor)).toContain('api_key:test-admin')
      const body = (await visit(path)).body
      // …the customer's page none of them.
      for (const secret of ['Card BIN', 'Payment is pending', 'Checked by Jana', 'VIP', 'check credit', 'api_key', 'test-admin', 'fraud', 'hold', 'BER', 'A-01', 'Warehouse Berlin', 'allocat']) {
        expect(body, secret).not.toContain(secret)
      }
    })

    it('answers a changed, cut or forged link with a friendly 404 that says nothing about the order', async () => {
      const token = path.slice(3)
      const [payload, mac] = token.split('.')
      const flip = (s: string, i: number) => s.slice(0, i) + (s[i] === 'A' ? 'B' : 'A') + s.slice(i + 1)
      const forged = signLink(randomBytes(32), order.id, new Date(t.clock.now().getTime() + DAY))
      for (const bad of [`${flip(payload, 3)}.${mac}`, `${payload}.${flip(mac, 21)}`, `${payload}.${mac.slice(0, 20)}`, payload, forged, 'nonsense']) {
        const r = await visit(`/o/${bad}`)
        expect(r.statusCode, bad).toBe(404)
        expect(r.headers['content-type']).toBe('text/html; charset=utf-8')
        expect(r.body).toContain('This link does not work')
        expect(r.body).not.toContain(order.number)
      }
    })

    it('stops working when it expires', async () => {
      const start = t.clock.now()
      advanceDays(89)
      expect((await visit(path)).statusCode).toBe(200)
      advanceDays(2)
      const late = await visit(path)
      expect(late.statusCode).toBe(404)
      expect(late.body).toContain('It may have expired')
      t.clock.set(start)
    })
  })

  describe('the order on its way', () => {
    let order: any
    let path: string
    let shipment: any
    beforeAll(async () => {
      order = await ok('POST', '/v1/orders', orderBody({ shippingMethod: 'standard', lines: [{ sku: 'MUG-WHT', quantity: 2 }] }))
      path = await pathOf(order.id)
    })

    it('says it is packed in Berlin, then shipped with the carrier and tracking number, expected on a day', async () => {
      const [fo] = (await ok('GET', `/v1/fulfillments?order=${order.id}`)).data
      const picklist = await ok('POST', '/v1/picklists', { location: 'BER', fulfillmentOrders: [fo.number] })
      for (const line of picklist.lines) await ok('POST', `/v1/picklists/${picklist.id}/scans`, { bin: line.bin ?? undefined, barcode: line.sku, quantity: line.quantity })
      await ok('POST', `/v1/fulfillments/${fo.id}/pack`, { packages: [{ dimensions: { lengthMm: 300, widthMm: 200, heightMm: 150 }, weightGrams: 1000, contents: [{ sku: 'MUG-WHT', quantity: 2 }] }] })
      const packed = (await visit(path)).body
      expect(packed).toContain('Packed in Berlin')
      expect(packed).toContain('Your order is packed and will be handed to the carrier soon.')

      shipment = (await ok('POST', `/v1/fulfillments/${fo.id}/ship`)).shipment
      const day = new Intl.DateTimeFormat('en-GB', { weekday: 'short', day: 'numeric', month: 'short', timeZone: 'UTC' }).format(new Date(`${shipment.estimatedDeliveryDate}T00:00:00Z`))
      const shipped = (await visit(path)).body
      expect(shipped).toContain(`Shipped with ${shipment.carrier.name}, tracking ${shipment.trackingNumber}`)
      expect(shipped).toContain(`Your parcel is on its way, expected ${day}.`)
      expect(shipped).toContain('No scans from the carrier yet.')
    })

    it("lists the carrier's scans, then out for delivery, then delivered", async () => {
      const track = (status: string, at: string, location?: string) => ok('POST', `/v1/shipments/${shipment.id}/tracking-events`, { status, occurredAt: at, location, source: 'carrier' })
      await track('in_transit', '2026-11-03T06:00:00Z', 'Hub Hannover')
      await track('out_for_delivery', '2026-11-04T07:30:00Z', 'Hamburg')
      const out = (await visit(path)).body
      expect(out).toContain('Your parcel is out for delivery and should arrive today.')
      expect(out).toContain('In transit · Hub Hannover')
      expect(out).toContain('<time datetime="2026-11-04T07:30:00.000Z">4 Nov 2026, 07:30 UTC</time>')

      await track('delivered', '2026-11-04T11:15:00Z', 'Hamburg')
      const done = (await visit(path)).body
      expect(done).toContain('Your order has been delivered. We hope you enjoy it.')
      const steps = [...done.matchAll(/<span class="step-title">([^<]+)<\/span>/g)].map((m) => m[1])
      expect(steps.slice(0, 6)).toEqual(['Order placed', 'Order confirmed', 'Packed in Berlin', `Shipped with ${shipment.carrier.name}, tracking ${shipment.trackingNumber}`, 'Out for delivery', 'Delivered'])
    })
  })

  describe('feedback', () => {
    let delivered: any
    let path: string
    beforeAll(async () => {
      delivered = await ok('POST', '/v1/orders', orderBody({ customer: { email: 'ben@example.com', name: 'Ben Meyer' } }))
      path = await pathOf(delivered.id)
    })

    it('is not taken before delivery', async () => {
      const r = await post(`${path}/feedback`, { rating: '5', comment: 'Fast!' })
      expect(r.statusCode).toBe(409)
      expect(r.body).toContain('You can rate your order once it has been delivered.')
      expect((await t.call('GET', `/v1/orders/${delivered.id}/feedback`)).statusCode).toBe(404)
      expect((await visit(path)).body).not.toContain('name="rating"')
    })

    it('takes a rating from 1 to 5 and a comment of at most 2,000 characters, keeping what was typed', async () => {
      await deliverOrder(t, delivered.number)
      expect((await visit(path)).body).toContain('How did we do?')
      for (const rating of ['0', '6', '4.5', 'lots', '']) {
        const r = await post(`${path}/feedback`, { rating, comment: 'kept <b>as typed</b>' })
        expect(r.statusCode, rating).toBe(422)
        expect(r.body).toContain('Choose a rating from 1 to 5.')
        expect(r.body).toContain('kept &lt;b&gt;as typed&lt;/b&gt;</textarea>')
      }
      const long = await post(`${path}/feedback`, { rating: '3', comment: 'x'.repeat(2001) })
      expect(long.statusCode).toBe(422)
      expect(long.body).toContain('Keep the comment to 2,000 characters.')
      expect((await t.call('GET', `/v1/orders/${delivered.id}/feedback`)).statusCode).toBe(404)
    })

    it('stores it for the order, shows it to staff and on the timeline, and thanks the customer', async () => {
      const r = await post(`${path}/feedback`, { rating: '4', comment: '  Well packed, <3  ' })
      expect(r.statusCode).toBe(303)
      expect(r.headers.location).toBe(`${path}?feedback=saved#feedback`)
      const page = (await visit(r.headers.location!.split('#')[0])).body
      expect(page).toContain('Thank you for your feedback!')
      expect(page).toContain('<input type="radio" name="rating" value="4" required checked>')
      expect(page).toContain('Well packed, &lt;3</textarea>')

      const staff = await ok('GET', `/v1/orders/${delivered.number}/feedback`)
      expect(staff).toMatchObject({ order: { id: delivered.id, number: delivered.number }, channel: 'web', rating: 4, comment: 'Well packed, <3', givenBy: 'customer:ben@example.com', version: 1 })
      expect(staff.editableUntil).toBe(new Date(t.clock.now().getTime() + 30 * DAY).toISOString())
      const events = (await ok('GET', `/v1/orders/${delivered.id}/events`)).data.filter((e: any) => e.type.startsWith('order.feedback'))
      expect(events.map((e: any) => [e.type, e.data.rating])).toEqual([['order.feedback_received', 4]])
    })

    it('is one per order: a second send within 30 days changes it, later it is closed', async () => {
      const start = t.clock.now()
      advanceDays(29)
      expect((await post(`${path}/feedback`, { rating: '5', comment: '' })).statusCode).toBe(303)
      expect(await ok('GET', `/v1/orders/${delivered.id}/feedback`)).toMatchObject({ rating: 5, comment: null, version: 2 })
      const types = (await ok('GET', `/v1/orders/${delivered.id}/events`)).data.map((e: any) => e.type)
      expect(types.filter((x: string) => x.startsWith('order.feedback'))).toEqual(['order.feedback_received', 'order.feedback_updated'])

      advanceDays(2)
      const late = await post(`${path}/feedback`, { rating: '1' })
      expect(late.statusCode).toBe(409)
      expect(late.body).toContain('Feedback can be changed for 30 days after it was given.')
      expect((await visit(path)).body).toContain('You rated this order <strong>5 of 5</strong>')
      expect((await ok('GET', `/v1/orders/${delivered.id}/feedback`)).rating).toBe(5)
      t.clock.set(start)
    })

    it('lists feedback for staff with filters and the average rating of everything that matches', async () => {
      const other = await ok('POST', '/v1/orders', orderBody({ customer: { email: 'cara@example.com', name: 'Cara Vogel' } }))
      await deliverOrder(t, other.number)
      expect((await post(`${await pathOf(other.id)}/feedback`, { rating: '2', comment: 'Box was crushed' })).statusCode).toBe(303)

      const all = await ok('GET', '/v1/feedback')
      expect(all).toMatchObject({ count: 2, averageRating: 3.5, nextCursor: null })
      expect(all.data.map((f: any) => [f.order.number, f.rating])).toEqual([[other.number, 2], [delivered.number, 5]])
      expect(await ok('GET', '/v1/feedback?rating=2')).toMatchObject({ count: 1, averageRating: 2, data: [{ comment: 'Box was crushed' }] })
      const first = await ok('GET', '/v1/feedback?limit=1')
      expect(first.data).toHaveLength(1)
      expect((await ok('GET', `/v1/feedback?limit=1&cursor=${first.nextCursor}`)).data[0].order.number).toBe(delivered.number)
      const today = t.clock.now().toISOString().slice(0, 10)
      expect((await ok('GET', `/v1/feedback?from=${today}&to=${today}`)).count).toBe(2)
      expect(await ok('GET', '/v1/feedback?from=2030-01-01')).toMatchObject({ count: 0, averageRating: null, data: [] })
      expect((await t.call('GET', '/v1/feedback?rating=6')).statusCode).toBe(400)
      // A marketplace key sees none of the web shop's feedback.
      const marketplace = await t.keyFor('channel', 'marketplace')
      expect((await t.call('GET', '/v1/feedback', { key: marketplace })).json()).toMatchObject({ count: 0, data: [] })
    })
  })

  describe('returns from the page', () => {
    let order: any
    let path: string
    const formKey = (body: string) => /name="key" value="([^"]+)"/.exec(body)![1]

    beforeAll(async () => {
      order = await ok('POST', '/v1/orders', orderBody({ customer: { email: 'dana@example.com', name: 'Dana Roth' }, lines: [{ sku: 'TEE-BLK-M', quantity: 2 }, { sku: 'MUG-WHT', quantity: 1 }] }))
      await deliverOrder(t, order.number)
      path = await pathOf(order.id)
    })

    it('offers the delivered lines with their reasons, and the policy accepts at once with a label to print', async () => {
      const page = (await visit(path)).body
      const [tee, mug] = order.lines
      expect(page).toContain(`<select id="qty-${tee.id}" name="qty:${tee.id}"><option value="0" selected>0</option><option value="1">1</option><option value="2">2</option></select>`)
      expect(page).toContain(`<select id="reason-${tee.id}" name="reason:${tee.id}"><option value="" selected>Choose a reason</option><option value="damaged">Arrived damaged</option>`)
      expect(page).toContain('<option value="size_fit">Size or fit</option>')
      const noReason = await post(`${path}/returns`, { key: formKey(page), [`qty:${tee.id}`]: '1', [`reason:${tee.id}`]: '' })
      expect(noReason.statusCode).toBe(422)
      expect(noReason.body).toContain('Choose a reason for each item you are sending back.')
      // What was chosen stays chosen.
      expect(noReason.body).toContain('<option value="1" selected>1</option>')
      const r = await post(`${path}/returns`, { key: formKey(page), [`qty:${tee.id}`]: '1', [`reason:${tee.id}`]: 'size_fit', [`qty:${mug.id}`]: '0', [`reason:${mug.id}`]: 'damaged', resolution: 'refund', comment: 'Too small' })
      expect(r.statusCode).toBe(303)
      const [, number] = /\?return=(RMA-\d+)#returns$/.exec(r.headers.location!)!
      const answer = (await visit(r.headers.location!.split('#')[0])).body
      expect(answer).toContain(`Return ${number} is accepted.`)
      const label = /<a href="([^"]+\/label\.pdf)">Print your return label \(PDF\)<\/a>/.exec(answer)![1]
      const pdf = await visit(label)
      expect([pdf.statusCode, pdf.headers['content-type'], pdf.rawPayload.subarray(0, 5).toString()]).toEqual([200, 'application/pdf', '%PDF-'])

      const rma = await ok('GET', `/v1/returns/${number}`)
      expect(rma).toMatchObject({ status: 'authorized', order: { id: order.id }, lines: [{ sku: 'TEE-BLK-M', quantity: 1, reason: 'size_fit', comment: 'Too small', resolution: 'refund' }] })
      expect(rma.label).not.toBeNull()
      // Only the mug is left to return in full; one tee is still returnable.
      expect((await visit(path)).body).toContain(`<select id="qty-${tee.id}" name="qty:${tee.id}"><option value="0" selected>0</option><option value="1">1</option></select>`)
    })

    it('records one return for a form sent twice', async () => {
      const page = (await visit(path)).body
      const mug = order.lines[1]
      const fields = { key: formKey(page), [`qty:${mug.id}`]: '1', [`reason:${mug.id}`]: 'damaged' }
      const first = await post(`${path}/returns`, fields)
      const again = await post(`${path}/returns`, fields)
      expect([first.statusCode, again.statusCode]).toEqual([303, 303])
      expect(again.headers.location).toBe(first.headers.location)
      expect((await ok('GET', `/v1/returns?order=${order.id}`)).data).toHaveLength(2)
    })

    it('says when a person must look at it first', async () => {
      await ok('PUT', '/v1/return-policies/web', { windowDays: 30, returnLocation: 'BER', autoAuthorize: false })
      const page = (await visit(path)).body
      const tee = order.lines[0]
      const r = await post(`${path}/returns`, { key: formKey(page), [`qty:${tee.id}`]: '1', [`reason:${tee.id}`]: 'no_longer_needed' })
      expect(r.statusCode).toBe(303)
      const answer = (await visit(r.headers.location!.split('#')[0])).body
      expect(answer).toMatch(/We have your return request RMA-\d+\./)
      expect(answer).toContain('We will look at it and e-mail you.')
      expect((await t.call('DELETE', '/v1/return-policies/web')).statusCode).toBe(204)
    })

    it("refuses what the policy refuses, in the rule's words, and records nothing", async () => {
      const other = await ok('POST', '/v1/orders', orderBody({ customer: { email: 'eva@example.com', name: 'Eva Lang' } }))
      await deliverOrder(t, other.number)
      const otherPath = await pathOf(other.id)
      const key = formKey((await visit(otherPath)).body)
      const start = t.clock.now()
      advanceDays(40)
      // The window closed after the page was shown: the form is gone, and a late send is refused.
      expect((await visit(otherPath)).body).not.toContain('Request return')
      const tee = other.lines[0]
      const r = await post(`${otherPath}/returns`, { key, [`qty:${tee.id}`]: '1', [`reason:${tee.id}`]: 'size_fit' })
      expect(r.statusCode).toBe(422)
      expect(r.body).toContain('We cannot accept this return')
      expect(r.body).toMatch(/T-shirt black M: outside the 30-day window, delivered 2026-11-\d\d/)
      expect((await ok('GET', `/v1/returns?order=${other.id}`)).data).toEqual([])
      t.clock.set(start)

      const nothing = await post(`${otherPath}/returns`, { key, [`qty:${tee.id}`]: '0', [`reason:${tee.id}`]: 'size_fit' })
      expect(nothing.statusCode).toBe(422)
      expect(nothing.body).toContain('Choose how many units of at least one item you are sending back.')
    })

    it('refuses forms from another site, and labels of another order', async () => {
      const tee = order.lines[0]
      const fields = { key: 'cross-site', [`qty:${tee.id}`]: '1', [`reason:${tee.id}`]: 'size_fit' }
      const before = (await ok('GET', `/v1/returns?order=${order.id}`)).data.length
      for (const headers of [{ origin: 'https://evil.example' }, { origin: 'null' }, { 'sec-fetch-site': 'cross-site' }] as Record<string, string>[]) {
        const r = await post(`${path}/returns`, fields, headers)
        expect(r.statusCode, JSON.stringify(headers)).toBe(403)
        expect((await post(`${path}/feedback`, { rating: '1' }, headers)).statusCode).toBe(403)
      }
      expect((await ok('GET', `/v1/returns?order=${order.id}`)).data).toHaveLength(before)
      // A browser that says the form is its own page's is believed, whatever Origin it sends.
      expect((await post(`${path}/feedback`, { rating: '3' }, { 'sec-fetch-site': 'same-origin', origin: 'null' })).statusCode).toBe(303)

      const rma = (await ok('GET', `/v1/returns?order=${order.id}&status=authorized`)).data[0]
      const stranger = await pathOf((await ok('POST', '/v1/orders', orderBody())).id)
      expect((await visit(`${stranger}/returns/${rma.id}/label.pdf`)).statusCode).toBe(404)
    })
  })

  it('puts the signed page into the e-mails: status, tracking and feedback links open it', async () => {
    const order = await ok('POST', '/v1/orders', orderBody())
    const preview = async (event: string, data?: object) =>
      ok('POST', `/v1/notification-templates/${event}/preview`, { orderId: order.id, ...(data ? { data } : {}) })
    const confirmed = await preview('order.confirmed')
    const status = /See your order at any time: (\S+)/.exec(confirmed.text)![1]
    expect(status).toMatch(/^http:\/\/127\.0\.0\.1:3000\/o\//)
    expect(confirmed.html).toContain(`href="${status}"`)
    const page = await visit(new URL(status).pathname)
    expect(page.statusCode).toBe(200)
    expect(page.body).toContain(`Order ${order.number}`)

    const shipped = await preview('order.shipped', { trackingNumber: 'OR123456785DE' })
    expect(/Follow your parcel: (\S+)/.exec(shipped.text)![1]).toBe(status)
    const delivered = await preview('order.delivered')
    expect(delivered.text).toContain(`Tell us in a minute: ${status}#feedback`)
  })
})
