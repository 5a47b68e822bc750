/**
 * Loads the demo data set through the services, as the API would: every product, stock movement,
 * order, hold and cancellation goes through its module's use case in its own transaction, with a
 * clock set to when it happens, so every ledger, event and invariant holds as in real use.
 */
import type { Db } from '../db/connection.js'
import { inTransaction, type Trx } from '../db/transaction.js'
import { fixedClock } from '../kernel/clock.js'
import { systemActor, type Ctx } from '../kernel/context.js'
import type { Order } from '../modules/orders/index.js'
import type { Services } from '../services.js'
import { CHANNELS, LOCATIONS } from './data.js'
import { loadWarehouseSetup, shipFromByOrder, summarizeFulfilment, warehouseTasks, type FulfilmentSummary } from './fulfilment.js'
import { planDemo, type FollowUp, type OrderPlan, type StockEvent } from './plan.js'

export interface SeedOptions {
  /** How many orders (default 300). */
  orders?: number
  /** The random seed: the same seed gives the same data set (default 42). */
  seed?: number
  /** The moment the data set ends; orders spread over the 30 days before it (default: now). */
  now?: Date
}

export interface SeedSummary {
  seed: number
  seconds: number
  channels: number
  locations: { code: string; type: string; bins: number; hasCoordinates: boolean }[]
  products: { total: number; active: number; inactive: number; lotTracked: number; fragile: number; withBarcodes: number; created: number }
  customers: { total: number; created: number }
  stock: { rows: number; onHand: number; reserved: number; lowStock: number; receipts: number; writeOffs: number; transfers: number }
  orders: {
    total: number
    created: number
    byStatus: Record<string, number>
    byFulfillment: Record<string, number>
    byPayment: Record<string, number>
    byChannel: Record<string, number>
    split: number
    withBackorders: number
    partiallyCancelled: number
    edited: number
    heldByHand: number
    holdsReleased: number
    openHolds: Record<string, number>
    skippedActions: number
  }
  fulfilment: FulfilmentSummary
  checks: { inventory: string[]; reservations: string[]; stockRows: number; ledgerRows: number }
  apiKey: { id: string; name: string; key: string }
  /** The console user the demo signs in with; absent when it existed already. */
  user?: { email: string; password: string }
}

/** The demo's console sign-in, as the README states it. */
export const DEMO_USER = { email: 'demo@ordo.dev', password: 'ordo-demo', name: 'Demo Admin', role: 'admin' } as const

type CreateOrderInput = Parameters<Services['orders']['create']>[2]
type EditOrderInput = Parameters<Services['orders']['edit']>[3]

/** Whether the database has any order, and the number of the newest one (to keep external ids unique on a forced re-run). */
export async function existingOrders(db: Db, services: Services): Promise<{ any: boolean; newestNumber: number }> {
  const { data } = await services.orders.list(db, { actor: systemActor, clock: services.clock }, { limit: 1 })
  return { any: data.length > 0, newestNumber: data.length ? Number(data[0].number.replace(/\D/g, '')) || 0 : 0 }
}

const OPEN = new Set(['pending', 'confirmed', 'on_hold'])

export async function seedDemo(db: Db, services: Services, opts: SeedOptions = {}): Promise<SeedSummary> {
  const started = Date.now()
  const seed = opts.seed ?? 42
  const existing = await existingOrders(db, services)
  const plan = planDemo({ seed, orders: opts.orders ?? 300, now: opts.now ?? new Date(), externalIdOffset: existing.newestNumber })
  const clock = fixedClock(plan.setupAt)
  const ctx: Ctx = { actor: systemActor, clock, requestId: `seed-${seed}` }
  /**
   * One use case in one transaction, at the given moment. The callback may run again when the
   * database asks for a retry, so it returns what happened instead of counting it itself.
   */
  const at = <T>(when: Date, fn: (trx: Trx) => Promise<T>) => {
    clock.set(when)
    return inTransaction(db, fn)
  }

  // Master data, dated 45 days back. What exists already (a forced re-run) is kept, not duplicated.
  await at(plan.setupAt, async (trx) => {
    for (const c of CHANNELS) {
      if (await services.channels.getByCode(trx, c.code).catch(() => undefined)) continue
      await services.channels.create(trx, ctx, { ...c, active: true })
    }
    for (const l of LOCATIONS) {
      if (!(await services.locations.getByCode(trx, l.code).catch(() => undefined))) {
        await services.locations.create(trx, ctx, {
          code: l.code,
          name: l.name,
          type: l.type,
          address: { name: l.name, ...l.address, latitude: l.latitude, longitude: l.longitude },
          latitude: l.latitude,
          longitude: l.longitude,
          active: true,
          priority: l.priority,
        })
      }
      const have = new Set((await services.locations.listBins(trx, l.code)).map((b) => b.code))
      for (const b of plan.bins.get(l.code)!) {
        if (have.has(b.code)) continue
        await services.locations.createBin(trx, ctx, l.code, b)
      }
    }
  })

  await at(plan.setupAt, (trx) => loadWarehouseSetup(trx, services, ctx))

  const createdSkus = await at(plan.setupAt, async (trx) => {
    const known = await services.catalog.findBySkus(trx, plan.products.map((p) => p.sku))
    const created = new Set<string>()
    for (const p of plan.products) {
      if (known.has(p.sku)) continue
      await services.catalog.create(trx, ctx, {
        sku: p.sku,
        name: p.name,
        barcodes: p.barcodes,
        weightGrams: p.weightGrams,
        lengthMm: p.dims[0],
        widthMm: p.dims[1],
        heightMm: p.dims[2],
        price: { amount: p.price, currency: 'EUR' },
        taxCode: p.taxCode,
        active: p.active,
        lotTracked: p.lotTracked,
        fragile: p.fragile,
        // High-value items are handed over only against proof at the door.
        proofOnDelivery: p.price >= 15000,
      })
      created.add(p.sku)
    }
    return created
  })

  const { customerIds, customersCreated } = await at(plan.setupAt, async (trx) => {
    const ids = new Map<string, string>()
    let created = 0
    for (const c of plan.customers) {
      const found = (await services.customers.list(trx, { email: c.email, limit: 1 })).data[0]
      if (found) {
        ids.set(c.email, found.id)
        continue
      }
      ids.set(c.email, (await services.customers.create(trx, ctx, { email: c.email, name: c.name, phone: c.phone, addresses: c.addresses })).id)
      created++
    }
    return { customerIds: ids, customersCreated: created }
  })

  // Opening stock, counted into bins (and lots) two days before the first order; only for products
  // created now, so a forced re-run does not count the same shelves twice.
  for (const l of LOCATIONS) {
    await at(plan.stockAt, async (trx) => {
      for (const s of plan.stock) {
        if (s.location !== l.code || !createdSkus.has(s.sku)) continue
        await services.inventory.adjust(trx, ctx, {
          sku: s.sku,
          location: s.location,
          bin: s.bin,
          ...(s.lot ? { lot: s.lot, expiresOn: s.expiresOn } : {}),
          delta: s.quantity,
          reason: 'Opening stock count',
        })
      }
    })
  }
  await at(plan.stockAt, async (trx) => {
    for (const r of plan.reorder) if (createdSkus.has(r.sku)) await services.inventory.setReorder(trx, ctx, r)
  })

  // Then the 30 days of business, in the order things happened: orders, what people did to them
  // later, goods receipts, write-offs and transfers. Sorted by the plan's own timeline, not the
  // clock, so the order of events (and every allocation) is the same whenever the seed runs.
  type Outcome = 'created' | 'replayed' | 'edited' | 'held' | 'done' | 'skipped' | StockEvent['kind']
  const tasks: { v: number; seq: number; run: () => Promise<Outcome> }[] = []
  const orderIds = new Map<number, string>()
  let seq = 0
  for (const e of plan.stockEvents) if (createdSkus.has(e.sku)) tasks.push({ v: e.v, seq: seq++, run: () => stockEvent(e) })
  for (const o of plan.orders) {
    tasks.push({ v: o.v, seq: seq++, run: () => createOrder(o) })
    for (const f of o.followUps) tasks.push({ v: f.v, seq: seq++, run: () => followUp(o, f.action, f.at) })
  }
  for (const w of warehouseTasks({ db, services, ctx, clock, plan, seed, orderIds })) {
    tasks.push({ v: w.v, seq: seq++, run: () => w.run().then(() => 'done' as const) })
  }
  tasks.sort((a, b) => a.v - b.v || a.seq - b.seq)

  function stockEvent(e: StockEvent): Promise<Outcome> {
    return at(e.at, async (trx) => {
      if (e.kind === 'transfer') {
        // Only free units travel; skip the transfer when orders have taken them meanwhile.
        const row = (await services.inventory.list(trx, { sku: e.sku, location: e.from, limit: 1 })).data[0]
        if (!row || row.available < e.quantity) return 'skipped'
        await services.inventory.transfer(trx, ctx, { sku: e.sku, from: e.from, to: e.to, fromBin: e.fromBin, toBin: e.toBin, quantity: e.quantity, reason: e.reason })
      } else {
        const delta = e.kind === 'receipt' ? e.quantity : -e.quantity
        await services.inventory.adjust(trx, ctx, { sku: e.sku, location: e.location, bin: e.bin, delta, reason: e.reason })
      }
      return e.kind
    })
  }

  async function createOrder(o: OrderPlan): Promise<Outcome> {
    const input: CreateOrderInput = {
      channel: o.channel,
      externalId: o.externalId,
      customerId: customerIds.get(o.customerEmail)!,
      shippingAddress: o.shippingAddress,
      ...(o.billingAddress ? { billingAddress: o.billingAddress } : {}),
      lines: o.lines,
      shippingMethod: o.shippingMethod,
      shippingAmount: o.shippingAmount,
      payment: o.payment,
      ...(o.notes ? { notes: o.notes } : {}),
      ...(o.promisedDeliveryDate ? { promisedDeliveryDate: o.promisedDeliveryDate } : {}),
    }
    const { order, replayed } = await at(o.at, (trx) => services.orders.create(trx, ctx, input))
    // An order with this channel + external id existed already: leave it alone.
    if (replayed) return 'replayed'
    orderIds.set(o.index, order.id)
    return 'created'
  }

  function followUp(o: OrderPlan, action: FollowUp, when: Date): Promise<Outcome> {
    const id = orderIds.get(o.index)
    if (!id) return Promise.resolve('skipped')
    return at(when, async (trx): Promise<Outcome> => {
      const order = await services.orders.get(trx, ctx, id)
      if (!OPEN.has(order.status)) return 'skipped'
      const openQty = (l: Order['lines'][number]) => l.quantity - l.cancelledQuantity - l.shippedQuantity
      const keep = (l: Order['lines'][number]) => ({ id: l.id, quantity: l.quantity - l.cancelledQuantity })
      const edit = async (input: EditOrderInput): Promise<Outcome> => {
        await services.orders.edit(trx, ctx, id, input, order.version)
        return 'edited'
      }
      switch (action.kind) {
        case 'cancel':
          await services.orders.cancel(trx, ctx, id, { reason: action.reason })
          return 'done'
        case 'cancel_part': {
          const open = order.lines.filter((l) => openQty(l) > 0)
          const multi = open.find((l) => openQty(l) >= 2)
          if (multi && (action.mode === 'unit' || open.length < 2)) {
            await services.orders.cancel(trx, ctx, id, { reason: action.reason, lines: [{ id: multi.id, quantity: 1 }] })
          } else if (open.length >= 2) {
            await services.orders.cancel(trx, ctx, id, { reason: action.reason, lines: [{ id: open[open.length - 1].id }] })
          } else return 'skipped'
          return 'done'
        }
        case 'edit_quantity':
          return edit({ lines: order.lines.map((l, i) => ({ ...keep(l), quantity: keep(l).quantity + (i === 0 ? 1 : 0) })) })
        case 'edit_add':
          return edit({ lines: [...order.lines.map(keep), { sku: action.sku, quantity: action.quantity }] })
        case 'edit_address':
        case 'fix_address':
          return edit({ shippingAddress: action.address })
        case 'mark_paid':
          return edit({ payment: { status: 'paid', reference: action.reference } })
        case 'replace_item':
          return edit({ lines: [...order.lines.filter((l) => l.sku !== action.drop).map(keep), { sku: action.sku, quantity: 1 }] })
        case 'hold':
          await services.orders.placeHold(trx, ctx, id, { code: action.code, detail: action.detail })
          return 'held'
        case 'release': {
          const hold = order.holds.find((h) => h.code === action.code && !h.releasedAt)
          if (!hold) return 'skipped'
          await services.orders.releaseHold(trx, ctx, id, hold.id, action.note)
          return 'done'
        }
      }
    })
  }

  const outcomes: Partial<Record<Outcome, number>> = {}
  for (const t of tasks) {
    const outcome = await t.run()
    outcomes[outcome] = (outcomes[outcome] ?? 0) + 1
  }
  const n = (o: Outcome) => outcomes[o] ?? 0

  const apiKey = await at(plan.now, (trx) => services.auth.createKey(trx, ctx, { name: 'demo-admin', role: 'admin' }))
  const user = await at(plan.now, async (trx) => {
    if (await services.auth.getUser(trx, DEMO_USER.email).catch(() => undefined)) return undefined
    await services.auth.createUser(trx, ctx, DEMO_USER)
    return { email: DEMO_USER.email, password: DEMO_USER.password }
  })
  const summary = await summarize(db, services, ctx)
  return {
    ...summary,
    seed,
    seconds: (Date.now() - started) / 1000,
    products: { ...summary.products, created: createdSkus.size },
    customers: { ...summary.customers, created: customersCreated },
    stock: { ...summary.stock, receipts: n('receipt'), writeOffs: n('write_off'), transfers: n('transfer') },
    orders: { ...summary.orders, created: n('created'), edited: n('edited'), heldByHand: n('held'), skippedActions: n('skipped') + n('replayed') },
    apiKey: { id: apiKey.id, name: apiKey.name, key: apiKey.key },
    ...(user && { user }),
  }
}

/** Reads back what is in the database, through the services, and runs the consistency checks. */
async function summarize(db: Db, services: Services, ctx: Ctx) {
  const count = (m: Record<string, number>, k: string) => (m[k] = (m[k] ?? 0) + 1)

  const channels = (await services.channels.list(db)).length
  const locations = []
  for (const l of await services.locations.listAll(db)) {
    locations.push({ code: l.code, type: l.type, bins: (await services.locations.listBins(db, l.code)).length, hasCoordinates: l.latitude !== null && l.longitude !== null })
  }

  const products = { total: 0, active: 0, inactive: 0, lotTracked: 0, fragile: 0, withBarcodes: 0 }
  for (let cursor: string | undefined, first = true; first || cursor; first = false) {
    const page = await services.catalog.list(db, { limit: 500, cursor })
    for (const p of page.data) {
      products.total++
      if (p.active) products.active++
      else products.inactive++
      if (p.lotTracked) products.lotTracked++
      if (p.fragile) products.fragile++
      if (p.barcodes.length) products.withBarcodes++
    }
    cursor = page.nextCursor ?? undefined
  }

  let customers = 0
  for (let cursor: string | undefined, first = true; first || cursor; first = false) {
    const page = await services.customers.list(db, { limit: 500, cursor })
    customers += page.data.length
    cursor = page.nextCursor ?? undefined
  }

  const stock = { rows: 0, onHand: 0, reserved: 0, lowStock: (await services.inventory.lowStock(db, {})).length }
  for (let cursor: string | undefined, first = true; first || cursor; first = false) {
    const page = await services.inventory.list(db, { limit: 500, cursor })
    for (const r of page.data) {
      stock.rows++
      stock.onHand += r.onHand
      stock.reserved += r.reserved
    }
    cursor = page.nextCursor ?? undefined
  }

  const orders = {
    total: 0,
    byStatus: {} as Record<string, number>,
    byFulfillment: {} as Record<string, number>,
    byPayment: {} as Record<string, number>,
    byChannel: {} as Record<string, number>,
    split: 0,
    withBackorders: 0,
    partiallyCancelled: 0,
    holdsReleased: 0,
    openHolds: {} as Record<string, number>,
  }
  // Shipped units leave the allocations: where an order ships from is on its fulfilment orders too.
  const shipFrom = await shipFromByOrder(db, services)
  for (let cursor: string | undefined, first = true; first || cursor; first = false) {
    const page = await services.orders.list(db, ctx, { limit: 200, cursor })
    for (const o of page.data) {
      orders.total++
      count(orders.byStatus, o.status)
      count(orders.byFulfillment, o.fulfillmentStatus)
      count(orders.byPayment, o.paymentStatus)
      count(orders.byChannel, o.channel)
      if (new Set([...o.lines.flatMap((l) => l.allocations.map((a) => a.location)), ...(shipFrom.get(o.id) ?? [])]).size >= 2) orders.split++
      if (o.lines.some((l) => l.backorderedQuantity > 0)) orders.withBackorders++
      if (o.status !== 'cancelled' && o.lines.some((l) => l.cancelledQuantity > 0)) orders.partiallyCancelled++
      for (const h of o.holds) {
        if (h.releasedAt) orders.holdsReleased++
        else count(orders.openHolds, h.code)
      }
    }
    cursor = page.nextCursor ?? undefined
  }

  // Stock waiting in staging belongs to fulfilment orders: part of the inventory check, as `ordo check` runs it.
  const inventory = await services.inventory.check(db)
  inventory.problems.push(...(await services.fulfillment.check(db)))
  const reservations = await services.orders.checkReservations(db, await services.inventory.reservedByStock(db))
  return {
    channels,
    locations,
    products,
    customers: { total: customers },
    stock,
    orders,
    fulfilment: await summarizeFulfilment(db, services),
    checks: { inventory: inventory.problems, reservations, stockRows: inventory.stockRows, ledgerRows: inventory.ledgerRows },
  }
}

const fmt = (n: number) => n.toLocaleString('en-US')
const tally = (m: Record<string, number>) =>
  Object.entries(m)
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .map(([k, n]) => `${k} ${fmt(n)}`)
    .join(', ') || 'none'

/** The summary as a few lines for a terminal. */
export function formatSummary(s: SeedSummary): string[] {
  const o = s.orders
  const lines = [
    `channels    ${s.channels}`,
    `locations   ${s.locations.map((l) => `${l.code} (${l.type}, ${l.bins} bins)`).join(', ')}`,
    `products    ${fmt(s.products.total)}: ${fmt(s.products.active)} active, ${s.products.inactive} inactive, ${s.products.lotTracked} lot-tracked, ${s.products.fragile} fragile, ${fmt(s.products.withBarcodes)} with barcodes`,
    `customers   ${fmt(s.customers.total)}`,
    `stock       ${fmt(s.stock.rows)} rows, ${fmt(s.stock.onHand)} units on hand, ${fmt(s.stock.reserved)} reserved; ${s.stock.lowStock} at or below their reorder point; ${s.stock.receipts} receipts, ${s.stock.writeOffs} write-offs, ${s.stock.transfers} transfers`,
    `orders      ${fmt(o.total)} (${fmt(o.created)} new)`,
    `  status       ${tally(o.byStatus)}`,
    `  fulfillment  ${tally(o.byFulfillment)}`,
    `  payment      ${tally(o.byPayment)}`,
    `  channel      ${tally(o.byChannel)}`,
    `  split across 2+ locations ${o.split}, with backordered lines ${o.withBackorders}, partially cancelled ${o.partiallyCancelled}`,
    `  holds        open: ${tally(o.openHolds)}; released ${o.holdsReleased}`,
    `  this run     ${o.edited} edits, ${o.heldByHand} holds placed by hand`,
    `warehouse   ${s.fulfilment.carriers} carriers with ${s.fulfilment.services} services, ${s.fulfilment.boxes} boxes, ${fmt(s.fulfilment.manifests)} manifests`,
    `  fulfilment   ${tally(s.fulfilment.fulfillmentOrders)}`,
    `  picklists    ${tally(s.fulfilment.picklists)}`,
    `  shipments    ${tally(s.fulfilment.shipments)}`,
    `checks      ${s.checks.inventory.length || s.checks.reservations.length ? `${s.checks.inventory.length + s.checks.reservations.length} PROBLEM(S)` : 'ok'} (${fmt(s.checks.stockRows)} stock rows, ${fmt(s.checks.ledgerRows)} ledger rows)`,
    `took        ${s.seconds.toFixed(1)} s (seed ${s.seed})`,
  ]
  if (o.skippedActions) lines.splice(lines.length - 2, 0, `  skipped      ${o.skippedActions} planned action(s) that no longer applied`)
  return lines
}
