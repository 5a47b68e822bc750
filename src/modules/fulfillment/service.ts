import { sql } from 'kysely'
import type { Db } from '../../db/connection.js'
import type { Trx } from '../../db/transaction.js'
import type { Ctx } from '../../kernel/context.js'
import { recordEvents, type NewEvent } from '../../kernel/events.js'
import { decodeCursor, toPage } from '../../kernel/pagination.js'
import type { CatalogService } from '../catalog/index.js'
import { renderPackingSlipPdf, renderPicklistPdf } from '../documents/index.js'
import type { InventoryService } from '../inventory/index.js'
import type { LocationService } from '../locations/index.js'
import type { ShippingService } from '../shipping/index.js'
import { createDispatch } from './dispatch.js'
import {
  addLots,
  addUnits,
  foEvent,
  isActive,
  loadFo,
  openUnits,
  parseLots,
  promisedDateOf,
  saveFos,
  shapeAll,
  STAGING_BIN,
  transition,
  withLines,
  type Fo,
  type FoHeader,
  type NewUnits,
  type PackageContent,
} from './fulfillment-orders.js'
import { createPacking } from './packing.js'
import { createPicking, loadPicklist, releaseFromPicklist, savePicklist, type PickAllocation, type Pl } from './picking.js'
import type { AllocatedUnits, OrderHeader, OrderPort } from './ports.js'
import type { FulfillmentListQuery, FulfillmentOrder } from './schema.js'

/** Which fulfilment orders give units back first when an order needs fewer from a location: the least advanced. */
const GIVE_BACK_ORDER: Record<string, number> = { open: 0, picking: 1, picked: 2, packed: 3 }

/** Fulfilment orders, pick waves and scans, the box catalog and packing, and handing parcels to shipping. */
export function createFulfillmentService(d: { catalog: CatalogService; locations: LocationService; inventory: InventoryService; shipping: ShippingService; orders: () => OrderPort }) {
  const picking = createPicking(d)
  const packing = createPacking(d)
  const dispatch = createDispatch(d)

  /** Opens the unshipped packages of a fulfilment order again: their units are picked, not packed. */
  async function unpack(trx: Trx, f: Fo, at: string, reason: string, events: NewEvent[]) {
    const packages = await trx.selectFrom('packages').selectAll().where('fulfillmentOrderId', '=', f.row.id).where('shipmentId', 'is', null).execute()
    if (!packages.length) return
    for (const p of packages) {
      for (const c of JSON.parse(p.contents) as PackageContent[]) {
        const line = f.lines.find((l) => l.id === c.lineId)!
        line.packedQty -= c.quantity
        line.stagedLots = addLots(line.stagedLots, c.lots)
      }
    }
    await trx
      .deleteFrom('packages')
      .where(
        'id',
        'in',
        packages.map((p) => p.id),
      )
      .execute()
    const t = f.row.status === 'packed' ? transition(f, 'unpack', [], at) : {}
    events.push(foEvent(f, 'fulfillment.unpacked', { ...t, reason, data: { packages: packages.map((p) => ({ id: p.id, box: p.boxCode })) } }))
  }

  /**
   * Takes `quantity` units of an order line off the fulfilment orders at a location: the least
   * advanced first, unpicked units before picked ones. Picked units that are no longer wanted stay
   * in staging, flagged for put-away.
   */
  async function giveBack(trx: Trx, fos: Fo[], cut: { orderLineId: string; locationId: string; quantity: number }, picklists: Map<string, Pl>, at: string, reason: string, events: NewEvent[], touched: Set<Fo>) {
    let n = cut.quantity
    const candidates = fos
      .filter((f) => f.row.locationId === cut.locationId && f.row.status in GIVE_BACK_ORDER)
      .sort((a, b) => GIVE_BACK_ORDER[a.row.status] - GIVE_BACK_ORDER[b.row.status] || (a.row.id < b.row.id ? 1 : -1))
    for (const f of candidates) {
      const line = f.lines.find((l) => l.orderLineId === cut.orderLineId)
      if (n === 0) break
      if (!line || openUnits(line) === 0) continue
      touched.add(f)
      const unpicked = Math.min(n, line.quantity - line.pickedQty)
      if (unpicked > 0) {
        if (f.row.status === 'picking' && f.row.picklistId) {
          const pl = picklists.get(f.row.picklistId) ?? (await loadPicklist(trx, f.row.picklistId))
          picklists.set(pl.row.id, pl)
          releaseFromPicklist(pl, line.id, unpicked)
        }
        line.quantity -= unpicked
        n -= unpicked
      }
      let putAway = 0
      if (n > 0 && line.pickedQty > line.shippedQty) {
        if (f.lines.some((l) => l.packedQty > l.shippedQty)) await unpack(trx, f, at, reason, events)
        putAway = Math.min(n, line.pickedQty - line.packedQty)
        line.pickedQty -= putAway
        line.quantity -= putAway
        line.putAwayQty += putAway
        n -= putAway
      }
      events.push(foEvent(f, 'fulfillment.changed', { reason, data: { removed: [{ sku: line.sku, quantity: unpicked + putAway }] } }))
      if (putAway) events.push(foEvent(f, 'fulfillment.put_away_required', { reason, data: { sku: line.sku, quantity: putAway, from: STAGING_BIN } }))
    }
  }

  /** After units came off: an empty fulfilment order is cancelled (or done, when part of it shipped); one with all its units picked is picked. */
  function settle(f: Fo, at: string, reason: string, events: NewEvent[]) {
    if (!isActive(f.row.status)) return
    if (f.lines.every((l) => openUnits(l) === 0)) {
      const shipped = f.lines.some((l) => l.shippedQty > 0)
      const t = transition(f, shipped ? 'settle' : 'cancel', [], at)
      if (!shipped) f.row.cancelReason = reason
      events.push(foEvent(f, shipped ? 'fulfillment.shipped' : 'fulfillment.cancelled', { ...t, reason }))
    } else if (f.row.status === 'picking' && f.lines.every((l) => l.quantity === l.pickedQty)) {
      const t = transition(f, 'finishPicking', [], at)
      events.push(foEvent(f, 'fulfillment.picked', { ...t, reason }))
    }
  }

  const service = {
    /**
     * Brings the order's fulfilment orders in line with its current allocations (one open
     * fulfilment order per order × location). Called by order management at the end of every
     * use case that changes allocations or the order's status, in the same transaction.
     * `allocations` are all units reserved and not yet shipped, per order line × location.
     * `newOrder`: the order was created in this transaction, so it has no fulfilment orders to read.
     * `events`: the caller records the fulfilment events with its own (one insert instead of two),
     * so they are added to this list instead of being recorded here.
     */
    async sync(trx: Trx, ctx: Ctx, order: OrderHeader, allocations: AllocatedUnits[], opts: { newOrder?: boolean; events?: NewEvent[] } = {}): Promise<void> {
      const rows = opts.newOrder ? [] : await trx.selectFrom('fulfillmentOrders').selectAll().where('orderId', '=', order.id).orderBy('id').execute()
      if (!rows.length && !allocations.some((a) => a.quantity > 0)) return
      const fos = await withLines(trx, rows)
      const at = ctx.clock.now().toISOString()
      const events: NewEvent[] = []
      const header: FoHeader = {
        orderId: order.id,
        orderNumber: order.number,
        channelId: order.channelId,
        held: order.status === 'on_hold' ? 1 : 0,
        priority: order.priority,
        promisedDate: promisedDateOf(order.promisedDeliveryDate),
        shippingMethod: order.shippingMethod,
        shipTo: JSON.stringify(order.shippingAddress),
        email: order.email,
        orderCreatedAt: order.createdAt,
        orderValue: order.merchandiseValue.amount,
        currency: order.merchandiseValue.currency,
      }
      for (const f of fos) {
        if (!isActive(f.row.status)) continue
        const held = f.row.held
        Object.assign(f.row, header)
        if (held !== f.row.held) events.push(foEvent(f, f.row.held ? 'fulfillment.held' : 'fulfillment.released', { reason: f.row.held ? 'order on hold' : 'order released' }))
      }

      const key = (orderLineId: string, locationId: string) => `${orderLineId}@${locationId}`
      const want = new Map<string, AllocatedUnits>()
      // A closed order ships nothing more, whatever is still allocated.
      if (order.status !== 'cancelled' && order.status !== 'completed') {
        for (const a of allocations) {
          if (a.quantity <= 0) continue
          const k = key(a.orderLineId, a.locationId)
          const w = want.get(k)
          want.set(k, w ? { ...w, quantity: w.quantity + a.quantity } : { ...a })
        }
      }
      const have = new Map<string, { orderLineId: string; locationId: string; quantity: number }>()
      for (const f of fos) {
        if (f.row.status === 'cancelled') continue
        for (const l of f.lines) {
          const k = key(l.orderLineId, f.row.locationId)
          const h = have.get(k) ?? { orderLineId: l.orderLineId, locationId: f.row.locationId, quantity: 0 }
          h.quantity += openUnits(l)
          have.set(k, h)
        }
      }
      const adds = new Map<string, NewUnits[]>()
      const cuts: { orderLineId: string; locationId: string; quantity: number }[] = []
      for (const k of new Set([...want.keys(), ...have.keys()])) {
        const w = want.get(k)
        const h = have.get(k)
        const diff = (w?.quantity ?? 0) - (h?.quantity ?? 0)
        if (diff > 0) adds.set(w!.locationId, [...(adds.get(w!.locationId) ?? []), { orderLineId: w!.orderLineId, productId: w!.productId, sku: w!.sku, name: w!.name, quantity: diff }])
        if (diff < 0) cuts.push({ orderLineId: h!.orderLineId, locationId: h!.locationId, quantity: -diff })
      }

      if (adds.size || cuts.length) {
        const reason = order.status === 'cancelled' ? 'order cancelled' : order.status === 'completed' ? 'order completed' : 'allocation changed'
        const picklists = new Map<string, Pl>()
        const touched = new Set<Fo>()
        for (const cut of cuts) await giveBack(trx, fos, cut, picklists, at, reason, events, touched)
        for (const f of touched) settle(f, at, reason, events)
        if (adds.size) {
          const codes = new Map((await d.locations.listAll(trx)).map((l) => [l.id, l.code]))
          for (const [locationId, units] of adds) {
            const { fo, created } = await addUnits(trx, fos, header, locationId, units, at)
            const lines = units.map((u) => ({ sku: u.sku, quantity: u.quantity }))
            events.push(
              created
                ? foEvent(fo, 'fulfillment.created', { to: 'open', data: { location: codes.get(locationId), held: fo.row.held === 1, lines } })
                : foEvent(fo, 'fulfillment.changed', { reason, data: { added: lines } }),
            )
          }
        }
        for (const pl of picklists.values()) await savePicklist(trx, pl, at)
      }
      await saveFos(trx, fos, at)
      if (opts.events) opts.events.push(...events)
      else await recordEvents(trx, ctx, events)
    },

    async get(db: Db | Trx, ref: string): Promise<FulfillmentOrder> {
      return (await shapeAll(db, d.locations, [await loadFo(db, ref)]))[0]
    },

    async list(db: Db, q: FulfillmentListQuery): Promise<{ data: FulfillmentOrder[]; nextCursor: string | null }> {
      let query = db.selectFrom('fulfillmentOrders').selectAll().orderBy('id', 'desc').limit(q.limit + 1)
      if (q.location) {
        const location = (await d.locations.listAll(db)).find((l) => l.code === q.location)
        if (!location) return { data: [], nextCursor: null }
        query = query.where('locationId', '=', location.id)
      }
      if (q.status) query = query.where('status', '=', q.status)
      if (q.held !== undefined) query = query.where('held', '=', q.held ? 1 : 0)
      if (q.order) {
        const order = q.order
        query = query.where((eb) => eb.or([eb('orderId', '=', order), eb('orderNumber', '=', order)]))
      }
      const before = decodeCursor(q.cursor)
      if (before) query = query.where('id', '<', before)
      const page = toPage(await query.execute(), q.limit, (r) => r.id)
      return { data: await shapeAll(db, d.locations, await withLines(db, page.data)), nextCursor: page.nextCursor }
    },

    /** Units picked at a location and not shipped yet, per order line: they are off the shelf, so re-routing leaves them be. */
    async pickedAt(db: Db | Trx, locationId: string): Promise<Map<string, number>> {
      const rows = await db
        .selectFrom('fulfillmentOrderLines')
        .innerJoin('fulfillmentOrders', 'fulfillmentOrders.id', 'fulfillmentOrderLines.fulfillmentOrderId')
        .select(['fulfillmentOrderLines.orderLineId', 'fulfillmentOrderLines.pickedQty', 'fulfillmentOrderLines.shippedQty'])
        .where('fulfillmentOrders.locationId', '=', locationId)
        .where('fulfillmentOrders.status', 'in', ['picking', 'picked', 'packed'])
        .where((eb) => eb('fulfillmentOrderLines.pickedQty', '>', eb.ref('fulfillmentOrderLines.shippedQty')))
        .execute()
      const picked = new Map<string, number>()
      for (const r of rows) picked.set(r.orderLineId, (picked.get(r.orderLineId) ?? 0) + r.pickedQty - r.shippedQty)
      return picked
    },

    /**
     * Short-pick reports, newest first, with the orders that lost units to each (the exception
     * queue's read: the scans on the partial index pick_scans_short, then their fulfilment orders).
     */
    async shortPicks(db: Db | Trx, q: { limit: number }) {
      const rows = await db
        .selectFrom('pickScans')
        .innerJoin('picklists', 'picklists.id', 'pickScans.picklistId')
        .innerJoin('picklistLines', 'picklistLines.id', 'pickScans.picklistLineId')
        .select(['pickScans.id', 'pickScans.picklistId', 'picklists.number as picklistNumber', 'pickScans.locationId', 'pickScans.binCode', 'pickScans.quantity', 'pickScans.actor', 'pickScans.createdAt', 'picklistLines.sku', 'picklistLines.lot', 'picklistLines.allocations'])
        // A literal, so SQLite matches the partial index.
        .where('pickScans.outcome', '=', sql.lit('short'))
        .orderBy('pickScans.id', 'desc')
        .limit(q.limit)
        .execute()
      const foIdsOf = (allocations: string) => (JSON.parse(allocations) as PickAllocation[]).filter((a) => a.short > 0).map((a) => a.fulfillmentOrderId)
      const foIds = [...new Set(rows.flatMap((r) => foIdsOf(r.allocations)))]
      const fos = new Map(
        (foIds.length ? await db.selectFrom('fulfillmentOrders').select(['id', 'orderId', 'orderNumber', 'channelId']).where('id', 'in', foIds).execute() : []).map((f) => [f.id, f]),
      )
      return rows.map(({ allocations, ...r }) => {
        const orders = new Map(foIdsOf(allocations).flatMap((id) => (fos.has(id) ? [[fos.get(id)!.orderId, fos.get(id)!] as const] : [])))
        return { ...r, orders: [...orders.values()].map((f) => ({ orderId: f.orderId, orderNumber: f.orderNumber, channelId: f.channelId })) }
      })
    },

    /**
     * The fulfilment part of `ordo check`: every unit in a staging bucket belongs to a fulfilment
     * order line (picked and not yet shipped, or waiting to be put away), lot by lot, and every
     * line's buckets are in order (shipped ≤ packed ≤ picked ≤ to ship).
     */
    async check(db: Db): Promise<string[]> {
      const problems: string[] = []
      const expected = new Map<string, number>()
      const add = (productId: string, locationId: string, lot: string, quantity: number) => expected.set(`${productId}@${locationId}@${lot}`, (expected.get(`${productId}@${locationId}@${lot}`) ?? 0) + quantity)
      const lines = await db
        .selectFrom('fulfillmentOrderLines')
        .innerJoin('fulfillmentOrders', 'fulfillmentOrders.id', 'fulfillmentOrderLines.fulfillmentOrderId')
        .select(['fulfillmentOrders.number', 'fulfillmentOrders.locationId', 'fulfillmentOrderLines.productId', 'fulfillmentOrderLines.sku', 'fulfillmentOrderLines.quantity', 'fulfillmentOrderLines.pickedQty', 'fulfillmentOrderLines.packedQty', 'fulfillmentOrderLines.shippedQty', 'fulfillmentOrderLines.putAwayQty', 'fulfillmentOrderLines.stagedLots'])
        .where((eb) =>
          eb.or([
            eb('fulfillmentOrderLines.stagedLots', '!=', '[]'),
            eb('fulfillmentOrderLines.putAwayQty', '>', 0),
            eb('fulfillmentOrderLines.pickedQty', '>', eb.ref('fulfillmentOrderLines.packedQty')),
            eb('fulfillmentOrderLines.pickedQty', '>', eb.ref('fulfillmentOrderLines.quantity')),
            eb('fulfillmentOrderLines.shippedQty', '>', eb.ref('fulfillmentOrderLines.packedQty')),
          ]),
        )
        .execute()
      for (const l of lines) {
        if (!(l.shippedQty <= l.packedQty && l.packedQty <= l.pickedQty && l.pickedQty <= l.quantity)) {
          problems.push(`${l.number} ${l.sku}: shipped ${l.shippedQty} ≤ packed ${l.packedQty} ≤ picked ${l.pickedQty} ≤ quantity ${l.quantity} does not hold`)
        }
        const lots = parseLots(l.stagedLots)
        const staged = lots.reduce((s, x) => s + x.quantity, 0)
        if (staged !== l.pickedQty - l.packedQty + l.putAwayQty) problems.push(`${l.number} ${l.sku}: ${staged} unit(s) staged, but picked − packed + put-away is ${l.pickedQty - l.packedQty + l.putAwayQty}`)
        for (const x of lots) add(l.productId, l.locationId, x.lot, x.quantity)
      }
      const packages = await db
        .selectFrom('packages')
        .innerJoin('fulfillmentOrders', 'fulfillmentOrders.id', 'packages.fulfillmentOrderId')
        .select(['packages.contents', 'fulfillmentOrders.locationId'])
        .where('packages.shipmentId', 'is', null)
        .execute()
      for (const p of packages) for (const c of JSON.parse(p.contents) as PackageContent[]) for (const x of c.lots) add(c.productId, p.locationId, x.lot, x.quantity)
      const actual = new Map<string, number>()
      for (const location of await d.locations.listAll(db)) {
        for (const b of await d.inventory.bucketsAt(db, location.id, { bin: STAGING_BIN })) actual.set(`${b.productId}@${location.id}@${b.lot}`, b.onHand)
      }
      for (const k of new Set([...expected.keys(), ...actual.keys()])) {
        if ((expected.get(k) ?? 0) !== (actual.get(k) ?? 0)) problems.push(`staging ${k}: ${actual.get(k) ?? 0} unit(s) on hand, fulfilment orders account for ${expected.get(k) ?? 0}`)
      }
      return problems
    },

    ...picking,
    ...packing,
    picklistPdf: async (db: Db, ref: string): Promise<Buffer> => renderPicklistPdf(await picking.picklistDoc(db, ref)),
    packingSlipPdf: async (db: Db, ref: string): Promise<Buffer> => renderPackingSlipPdf(await packing.packingSlipDoc(db, ref)),
    rates: dispatch.rates,
    ship: dispatch.ship,
  }
  return { ...service, shipmentListener: dispatch.listener }
}

export type FulfillmentService = ReturnType<typeof createFulfillmentService>
export type FulfillmentSync = Pick<FulfillmentService, 'sync' | 'pickedAt'>
