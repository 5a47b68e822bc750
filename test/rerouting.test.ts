import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runChecks } from '../src/check.js'
import { address, HAMBURG, orderBody, seedBasics } from './fixtures.js'
import { createTestApp, DIALECTS, type TestApp } from './helpers.js'

/** When a location cannot ship after all, the remainder is routed again by the same policy, or backordered. */
describe.each(DIALECTS)('re-routing on %s', (dialect) => {
  let t: TestApp
  const ok = async (method: string, url: string, body?: unknown) => {
    const r = await t.call(method, url, { body: body ?? {} })
    if (r.statusCode >= 300) throw new Error(`${method} ${url} → ${r.statusCode} ${r.body}`)
    return r.json()
  }
  const adjust = (sku: string, location: string, body: Record<string, unknown>) => ok('POST', '/v1/inventory/adjustments', { sku, location, bin: 'A-01', reason: 'test', ...body })
  const allocations = async (id: string) => (await ok('GET', `/v1/orders/${id}`)).lines.map((l: any) => [l.sku, l.allocations, l.backorderedQuantity])
  const fosAt = async (number: string) => (await ok('GET', `/v1/fulfillments?order=${number}`)).data.filter((f: any) => f.status !== 'cancelled').map((f: any) => [f.location, f.status, f.lines.map((l: any) => l.quantity - l.shippedQuantity)])
  const clean = async () => expect((await runChecks(t.conn, t.app.services)).problems).toEqual([])

  beforeAll(async () => {
    t = await createTestApp(dialect)
    await seedBasics(t)
  })
  afterAll(() => t.close())

  it('a deactivated location hands its unpicked units to the next best location; picked units still leave from there', async () => {
    await adjust('BOOK-OMS', 'HAM', { delta: 3 })
    await adjust('BOOK-OMS', 'BER', { delta: 5 })
    const picked = await ok('POST', '/v1/orders', orderBody({ shippingAddress: address(HAMBURG), lines: [{ sku: 'BOOK-OMS', quantity: 1 }] }))
    const open = await ok('POST', '/v1/orders', orderBody({ shippingAddress: address(HAMBURG), lines: [{ sku: 'BOOK-OMS', quantity: 2 }] }))
    expect(await allocations(open.id)).toEqual([['BOOK-OMS', [{ location: 'HAM', quantity: 2 }], 0]])
    const wave = await ok('POST', '/v1/picklists', { location: 'HAM', fulfillmentOrders: [(await ok('GET', `/v1/fulfillments?order=${picked.number}`)).data[0].number] })
    await ok('POST', `/v1/picklists/${wave.id}/scans`, { bin: 'A-01', barcode: 'BOOK-OMS' })

    await ok('PATCH', '/v1/locations/HAM', { active: false })
    expect(await allocations(open.id)).toEqual([['BOOK-OMS', [{ location: 'BER', quantity: 2 }], 0]])
    expect(await fosAt(open.number)).toEqual([['BER', 'open', [2]]])
    expect(await allocations(picked.id)).toEqual([['BOOK-OMS', [{ location: 'HAM', quantity: 1 }], 0]])
    const decisions = (await ok('GET', `/v1/orders/${open.id}/routing`)).data
    expect(decisions.at(-1)).toMatchObject({ trigger: 'reroute', decision: 'single_location' })
    expect(decisions.at(-1).explanation.filtered).toEqual(expect.arrayContaining([expect.objectContaining({ location: 'HAM' })]))
    const timeline = (await ok('GET', `/v1/orders/${open.id}/events`)).data
    expect(timeline.find((e: any) => e.type === 'order.rerouted')).toMatchObject({ reason: 'HAM was deactivated' })
    await clean()
    await ok('PATCH', '/v1/locations/HAM', { active: true })
  })

  it('a count that finds fewer units moves the newest orders elsewhere when another location has them, else backorders them', async () => {
    await adjust('MUG-WHT', 'MUC', { delta: 2 })
    await adjust('MUG-WHT', 'BER', { delta: 1 })
    const first = await ok('POST', '/v1/orders', orderBody({ shippingAddress: address({ city: 'München', postalCode: '80331', latitude: 48.14, longitude: 11.58 }), lines: [{ sku: 'MUG-WHT', quantity: 1 }] }))
    const second = await ok('POST', '/v1/orders', orderBody({ shippingAddress: address({ city: 'München', postalCode: '80331', latitude: 48.14, longitude: 11.58 }), lines: [{ sku: 'MUG-WHT', quantity: 1 }] }))
    expect(await allocations(second.id)).toEqual([['MUG-WHT', [{ location: 'MUC', quantity: 1 }], 0]])
    // Munich counts its shelf: nothing there. The newest order goes to Berlin, the older one has nowhere to go.
    await adjust('MUG-WHT', 'MUC', { onHand: 0 })
    expect(await allocations(second.id)).toEqual([['MUG-WHT', [{ location: 'BER', quantity: 1 }], 0]])
    expect(await fosAt(second.number)).toEqual([['BER', 'open', [1]]])
    expect(await allocations(first.id)).toEqual([['MUG-WHT', [], 1]])
    expect(await fosAt(first.number)).toEqual([])
    await clean()
  })
})
