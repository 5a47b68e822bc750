import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { freshConnection } from '../../test/helpers.js'
import { runChecks } from '../check.js'
import { checkAddress } from '../kernel/address.js'
import { systemClock } from '../kernel/clock.js'
import { systemActor } from '../kernel/context.js'
import { createServices, type Services } from '../services.js'
import { existingOrders, seedDemo, type SeedSummary } from './demo.js'
import { ean13, gtinCheckDigit, isValidEan13 } from './ean.js'
import { planDemo } from './plan.js'

describe('EAN-13 check digits', () => {
  it('computes the GS1 check digit', () => {
    expect(gtinCheckDigit('400638133393')).toBe(1) // 4006381333931, a real EAN
    expect(ean13('978346100037')).toMatch(/^\d{13}$/)
    expect(isValidEan13('4006381333931')).toBe(true)
    expect(isValidEan13('4006381333932')).toBe(false)
  })
})

describe('the demo plan', () => {
  it('is the same for the same seed, whenever it runs', () => {
    const shape = (now: string) => {
      const p = planDemo({ seed: 7, orders: 80, now: new Date(now) })
      return {
        products: p.products.map((x) => [x.sku, x.price, x.barcodes, x.profile, x.active]),
        stock: p.stock.map((s) => [s.sku, s.location, s.bin, s.quantity, !!s.lot]), // lot numbers carry their production month
        orders: p.orders.map((o) => [o.scenario, o.channel, o.customerEmail, o.lines, o.v, o.followUps.map((f) => [f.v, f.action.kind])]),
      }
    }
    expect(shape('2026-03-01T08:13:00Z')).toEqual(shape('2026-07-19T22:47:00Z'))
    expect(planDemo({ seed: 8, orders: 80, now: new Date() }).orders.map((o) => o.lines)).not.toEqual(planDemo({ seed: 7, orders: 80, now: new Date() }).orders.map((o) => o.lines))
  })

  it('gives every product valid EAN-13 barcodes, unique across the catalog', () => {
    const { products } = planDemo({ seed: 42, orders: 10, now: new Date() })
    const all = products.flatMap((p) => p.barcodes)
    expect(all.every(isValidEan13)).toBe(true)
    expect(new Set(all).size).toBe(all.length)
    expect(new Set(products.map((p) => p.sku)).size).toBe(products.length)
  })
})

describe('seedDemo on a fresh SQLite database', () => {
  // Enough orders that today's last hours have work in every state, whatever the hour and weekday.
  let conn: Awaited<ReturnType<typeof freshConnection>>
  let services: Services
  let summary: SeedSummary
  const now = new Date()

  beforeAll(async () => {
    conn = await freshConnection('sqlite')
    services = createServices({ clock: systemClock, apiKeyCacheSeconds: 0 })
    summary = await seedDemo(conn.db, services, { orders: 120, seed: 42, now })
  })
  afterAll(() => conn.drop())

  const ctx = { actor: systemActor, clock: systemClock }
  const allPages = async <T>(list: (cursor?: string) => Promise<{ data: T[]; nextCursor: string | null }>) => {
    const all: T[] = []
    for (let cursor: string | undefined, first = true; first || cursor; first = false) {
      const page = await list(cursor)
      all.push(...page.data)
      cursor = page.nextCursor ?? undefined
    }
    return all
  }
  const allOrders = () => allPages((cursor) => services.orders.list(conn.db, ctx, { limit: 200, cursor }))

  it('has three or more warehouses with coordinates and bins, and three channels', async () => {
    const locations = await services.locations.listAll(conn.db)
    const warehouses = locations.filter((l) => l.type === 'warehouse')
    expect(warehouses.length).toBeGreaterThanOrEqual(3)
    expect(new Set(locations.map((l) => l.address.city)).size).toBe(locations.length)
    for (const l of locations) {
      expect(l.latitude).not.toBeNull()
      expect(l.longitude).not.toBeNull()
      const bins = await services.locations.listBins(conn.db, l.code)
      expect(bins.length).toBeGreaterThanOrEqual(20)
      expect(new Set(bins.map((b) => b.zone)).size).toBeGreaterThanOrEqual(2)
    }
    expect((await services.channels.list(conn.db)).map((c) => c.code).sort()).toEqual(['marketplace', 'pos', 'web'])
  })

  it('has 200+ active products with valid barcodes, some lot-tracked, fragile and inactive', async () => {
    const { data: products } = await services.catalog.list(conn.db, { limit: 500 })
    const active = products.filter((p) => p.active)
    expect(active.length).toBeGreaterThanOrEqual(200)
    expect(active.every((p) => p.barcodes.length >= 1 && p.barcodes.every(isValidEan13))).toBe(true)
    expect(products.some((p) => p.lotTracked)).toBe(true)
    expect(products.some((p) => p.fragile)).toBe(true)
    expect(products.some((p) => !p.active)).toBe(true)
    expect(products.some((p) => p.taxCode === 'reduced')).toBe(true)
    expect(products.every((p) => p.price.currency === 'EUR' && Number.isInteger(p.price.amount) && p.price.amount > 0)).toBe(true)
  })

  it('has 50+ customers with addresses that pass the address check', async () => {
    const { data: customers } = await services.customers.list(conn.db, { limit: 500 })
    expect(customers.length).toBeGreaterThanOrEqual(50)
    expect(new Set(customers.map((c) => c.addresses[0]?.country)).size).toBeGreaterThanOrEqual(4)
    const addresses = customers.flatMap((c) => c.addresses)
    expect(addresses.length).toBeGreaterThanOrEqual(customers.length)
    expect(addresses.filter((a) => checkAddress(a).length)).toEqual([])
    expect(summary.customers.total).toBe(customers.length)
  })

  it('has stock in every location, lots with expiry dates, and rows at or below their reorder point', async () => {
    const rows = await allPages((cursor) => services.inventory.list(conn.db, { limit: 500, cursor }))
    for (const l of await services.locations.listAll(conn.db)) expect(rows.some((r) => r.location === l.code && r.onHand > 0)).toBe(true)
    const lotTracked = (await services.catalog.list(conn.db, { limit: 500 })).data.find((p) => p.lotTracked)!
    const lotRow = rows.find((r) => r.sku === lotTracked.sku && r.onHand > 0)!
    const buckets = await services.inventory.buckets(conn.db, lotRow.sku, lotRow.location)
    expect(buckets.every((b) => b.lot && b.expiresOn && b.bin)).toBe(true)
    expect((await services.inventory.lowStock(conn.db, {})).length).toBeGreaterThan(0)
  })

  const allFulfillments = () => allPages((cursor) => services.fulfillment.list(conn.db, { limit: 200, cursor }))
  const allShipments = () => allPages((cursor) => services.shipping.list(conn.db, { limit: 200, cursor }))
  const count = (xs: string[]) => xs.reduce<Record<string, number>>((m, x) => ({ ...m, [x]: (m[x] ?? 0) + 1 }), {})

  it('has orders in varied states over the last 30 days: delivered, held, cancelled, split, backordered', async () => {
    const orders = await allOrders()
    expect(orders).toHaveLength(120)
    const statuses = new Set(orders.map((o) => o.status))
    for (const s of ['confirmed', 'completed', 'on_hold', 'cancelled']) expect(statuses).toContain(s)
    expect(orders.filter((o) => o.status === 'confirmed' || o.status === 'completed').length).toBeGreaterThan(orders.length / 2)
    expect(orders.some((o) => o.lines.some((l) => l.backorderedQuantity > 0))).toBe(true)
    // Split: fulfilled from two locations or more (shipped units leave the allocations).
    const from = new Map<string, Set<string>>()
    for (const f of await allFulfillments()) if (f.status !== 'cancelled') from.set(f.orderId, (from.get(f.orderId) ?? new Set()).add(f.location))
    expect([...from.values()].filter((l) => l.size >= 2).length).toBe(summary.orders.split)
    expect(summary.orders.split).toBeGreaterThan(0)
    expect(orders.some((o) => o.status !== 'cancelled' && o.lines.some((l) => l.cancelledQuantity > 0))).toBe(true)
    expect(orders.some((o) => o.holds.some((h) => h.releasedAt))).toBe(true)
    expect(new Set(orders.map((o) => o.channel))).toEqual(new Set(['web', 'marketplace', 'pos']))
    const times = orders.map((o) => new Date(o.createdAt).getTime())
    expect(Math.min(...times)).toBeGreaterThanOrEqual(now.getTime() - 30 * 24 * 3600_000 - 60_000)
    expect(Math.max(...times)).toBeLessThanOrEqual(now.getTime())
    expect(summary.orders.edited).toBeGreaterThan(0)
  })

  it('sets up shipping before the first order: three carriers, six priced services, methods, boxes, a marketplace routing policy', async () => {
    const carriers = await services.shipping.listCarriers(conn.db)
    expect(carriers.map((c) => [c.code, c.services.map((s) => s.level).sort()])).toEqual([
      ['dhl', ['express', 'standard']],
      ['dpd', ['express', 'standard']],
      ['hermes', ['economy', 'economy']],
    ])
    const matches = carriers.flatMap((c) => c.services.flatMap((s) => s.rateCard.zones.map((z) => z.match.by)))
    expect(new Set(matches)).toEqual(new Set(['distance', 'destination']))
    const methods = await services.shipping.listShippingMethods(conn.db)
    expect(methods.find((m) => m.code === 'standard')).toMatchObject({ flatAmount: 495, freeOverAmount: 5000 })
    expect(methods.find((m) => m.code === 'express')).toMatchObject({ serviceLevel: 'express' })
    expect(await services.fulfillment.listPackaging(conn.db, {})).toHaveLength(5)
    const marketplace = await services.routing.effectivePolicy(conn.db, 'marketplace')
    expect(marketplace).toMatchObject({ inherited: false, policy: { locations: [{ type: 'store', channels: ['pos'] }] } })
    // An address without coordinates is placed by its postal code's centroid.
    const orders = await allOrders()
    const noPoint = orders.find((o) => o.shippingAddress.country === 'DE' && o.shippingAddress.latitude == null && o.status !== 'cancelled')!
    const [first] = await services.routing.decisions(conn.db, noPoint.id)
    expect(first.explanation.destination.source).toBe('postal_code')
  })

  it('runs the warehouses every day: older orders are picked, packed, shipped and delivered', async () => {
    const fos = count((await allFulfillments()).map((f) => f.status))
    const shipments = await allShipments()
    expect(fos.shipped).toBeGreaterThan(summary.orders.total / 2)
    expect(count(shipments.map((s) => s.status)).delivered).toBeGreaterThan(shipments.length / 2)
    expect(new Set(shipments.map((s) => s.carrier.code))).toEqual(new Set(['dhl', 'dpd', 'hermes']))
    // Nothing confirmed a week ago waits still, unless stock is missing for it.
    const weekAgo = new Date(now.getTime() - 7 * 24 * 3600_000).toISOString()
    const stale = (await allOrders()).filter((o) => o.status === 'confirmed' && o.createdAt < weekAgo && o.lines.every((l) => l.backorderedQuantity === 0) && ['allocated', 'partially_allocated'].includes(o.fulfillmentStatus))
    expect(stale.map((o) => o.number)).toEqual([])
    // Every day closes with a manifest per carrier and location; yesterday's parcels were collected.
    const yesterday = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()) - 24 * 3600_000).toISOString().slice(0, 10)
    const manifests = (await services.shipping.listManifests(conn.db, { date: yesterday, limit: 50 })).data
    expect(manifests.length).toBeGreaterThan(0)
    for (const id of manifests.flatMap((m) => m.shipments.map((s) => s.id))) expect(shipments.find((s) => s.id === id)!.status).not.toMatch(/label_created|awaiting_pickup/)
    // Proof at the door where an item asks for it.
    for (const s of shipments.filter((x) => x.requiresProof && x.status === 'delivered')) expect(s.trackingEvents.at(-1)!.proof).not.toBeNull()
  })

  it("catches today's work in mid flow: a wave half scanned, orders picked, packed and labelled, parcels on their way", async () => {
    const fos = count((await allFulfillments()).map((f) => f.status))
    for (const s of ['open', 'picking', 'picked', 'packed']) expect(fos[s], s).toBeGreaterThan(0)
    const shipments = count((await allShipments()).map((s) => s.status))
    for (const s of ['label_created', 'in_transit', 'out_for_delivery']) expect(shipments[s], s).toBeGreaterThan(0)
    expect(shipments).toMatchObject({ cancelled: 1, exception: 1 })
    // The summary the command prints says the same.
    expect(summary.fulfilment).toMatchObject({ carriers: 3, services: 6, boxes: 5, fulfillmentOrders: fos, shipments })

    const walking = (await services.fulfillment.listPicklists(conn.db, { status: 'in_progress', limit: 10 })).data
    expect(walking).toHaveLength(1)
    const wave = await services.fulfillment.getPicklist(conn.db, walking[0].id)
    expect(wave.accuracy).toMatchObject({ wrongItem: 1, short: 1 })
    expect(wave.progress.picked).toBeGreaterThan(0)
    expect(wave.progress.remaining).toBeGreaterThan(0)
  })

  it('keeps every invariant: stock equals its ledger and bins, reservations match open order lines, staging belongs to fulfilment', async () => {
    expect(await runChecks(conn, services)).toMatchObject({ ok: true, problems: [] })
    expect(summary.checks).toMatchObject({ inventory: [], reservations: [] })
  })

  it('creates an admin key named demo-admin that authenticates', async () => {
    expect(summary.apiKey.name).toBe('demo-admin')
    const actor = await services.auth.authenticate(conn.db, summary.apiKey.key, Date.now())
    expect(actor).toMatchObject({ role: 'admin', name: 'demo-admin' })
  })

  it('reports the orders so a second run can refuse', async () => {
    expect((await existingOrders(conn.db, services)).any).toBe(true)
  })
})
