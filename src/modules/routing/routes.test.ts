import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp, DIALECTS, type TestApp } from '../../../test/helpers.js'
import { available, HAMBURG, seedBasics, stock } from '../../../test/fixtures.js'
import { inTransaction } from '../../db/transaction.js'
import { systemActor } from '../../kernel/context.js'
import { stockKey } from '../inventory/index.js'
import { DEFAULT_POLICY, createRoutingService, routingDecisionSchema, type DemandSource, type PastOrder } from './index.js'

const MUNICH = { latitude: 48.14, longitude: 11.58 }

describe.each(DIALECTS)('routing on %s', (dialect) => {
  let t: TestApp
  const ctx = () => ({ actor: systemActor, clock: t.clock })
  const put = (url: string, body: unknown, headers?: Record<string, string>) => t.call('PUT', url, { body, headers })

  beforeAll(async () => {
    t = await createTestApp(dialect)
    await seedBasics(t)
    await stock(t, 'TEE-BLK-M', 'HAM', 20)
    await stock(t, 'MUG-WHT', 'MUC', 20)
    await stock(t, 'BOOK-OMS', 'BER', 5)
    await stock(t, 'BOOK-OMS', 'MUC', 5)
  })
  afterAll(() => t.close())

  it('serves the built-in default until one is stored, then versions it with ETag and If-Match', async () => {
    const first = await t.call('GET', '/v1/routing/policy')
    expect(first.statusCode).toBe(200)
    expect(first.headers.etag).toBe('"0"')
    expect(first.json()).toEqual({ default: { scope: 'default', channel: null, policy: DEFAULT_POLICY, version: 0, updatedAt: null, updatedBy: null }, channels: [] })

    const body = { rankers: [{ code: 'distance', weight: 2 }, { code: 'priority', weight: 1 }], split: { maxShipments: 2 } }
    const saved = await put('/v1/routing/policy', body, { 'if-match': '"0"' })
    expect(saved.statusCode).toBe(200)
    expect(saved.headers.etag).toBe('"1"')
    // Defaults filled in: filters and the rest of the split rules.
    expect(saved.json()).toMatchObject({
      scope: 'default',
      version: 1,
      updatedBy: 'api_key:test-admin',
      policy: { ...body, filters: DEFAULT_POLICY.filters, split: { allowed: true, maxShipments: 2, preferSingleLocation: true }, locations: [], excludedLocations: [] },
    })
    const stale = await put('/v1/routing/policy', body, { 'if-match': '"0"' })
    expect(stale.statusCode).toBe(412)
    expect(stale.json().code).toBe('request.version_mismatch')
    const blind = await put('/v1/routing/policy', { ...body, split: { maxShipments: 3 } })
    expect(blind.json().version).toBe(2)
    const now = (await t.call('GET', '/v1/routing/policy')).json()
    expect(now.default).toMatchObject({ version: 2, policy: { split: { maxShipments: 3 } } })
    const events = (await t.call('GET', '/v1/events?limit=200')).json().data.filter((e: { type: string }) => e.type === 'routing_policy.updated')
    expect(events).toHaveLength(2)
  })

  it('refuses invalid policies with 422 naming each field, and stores nothing', async () => {
    const before = (await t.call('GET', '/v1/routing/policy')).json().default.version
    const ok = { rankers: [{ code: 'distance', weight: 1 }] }
    const cases: [unknown, string[]][] = [
      [{ rankers: [] }, ['rankers']],
      [{ rankers: [{ code: 'distance', weight: 1 }, { code: 'distance', weight: 2 }] }, ['rankers.1']],
      [{ rankers: [{ code: 'speed', weight: 1 }] }, ['rankers.0.code']],
      [{ rankers: [{ code: 'cost', weight: -1 }] }, ['rankers.0.weight']],
      [{ rankers: [{ code: 'cost', weight: 0 }] }, ['rankers']],
      [{ ...ok, filters: [{ code: 'active' }, { code: 'nearby' }] }, ['filters.1.code']],
      [{ ...ok, split: { maxShipments: 0 } }, ['split.maxShipments']],
      [{ ...ok, locations: [{ code: 'HAM', type: 'store' }] }, ['locations.0.code']],
      [{ ...ok, locations: [{ code: 'HAM', countries: ['Germany'] }] }, ['locations.0.countries.0']],
      [{ ...ok, excludedLocations: ['HAM', 'NOPE'], locations: [{ code: 'GONE' }, { code: 'BER', channels: ['web', 'fax'] }] }, ['excludedLocations.1', 'locations.0.code', 'locations.1.channels.1']],
    ]
    for (const [body, paths] of cases) {
      const r = await put('/v1/routing/policy', body)
      expect(r.statusCode, JSON.stringify(body)).toBe(422)
      expect(r.headers['content-type']).toContain('application/problem+json')
      expect(r.json().errors.map((e: { path: string }) => e.path).sort(), JSON.stringify(body)).toEqual([...paths].sort())
    }
    const refs = await put('/v1/routing/policy', cases.at(-1)![0])
    expect(refs.json()).toMatchObject({ code: 'routing.unknown_reference', detail: expect.stringContaining('unknown location "NOPE"') })
    expect((await t.call('GET', '/v1/routing/policy')).json().default.version).toBe(before)
  })

  it('keeps per-channel overrides: the channel routes by its own policy until the override is removed', async () => {
    const override = { rankers: [{ code: 'distance', weight: 1 }], excludedLocations: ['HAM'], split: { allowed: false } }
    const created = await put('/v1/routing/policy/marketplace', override)
    expect(created.statusCode).toBe(201)
    expect(created.json()).toMatchObject({ scope: 'channel', channel: 'marketplace', version: 1 })
    const replaced = await put('/v1/routing/policy/marketplace', override, { 'if-match': '"1"' })
    expect([replaced.statusCode, replaced.json().version]).toEqual([200, 2])
    expect((await put('/v1/routing/policy/marketplace', override, { 'if-match': '"0"' })).statusCode).toBe(412)
    expect((await put('/v1/routing/policy/nope', override)).statusCode).toBe(404)

    const own = await t.call('GET', '/v1/routing/policy?channel=marketplace')
    expect(own.headers.etag).toBe('"2"')
    expect(own.json()).toMatchObject({ scope: 'channel', channel: 'marketplace', inherited: false, policy: { excludedLocations: ['HAM'] } })
    const inherited = (await t.call('GET', '/v1/routing/policy?channel=web')).json()
    expect(inherited).toMatchObject({ scope: 'default', channel: null, inherited: true })
    expect((await t.call('GET', '/v1/routing/policy?channel=nope')).statusCode).toBe(404)
    expect((await t.call('GET', '/v1/routing/policy')).json().channels.map((c: { channel: string }) => c.channel)).toEqual(['marketplace'])

    // The strategy for a marketplace order follows the override; a web order the default.
    const { routing, channels, locations } = t.app.services
    const [web, market] = [await channels.getByCode(t.conn.db, 'web'), await channels.getByCode(t.conn.db, 'marketplace')]
    const locs = (await locations.listAll(t.conn.db)).map((l) => ({ id: l.id, code: l.code, active: l.active, priority: l.priority, latitude: l.latitude, longitude: l.longitude }))
    const stockNow = await t.app.services.inventory.availability(t.conn.db, [...(await t.app.services.catalog.findBySkus(t.conn.db, ['TEE-BLK-M'])).values()].map((p) => p.id))
    const tee = (await t.app.services.catalog.findBySkus(t.conn.db, ['TEE-BLK-M'])).get('TEE-BLK-M')!
    const req = { lines: [{ lineId: 'l1', productId: tee.id, quantity: 1 }], destination: { country: 'DE', ...HAMBURG }, locations: locs, available: (p: string, l: string) => stockNow.get(stockKey(p, l)) ?? 0 }
    const forMarket = (await routing.strategyFor(t.conn.db, { channelId: market.id })).allocate(req)
    expect(forMarket.explanation.policy).toEqual({ scope: 'channel:marketplace', version: 2 })
    expect(forMarket.explanation.filtered).toContainEqual({ location: 'HAM', filter: 'excluded', detail: 'excluded by the policy' })
    expect(forMarket.explanation.decision).toBe('backorder') // only Hamburg has T-shirts
    const forWeb = (await routing.strategyFor(t.conn.db, { channelId: web.id })).allocate(req)
    expect(forWeb.explanation.policy).toEqual({ scope: 'default', version: 2 })
    expect(forWeb.allocations.map((a) => a.locationId)).toEqual([locs.find((l) => l.code === 'HAM')!.id])

    expect((await t.call('DELETE', '/v1/routing/policy/marketplace', { headers: { 'if-match': '"1"' } })).statusCode).toBe(412)
    expect((await t.call('DELETE', '/v1/routing/policy/marketplace')).statusCode).toBe(204)
    expect((await t.call('DELETE', '/v1/routing/policy/marketplace')).statusCode).toBe(404)
    expect((await t.call('GET', '/v1/routing/policy?channel=marketplace')).json().inherited).toBe(true)
    const after = (await routing.strategyFor(t.conn.db, { channelId: market.id })).allocate(req)
    expect(after.explanation.policy!.scope).toBe('default')
  })

  it('lets readers read and simulate, and only routing writers change policies', async () => {
    const viewer = await t.keyFor('viewer')
    expect((await t.call('GET', '/v1/routing/policy', { key: viewer })).statusCode).toBe(200)
    const sim = { orders: [{ destination: { country: 'DE' }, lines: [{ sku: 'MUG-WHT', quantity: 1 }] }], channel: 'web' }
    expect((await t.call('POST', '/v1/routing/simulate', { key: viewer, body: sim })).statusCode).toBe(200)
    expect((await t.call('PUT', '/v1/routing/policy', { key: viewer, body: { rankers: [{ code: 'distance', weight: 1 }] } })).statusCode).toBe(403)
    expect((await t.call('DELETE', '/v1/routing/policy/web', { key: viewer })).statusCode).toBe(403)
    expect((await t.call('GET', '/v1/routing/policy', { key: null })).statusCode).toBe(401)
  })

  it('simulates two policies over inline orders side by side, from the current stock, reserving nothing', async () => {
    // T-shirts only in Hamburg, mugs only in Munich: every order needs both.
    const orders = Array.from({ length: 10 }, (_, i) => ({
      destination: i % 2 ? { country: 'DE', ...HAMBURG } : { country: 'DE', ...MUNICH },
      lines: [
        { sku: 'TEE-BLK-M', quantity: 1 },
        { sku: 'MUG-WHT', quantity: 1 },
      ],
    }))
    const splitting = { rankers: [{ code: 'distance', weight: 1 }] }
    const whole = { rankers: [{ code: 'distance', weight: 1 }], split: { allowed: false } }
    const before = { tee: await available(t, 'TEE-BLK-M', 'HAM'), mug: await available(t, 'MUG-WHT', 'MUC') }
    const r = await t.call('POST', '/v1/routing/simulate', { body: { policy: splitting, compare: whole, orders, channel: 'web' } })
    expect(r.statusCode).toBe(200)
    const report = r.json()
    expect(report).toMatchObject({ source: 'inline', orders: 10, stock: 'current', simulatedAt: '2026-11-02T09:00:00.000Z' })
    const [a, b] = report.results
    expect(a).toMatchObject({
      label: 'policy',
      policy: { scope: 'inline', version: 0 },
      orders: 10,
      fullyFillable: 1,
      splitRate: 1,
      backorderRate: 0,
      shipmentsPerOrder: 2,
      units: { ordered: 20, allocated: 20, backordered: 0 },
      byLocation: [
        { location: 'HAM', shipments: 10, units: 10 },
        { location: 'MUC', shipments: 10, units: 10 },
      ],
      estimatedShippingCost: { unpricedShipments: expect.any(Number) },
    })
    // Half the parcels travel Hamburg → Munich or back (~610 km), half a few km.
    expect(a.meanDistanceKm).toBeGreaterThan(250)
    expect(a.meanDistanceKm).toBeLessThan(350)
    expect(b).toMatchObject({ label: 'compare', fullyFillable: 0, splitRate: 0, backorderRate: 1, shipmentsPerOrder: 0, meanDistanceKm: null, units: { allocated: 0, backordered: 20 }, byLocation: [] })
    expect({ tee: await available(t, 'TEE-BLK-M', 'HAM'), mug: await available(t, 'MUG-WHT', 'MUC') }).toEqual(before)

    // Stock runs down as the simulation routes: 25 orders for 20 T-shirts.
    const many = Array.from({ length: 25 }, () => ({ destination: { country: 'DE', postalCode: '20095' }, lines: [{ sku: 'TEE-BLK-M', quantity: 1 }] }))
    const stored = (await t.call('POST', '/v1/routing/simulate', { body: { orders: many, channel: 'web' } })).json()
    expect(stored.results).toHaveLength(1)
    expect(stored.results[0]).toMatchObject({ policy: null, fullyFillable: 0.8, backorderRate: 0.2, units: { allocated: 20, backordered: 5 } })
  })

  it('refuses simulations naming unknown things, or both or neither of orders and window', async () => {
    const line = { sku: 'MUG-WHT', quantity: 1 }
    const cases: [unknown, string[]][] = [
      [{ orders: [{ destination: { country: 'DE' }, lines: [line, { sku: 'NOPE', quantity: 1 }] }] }, ['orders.0.lines.1.sku']],
      [{ orders: [{ channel: 'fax', destination: { country: 'DE' }, lines: [line] }] }, ['orders.0.channel']],
      [{ policy: { rankers: [{ code: 'distance', weight: 1 }], excludedLocations: ['XX'] }, orders: [{ destination: { country: 'DE' }, lines: [line] }] }, ['policy.excludedLocations.0']],
      [{ orders: [{ destination: { country: 'DE' }, lines: [line] }], window: { limit: 5 } }, ['orders']],
      [{}, ['orders']],
      [{ window: { channel: 'fax' } }, ['window.channel']],
    ]
    for (const [body, paths] of cases) {
      const r = await t.call('POST', '/v1/routing/simulate', { body })
      expect(r.statusCode, JSON.stringify(body)).toBe(422)
      expect(r.json().errors.map((e: { path: string }) => e.path), JSON.stringify(body)).toEqual(paths)
    }
  })

  it('locates destinations: own coordinates, imported postal centroid (longest prefix), region, country', async () => {
    const r = await t.call('POST', '/v1/routing/geo/centroids', {
      body: {
        rows: [
          { country: 'DE', postalCode: '20095', latitude: 1, longitude: 1 },
          { country: 'DE', postalCode: '20095', latitude: 53.55, longitude: 10.0 },
          { country: 'GB', postalCode: 'sw1a', latitude: 51.5, longitude: -0.14 },
          { country: 'GB', postalCode: 'SW', latitude: 51.45, longitude: -0.2 },
        ],
      },
    })
    expect(r.statusCode).toBe(200)
    expect(r.json()).toEqual({ loaded: 3, duplicates: 1 })
    const { routing } = t.app.services
    const db = t.conn.db
    expect(await routing.locate(db, { country: 'DE', postalCode: '20095', latitude: 48.1, longitude: 11.6 })).toEqual({ latitude: 48.1, longitude: 11.6, source: 'address' })
    expect(await routing.locate(db, { country: 'DE', postalCode: '20095' })).toEqual({ latitude: 53.55, longitude: 10.0, source: 'postal_code' })
    expect(await routing.locate(db, { country: 'GB', postalCode: 'SW1A 1AA' })).toEqual({ latitude: 51.5, longitude: -0.14, source: 'postal_code' })
    expect(await routing.locate(db, { country: 'US', region: 'tx', postalCode: '73301' })).toEqual({ latitude: 31.5, longitude: -99.3, source: 'region' })
    expect(await routing.locate(db, { country: 'DE', postalCode: '99999', region: 'Hamburg' })).toEqual({ latitude: 51.16, longitude: 10.45, source: 'country' })
    expect(await routing.locate(db, { country: 'AQ' })).toBeNull()

    // A second import updates in place.
    await inTransaction(db, (trx) => routing.importCentroids(trx, ctx(), [{ country: 'DE', postalCode: '20095', latitude: 53.56, longitude: 10.01 }]))
    expect(await routing.locate(db, { country: 'DE', postalCode: '20095' })).toMatchObject({ latitude: 53.56, source: 'postal_code' })
    const bad = await t.call('POST', '/v1/routing/geo/centroids', { body: { rows: [{ country: 'DE', postalCode: '1', latitude: 91, longitude: 0 }] } })
    expect(bad.json().errors.map((e: { path: string }) => e.path)).toEqual(['rows.0.latitude'])
  })

  it('records every routing decision of an order with its explanation', async () => {
    const { routing, catalog, locations } = t.app.services
    const book = (await catalog.findBySkus(t.conn.db, ['BOOK-OMS'])).get('BOOK-OMS')!
    const locs = (await locations.listAll(t.conn.db)).map((l) => ({ id: l.id, code: l.code, active: l.active, priority: l.priority, latitude: l.latitude, longitude: l.longitude }))
    const strategy = await routing.strategyFor(t.conn.db, { channelId: null })
    const plan = strategy.allocate({ lines: [{ lineId: 'l1', productId: book.id, quantity: 1 }], destination: { country: 'DE', ...MUNICH }, locations: locs, available: () => 5 })
    const reroute = strategy.allocate({
      lines: [{ lineId: 'l1', productId: book.id, quantity: 1 }],
      destination: { country: 'DE', ...MUNICH },
      locations: locs,
      available: () => 5,
      excludeLocationIds: [plan.allocations[0].locationId],
    })
    await inTransaction(t.conn.db, async (trx) => {
      await routing.recordDecision(trx, ctx(), { orderId: 'ord_1', trigger: 'created', explanation: plan.explanation })
      await routing.recordDecision(trx, ctx(), { orderId: 'ord_1', trigger: 'reroute', explanation: reroute.explanation })
    })
    const decisions = await routing.decisions(t.conn.db, 'ord_1')
    expect(decisions.map((x) => [x.trigger, x.decision, x.explanation.shipments[0].location])).toEqual([
      ['created', 'single_location', 'MUC'],
      ['reroute', 'single_location', 'BER'],
    ])
    expect(decisions[1].explanation.filtered).toContainEqual({ location: 'MUC', filter: 'excluded', detail: 'excluded for this attempt' })
    for (const x of decisions) expect(routingDecisionSchema.parse(x)).toEqual(x)
    expect(await routing.decisions(t.conn.db, 'ord_none')).toEqual([])
  })

  it('replays a window of past orders from order management', async () => {
    const { catalog, channels } = t.app.services
    const mug = (await catalog.findBySkus(t.conn.db, ['MUG-WHT'])).get('MUG-WHT')!
    const web = await channels.getByCode(t.conn.db, 'web')
    const asked: unknown[] = []
    // SO-1 came first and takes all 20 mugs in Munich; SO-2 and SO-3 then find none.
    const past = (n: number, quantity: number): PastOrder => ({
      orderNumber: `SO-${n}`,
      channelId: web.id,
      destination: { country: 'DE', postalCode: '20095', city: 'Hamburg' },
      lines: [{ productId: mug.id, sku: 'MUG-WHT', quantity, weightGrams: 400 }],
      createdAt: `2026-10-0${n}T10:00:00.000Z`,
    })
    // Order management hands them newest first; an order whose lines were all cancelled has none.
    const demand: DemandSource = { pastOrders: async (_db, q) => (asked.push(q), [past(3, 2), { ...past(4, 1), lines: [] }, past(2, 2), past(1, 20)]) }
    const routing = createRoutingService({ ...t.app.services, orders: () => demand })
    const report = await routing.simulate(t.conn.db, ctx(), { window: { createdFrom: '2026-10-01', createdTo: '2026-10-31', channel: 'web', limit: 50 } })
    expect(asked).toEqual([{ createdFrom: '2026-10-01T00:00:00.000Z', createdTo: '2026-10-31T23:59:59.999Z', channelId: web.id, limit: 50 }])
    expect(report).toMatchObject({ source: 'window', orders: 3 })
    expect(report.results[0]).toMatchObject({
      fullyFillable: 0.3333,
      backorderRate: 0.6667,
      units: { ordered: 24, allocated: 20, backordered: 4 },
      byLocation: [{ location: 'MUC', shipments: 1, units: 20 }],
    })
    // Located by the postal centroid imported above: Hamburg to Munich.
    expect(report.results[0].meanDistanceKm).toBeGreaterThan(590)
  })
})
