import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runChecks } from '../src/check.js'
import { address, HAMBURG, orderBody, seedBasics } from './fixtures.js'
import { createTestApp, DIALECTS, type TestApp } from './helpers.js'
import { seedCarriers } from './shipping-fixtures.js'

/**
 * The fulfilment issue's headline scenario, through the HTTP API only: an order that must split
 * across two warehouses is picked (one wrong scan, one short pick that is routed again), packed,
 * rate-shopped, shipped, tracked to the door (proof required for one item) and ends `delivered`,
 * with the whole story on its timeline and the books clean.
 */
describe.each(DIALECTS)('from order to door on %s', (dialect) => {
  let t: TestApp
  const ok = async (method: string, url: string, body?: unknown, headers?: Record<string, string>) => {
    const r = await t.call(method, url, { body: body ?? {}, headers })
    if (r.statusCode >= 300) throw new Error(`${method} ${url} → ${r.statusCode} ${r.body}`)
    return r.json()
  }
  const MUG = '4000000000031'

  beforeAll(async () => {
    t = await createTestApp(dialect)
    await seedBasics(t)
    await seedCarriers(t)
    await ok('PATCH', '/v1/products/MUG-WHT', { barcodes: [MUG], lengthMm: 120, widthMm: 90, heightMm: 100, fragile: true, proofOnDelivery: true })
    await ok('PATCH', '/v1/products/TEE-BLK-M', { lengthMm: 250, widthMm: 200, heightMm: 20 })
    await ok('POST', '/v1/packaging', { code: 'M', name: 'Medium', innerLengthMm: 300, innerWidthMm: 250, innerHeightMm: 200, maxWeightGrams: 10000, tareWeightGrams: 200, cost: { amount: 80, currency: 'EUR' } })
    const adjust = (sku: string, location: string, delta: number) => ok('POST', '/v1/inventory/adjustments', { sku, location, delta, bin: 'A-01', reason: 'opening stock' })
    // Tees only in Berlin, mugs in Munich (the books say 2, the shelf holds 1) and one in Hamburg.
    await adjust('TEE-BLK-M', 'BER', 2)
    await adjust('MUG-WHT', 'MUC', 2)
    await adjust('MUG-WHT', 'HAM', 1)
  })
  afterAll(() => t.close())

  let order: any
  const fos = async () => (await ok('GET', `/v1/fulfillments?order=${order.number}`)).data as any[]
  const foAt = async (location: string) => (await fos()).find((f) => f.location === location && f.status !== 'cancelled')

  it('splits the order across the two warehouses that together hold it, and says why', async () => {
    order = await ok('POST', '/v1/orders', orderBody({ shippingAddress: address(HAMBURG), shippingMethod: 'standard', promisedDeliveryDate: '2026-11-09', lines: [{ sku: 'TEE-BLK-M', quantity: 2 }, { sku: 'MUG-WHT', quantity: 2 }] }))
    expect(order).toMatchObject({ status: 'confirmed', fulfillmentStatus: 'allocated' })
    // Freight by the `standard` method's rule: free over €50, and this order is €57.96.
    expect(order.totals.shipping).toBe(0)
    expect(order.lines.map((l: any) => [l.sku, l.allocations])).toEqual([
      ['TEE-BLK-M', [{ location: 'BER', quantity: 2 }]],
      ['MUG-WHT', [{ location: 'MUC', quantity: 2 }]],
    ])
    expect((await fos()).map((f) => [f.location, f.status]).sort()).toEqual([['BER', 'open'], ['MUC', 'open']])
    const routing = (await ok('GET', `/v1/orders/${order.id}/routing`)).data
    expect(routing).toHaveLength(1)
    expect(routing[0]).toMatchObject({ trigger: 'created', decision: 'split' })
    expect(routing[0].explanation.candidates.map((c: any) => c.location).sort()).toEqual(['BER', 'HAM', 'MUC'])
  })

  it('picks in Berlin, refusing a wrong item, and in Munich, where a short pick routes the missing mug to Hamburg', async () => {
    const berlin = await ok('POST', '/v1/picklists', { location: 'BER' })
    const wrong = await t.call('POST', `/v1/picklists/${berlin.id}/scans`, { body: { bin: 'A-01', barcode: MUG } })
    expect(wrong.statusCode).toBe(422)
    expect(wrong.json()).toMatchObject({ code: 'picking.wrong_item', errors: [{ path: 'barcode' }] })
    await ok('POST', `/v1/picklists/${berlin.id}/scans`, { bin: 'A-01', barcode: 'TEE-BLK-M', quantity: 2 })
    expect((await ok('GET', `/v1/picklists/${berlin.id}`)).accuracy).toMatchObject({ scans: 2, accepted: 1, wrongItem: 1 })

    const munich = await ok('POST', '/v1/picklists', { location: 'MUC' })
    await ok('POST', `/v1/picklists/${munich.id}/scans`, { bin: 'A-01', barcode: MUG })
    const short = await ok('POST', `/v1/picklists/${munich.id}/short`, { bin: 'A-01', barcode: MUG, found: 1 })
    expect(short).toMatchObject({ shortQuantity: 1, writtenOff: 1, rerouted: [{ sku: 'MUG-WHT', quantity: 1 }] })

    const now = await ok('GET', `/v1/orders/${order.id}`)
    expect(now.lines[1].allocations).toEqual(expect.arrayContaining([{ location: 'MUC', quantity: 1 }, { location: 'HAM', quantity: 1 }]))
    expect((await ok('GET', `/v1/orders/${order.id}/routing`)).data.map((d: any) => d.trigger)).toEqual(['created', 'reroute'])
    const hamburg = await ok('POST', '/v1/picklists', { location: 'HAM' })
    await ok('POST', `/v1/picklists/${hamburg.id}/scans`, { bin: 'A-01', barcode: MUG })
    expect((await fos()).map((f) => [f.location, f.status]).sort()).toEqual([['BER', 'picked'], ['HAM', 'picked'], ['MUC', 'picked']])
    expect((await ok('GET', `/v1/orders/${order.id}`)).lines.map((l: any) => l.pickedQuantity)).toEqual([2, 2])
    expect((await runChecks(t.conn, t.app.services)).problems).toEqual([])
  })

  let shipments: any[] = []
  it('packs as suggested, rate-shops against the promised date and ships all three parcels', async () => {
    for (const location of ['BER', 'MUC', 'HAM']) {
      const fo = await foAt(location)
      const suggestion = await ok('GET', `/v1/fulfillments/${fo.id}/box-suggestion`)
      const packed = await ok('POST', `/v1/fulfillments/${fo.id}/pack`, { packages: suggestion.packages.map((p: any) => ({ box: p.box, contents: p.items })) })
      expect(packed.status).toBe('packed')
      const rates = await ok('POST', `/v1/fulfillments/${fo.id}/rates`)
      expect(rates.promisedBy).toBe('2026-11-09')
      const onTime = rates.options.filter((o: any) => o.available && o.meetsPromise).sort((a: any, b: any) => a.amount - b.amount)
      expect(rates.default).toBe(onTime[0].service)
      const { shipment } = await ok('POST', `/v1/fulfillments/${fo.id}/ship`, {}, { 'idempotency-key': `ship-${location}` })
      expect(shipment).toMatchObject({ status: 'label_created', service: { qualifiedCode: rates.default } })
      const label = await t.call('GET', `/v1/shipments/${shipment.id}/label.pdf`)
      expect([label.statusCode, label.headers['content-type'], label.rawPayload.subarray(0, 5).toString()]).toEqual([200, 'application/pdf', '%PDF-'])
      shipments.push(shipment)
    }
    const shipped = await ok('GET', `/v1/orders/${order.id}`)
    expect(shipped).toMatchObject({ fulfillmentStatus: 'shipped', status: 'confirmed' })
    expect(shipped.lines.map((l: any) => [l.shippedQuantity, l.allocatedQuantity])).toEqual([[2, 0], [2, 0]])
    for (const [sku, location, onHand] of [['TEE-BLK-M', 'BER', 0], ['MUG-WHT', 'MUC', 0], ['MUG-WHT', 'HAM', 0]] as const) {
      expect((await ok('GET', `/v1/inventory?sku=${sku}&location=${location}`)).data[0]).toMatchObject({ onHand, reserved: 0 })
    }
  })

  it('tracks each parcel to the door; the mugs need proof; the order ends delivered and completed', async () => {
    const track = (s: any, body: object) => t.call('POST', `/v1/shipments/${s.id}/tracking-events`, { body })
    const at = (h: number) => `2026-11-0${3 + Math.floor(h / 24)}T${String(h % 24).padStart(2, '0')}:00:00Z`
    for (const [i, s] of shipments.entries()) {
      expect((await track(s, { status: 'in_transit', occurredAt: at(8 + i), location: 'Hub Hannover' })).statusCode).toBe(201)
      expect((await track(s, { status: 'out_for_delivery', occurredAt: at(30 + i), location: 'Hamburg' })).statusCode).toBe(201)
    }
    const [tees, ...mugs] = shipments
    expect((await track(tees, { status: 'delivered', occurredAt: at(34) })).statusCode).toBe(201)
    expect((await ok('GET', `/v1/orders/${order.id}`)).fulfillmentStatus).toBe('partially_delivered')

    const noProof = await track(mugs[0], { status: 'delivered', occurredAt: at(35) })
    expect(noProof.statusCode).toBe(422)
    expect(noProof.json().errors.map((e: any) => e.path)).toEqual(expect.arrayContaining(['deliveryCode']))
    const code = await t.app.services.shipping.deliveryCodeOf(t.conn.db, mugs[0].id)
    expect((await track(mugs[0], { status: 'delivered', occurredAt: at(35), deliveryCode: code })).statusCode).toBe(201)
    expect((await track(mugs[1], { status: 'delivered', occurredAt: at(36), identityCheck: { documentType: 'id_card', name: 'Anna Schmidt' } })).statusCode).toBe(201)

    const done = await ok('GET', `/v1/orders/${order.id}`)
    expect(done).toMatchObject({ status: 'completed', fulfillmentStatus: 'delivered' })
    expect(done.lines.map((l: any) => l.deliveredQuantity)).toEqual([2, 2])
    const timeline = (await ok('GET', `/v1/orders/${order.id}/events`)).data.map((e: any) => e.type)
    for (const type of [
      'order.created',
      'order.confirmed',
      'order.allocated',
      'fulfillment.created',
      'fulfillment.picking_started',
      'fulfillment.short_picked',
      'order.rerouted',
      'fulfillment.picked',
      'fulfillment.packed',
      'shipment.label_created',
      'fulfillment.shipped',
      'order.shipped',
      'shipment.in_transit',
      'shipment.out_for_delivery',
      'shipment.delivered',
      'order.delivered',
      'order.completed',
    ]) {
      expect(timeline, type).toContain(type)
    }
    expect(timeline.at(-1)).toBe('order.completed')
    const check = await runChecks(t.conn, t.app.services)
    expect(check).toMatchObject({ ok: true, problems: [] })
  })
})
