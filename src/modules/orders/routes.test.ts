import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp, DIALECTS, type TestApp } from '../../../test/helpers.js'
import { address, available, HAMBURG, orderBody, seedBasics, stock } from '../../../test/fixtures.js'
import { runChecks } from '../../check.js'

describe.each(DIALECTS)('orders on %s', (dialect) => {
  let t: TestApp
  const post = (url: string, body: unknown, headers?: Record<string, string>) => t.call('POST', url, { body, headers })
  const checkClean = async () => {
    const report = await runChecks(t.conn, t.app.services)
    expect(report.problems).toEqual([])
  }

  beforeAll(async () => {
    t = await createTestApp(dialect)
    await seedBasics(t)
    for (const loc of ['BER', 'MUC', 'HAM']) await stock(t, 'TEE-BLK-M', loc, 20)
    await stock(t, 'MUG-WHT', 'MUC', 5)
    await stock(t, 'BOOK-OMS', 'BER', 5)
  })
  afterAll(() => t.close())

  it('places a verified order: confirmed, priced with tax, reserved at the nearest warehouse', async () => {
    const r = await post('/v1/orders', orderBody({ externalId: 'WEB-1001', shippingAddress: address(HAMBURG), lines: [{ sku: 'TEE-BLK-M', quantity: 2 }, { sku: 'BOOK-OMS', quantity: 1 }] }))
    expect(r.statusCode).toBe(201)
    expect(r.headers.location).toMatch(/^\/v1\/orders\/ord_/)
    expect(r.headers.etag).toBe('"1"')
    const o = r.json()
    expect(o).toMatchObject({ number: expect.stringMatching(/^SO-\d+$/), channel: 'web', externalId: 'WEB-1001', status: 'confirmed', paymentStatus: 'paid', currency: 'EUR', holds: [] })
    // 2 × 19.99 at 19 % + 25.00 at 7 % (books are reduced-rate in DE)
    expect(o.totals).toEqual({ subtotal: 6498, discount: 0, tax: 760 + 175, shipping: 0, total: 6498 + 935 })
    const [tee, book] = o.lines
    expect(tee).toMatchObject({ sku: 'TEE-BLK-M', quantity: 2, allocatedQuantity: 2, backorderedQuantity: 0, taxRate: 19 })
    // Only Berlin has the book, so the whole order ships from there rather than splitting.
    expect(tee.allocations).toEqual([{ location: 'BER', quantity: 2 }])
    expect(book.allocations).toEqual([{ location: 'BER', quantity: 1 }])
    expect(o.fulfillmentStatus).toBe('allocated')
    expect(o.allowedActions).toEqual(expect.arrayContaining(['hold', 'edit', 'cancel']))

    const single = (await post('/v1/orders', orderBody({ shippingAddress: address(HAMBURG) }))).json()
    expect(single.lines[0].allocations).toEqual([{ location: 'HAM', quantity: 1 }])
    await checkClean()
  })

  it('returns the first order for a repeated Idempotency-Key or channel + externalId, and never creates a second', async () => {
    const body = orderBody({ lines: [{ sku: 'TEE-BLK-M', quantity: 1 }] })
    const first = await post('/v1/orders', body, { 'idempotency-key': 'idem-42' })
    expect(first.statusCode).toBe(201)
    const again = await post('/v1/orders', body, { 'idempotency-key': 'idem-42' })
    expect(again.statusCode).toBe(200)
    expect(again.json().id).toBe(first.json().id)
    const other = await post('/v1/orders', { ...body, notes: 'different' }, { 'idempotency-key': 'idem-42' })
    expect(other.statusCode).toBe(422)
    expect(other.json().code).toBe('request.idempotency_key_reused')

    const ext = orderBody({ channel: 'marketplace', externalId: 'MP-777' })
    const a = await post('/v1/orders', ext)
    const b = await post('/v1/orders', ext)
    expect([a.statusCode, b.statusCode]).toEqual([201, 200])
    expect(b.json().id).toBe(a.json().id)
    // The same external id on another channel is another order.
    expect((await post('/v1/orders', { ...ext, channel: 'web' })).statusCode).toBe(201)
    const list = (await t.call('GET', '/v1/orders?q=MP-777')).json()
    expect(list.data.filter((o: { channel: string }) => o.channel === 'marketplace')).toHaveLength(1)

    // Concurrent twins with one key: one order.
    const twins = await Promise.all([1, 2, 3, 4].map(() => post('/v1/orders', body, { 'idempotency-key': 'idem-race' })))
    expect(new Set(twins.map((r) => r.json().id)).size).toBe(1)
    expect(twins.map((r) => r.statusCode).sort()).toEqual([200, 200, 200, 201])
  })

  it('refuses malformed orders with 422 naming each bad field, and stores nothing', async () => {
    const before = { orders: (await t.call('GET', '/v1/orders?limit=200')).json().data.length, avail: await available(t, 'TEE-BLK-M', 'BER') }
    const cases: [unknown, string[]][] = [
      [orderBody({ lines: [{ sku: 'NOPE', quantity: 1 }] }), ['lines.0.sku']],
      [orderBody({ lines: [{ sku: 'TEE-BLK-M', quantity: 0 }] }), ['lines.0.quantity']],
      [orderBody({ lines: [{ sku: 'TEE-BLK-M', quantity: 1 }, { sku: 'TEE-BLK-M', quantity: -2 }] }), ['lines.1.quantity']],
      [orderBody({ shippingAddress: address({ country: 'XX' }) }), ['shippingAddress.country']],
      [orderBody({ shippingAddress: address({ country: 'de' }) }), ['shippingAddress.country']],
      [orderBody({ customer: undefined }), ['customer']],
      [orderBody({ customer: { email: 'not-an-email' } }), ['customer.email']],
      [orderBody({ lines: [] }), ['lines']],
      [orderBody({ channel: 'nope' }), ['channel']],
      [orderBody({ payment: { status: 'maybe' } }), ['payment.status']],
      [orderBody({ lines: [{ sku: 'TEE-BLK-M', quantity: 1.5 }], currency: 'euro' }), ['lines.0.quantity', 'currency']],
    ]
    for (const [body, paths] of cases) {
      const r = await post('/v1/orders', body)
      expect(r.statusCode, JSON.stringify(body)).toBe(422)
      expect(r.headers['content-type']).toContain('application/problem+json')
      const p = r.json()
      expect(p).toMatchObject({ status: 422, title: expect.any(String), code: expect.any(String), detail: expect.any(String) })
      expect(p.errors.map((e: { path: string }) => e.path).sort()).toEqual([...paths].sort())
      expect(r.body).not.toMatch(/at .*\.ts:\d+/) // no stack traces
    }
    const text = await t.call('POST', '/v1/orders', { body: 'an order, please', headers: { 'content-type': 'text/plain' } })
    expect(text.statusCode).toBe(415)
    expect(text.json().code).toBe('request.unsupported_media_type')
    const broken = await t.call('POST', '/v1/orders', { body: '{"channel": ', headers: { 'content-type': 'application/json' } })
    expect(broken.statusCode).toBe(400)
    expect(broken.json().code).toBe('request.malformed_json')
    expect((await t.call('GET', '/v1/orders?limit=200')).json().data.length).toBe(before.orders)
    expect(await available(t, 'TEE-BLK-M', 'BER')).toBe(before.avail)
    await checkClean()
  })

  it('holds an order that fails a check, keeps it reserved, and confirms it when the last hold is released', async () => {
    const r = await post(
      '/v1/orders',
      orderBody({
        customer: { email: 'HOLD@example.com', name: 'Holger Hold' },
        shippingAddress: address({ postalCode: '2009' }),
        lines: [{ sku: 'MUG-WHT', quantity: 2, unitPrice: 500 }],
        payment: { status: 'pending' },
      }),
    )
    expect(r.statusCode).toBe(201)
    const o = r.json()
    expect(o.status).toBe('on_hold')
    expect(o.paymentStatus).toBe('awaiting')
    expect(o.holds.map((h: { code: string }) => h.code).sort()).toEqual(['address', 'payment', 'price'])
    expect(o.holds.find((h: { code: string }) => h.code === 'address').detail).toContain('postal code')
    expect(o.lines[0]).toMatchObject({ allocatedQuantity: 2, allocations: [{ location: 'MUC', quantity: 2 }] })
    expect(o.customer.email).toBe('hold@example.com')
    expect(o.allowedActions).not.toContain('release')

    let cur = o
    for (const h of o.holds) {
      const rel = await post(`/v1/orders/${o.id}/holds/${h.id}/release`, { note: 'checked by phone' })
      expect(rel.statusCode).toBe(200)
      cur = rel.json()
    }
    expect(cur.status).toBe('confirmed')
    expect(cur.holds.every((h: { releasedAt: string | null }) => h.releasedAt)).toBe(true)
    const again = await post(`/v1/orders/${o.id}/holds/${o.holds[0].id}/release`, {})
    expect(again.statusCode).toBe(409)

    const manual = await post(`/v1/orders/${o.id}/holds`, { code: 'fraud', detail: 'Billing and shipping differ' })
    expect(manual.statusCode).toBe(201)
    expect(manual.json().status).toBe('on_hold')
    const hold = manual.json().holds.find((h: { code: string; releasedAt: string | null }) => h.code === 'fraud' && !h.releasedAt)
    expect((await post(`/v1/orders/${o.id}/holds/${hold.id}/release`, {})).json().status).toBe('confirmed')
    expect((await post(`/v1/orders/${o.id}/holds`, { code: 'weird', detail: 'x' })).json().errors[0].path).toBe('code')

    const timeline = (await t.call('GET', `/v1/orders/${o.id}/events`)).json().data
    const types = timeline.map((e: { type: string }) => e.type)
    expect(types.slice(0, 2)).toEqual(['order.created', 'order.held'])
    expect(types).toContain('order.hold_released')
    const released = timeline.filter((e: { type: string }) => e.type === 'order.released')
    expect(released[0]).toMatchObject({ from: 'on_hold', to: 'confirmed', actor: 'api_key:test-admin' })
    await checkClean()
  })

  it('splits across warehouses, backorders the rest, and fills backorders oldest first when stock arrives', async () => {
    await stock(t, 'SCARCE-1', 'BER', 2)
    await stock(t, 'SCARCE-1', 'HAM', 1)
    const split = (await post('/v1/orders', orderBody({ lines: [{ sku: 'SCARCE-1', quantity: 5 }] }))).json()
    expect(split.lines[0].allocations).toEqual(expect.arrayContaining([{ location: 'BER', quantity: 2 }, { location: 'HAM', quantity: 1 }]))
    expect(split.lines[0]).toMatchObject({ allocatedQuantity: 3, backorderedQuantity: 2 })
    expect(split.fulfillmentStatus).toBe('partially_allocated')
    t.clock.advance(1000)
    const later = (await post('/v1/orders', orderBody({ lines: [{ sku: 'SCARCE-1', quantity: 1 }] }))).json()
    expect(later.lines[0]).toMatchObject({ allocatedQuantity: 0, backorderedQuantity: 1 })
    expect(later.fulfillmentStatus).toBe('backordered')

    await stock(t, 'SCARCE-1', 'MUC', 2) // the older order takes both units
    const s1 = (await t.call('GET', `/v1/orders/${split.id}`)).json()
    expect(s1.lines[0]).toMatchObject({ allocatedQuantity: 5, backorderedQuantity: 0 })
    expect(s1.fulfillmentStatus).toBe('allocated')
    expect((await t.call('GET', `/v1/orders/${later.id}`)).json().lines[0].backorderedQuantity).toBe(1)

    const tr = await post('/v1/inventory/transfers', { sku: 'TEE-BLK-M', from: 'BER', to: 'MUC', quantity: 1, reason: 'rebalance' })
    expect(tr.statusCode).toBe(201)
    await stock(t, 'SCARCE-1', 'HAM', 1)
    const l1 = (await t.call('GET', `/v1/orders/${later.id}`)).json()
    expect(l1.lines[0]).toMatchObject({ allocatedQuantity: 1, backorderedQuantity: 0, allocations: [{ location: 'HAM', quantity: 1 }] })
    const timeline = (await t.call('GET', `/v1/orders/${later.id}/events`)).json().data
    // The timeline also shows the fulfilment orders that follow; the order's own last word is the allocation.
    expect(timeline.filter((e: { type: string }) => e.type.startsWith('order.')).at(-1)).toMatchObject({ type: 'order.allocated', reason: 'stock arrived at HAM' })
    expect(timeline.at(-1)).toMatchObject({ type: 'fulfillment.created' })
    expect(await available(t, 'SCARCE-1', 'HAM')).toBe(0)
    await checkClean()
  })

  it('takes reservations back from the newest order when a count finds fewer units than are reserved: routed elsewhere, else backordered', async () => {
    // Nobody else holds mugs, so the newest order's unit can only wait.
    for (const row of (await t.call('GET', '/v1/inventory?sku=MUG-WHT')).json().data) {
      if (row.available > 0) await post('/v1/inventory/adjustments', { sku: 'MUG-WHT', location: row.location, delta: -row.available, reason: 'test: empty shelves' })
    }
    await stock(t, 'MUG-WHT', 'HAM', 2)
    const a = (await post('/v1/orders', orderBody({ shippingAddress: address(HAMBURG), lines: [{ sku: 'MUG-WHT', quantity: 1 }] }))).json()
    t.clock.advance(1000)
    const b = (await post('/v1/orders', orderBody({ shippingAddress: address(HAMBURG), lines: [{ sku: 'MUG-WHT', quantity: 1 }] }))).json()
    expect(a.lines[0].allocations).toEqual([{ location: 'HAM', quantity: 1 }])
    const count = await post('/v1/inventory/adjustments', { sku: 'MUG-WHT', location: 'HAM', onHand: 1, reason: 'cycle count' })
    expect(count.statusCode).toBe(201)
    expect(count.json().stock).toMatchObject({ onHand: 1, reserved: 1, available: 0 })
    expect((await t.call('GET', `/v1/orders/${a.id}`)).json().lines[0].allocatedQuantity).toBe(1)
    expect((await t.call('GET', `/v1/orders/${b.id}`)).json().lines[0]).toMatchObject({ allocatedQuantity: 0, backorderedQuantity: 1 })
    await checkClean()
  })

  it('edits an order with If-Match: re-reserves, re-verifies and recomputes totals; 428/412 without a current ETag', async () => {
    const o = (await post('/v1/orders', orderBody({ lines: [{ sku: 'TEE-BLK-M', quantity: 2 }] }))).json()
    const berBefore = await available(t, 'TEE-BLK-M', 'BER')
    expect((await t.call('PATCH', `/v1/orders/${o.id}`, { body: { notes: 'x' } })).statusCode).toBe(428)
    const stale = await t.call('PATCH', `/v1/orders/${o.id}`, { body: { notes: 'x' }, headers: { 'if-match': '"7"' } })
    expect(stale.statusCode).toBe(412)
    expect(stale.headers.etag).toBe('"1"')

    const edit = await t.call('PATCH', `/v1/orders/${o.id}`, {
      body: { lines: [{ id: o.lines[0].id, quantity: 1 }, { sku: 'BOOK-OMS', quantity: 1 }], payment: { method: 'paypal' } },
      headers: { 'if-match': '"1"' },
    })
    expect(edit.statusCode).toBe(200)
    const e = edit.json()
    expect(e.version).toBe(2)
    expect(edit.headers.etag).toBe('"2"')
    expect(e.lines.map((l: { sku: string; quantity: number; allocatedQuantity: number }) => [l.sku, l.quantity, l.allocatedQuantity])).toEqual([
      ['TEE-BLK-M', 1, 1],
      ['BOOK-OMS', 1, 1],
    ])
    expect(e.totals).toMatchObject({ subtotal: 1999 + 2500, tax: 380 + 175, total: 1999 + 2500 + 555 })
    expect(e.payment).toMatchObject({ method: 'paypal', amount: e.totals.total })
    expect(e.status).toBe('confirmed')
    expect(await available(t, 'TEE-BLK-M', 'BER')).toBe(berBefore + 1)

    // A bad new address puts the order on hold; fixing it releases the verification hold again.
    const bad = (await t.call('PATCH', `/v1/orders/${o.id}`, { body: { shippingAddress: address({ city: '' }) }, headers: { 'if-match': '"2"' } })).json()
    expect(bad.status).toBe('on_hold')
    expect(bad.holds[0]).toMatchObject({ code: 'address', source: 'verification' })
    const fixed = (await t.call('PATCH', `/v1/orders/${o.id}`, { body: { shippingAddress: address({ country: 'AT', postalCode: '1010', city: 'Wien' }) }, headers: { 'if-match': '"3"' } })).json()
    expect(fixed.status).toBe('confirmed')
    expect(fixed.lines[0].taxRate).toBe(20) // Austrian VAT now
    expect(fixed.holds[0].releasedBy).toBe('system')

    // Removing a line releases its stock; an unknown line id is a 422 naming it.
    const unknown = await t.call('PATCH', `/v1/orders/${o.id}`, { body: { lines: [{ id: 'oli_nope', quantity: 1 }] }, headers: { 'if-match': '"4"' } })
    expect(unknown.json().errors[0].path).toBe('lines.0.id')
    const removed = (await t.call('PATCH', `/v1/orders/${o.id}`, { body: { lines: [{ id: o.lines[0].id, quantity: 1 }] }, headers: { 'if-match': '"4"' } })).json()
    expect(removed.lines.map((l: { sku: string }) => l.sku)).toEqual(['TEE-BLK-M'])
    const types = (await t.call('GET', `/v1/orders/${o.id}/events`)).json().data.map((x: { type: string }) => x.type)
    expect(types.filter((x: string) => x === 'order.edited')).toHaveLength(4)
    await checkClean()
  })

  it('cancels some lines, then the whole order, releasing reservations; a cancelled order cannot change', async () => {
    const o = (await post('/v1/orders', orderBody({ lines: [{ sku: 'TEE-BLK-M', quantity: 3 }, { sku: 'BOOK-OMS', quantity: 1 }] }))).json()
    const before = await available(t, 'TEE-BLK-M', 'BER')
    const part = await post(`/v1/orders/${o.id}/cancel`, { reason: 'customer changed mind', lines: [{ id: o.lines[0].id, quantity: 2 }] })
    expect(part.statusCode).toBe(200)
    expect(part.json().lines[0]).toMatchObject({ quantity: 3, cancelledQuantity: 2, allocatedQuantity: 1 })
    expect(part.json().status).toBe('confirmed')
    expect(part.json().totals.subtotal).toBe(1999 + 2500)
    expect(await available(t, 'TEE-BLK-M', 'BER')).toBe(before + 2)
    const tooMany = await post(`/v1/orders/${o.id}/cancel`, { reason: 'x', lines: [{ id: o.lines[0].id, quantity: 5 }] })
    expect(tooMany.statusCode).toBe(422)
    expect(tooMany.json().errors[0].path).toBe('lines.0.quantity')

    const all = await post(`/v1/orders/${o.id}/cancel`, { reason: 'fraud confirmed' })
    expect(all.json()).toMatchObject({ status: 'cancelled', cancelReason: 'fraud confirmed', allowedActions: [] })
    expect(all.json().lines.every((l: { allocatedQuantity: number }) => l.allocatedQuantity === 0)).toBe(true)
    expect(await available(t, 'TEE-BLK-M', 'BER')).toBe(before + 3)
    const again = await post(`/v1/orders/${o.id}/cancel`, { reason: 'again' })
    expect(again.statusCode).toBe(409)
    expect(again.json().code).toBe('order.invalid_transition')
    expect((await post(`/v1/orders/${o.id}/holds`, { code: 'manual', detail: 'x' })).statusCode).toBe(409)
    const ev = (await t.call('GET', `/v1/orders/${o.id}/events`)).json().data.filter((e: { type: string }) => e.type.startsWith('order.')).at(-1)
    expect(ev).toMatchObject({ type: 'order.cancelled', from: 'confirmed', to: 'cancelled', reason: 'fraud confirmed' })
    await checkClean()
  })

  it('lists orders with filters and cursor pagination', async () => {
    const all = (await t.call('GET', '/v1/orders?limit=200')).json().data
    expect(all.length).toBeGreaterThan(8)
    const ids = all.map((o: { id: string }) => o.id)
    expect([...ids].sort().reverse()).toEqual(ids) // newest first

    const seen: string[] = []
    let cursor: string | null = null
    do {
      const r: { data: { id: string }[]; nextCursor: string | null } = (await t.call('GET', `/v1/orders?limit=3${cursor ? `&cursor=${cursor}` : ''}`)).json()
      expect(r.data.length).toBeLessThanOrEqual(3)
      seen.push(...r.data.map((o) => o.id))
      cursor = r.nextCursor
    } while (cursor)
    expect(seen).toEqual(ids)

    const by = async (q: string) => (await t.call('GET', `/v1/orders?limit=200&${q}`)).json().data
    expect((await by('status=cancelled')).every((o: { status: string }) => o.status === 'cancelled')).toBe(true)
    expect((await by('status=on_hold')).length + (await by('status=confirmed')).length + (await by('status=cancelled')).length).toBe(all.length)
    expect((await by('fulfillmentStatus=backordered')).length).toBeGreaterThan(0)
    expect((await by('channel=marketplace')).every((o: { channel: string }) => o.channel === 'marketplace')).toBe(true)
    const atBerlin = await by('location=BER')
    const reservedAt = (o: { lines: { allocations: { location: string }[] }[] }, code: string) => o.lines.some((l) => l.allocations.some((a) => a.location === code))
    expect(atBerlin.length).toBeGreaterThan(0)
    expect(atBerlin.every((o: any) => reservedAt(o, 'BER'))).toBe(true)
    expect(all.filter((o: any) => reservedAt(o, 'BER')).length).toBe(atBerlin.length)
    expect(await by('location=NOWHERE')).toEqual([])
    expect((await by('customer=hold@example.com')).length).toBe(1)
    expect((await by('sku=BOOK-OMS')).every((o: { lines: { sku: string }[] }) => o.lines.some((l) => l.sku === 'BOOK-OMS'))).toBe(true)
    const num = all[0].number
    expect((await by(`q=${num.toLowerCase()}`)).map((o: { number: string }) => o.number)).toEqual([num])
    expect((await by('createdFrom=2026-11-03T00:00:00Z')).length).toBe(0)
    expect((await by('createdFrom=2026-11-02&createdTo=2026-11-02')).length).toBe(all.length)
    expect((await t.call('GET', '/v1/orders?status=lost')).statusCode).toBe(400)
    expect((await t.call('GET', '/v1/orders?cursor=%%%')).statusCode).toBe(400)
  })

  it('pages the event feed in commit order', async () => {
    const first = (await t.call('GET', '/v1/events?limit=5')).json()
    expect(first.data).toHaveLength(5)
    const seqs = first.data.map((e: { seq: number }) => e.seq)
    expect(seqs).toEqual([1, 2, 3, 4, 5])
    const next = (await t.call('GET', `/v1/events?after=${first.nextCursor}&limit=5`)).json()
    expect(next.data[0].seq).toBe(6)
    let cursor = next.nextCursor
    for (;;) {
      const page = (await t.call('GET', `/v1/events?after=${cursor}&limit=1000`)).json()
      if (!page.data.length) break
      cursor = page.nextCursor
    }
    await post('/v1/orders', orderBody())
    const fresh = (await t.call('GET', `/v1/events?after=${cursor}&type=order.created`)).json()
    expect(fresh.data).toHaveLength(1)
    expect(fresh.data[0]).toMatchObject({ type: 'order.created', entity: 'order', to: 'pending' })
  })

  it('guards every route: 401 without a key, 403 for a role that may not, channel keys see only their channel', async () => {
    expect((await t.call('GET', '/v1/orders', { key: null })).statusCode).toBe(401)
    const noKey = await t.call('POST', '/v1/orders', { key: null, body: orderBody() })
    expect(noKey.statusCode).toBe(401)
    expect(noKey.headers['www-authenticate']).toContain('Bearer')
    const viewer = await t.keyFor('viewer')
    expect((await t.call('GET', '/v1/orders', { key: viewer })).statusCode).toBe(200)
    expect((await t.call('POST', '/v1/orders', { key: viewer, body: orderBody() })).statusCode).toBe(403)
    const warehouse = await t.keyFor('warehouse')
    expect((await t.call('POST', '/v1/inventory/adjustments', { key: warehouse, body: { sku: 'MUG-WHT', location: 'BER', delta: 1, reason: 'found' } })).statusCode).toBe(201)
    expect((await t.call('POST', '/v1/orders/x/cancel', { key: warehouse, body: { reason: 'x' } })).statusCode).toBe(403)

    const mp = await t.keyFor('channel', 'marketplace')
    const own = await t.call('POST', '/v1/orders', { key: mp, body: orderBody({ channel: undefined, externalId: 'MP-CH-1' }) })
    expect(own.statusCode).toBe(201)
    expect(own.json().channel).toBe('marketplace')
    const foreign = await t.call('POST', '/v1/orders', { key: mp, body: orderBody({ channel: 'web' }) })
    expect(foreign.statusCode).toBe(403)
    const listed = (await t.call('GET', '/v1/orders?limit=200', { key: mp })).json().data
    expect(listed.length).toBeGreaterThan(0)
    expect(listed.every((o: { channel: string }) => o.channel === 'marketplace')).toBe(true)
    const webOrder = (await t.call('GET', '/v1/orders?channel=web&limit=1')).json().data[0]
    expect((await t.call('GET', `/v1/orders/${webOrder.id}`, { key: mp })).statusCode).toBe(404)
    expect((await t.call('GET', `/v1/orders/${webOrder.id}/events`, { key: mp })).statusCode).toBe(404)
    expect((await t.call('GET', '/v1/customers', { key: mp })).statusCode).toBe(403)
    expect((await t.call('GET', '/v1/events', { key: mp })).statusCode).toBe(403)
  })

  it('takes a product change made through the API on the very next order, and finds a SKU created right after an order named it unknown', async () => {
    await post('/v1/products', { sku: 'CAP-RED', name: 'Red cap', price: { amount: 1500, currency: 'EUR' } })
    await stock(t, 'CAP-RED', 'BER', 10)
    // Past the quiet spell after a product write, so that orders fill the product cache.
    t.clock.advance(3_000)
    const cap = (unitPrice?: number) => orderBody({ lines: [{ sku: 'CAP-RED', quantity: 1, ...(unitPrice ? { unitPrice } : {}) }] })
    expect((await post('/v1/orders', cap())).json().lines[0].unitPrice).toBe(1500)

    expect((await t.call('PATCH', '/v1/products/CAP-RED', { body: { price: { amount: 1700, currency: 'EUR' } } })).statusCode).toBe(200)
    const repriced = (await post('/v1/orders', cap(1500))).json()
    expect(repriced.status).toBe('on_hold')
    expect(repriced.holds.map((h: { code: string }) => h.code)).toEqual(['price'])
    expect((await post('/v1/orders', cap())).json().lines[0].unitPrice).toBe(1700)

    expect((await t.call('PATCH', '/v1/products/CAP-RED', { body: { active: false } })).statusCode).toBe(200)
    expect((await post('/v1/orders', cap())).json().holds.map((h: { code: string }) => h.code)).toContain('item')

    expect((await post('/v1/orders', orderBody({ lines: [{ sku: 'CAP-BLUE', quantity: 1 }] }))).statusCode).toBe(422)
    await post('/v1/products', { sku: 'CAP-BLUE', name: 'Blue cap', price: { amount: 1500, currency: 'EUR' } })
    expect((await post('/v1/orders', orderBody({ lines: [{ sku: 'CAP-BLUE', quantity: 1 }] }))).statusCode).toBe(201)
    await checkClean()
  })

  it('never oversells: 50 simultaneous single-unit orders against 10 units allocate exactly 10', async () => {
    await t.call('POST', '/v1/products', { body: { sku: 'HOT-1', name: 'Hot item', price: { amount: 1000, currency: 'EUR' } } })
    await stock(t, 'HOT-1', 'BER', 6)
    await stock(t, 'HOT-1', 'MUC', 4)
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) => post('/v1/orders', orderBody({ customer: { email: `rush${i}@example.com`, name: `Rush ${i}` }, lines: [{ sku: 'HOT-1', quantity: 1 }] }))),
    )
    expect(results.map((r) => r.statusCode).filter((s) => s !== 201)).toEqual([])
    const lines = results.map((r) => r.json().lines[0])
    expect(lines.reduce((s, l) => s + l.allocatedQuantity, 0)).toBe(10)
    expect(lines.reduce((s, l) => s + l.backorderedQuantity, 0)).toBe(40)
    const rows = (await t.call('GET', '/v1/inventory?sku=HOT-1')).json().data
    expect(rows.map((r: { available: number }) => r.available)).toEqual([0, 0])
    expect(rows.reduce((s: number, r: { reserved: number }) => s + r.reserved, 0)).toBe(10)
    await checkClean()
  })

  it('publishes the lifecycles and serves OpenAPI 3.1 and the docs UI', async () => {
    const lc = (await t.call('GET', '/v1/lifecycles')).json().data
    expect(lc.find((m: { entity: string }) => m.entity === 'order')).toMatchObject({ initial: 'pending', final: ['completed', 'cancelled'] })
    const spec = (await t.call('GET', '/openapi.json', { key: null })).json()
    expect(spec.openapi).toBe('3.1.0')
    expect(Object.keys(spec.paths)).toEqual(expect.arrayContaining(['/v1/orders', '/v1/orders/{id}', '/v1/inventory/adjustments', '/v1/events']))
    expect((await t.call('GET', '/docs', { key: null })).statusCode).toBeLessThan(400)
    expect((await t.call('GET', '/health', { key: null })).json().status).toBe('ok')
    const missing = await t.call('GET', '/v1/nothing-here')
    expect(missing.statusCode).toBe(404)
    expect(missing.json().code).toBe('route.not_found')
  })
})
