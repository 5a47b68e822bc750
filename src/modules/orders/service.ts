import { sql, type Selectable } from 'kysely'
import type { Db } from '../../db/connection.js'
import type { Trx } from '../../db/transaction.js'
import { compiledInsert, compiledQuery } from '../../db/compiled.js'
import { writeBehind } from '../../db/write-behind.js'
import type { Address } from '../../kernel/address.js'
import { actorLabel, type Ctx } from '../../kernel/context.js'
import { AppError, invalid, notFound, type FieldError } from '../../kernel/errors.js'
import { recordEvents, type NewEvent } from '../../kernel/events.js'
import { findIdempotent, hashRequest, saveIdempotent } from '../../kernel/idempotency.js'
import { newId } from '../../kernel/ids.js'
import { versionMismatch } from '../../kernel/http.js'
import { nextNumber } from '../../kernel/numbers.js'
import { decodeCursor, toPage } from '../../kernel/pagination.js'
import type { CatalogService, Product } from '../catalog/index.js'
import type { ChannelService } from '../channels/index.js'
import type { Customer, CustomerService } from '../customers/index.js'
import { stockKey, type BackorderPort, type InventoryService } from '../inventory/index.js'
import type { Location, LocationListener, LocationService } from '../locations/index.js'
import type { AllocatedUnits, FulfillmentSync, LineUnits, OrderHeader, OrderPort } from '../fulfillment/index.js'
import type { ReturnsOrderPort } from '../returns/index.js'
import type { ShippingService } from '../shipping/index.js'
import type { AllocationPlan, DemandLine, DemandSource, RoutingService, RoutingTrigger } from '../routing/index.js'
import { orderMachine, type FulfillmentStatus, type HoldCode, type OrderSnapshot, type OrderStatus } from './machine.js'
import { priceOrder } from './pricing.js'
import type { CancelOrderBody, CreateOrderBody, EditOrderBody, Order, OrderHold, OrderListQuery } from './schema.js'
import type { OrderAllocationsTable, OrderHoldsTable, OrderLinesTable, OrdersTable } from './tables.js'
import { taxRatePpm } from './tax-rates.js'
import { deriveFulfillmentStatus, derivePaymentStatus, verifyOrder, type HoldProposal, type PaymentInputStatus } from './verify.js'

type OrderRow = Selectable<OrdersTable>
type LineRow = Selectable<OrderLinesTable>
type AllocationRow = Selectable<OrderAllocationsTable>
type HoldRow = Selectable<OrderHoldsTable>

/** The stored payment; `amountFollowsTotal` when the channel sent no amount (it then tracks edits). */
interface StoredPayment {
  status: PaymentInputStatus
  amount: number
  method: string | null
  reference: string | null
  amountFollowsTotal: boolean
}

/** Everything one order is made of, loaded once per use case. */
interface Loaded {
  row: OrderRow
  lines: LineRow[]
  allocations: AllocationRow[]
  holds: HoldRow[]
}

const OPEN_STATUSES: OrderStatus[] = ['pending', 'confirmed', 'on_hold']

type ReservedUnits = { lineId: string; productId: string; locationId: string; quantity: number }

/** A new order line at the catalog's price unless the channel sent one; taxes and buckets are filled in later. */
function newLine(orderId: string, lineNo: number, p: Product, l: { quantity: number; unitPrice?: number; discountAmount?: number }, at: string): LineRow {
  return {
    id: newId('oli'),
    orderId,
    lineNo,
    productId: p.id,
    sku: p.sku,
    name: p.name,
    quantity: l.quantity,
    unitPrice: l.unitPrice ?? p.price.amount,
    catalogPrice: p.price.amount,
    discountAmount: l.discountAmount ?? 0,
    taxRatePpm: 0,
    taxAmount: 0,
    lineTotal: 0,
    allocatedQty: 0,
    backorderedQty: 0,
    pickedQty: 0,
    shippedQty: 0,
    deliveredQty: 0,
    returnRequestedQty: 0,
    returnedQty: 0,
    cancelledQty: 0,
    createdAt: at,
  }
}

/** One entry per line × location (a retried plan may reserve the same pair twice). */
function mergeAllocations(items: ReservedUnits[]): ReservedUnits[] {
  const merged = new Map<string, ReservedUnits>()
  for (const it of items) {
    const k = `${it.lineId}@${it.locationId}`
    const m = merged.get(k)
    merged.set(k, m ? { ...m, quantity: m.quantity + it.quantity } : { ...it })
  }
  return [...merged.values()]
}
const openQtyOf = (l: LineRow) => l.quantity - l.cancelledQty - l.shippedQty
const snapshotOf = (o: Loaded): OrderSnapshot => ({
  openHolds: o.holds.filter((h) => !h.releasedAt).length,
  shippedQty: o.lines.reduce((s, l) => s + l.shippedQty, 0),
  deliveredQty: o.lines.reduce((s, l) => s + l.deliveredQty, 0),
  openQty: o.lines.reduce((s, l) => s + openQtyOf(l), 0),
})

// An order is loaded by every read and change of it (and by each e-mail about it): compiled once.
const orderByRef = compiledQuery((db, p: { ref: string }) => db.selectFrom('orders').selectAll().where((eb) => eb.or([eb('id', '=', p.ref), eb('number', '=', p.ref)])))
const linesOf = compiledQuery((db, p: { orderId: string }) => db.selectFrom('orderLines').selectAll().where('orderId', '=', p.orderId).orderBy('lineNo'))
const allocationsOf = compiledQuery((db, p: { orderId: string }) => db.selectFrom('orderAllocations').selectAll().where('orderId', '=', p.orderId).orderBy('id'))
const holdsOf = compiledQuery((db, p: { orderId: string }) => db.selectFrom('orderHolds').selectAll().where('orderId', '=', p.orderId).orderBy('id'))

export function createOrderService(d: {
  channels: ChannelService
  catalog: CatalogService
  customers: CustomerService
  locations: LocationService
  inventory: InventoryService
  routing: Pick<RoutingService, 'strategyFor' | 'locate' | 'recordDecision' | 'decisions'>
  shipping: Pick<ShippingService, 'orderFreight'>
  fulfillment: FulfillmentSync
}) {
  // Channel codes never change, so id → code is cached for good.
  const channelCodes = new Map<string, string>()
  async function channelCode(db: Db | Trx, id: string) {
    let code = channelCodes.get(id)
    if (!code) {
      code = (await d.channels.getById(db, id)).code
      channelCodes.set(id, code)
    }
    return code
  }

  /** Loads an order the actor may see; a channel key sees only its channel's orders (others are 404, not 403). */
  async function load(db: Db | Trx, ctx: Ctx, id: string): Promise<Loaded> {
    const row = (await db.executeQuery(orderByRef(db, { ref: id }))).rows[0]
    if (!row || (ctx.actor.channelId && row.channelId !== ctx.actor.channelId)) throw notFound('order', id)
    const [lines, allocations, holds] = await Promise.all([
      db.executeQuery(linesOf(db, { orderId: row.id })),
      db.executeQuery(allocationsOf(db, { orderId: row.id })),
      db.executeQuery(holdsOf(db, { orderId: row.id })),
    ])
    return { row, lines: lines.rows, allocations: allocations.rows, holds: holds.rows }
  }

  function shape(o: Loaded, refs: { channel: string; customer: Pick<Customer, 'id' | 'email' | 'name' | 'phone'>; locationCodes: Map<string, string> }): Order {
    const payment = JSON.parse(o.row.payment) as StoredPayment
    const byLine = new Map<string, { location: string; quantity: number }[]>()
    for (const a of o.allocations) {
      if (a.quantity <= 0) continue
      const list = byLine.get(a.lineId) ?? []
      list.push({ location: refs.locationCodes.get(a.locationId) ?? a.locationId, quantity: a.quantity })
      byLine.set(a.lineId, list)
    }
    const status = o.row.status as OrderStatus
    return {
      id: o.row.id,
      number: o.row.number,
      channel: refs.channel,
      externalId: o.row.externalId,
      customer: { id: refs.customer.id, email: refs.customer.email, name: refs.customer.name ?? null, phone: refs.customer.phone ?? null },
      status,
      fulfillmentStatus: o.row.fulfillmentStatus as FulfillmentStatus,
      paymentStatus: o.row.paymentStatus as Order['paymentStatus'],
      currency: o.row.currency,
      totals: { subtotal: o.row.subtotal, discount: o.row.discountTotal, tax: o.row.taxTotal, shipping: o.row.shippingTotal, total: o.row.total },
      shippingAddress: JSON.parse(o.row.shippingAddress),
      billingAddress: o.row.billingAddress ? JSON.parse(o.row.billingAddress) : null,
      shippingMethod: o.row.shippingMethod,
      payment: { status: payment.status, amount: payment.amount, method: payment.method, reference: payment.reference },
      notes: o.row.notes,
      promisedDeliveryDate: o.row.promisedDeliveryDate,
      allowSplit: o.row.allowSplit === null ? null : o.row.allowSplit === 1,
      origin: o.row.originOrderId ? { orderId: o.row.originOrderId, kind: o.row.originKind as 'replacement' | 'exchange', ref: o.row.originRef } : null,
      lines: o.lines.map((l) => ({
        id: l.id,
        lineNo: l.lineNo,
        sku: l.sku,
        name: l.name,
        quantity: l.quantity,
        unitPrice: l.unitPrice,
        catalogPrice: l.catalogPrice,
        discount: l.discountAmount,
        taxRate: l.taxRatePpm / 10_000,
        tax: l.taxAmount,
        total: l.lineTotal,
        allocatedQuantity: l.allocatedQty,
        backorderedQuantity: l.backorderedQty,
        pickedQuantity: l.pickedQty,
        shippedQuantity: l.shippedQty,
        deliveredQuantity: l.deliveredQty,
        returnRequestedQuantity: l.returnRequestedQty,
        returnedQuantity: l.returnedQty,
        cancelledQuantity: l.cancelledQty,
        allocations: byLine.get(l.id) ?? [],
      })),
      holds: [...o.holds]
        .sort((a, b) => Number(!!a.releasedAt) - Number(!!b.releasedAt) || a.id.localeCompare(b.id))
        .map(
          (h): OrderHold => ({
            id: h.id,
            code: h.code as HoldCode,
            detail: h.detail,
            source: h.source as OrderHold['source'],
            createdBy: h.createdBy,
            createdAt: h.createdAt,
            releasedAt: h.releasedAt,
            releasedBy: h.releasedBy,
            releaseNote: h.releaseNote,
          }),
        ),
      allowedActions: orderMachine.allowed(status, snapshotOf(o)),
      cancelReason: o.row.cancelReason,
      cancelledAt: o.row.cancelledAt,
      version: o.row.version,
      createdAt: o.row.createdAt,
      updatedAt: o.row.updatedAt,
    }
  }

  async function shapeLoaded(db: Db | Trx, o: Loaded, locations?: Location[]): Promise<Order> {
    const [channel, customer, locs] = await Promise.all([channelCode(db, o.row.channelId), d.customers.get(db, o.row.customerId), locations ?? d.locations.listAll(db)])
    return shape(o, { channel, customer, locationCodes: new Map(locs.map((l) => [l.id, l.code])) })
  }

  /** Shapes many order rows, their lines, allocations, holds and customers read in one query each, in the rows' order. */
  async function shapeRows(db: Db | Trx, rows: Selectable<OrdersTable>[]): Promise<Order[]> {
    if (!rows.length) return []
    const ids = rows.map((r) => r.id)
    const [lines, allocations, holds, locations, customers] = await Promise.all([
      db.selectFrom('orderLines').selectAll().where('orderId', 'in', ids).orderBy('lineNo').execute(),
      db.selectFrom('orderAllocations').selectAll().where('orderId', 'in', ids).orderBy('id').execute(),
      db.selectFrom('orderHolds').selectAll().where('orderId', 'in', ids).orderBy('id').execute(),
      d.locations.listAll(db),
      d.customers.getMany(db, rows.map((r) => r.customerId)),
    ])
    const group = <T extends { orderId: string }>(list: T[]) => {
      const m = new Map<string, T[]>()
      for (const r of list) {
        const of = m.get(r.orderId)
        if (of) of.push(r)
        else m.set(r.orderId, [r])
      }
      return m
    }
    const [byLines, byAllocations, byHolds] = [group(lines), group(allocations), group(holds)]
    const locationCodes = new Map(locations.map((l) => [l.id, l.code]))
    const data: Order[] = []
    for (const row of rows) {
      const customer = customers.get(row.customerId)
      if (!customer) throw new Error(`order ${row.id} names customer ${row.customerId}, who does not exist`)
      data.push(shape({ row, lines: byLines.get(row.id) ?? [], allocations: byAllocations.get(row.id) ?? [], holds: byHolds.get(row.id) ?? [] }, { channel: await channelCode(db, row.channelId), customer, locationCodes }))
    }
    return data
  }

  /**
   * Routes demand with the channel's routing policy and reserves the plan with guarded updates.
   * A reservation that loses a race (someone took the units in between) is planned again on fresh
   * numbers; what still finds no stock is backordered. The first plan's explanation is kept as
   * the order's routing decision.
   */
  async function allocateAndReserve(
    trx: Trx,
    ctx: Ctx,
    o: Loaded,
    demand: DemandLine[],
    trigger: RoutingTrigger,
    opts: { destination?: Address; locations?: Location[]; excludeLocationIds?: string[]; weights?: Map<string, number> } = {},
  ) {
    const reserved: ReservedUnits[] = []
    let remaining = demand.filter((l) => l.quantity > 0)
    if (!remaining.length) return { reserved, backordered: new Map<string, number>() }
    const destination = opts.destination ?? (JSON.parse(o.row.shippingAddress) as Address)
    const [strategy, located, locations, weights] = await Promise.all([
      d.routing.strategyFor(trx, { channelId: o.row.channelId }),
      d.routing.locate(trx, destination),
      opts.locations ?? d.locations.listAll(trx),
      opts.weights ?? d.catalog.findByIds(trx, [...new Set(remaining.map((l) => l.productId))]).then((m) => new Map([...m.values()].map((p) => [p.id, p.weightGrams]))),
    ])
    remaining = remaining.map((l) => ({ ...l, weightGrams: weights.get(l.productId) ?? 0 }))
    const candidates = locations.map((l) => ({ id: l.id, code: l.code, active: l.active, priority: l.priority, latitude: l.latitude, longitude: l.longitude, type: l.type, country: l.address.country }))
    const where = { country: destination.country, region: destination.region, postalCode: destination.postalCode, latitude: located?.latitude ?? null, longitude: located?.longitude ?? null, source: located?.source ?? null }
    let explanation: AllocationPlan['explanation'] | undefined
    for (let attempt = 0; attempt < 3 && remaining.length; attempt++) {
      const available = await d.inventory.availability(trx, remaining.map((l) => l.productId))
      const plan = strategy.allocate({
        lines: remaining,
        destination: where,
        locations: candidates,
        available: (p, l) => available.get(stockKey(p, l)) ?? 0,
        allowSplit: o.row.allowSplit === null ? undefined : o.row.allowSplit === 1,
        excludeLocationIds: opts.excludeLocationIds,
      })
      explanation ??= plan.explanation
      if (!plan.allocations.length) break
      const ok = await d.inventory.reserve(
        trx,
        ctx,
        plan.allocations.map((a) => ({ productId: a.productId, locationId: a.locationId, quantity: a.quantity, refType: 'order_line', refId: a.lineId })),
      )
      const left = new Map(remaining.map((l) => [l.lineId, l.quantity]))
      plan.allocations.forEach((a, i) => {
        if (!ok[i]) return
        reserved.push(a)
        left.set(a.lineId, left.get(a.lineId)! - a.quantity)
      })
      const lostRace = ok.some((x) => !x)
      remaining = remaining.map((l) => ({ ...l, quantity: left.get(l.lineId)! })).filter((l) => l.quantity > 0)
      if (!lostRace) break
    }
    if (explanation) await d.routing.recordDecision(trx, ctx, { orderId: o.row.id, trigger, explanation })
    const backordered = new Map<string, number>()
    for (const l of remaining) backordered.set(l.lineId, l.quantity)
    return { reserved, backordered }
  }

  /** Adds reserved units to allocation rows (one per line × location), inserting or topping up, in the database and in `o`. */
  async function upsertAllocations(trx: Trx, o: Loaded, items: ReservedUnits[], at: string) {
    for (const it of mergeAllocations(items)) {
      const id = newId('alc')
      await trx
        .insertInto('orderAllocations')
        .values({ id, orderId: o.row.id, lineId: it.lineId, productId: it.productId, locationId: it.locationId, quantity: it.quantity, createdAt: at, updatedAt: at })
        .onConflict((oc) => oc.columns(['lineId', 'locationId']).doUpdateSet((eb) => ({ quantity: eb('orderAllocations.quantity', '+', it.quantity), updatedAt: at })))
        .execute()
      const existing = o.allocations.find((a) => a.lineId === it.lineId && a.locationId === it.locationId)
      if (existing) Object.assign(existing, { quantity: existing.quantity + it.quantity, updatedAt: at })
      else o.allocations.push({ id, orderId: o.row.id, createdAt: at, updatedAt: at, ...it })
    }
  }

  /** Releases up to `quantity` reserved units of a line, newest allocation first; returns how many. */
  async function releaseLine(trx: Trx, ctx: Ctx, o: Loaded, line: LineRow, quantity: number, reason: string): Promise<number> {
    let left = quantity
    const at = ctx.clock.now().toISOString()
    const allocs = o.allocations.filter((a) => a.lineId === line.id && a.quantity > 0).sort((a, b) => b.id.localeCompare(a.id))
    for (const a of allocs) {
      if (left <= 0) break
      const take = Math.min(a.quantity, left)
      await d.inventory.release(trx, ctx, [{ productId: a.productId, locationId: a.locationId, quantity: take, refType: 'order_line', refId: line.id, reason }])
      a.quantity -= take
      left -= take
      if (a.quantity === 0) await trx.deleteFrom('orderAllocations').where('id', '=', a.id).execute()
      else await trx.updateTable('orderAllocations').set({ quantity: a.quantity, updatedAt: at }).where('id', '=', a.id).execute()
    }
    o.allocations = o.allocations.filter((a) => a.quantity > 0)
    line.allocatedQty -= quantity - left
    return quantity - left
  }

  /** The freight the customer pays by the shipping method's rule (free-over thresholds look at the merchandise value after discounts, tax included). */
  async function freightFor(trx: Trx, method: string | undefined, lines: LineRow[], products: Map<string, Product>, currency: string, address: Address, taxCodes: Map<string, string>): Promise<number> {
    if (!method) return 0
    const merchandise = reprice(lines, address, 0, taxCodes).total
    const weightOf = new Map([...products.values()].map((p) => [p.id, p.weightGrams]))
    const weightGrams = lines.reduce((s, l) => s + (weightOf.get(l.productId) ?? 0) * l.quantity, 0)
    const freight = await d.shipping.orderFreight(trx, { method, weightGrams, merchandiseValue: { amount: merchandise, currency } })
    return freight?.amount ?? 0
  }

  /** Prices every line on its open quantity for the ship-to address and returns the order totals. */
  function reprice(lines: LineRow[], address: Address, shipping: number, taxCodes: Map<string, string>) {
    for (const l of lines) l.taxRatePpm = taxRatePpm(address.country, address.region, taxCodes.get(l.productId) ?? 'standard')
    const priced = priceOrder(
      lines.map((l) => ({ unitPrice: l.unitPrice, quantity: l.quantity - l.cancelledQty, discountAmount: l.discountAmount, taxRatePpm: l.taxRatePpm })),
      shipping,
    )
    lines.forEach((l, i) => {
      l.taxAmount = priced.lines[i].tax
      l.lineTotal = priced.lines[i].total
    })
    return priced.totals
  }

  async function writeLineBuckets(trx: Trx, lines: LineRow[]) {
    for (const l of lines) {
      await trx
        .updateTable('orderLines')
        .set({
          quantity: l.quantity,
          unitPrice: l.unitPrice,
          discountAmount: l.discountAmount,
          taxRatePpm: l.taxRatePpm,
          taxAmount: l.taxAmount,
          lineTotal: l.lineTotal,
          allocatedQty: l.allocatedQty,
          backorderedQty: l.backorderedQty,
          pickedQty: l.pickedQty,
          shippedQty: l.shippedQty,
          deliveredQty: l.deliveredQty,
          returnRequestedQty: l.returnRequestedQty,
          returnedQty: l.returnedQty,
          cancelledQty: l.cancelledQty,
        })
        .where('id', '=', l.id)
        .execute()
    }
  }

  /** Writes the order row, guarded by the version the use case read (optimistic concurrency). */
  async function saveOrder(trx: Trx, o: Loaded, patch: Partial<OrderRow>, at: string) {
    const version = o.row.version
    const fulfillmentStatus = deriveFulfillmentStatus(o.lines)
    const r = await trx
      .updateTable('orders')
      .set({ ...patch, fulfillmentStatus, version: version + 1, updatedAt: at })
      .where('id', '=', o.row.id)
      .where('version', '=', version)
      .executeTakeFirst()
    if (Number(r.numUpdatedRows) !== 1) throw new AppError(409, 'order.version_conflict', 'The order was changed by someone else at the same time; read it again and retry.')
    Object.assign(o.row, patch, { fulfillmentStatus, version: version + 1, updatedAt: at })
  }

  /** Records the order's events and lets its fulfilment orders follow: one insert, the fulfilment events after their cause. */
  async function recordAndSync(trx: Trx, ctx: Ctx, o: Loaded, events: NewEvent[], opts: { newOrder?: boolean } = {}) {
    const all = [...events]
    await syncFulfillment(trx, ctx, o, { ...opts, events: all })
    await recordEvents(trx, ctx, all)
  }

  /** Fulfilment orders follow the order's allocations and status; called wherever those are written. */
  function syncFulfillment(trx: Trx, ctx: Ctx, o: Loaded, opts: { newOrder?: boolean; events?: NewEvent[] } = {}) {
    const header: OrderHeader = {
      id: o.row.id,
      number: o.row.number,
      channelId: o.row.channelId,
      status: o.row.status,
      priority: 0,
      promisedDeliveryDate: o.row.promisedDeliveryDate,
      shippingMethod: o.row.shippingMethod,
      shippingAddress: JSON.parse(o.row.shippingAddress),
      email: o.row.email,
      createdAt: o.row.createdAt,
      merchandiseValue: { amount: o.row.total - o.row.shippingTotal, currency: o.row.currency },
    }
    const lineOf = new Map(o.lines.map((l) => [l.id, l]))
    const units: AllocatedUnits[] = o.allocations
      .filter((a) => a.quantity > 0)
      .map((a) => ({ orderLineId: a.lineId, locationId: a.locationId, quantity: a.quantity, productId: a.productId, sku: lineOf.get(a.lineId)!.sku, name: lineOf.get(a.lineId)!.name }))
    return d.fulfillment.sync(trx, ctx, header, units, opts)
  }

  /** Applies verification results: new holds added, verification holds that no longer apply released. */
  function reconcileHolds(o: Loaded, proposals: HoldProposal[], ctx: Ctx, at: string) {
    const added: HoldRow[] = []
    const released: HoldRow[] = []
    const open = o.holds.filter((h) => !h.releasedAt && h.source === 'verification')
    for (const h of open) {
      const still = proposals.find((p) => p.code === h.code)
      if (!still) {
        h.releasedAt = at
        h.releasedBy = 'system'
        h.releaseNote = 're-verified: the check passes now'
        released.push(h)
      } else h.detail = still.detail
    }
    for (const p of proposals) {
      if (open.some((h) => h.code === p.code)) continue
      const h: HoldRow = { id: newId('hold'), orderId: o.row.id, code: p.code, detail: p.detail, source: 'verification', createdBy: actorLabel(ctx.actor), createdAt: at, releasedAt: null, releasedBy: null, releaseNote: null }
      o.holds.push(h)
      added.push(h)
    }
    return { added, released, changed: open.filter((h) => !h.releasedAt) }
  }

  async function writeHolds(trx: Trx, r: { added: HoldRow[]; released: HoldRow[]; changed: HoldRow[] }) {
    if (r.added.length) await writeBehind(trx, compiledInsert(trx, 'orderHolds', r.added))
    for (const h of [...r.released, ...r.changed]) {
      await trx.updateTable('orderHolds').set({ detail: h.detail, releasedAt: h.releasedAt, releasedBy: h.releasedBy, releaseNote: h.releaseNote }).where('id', '=', h.id).execute()
    }
  }

  /** The order's own record of where units were reserved and what waits; the why is the routing decision (GET …/routing). */
  const allocationEvents = (o: Loaded, reserved: { lineId: string; locationId: string; quantity: number }[], backordered: Map<string, number>, locs: Map<string, string>, reason: string | null): NewEvent[] => {
    const skuOf = new Map(o.lines.map((l) => [l.id, l.sku]))
    const events: NewEvent[] = []
    if (reserved.length) {
      events.push({
        type: 'order.allocated',
        entity: 'order',
        entityId: o.row.id,
        orderId: o.row.id,
        reason,
        data: { allocations: reserved.map((a) => ({ sku: skuOf.get(a.lineId), lineId: a.lineId, location: locs.get(a.locationId), quantity: a.quantity })) },
      })
    }
    if (backordered.size) {
      events.push({
        type: 'order.backordered',
        entity: 'order',
        entityId: o.row.id,
        orderId: o.row.id,
        reason,
        data: { lines: [...backordered].map(([lineId, quantity]) => ({ sku: skuOf.get(lineId), lineId, quantity })) },
      })
    }
    return events
  }

  async function verifyLoaded(db: Db | Trx, o: Loaded, products: Map<string, Product>, known?: Customer): Promise<HoldProposal[]> {
    const customer = known ?? (await d.customers.get(db, o.row.customerId))
    const payment = JSON.parse(o.row.payment) as StoredPayment
    const address = JSON.parse(o.row.shippingAddress) as Address
    const proposals = verifyOrder({
      customer,
      shippingAddress: address,
      currency: o.row.currency,
      lines: o.lines
        .filter((l) => l.quantity - l.cancelledQty > 0)
        .map((l, index) => {
          const p = products.get(l.productId)
          return { index, sku: l.sku, active: p?.active ?? false, unitPrice: l.unitPrice, catalogPrice: l.catalogPrice, catalogCurrency: p?.price.currency ?? o.row.currency }
        }),
      payment,
      total: o.row.total,
    })
    // A replacement or exchange is priced by the return that caused it, not by the catalog.
    return o.row.originKind ? proposals.filter((p) => p.code !== 'price') : proposals
  }

  const service = {
    /** Creates an order: checks, prices, verifies, reserves and allocates it, in one transaction. */
    async create(trx: Trx, ctx: Ctx, input: CreateOrderBody, opts: { idempotencyKey?: string; origin?: { orderId: string; kind: 'replacement' | 'exchange'; ref: string } } = {}): Promise<{ order: Order; replayed: boolean }> {
      const at = ctx.clock.now().toISOString()
      const boundChannel = ctx.actor.channelId
      const code = input.channel ?? (boundChannel ? await channelCode(trx, boundChannel) : undefined)
      if (!code) throw invalid('order.channel_required', 'Name the sales channel of the order.', [{ path: 'channel', message: 'required' }])
      const channel = await d.channels.getByCode(trx, code).catch(() => undefined)
      if (!channel) throw invalid('order.unknown_channel', `There is no channel "${code}".`, [{ path: 'channel', message: `unknown channel "${code}"` }])
      if (boundChannel && channel.id !== boundChannel) throw new AppError(403, 'order.channel_forbidden', `This key may only create orders for its own channel, not "${code}".`)
      if (!channel.active) throw invalid('order.channel_inactive', `Channel "${code}" is inactive.`, [{ path: 'channel', message: 'inactive' }])
      channelCodes.set(channel.id, channel.code)

      // Replays: the same Idempotency-Key, or the same channel + external id, return the first order.
      const requestHash = opts.idempotencyKey ? hashRequest(input) : ''
      if (opts.idempotencyKey) {
        const existing = await findIdempotent(trx, ctx.actor.id, opts.idempotencyKey, requestHash, 'order')
        if (existing) return { order: await service.get(trx, ctx, existing), replayed: true }
      }
      if (input.externalId) {
        const existing = await trx.selectFrom('orders').select('id').where('channelId', '=', channel.id).where('externalId', '=', input.externalId).executeTakeFirst()
        if (existing) return { order: await service.get(trx, ctx, existing.id), replayed: true }
      }

      // Products come from the master-data cache as a rule. The stock read that allocation makes
      // next goes out ahead, with the customer lookup: one round trip on PostgreSQL, not two.
      const products = await d.catalog.findBySkus(trx, input.lines.map((l) => l.sku), { barcodes: false })
      await d.inventory.availabilityAhead(trx, input.lines.flatMap((l) => products.get(l.sku)?.id ?? []))
      const [locations, customer, number] = await Promise.all([
        d.locations.listAll(trx),
        input.customerId ? d.customers.get(trx, input.customerId).catch(() => undefined) : d.customers.findOrCreate(trx, ctx, input.customer!),
        nextNumber(trx, 'SO'),
      ])
      const unknown: FieldError[] = input.lines.flatMap((l, i) => (products.has(l.sku) ? [] : [{ path: `lines.${i}.sku`, message: `unknown SKU "${l.sku}"` }]))
      if (unknown.length) throw invalid('order.unknown_sku', `Unknown SKU: ${unknown.map((e) => e.message.slice(13, -1)).join(', ')}.`, unknown)
      if (!customer) throw invalid('order.unknown_customer', `There is no customer "${input.customerId}".`, [{ path: 'customerId', message: 'unknown customer' }])

      const currency = input.currency ?? products.get(input.lines[0].sku)!.price.currency
      const orderId = newId('ord')
      const lines = input.lines.map((l, i) => newLine(orderId, i + 1, products.get(l.sku)!, l, at))
      const taxCodes = new Map([...products.values()].map((p) => [p.id, p.taxCode]))
      const totals = reprice(lines, input.shippingAddress, input.shippingAmount ?? (await freightFor(trx, input.shippingMethod, lines, products, currency, input.shippingAddress, taxCodes)), taxCodes)
      const payment: StoredPayment = {
        status: input.payment?.status ?? 'pending',
        amount: input.payment?.amount ?? totals.total,
        method: input.payment?.method ?? null,
        reference: input.payment?.reference ?? null,
        amountFollowsTotal: input.payment?.amount === undefined,
      }
      const byId = new Map([...products.values()].map((p) => [p.id, p]))
      const o: Loaded = {
        row: {
          id: orderId,
          number,
          channelId: channel.id,
          externalId: input.externalId ?? null,
          customerId: customer.id,
          email: customer.email,
          status: 'pending',
          fulfillmentStatus: 'unfulfilled',
          paymentStatus: derivePaymentStatus(payment),
          currency,
          subtotal: totals.subtotal,
          discountTotal: totals.discount,
          taxTotal: totals.tax,
          shippingTotal: totals.shipping,
          total: totals.total,
          shippingAddress: JSON.stringify(input.shippingAddress),
          billingAddress: input.billingAddress ? JSON.stringify(input.billingAddress) : null,
          shippingMethod: input.shippingMethod ?? null,
          payment: JSON.stringify(payment),
          notes: input.notes ?? null,
          promisedDeliveryDate: input.promisedDeliveryDate ?? null,
          allowSplit: input.allowSplit === undefined ? null : Number(input.allowSplit),
          originOrderId: opts.origin?.orderId ?? null,
          originKind: opts.origin?.kind ?? null,
          originRef: opts.origin?.ref ?? null,
          cancelReason: null,
          cancelledAt: null,
          version: 1,
          createdAt: at,
          updatedAt: at,
        },
        lines,
        allocations: [],
        holds: [],
      }
      const proposals = await verifyLoaded(trx, o, byId, customer)
      const holds = reconcileHolds(o, proposals, ctx, at)
      const status: OrderStatus = holds.added.length ? 'on_hold' : orderMachine.next('pending', 'confirm', snapshotOf(o))

      // Held orders are reserved too: nothing is sold twice while a person decides.
      const { reserved, backordered } = await allocateAndReserve(
        trx,
        ctx,
        o,
        lines.map((l) => ({ lineId: l.id, productId: l.productId, quantity: l.quantity })),
        'created',
        { destination: input.shippingAddress, locations, weights: new Map([...products.values()].map((p) => [p.id, p.weightGrams])) },
      )
      for (const l of lines) {
        l.allocatedQty = reserved.filter((a) => a.lineId === l.id).reduce((s, a) => s + a.quantity, 0)
        l.backorderedQty = backordered.get(l.id) ?? 0
      }
      o.row.status = status
      o.row.fulfillmentStatus = deriveFulfillmentStatus(lines)

      await writeBehind(trx, compiledInsert(trx, 'orders', [o.row]))
      await writeBehind(trx, compiledInsert(trx, 'orderLines', lines))
      o.allocations = mergeAllocations(reserved).map((a) => ({ id: newId('alc'), orderId, createdAt: at, updatedAt: at, ...a }))
      if (o.allocations.length) await writeBehind(trx, compiledInsert(trx, 'orderAllocations', o.allocations))
      await writeHolds(trx, holds)
      const locs = new Map(locations.map((l) => [l.id, l.code]))
      await recordAndSync(
        trx,
        ctx,
        o,
        [
          { type: 'order.created', entity: 'order', entityId: orderId, orderId, to: 'pending', data: { number: o.row.number, channel: channel.code, externalId: o.row.externalId, total: totals.total, currency } },
          status === 'confirmed'
            ? { type: 'order.confirmed', entity: 'order', entityId: orderId, orderId, from: 'pending', to: 'confirmed', reason: 'verification passed' }
            : {
                type: 'order.held',
                entity: 'order',
                entityId: orderId,
                orderId,
                from: 'pending',
                to: 'on_hold',
                reason: holds.added.map((h) => h.detail).join(' '),
                data: { holds: holds.added.map((h) => ({ id: h.id, code: h.code, detail: h.detail })) },
              },
          ...allocationEvents(o, reserved, backordered, locs, null),
        ],
        { newOrder: true },
      )
      if (opts.idempotencyKey) await saveIdempotent(trx, ctx.actor.id, opts.idempotencyKey, requestHash, 'order', orderId, at)
      return { order: shape(o, { channel: channel.code, customer, locationCodes: locs }), replayed: false }
    },

    async get(db: Db | Trx, ctx: Ctx, id: string): Promise<Order> {
      return shapeLoaded(db, await load(db, ctx, id))
    },

    async list(db: Db, ctx: Ctx, q: OrderListQuery): Promise<{ data: Order[]; nextCursor: string | null }> {
      let query = db.selectFrom('orders').selectAll().orderBy('id', 'desc').limit(q.limit + 1)
      if (ctx.actor.channelId) query = query.where('channelId', '=', ctx.actor.channelId)
      if (q.channel) {
        const ch = await d.channels.getByCode(db, q.channel).catch(() => undefined)
        if (!ch) return { data: [], nextCursor: null }
        query = query.where('channelId', '=', ch.id)
      }
      if (q.status) query = query.where('status', '=', q.status)
      if (q.fulfillmentStatus) query = query.where('fulfillmentStatus', '=', q.fulfillmentStatus)
      if (q.paymentStatus) query = query.where('paymentStatus', '=', q.paymentStatus)
      if (q.customer) query = query.where((eb) => (q.customer!.includes('@') ? eb('email', '=', q.customer!.toLowerCase()) : eb('customerId', '=', q.customer!)))
      if (q.sku) query = query.where('id', 'in', db.selectFrom('orderLines').select('orderId').where('sku', '=', q.sku))
      if (q.location) {
        const location = (await d.locations.listAll(db)).find((l) => l.code === q.location)
        if (!location) return { data: [], nextCursor: null }
        query = query.where('id', 'in', db.selectFrom('orderAllocations').select('orderId').where('locationId', '=', location.id).where('quantity', '>', 0))
      }
      if (q.holdCode) query = query.where('id', 'in', db.selectFrom('orderHolds').select('orderId').where('code', '=', q.holdCode).where('releasedAt', 'is', null))
      if (q.createdFrom) query = query.where('createdAt', '>=', new Date(q.createdFrom).toISOString())
      if (q.createdTo) query = query.where('createdAt', '<=', q.createdTo.length === 10 ? `${q.createdTo}T23:59:59.999Z` : new Date(q.createdTo).toISOString())
      if (q.q) {
        const like = `%${q.q.toLowerCase().replace(/[%_\\]/g, (c) => `\\${c}`)}%`
        query = query.where((eb) =>
          eb.or([
            eb(eb.fn('lower', ['number']), 'like', like),
            eb('email', 'like', like),
            eb(eb.fn('lower', ['externalId']), 'like', like),
          ]),
        )
      }
      const before = decodeCursor(q.cursor)
      if (before) query = query.where('id', '<', before)
      const page = toPage(await query.execute(), q.limit, (r) => r.id)
      if (!page.data.length) return { data: [], nextCursor: null }
      return { data: await shapeRows(db, page.data), nextCursor: page.nextCursor }
    },

    /**
     * Orders by id, keyed by id, loaded together (a handful of queries whatever their number): for
     * work that handles many orders at once, such as the e-mails of a batch of events. Orders the
     * actor may not see, and unknown ids, are absent.
     */
    async getMany(db: Db | Trx, ctx: Ctx, ids: string[]): Promise<Map<string, Order>> {
      const unique = [...new Set(ids)]
      if (!unique.length) return new Map()
      let query = db.selectFrom('orders').selectAll().where('id', 'in', unique)
      if (ctx.actor.channelId) query = query.where('channelId', '=', ctx.actor.channelId)
      return new Map((await shapeRows(db, await query.execute())).map((o) => [o.id, o]))
    },

    /** Edits lines, addresses or payment; re-verifies, re-reserves the difference and recomputes totals. */
    async edit(trx: Trx, ctx: Ctx, id: string, input: EditOrderBody, ifMatch: number): Promise<Order> {
      const o = await load(trx, ctx, id)
      if (o.row.version !== ifMatch) throw versionMismatch(o.row.version)
      const from = o.row.status as OrderStatus
      orderMachine.next(from, 'edit', snapshotOf(o))
      const at = ctx.clock.now().toISOString()
      const changes: Record<string, unknown> = {}
      const address: Address = input.shippingAddress ?? JSON.parse(o.row.shippingAddress)
      const released: { sku: string; quantity: number }[] = []
      const demand: DemandLine[] = []

      const newSkus = (input.lines ?? []).flatMap((l) => ('sku' in l ? [l.sku] : []))
      const products = await d.catalog.findBySkus(trx, [...new Set([...o.lines.map((l) => l.sku), ...newSkus])], { barcodes: false })
      if (input.lines) {
        const errors: FieldError[] = []
        const kept = new Set<string>()
        input.lines.forEach((l, i) => {
          if ('id' in l) {
            const line = o.lines.find((x) => x.id === l.id)
            if (!line) errors.push({ path: `lines.${i}.id`, message: `no line "${l.id}" on this order` })
            else if (kept.has(l.id)) errors.push({ path: `lines.${i}.id`, message: 'line listed twice' })
            else kept.add(l.id)
          } else if (!products.has(l.sku)) errors.push({ path: `lines.${i}.sku`, message: `unknown SKU "${l.sku}"` })
        })
        if (errors.length) throw invalid('order.invalid_lines', errors.map((e) => e.message).join('; '), errors)
        // Lines left out, or set to 0, are removed: their reservations and backorders go.
        for (const line of [...o.lines]) {
          const wanted = input.lines.find((l) => 'id' in l && l.id === line.id) as { quantity: number; unitPrice?: number; discountAmount?: number } | undefined
          const target = wanted?.quantity ?? 0
          const open = line.quantity - line.cancelledQty
          if (wanted?.unitPrice !== undefined) line.unitPrice = wanted.unitPrice
          if (wanted?.discountAmount !== undefined) line.discountAmount = wanted.discountAmount
          if (target < open) {
            let cut = open - target
            const fromBackorder = Math.min(cut, line.backorderedQty)
            line.backorderedQty -= fromBackorder
            cut -= fromBackorder
            const freed = await releaseLine(trx, ctx, o, line, cut, 'order edited')
            released.push({ sku: line.sku, quantity: freed + fromBackorder })
          } else if (target > open) {
            demand.push({ lineId: line.id, productId: line.productId, quantity: target - open })
          }
          line.quantity = target + line.cancelledQty
          if (target === 0 && line.cancelledQty === 0) {
            await trx.deleteFrom('orderAllocations').where('lineId', '=', line.id).execute()
            await trx.deleteFrom('orderLines').where('id', '=', line.id).execute()
            o.lines = o.lines.filter((x) => x.id !== line.id)
          }
        }
        let lineNo = Math.max(0, ...o.lines.map((l) => l.lineNo))
        const added: LineRow[] = []
        for (const l of input.lines) {
          if ('id' in l) continue
          const line = newLine(o.row.id, ++lineNo, products.get(l.sku)!, l, at)
          added.push(line)
          demand.push({ lineId: line.id, productId: line.productId, quantity: line.quantity })
        }
        if (!o.lines.length && !added.length) throw invalid('order.no_lines', 'An order needs at least one line; cancel it instead.', [{ path: 'lines', message: 'no lines left' }])
        if (added.length) await trx.insertInto('orderLines').values(added).execute()
        o.lines.push(...added)
        changes.lines = input.lines
      }

      const locations = await d.locations.listAll(trx)
      const { reserved, backordered } = await allocateAndReserve(trx, ctx, o, demand, 'edited', { destination: address, locations })
      for (const l of o.lines) {
        l.allocatedQty += reserved.filter((a) => a.lineId === l.id).reduce((s, a) => s + a.quantity, 0)
        l.backorderedQty += backordered.get(l.id) ?? 0
      }
      await upsertAllocations(trx, o, reserved, at)

      const payment = JSON.parse(o.row.payment) as StoredPayment
      if (input.payment) {
        Object.assign(payment, Object.fromEntries(Object.entries(input.payment).filter(([, v]) => v !== undefined)))
        if (input.payment.amount !== undefined) payment.amountFollowsTotal = false
        changes.payment = input.payment
      }
      const shipping = input.shippingAmount ?? o.row.shippingTotal
      const taxCodes = new Map([...products.values()].map((p) => [p.id, p.taxCode]))
      const totals = reprice(o.lines, address, shipping, taxCodes)
      if (payment.amountFollowsTotal) payment.amount = totals.total
      await writeLineBuckets(trx, o.lines)

      for (const k of ['shippingAddress', 'billingAddress', 'shippingMethod', 'shippingAmount', 'notes', 'promisedDeliveryDate'] as const) {
        if (input[k] !== undefined) changes[k] = input[k]
      }
      Object.assign(o.row, {
        shippingAddress: JSON.stringify(address),
        payment: JSON.stringify(payment),
        paymentStatus: derivePaymentStatus(payment),
        subtotal: totals.subtotal,
        discountTotal: totals.discount,
        taxTotal: totals.tax,
        shippingTotal: totals.shipping,
        total: totals.total,
      })
      const byId = new Map([...products.values()].map((p) => [p.id, p]))
      const holds = reconcileHolds(o, await verifyLoaded(trx, o, byId), ctx, at)
      await writeHolds(trx, holds)
      const openHolds = o.holds.filter((h) => !h.releasedAt).length
      const to: OrderStatus = openHolds ? 'on_hold' : from === 'on_hold' ? orderMachine.next(from, 'release', snapshotOf(o)) : from === 'pending' ? 'confirmed' : from
      await saveOrder(
        trx,
        o,
        {
          status: to,
          shippingAddress: o.row.shippingAddress,
          billingAddress: input.billingAddress === undefined ? o.row.billingAddress : input.billingAddress && JSON.stringify(input.billingAddress),
          shippingMethod: input.shippingMethod === undefined ? o.row.shippingMethod : input.shippingMethod,
          notes: input.notes === undefined ? o.row.notes : input.notes,
          promisedDeliveryDate: input.promisedDeliveryDate === undefined ? o.row.promisedDeliveryDate : input.promisedDeliveryDate,
          payment: o.row.payment,
          paymentStatus: o.row.paymentStatus,
          subtotal: totals.subtotal,
          discountTotal: totals.discount,
          taxTotal: totals.tax,
          shippingTotal: totals.shipping,
          total: totals.total,
        },
        at,
      )
      const locs = new Map(locations.map((l) => [l.id, l.code]))
      const events: NewEvent[] = [
        { type: 'order.edited', entity: 'order', entityId: o.row.id, orderId: o.row.id, data: { changes, released, total: totals.total } },
        ...allocationEvents(o, reserved, backordered, locs, 'order edited'),
      ]
      if (holds.added.length) {
        events.push({ type: 'order.held', entity: 'order', entityId: o.row.id, orderId: o.row.id, from, to, reason: holds.added.map((h) => h.detail).join(' '), data: { holds: holds.added.map((h) => ({ id: h.id, code: h.code, detail: h.detail })) } })
      }
      for (const h of holds.released) {
        events.push({ type: 'order.hold_released', entity: 'order', entityId: o.row.id, orderId: o.row.id, reason: h.releaseNote, data: { holdId: h.id, code: h.code } })
      }
      if (from !== to && to === 'confirmed') events.push({ type: from === 'on_hold' ? 'order.released' : 'order.confirmed', entity: 'order', entityId: o.row.id, orderId: o.row.id, from, to, reason: 're-verified after edit' })
      await recordAndSync(trx, ctx, o, events)
      return shapeLoaded(trx, o, locations)
    },

    /** Cancels the whole order, or some units of some lines, and releases what they had reserved. */
    async cancel(trx: Trx, ctx: Ctx, id: string, input: CancelOrderBody, ifMatch?: number): Promise<Order> {
      const o = await load(trx, ctx, id)
      if (ifMatch !== undefined && o.row.version !== ifMatch) throw versionMismatch(o.row.version)
      const from = o.row.status as OrderStatus
      const at = ctx.clock.now().toISOString()
      const cancelled: { lineId: string; sku: string; quantity: number }[] = []
      const cut = async (line: LineRow, qty: number) => {
        const fromBackorder = Math.min(qty, line.backorderedQty)
        line.backorderedQty -= fromBackorder
        const fromAllocation = Math.min(qty - fromBackorder, line.allocatedQty)
        await releaseLine(trx, ctx, o, line, fromAllocation, `cancelled: ${input.reason}`)
        line.cancelledQty += qty
        cancelled.push({ lineId: line.id, sku: line.sku, quantity: qty })
      }
      let to: OrderStatus = from
      if (!input.lines) {
        to = orderMachine.next(from, 'cancel', snapshotOf(o))
        for (const line of o.lines) if (openQtyOf(line) > 0) await cut(line, openQtyOf(line))
      } else {
        orderMachine.next(from, 'cancelLines', snapshotOf(o))
        const errors: FieldError[] = []
        const plan: [LineRow, number][] = []
        input.lines.forEach((l, i) => {
          const line = o.lines.find((x) => x.id === l.id)
          if (!line) return errors.push({ path: `lines.${i}.id`, message: `no line "${l.id}" on this order` })
          const qty = l.quantity ?? openQtyOf(line)
          if (qty > openQtyOf(line) || qty <= 0) return errors.push({ path: `lines.${i}.quantity`, message: `only ${openQtyOf(line)} unit(s) of ${line.sku} can still be cancelled` })
          plan.push([line, qty])
        })
        if (errors.length) throw invalid('order.invalid_cancellation', errors.map((e) => e.message).join('; '), errors)
        for (const [line, qty] of plan) await cut(line, qty)
        const snap = snapshotOf(o)
        if (snap.openQty === 0) {
          if (snap.shippedQty === 0) to = orderMachine.next(from, 'cancel', snap)
          else if (orderMachine.allowed(from, snap).includes('complete')) to = orderMachine.next(from, 'complete', snap)
        }
      }
      // A cancelled order keeps the totals it had, for the record; a partial cancellation reprices what is left.
      let patch: Partial<OrderRow> = { status: to, cancelReason: input.reason, cancelledAt: at }
      if (to !== 'cancelled') {
        const address = JSON.parse(o.row.shippingAddress) as Address
        const products = await d.catalog.findByIds(trx, [...new Set(o.lines.map((l) => l.productId))])
        const totals = reprice(o.lines, address, o.row.shippingTotal, new Map([...products.values()].map((p) => [p.id, p.taxCode])))
        const payment = JSON.parse(o.row.payment) as StoredPayment
        if (payment.amountFollowsTotal) payment.amount = totals.total
        patch = { status: to, payment: JSON.stringify(payment), subtotal: totals.subtotal, discountTotal: totals.discount, taxTotal: totals.tax, shippingTotal: totals.shipping, total: totals.total }
      }
      await writeLineBuckets(trx, o.lines)
      await saveOrder(trx, o, patch, at)
      await recordAndSync(trx, ctx, o, [
        to === 'cancelled'
          ? { type: 'order.cancelled', entity: 'order', entityId: o.row.id, orderId: o.row.id, from, to, reason: input.reason, data: { lines: cancelled } }
          : { type: 'order.lines_cancelled', entity: 'order', entityId: o.row.id, orderId: o.row.id, from, to, reason: input.reason, data: { lines: cancelled } },
      ])
      return shapeLoaded(trx, o)
    },

    async placeHold(trx: Trx, ctx: Ctx, id: string, input: { code: HoldCode; detail: string }): Promise<Order> {
      const o = await load(trx, ctx, id)
      const from = o.row.status as OrderStatus
      const to = orderMachine.next(from, 'hold', snapshotOf(o))
      const at = ctx.clock.now().toISOString()
      const hold: HoldRow = { id: newId('hold'), orderId: o.row.id, code: input.code, detail: input.detail, source: 'manual', createdBy: actorLabel(ctx.actor), createdAt: at, releasedAt: null, releasedBy: null, releaseNote: null }
      await trx.insertInto('orderHolds').values(hold).execute()
      o.holds.push(hold)
      await saveOrder(trx, o, { status: to }, at)
      await recordAndSync(trx, ctx, o, [{ type: 'order.held', entity: 'order', entityId: o.row.id, orderId: o.row.id, from, to, reason: input.detail, data: { holds: [{ id: hold.id, code: hold.code, detail: hold.detail }] } }])
      return shapeLoaded(trx, o)
    },

    async releaseHold(trx: Trx, ctx: Ctx, id: string, holdId: string, note?: string): Promise<Order> {
      const o = await load(trx, ctx, id)
      const hold = o.holds.find((h) => h.id === holdId)
      if (!hold) throw notFound('hold', holdId)
      if (hold.releasedAt) throw new AppError(409, 'order.hold_already_released', `Hold ${holdId} was already released at ${hold.releasedAt}.`)
      const from = o.row.status as OrderStatus
      if (!OPEN_STATUSES.includes(from)) throw new AppError(409, 'order.invalid_transition', `Cannot release a hold on an order that is ${from}.`)
      const at = ctx.clock.now().toISOString()
      Object.assign(hold, { releasedAt: at, releasedBy: actorLabel(ctx.actor), releaseNote: note ?? null })
      await trx.updateTable('orderHolds').set({ releasedAt: at, releasedBy: hold.releasedBy, releaseNote: hold.releaseNote }).where('id', '=', hold.id).where('releasedAt', 'is', null).execute()
      const snap = snapshotOf(o)
      const to: OrderStatus = from === 'on_hold' && snap.openHolds === 0 ? orderMachine.next(from, 'release', snap) : from
      await saveOrder(trx, o, { status: to }, at)
      const events: NewEvent[] = [{ type: 'order.hold_released', entity: 'order', entityId: o.row.id, orderId: o.row.id, reason: note ?? null, data: { holdId: hold.id, code: hold.code } }]
      if (to !== from) events.push({ type: 'order.released', entity: 'order', entityId: o.row.id, orderId: o.row.id, from, to, reason: `last hold (${hold.code}) released` })
      await recordAndSync(trx, ctx, o, events)
      return shapeLoaded(trx, o)
    },

    /** The order's routing decisions with their explanations, oldest first. */
    async routingDecisions(db: Db, ctx: Ctx, id: string) {
      const o = await load(db, ctx, id)
      return d.routing.decisions(db, o.row.id)
    },

    /** The order's timeline: every event recorded for it, oldest first. */
    async timeline(db: Db, ctx: Ctx, id: string) {
      const o = await load(db, ctx, id)
      const rows = await db.selectFrom('events').selectAll().where('orderId', '=', o.row.id).orderBy('id').execute()
      return rows.map((r) => ({ id: r.id, type: r.type, from: r.fromState, to: r.toState, actor: r.actor, reason: r.reason, data: JSON.parse(r.data), occurredAt: r.occurredAt }))
    },

    /** Allocates waiting backorders of a product at a location where units arrived, oldest order first. */
    async fillBackorders(trx: Trx, ctx: Ctx, productId: string, locationId: string): Promise<void> {
      const locations = await d.locations.listAll(trx)
      const location = locations.find((l) => l.id === locationId)
      if (!location?.active) return
      const locs = new Map(locations.map((l) => [l.id, l.code]))
      for (;;) {
        let available = (await d.inventory.availability(trx, [productId])).get(stockKey(productId, locationId)) ?? 0
        if (available <= 0) return
        const waiting = await trx
          .selectFrom('orderLines')
          .innerJoin('orders', 'orders.id', 'orderLines.orderId')
          .select(['orderLines.id as lineId', 'orderLines.orderId', 'orderLines.backorderedQty'])
          .where('orderLines.productId', '=', productId)
          // A literal, so both databases match the partial index order_lines_backordered_product.
          .where('orderLines.backorderedQty', '>', sql.lit(0))
          .where('orders.status', 'in', OPEN_STATUSES)
          .orderBy('orders.createdAt')
          .orderBy('orders.id')
          .orderBy('orderLines.lineNo')
          .limit(100)
          .execute()
        if (!waiting.length) return
        let progressed = false
        for (const w of waiting) {
          if (available <= 0) break
          const o = await load(trx, { ...ctx, actor: { ...ctx.actor, channelId: null } }, w.orderId)
          const line = o.lines.find((l) => l.id === w.lineId)!
          const take = Math.min(line.backorderedQty, available)
          const [ok] = await d.inventory.reserve(trx, ctx, [{ productId, locationId, quantity: take, refType: 'order_line', refId: line.id, reason: `backorder filled at ${location.code}` }])
          if (!ok) return
          progressed = true
          available -= take
          line.allocatedQty += take
          line.backorderedQty -= take
          const at = ctx.clock.now().toISOString()
          await upsertAllocations(trx, o, [{ lineId: line.id, productId, locationId, quantity: take }], at)
          await writeLineBuckets(trx, [line])
          await saveOrder(trx, o, {}, at)
          await recordAndSync(trx, ctx, o, allocationEvents(o, [{ lineId: line.id, locationId, quantity: take }], new Map(), locs, `stock arrived at ${location.code}`))
        }
        if (!progressed) return
      }
    },

    /** A stock correction left fewer units than reserved: take units back from the newest orders into backorder. */
    async releaseForShortage(trx: Trx, ctx: Ctx, productId: string, locationId: string, quantity: number): Promise<void> {
      let left = quantity
      const rows = await trx.selectFrom('orderAllocations').select(['orderId', 'lineId', 'quantity']).where('productId', '=', productId).where('locationId', '=', locationId).where('quantity', '>', 0).orderBy('id', 'desc').execute()
      const code = (await d.locations.listAll(trx)).find((l) => l.id === locationId)?.code ?? locationId
      for (const r of rows) {
        if (left <= 0) break
        const take = Math.min(r.quantity, left)
        await fulfillmentPort.reroute(trx, ctx, r.orderId, [{ orderLineId: r.lineId, locationId, quantity: take }], `stock correction at ${code}`)
        left -= take
      }
    },

    /**
     * A location stopped shipping (deactivated): its reserved units that are still on the shelf
     * are routed again by each order's policy, else backordered. Units already picked stay: they
     * are off the shelf and leave from there.
     */
    async rerouteFrom(trx: Trx, ctx: Ctx, locationId: string, reason: string): Promise<void> {
      const [rows, picked] = await Promise.all([
        trx.selectFrom('orderAllocations').select(['orderId', 'lineId', 'quantity']).where('locationId', '=', locationId).where('quantity', '>', 0).orderBy('id').execute(),
        d.fulfillment.pickedAt(trx, locationId),
      ])
      const byOrder = new Map<string, LineUnits[]>()
      for (const r of rows) {
        const onShelf = r.quantity - (picked.get(r.lineId) ?? 0)
        if (onShelf > 0) byOrder.set(r.orderId, [...(byOrder.get(r.orderId) ?? []), { orderLineId: r.lineId, locationId, quantity: onShelf }])
      }
      for (const [orderId, lines] of byOrder) await fulfillmentPort.reroute(trx, ctx, orderId, lines, reason)
    },

    /**
     * Cross-checks reservations against orders: every allocation belongs to an open order line,
     * each line's allocatedQty equals its allocations, and the allocations per stock row add up
     * to what that row has reserved.
     */
    async checkReservations(db: Db, reservedByStock: Map<string, number>): Promise<string[]> {
      const problems: string[] = []
      const allocs = await db
        .selectFrom('orderAllocations')
        .innerJoin('orders', 'orders.id', 'orderAllocations.orderId')
        .select(['orderAllocations.id', 'orderAllocations.lineId', 'orderAllocations.productId', 'orderAllocations.locationId', 'orderAllocations.quantity', 'orders.number', 'orders.status'])
        .execute()
      const byStock = new Map<string, number>()
      const byLine = new Map<string, number>()
      for (const a of allocs) {
        if (a.quantity < 0) problems.push(`allocation ${a.id} of ${a.number} is negative`)
        if (a.quantity > 0 && !OPEN_STATUSES.includes(a.status as OrderStatus)) problems.push(`allocation ${a.id} reserves ${a.quantity} for ${a.number}, which is ${a.status}`)
        byStock.set(stockKey(a.productId, a.locationId), (byStock.get(stockKey(a.productId, a.locationId)) ?? 0) + a.quantity)
        byLine.set(a.lineId, (byLine.get(a.lineId) ?? 0) + a.quantity)
      }
      const lines = await db.selectFrom('orderLines').select(['id', 'sku', 'orderId', 'quantity', 'allocatedQty', 'backorderedQty', 'cancelledQty', 'shippedQty']).execute()
      const lineIds = new Set(lines.map((l) => l.id))
      for (const lineId of byLine.keys()) if (!lineIds.has(lineId)) problems.push(`allocations reference line ${lineId}, which does not exist`)
      for (const l of lines) {
        if ((byLine.get(l.id) ?? 0) !== l.allocatedQty) problems.push(`line ${l.id} (${l.sku}) says ${l.allocatedQty} allocated, its allocations hold ${byLine.get(l.id) ?? 0}`)
        if (l.allocatedQty + l.backorderedQty > l.quantity - l.cancelledQty - l.shippedQty) problems.push(`line ${l.id} (${l.sku}) allocates/backorders more than it still needs`)
      }
      for (const k of new Set([...byStock.keys(), ...reservedByStock.keys()])) {
        if ((byStock.get(k) ?? 0) !== (reservedByStock.get(k) ?? 0)) problems.push(`stock ${k}: reserved ${reservedByStock.get(k) ?? 0} but open order lines hold ${byStock.get(k) ?? 0}`)
      }
      return problems
    },

    // ---- reads for the exception queue (one or two indexed queries each, capped by the caller) ----

    /** Open holds of open orders, oldest first (partial index order_holds_open). */
    async openHolds(db: Db | Trx, q: { limit: number }) {
      return db
        .selectFrom('orderHolds')
        .innerJoin('orders', 'orders.id', 'orderHolds.orderId')
        .select(['orderHolds.id', 'orderHolds.code', 'orderHolds.detail', 'orderHolds.source', 'orderHolds.createdBy', 'orderHolds.createdAt', 'orders.id as orderId', 'orders.number as orderNumber', 'orders.channelId'])
        .where('orderHolds.releasedAt', 'is', null)
        .where('orders.status', 'in', OPEN_STATUSES)
        .orderBy('orderHolds.createdAt')
        .orderBy('orderHolds.id')
        .limit(q.limit)
        .execute()
    },

    /**
     * Backordered lines of open orders placed by `placedBefore`, oldest order first. A line waits
     * since the latest `order.backordered` event that named it (a top-up after a partial fill
     * restarts the clock; a line's first backorder is never later than its order).
     */
    async backorderedLines(db: Db | Trx, q: { placedBefore: string; limit: number }) {
      const lines = await db
        .selectFrom('orderLines')
        .innerJoin('orders', 'orders.id', 'orderLines.orderId')
        .select(['orderLines.id', 'orderLines.sku', 'orderLines.name', 'orderLines.backorderedQty', 'orders.id as orderId', 'orders.number as orderNumber', 'orders.channelId', 'orders.createdAt as placedAt', 'orders.promisedDeliveryDate'])
        // A literal, so SQLite matches the partial index order_lines_backordered.
        .where('orderLines.backorderedQty', '>', sql.lit(0))
        .where('orders.status', 'in', OPEN_STATUSES)
        .where('orders.createdAt', '<=', q.placedBefore)
        .orderBy('orders.createdAt')
        .orderBy('orderLines.id')
        .limit(q.limit)
        .execute()
      if (!lines.length) return []
      const events = await db
        .selectFrom('events')
        .select(['data', 'occurredAt'])
        .where('orderId', 'in', [...new Set(lines.map((l) => l.orderId))])
        .where('type', '=', 'order.backordered')
        .execute()
      const since = new Map<string, string>()
      for (const e of events) {
        for (const l of (JSON.parse(e.data) as { lines?: { lineId: string }[] }).lines ?? []) {
          if ((since.get(l.lineId) ?? '') < e.occurredAt) since.set(l.lineId, e.occurredAt)
        }
      }
      return lines.map((l) => ({ ...l, since: since.get(l.id) ?? l.placedAt }))
    },

    /** Number and channel of each order, by id (orders that do not exist are left out). */
    async refs(db: Db | Trx, orderIds: string[]): Promise<Map<string, { number: string; channelId: string }>> {
      if (!orderIds.length) return new Map()
      const rows = await db.selectFrom('orders').select(['id', 'number', 'channelId']).where('id', 'in', orderIds).execute()
      return new Map(rows.map((r) => [r.id, { number: r.number, channelId: r.channelId }]))
    },
  }
  const backorders: BackorderPort = { fillBackorders: service.fillBackorders, releaseForShortage: service.releaseForShortage }

  /** Fulfilment acts on orders it already holds: channel scoping does not apply to it. */
  const loadForFulfillment = (trx: Trx, ctx: Ctx, orderId: string) => load(trx, { ...ctx, actor: { ...ctx.actor, channelId: null } }, orderId)
  const lineOn = (o: Loaded, orderLineId: string) => {
    const line = o.lines.find((l) => l.id === orderLineId)
    if (!line) throw new AppError(409, 'order.unknown_line', `Order ${o.row.number} has no line ${orderLineId}.`)
    return line
  }
  const allocationAt = (o: Loaded, u: LineUnits) => {
    const alloc = o.allocations.find((a) => a.lineId === u.orderLineId && a.locationId === u.locationId && a.quantity > 0)
    if (!alloc || alloc.quantity < u.quantity) {
      throw new AppError(409, 'order.not_allocated', `Order ${o.row.number} has ${alloc?.quantity ?? 0} unit(s) of line ${u.orderLineId} reserved at that location, fewer than ${u.quantity}.`)
    }
    return alloc
  }
  const unitsData = (o: Loaded, lines: { orderLineId: string; locationId?: string; quantity: number }[], locs?: Map<string, string>) =>
    lines.map((u) => ({ sku: lineOn(o, u.orderLineId).sku, lineId: u.orderLineId, quantity: u.quantity, ...(u.locationId && locs ? { location: locs.get(u.locationId) } : {}) }))
  const locationCodes = async (trx: Trx) => new Map((await d.locations.listAll(trx)).map((l) => [l.id, l.code]))

  const fulfillmentPort: OrderPort = {
    async picked(trx, ctx, orderId, lines) {
      const o = await loadForFulfillment(trx, ctx, orderId)
      orderMachine.next(o.row.status as OrderStatus, 'pick', snapshotOf(o))
      for (const u of lines) lineOn(o, u.orderLineId).pickedQty += u.quantity
      await writeLineBuckets(trx, o.lines)
      await saveOrder(trx, o, {}, ctx.clock.now().toISOString())
    },

    async reroute(trx, ctx, orderId, lines, reason) {
      const o = await loadForFulfillment(trx, ctx, orderId)
      orderMachine.next(o.row.status as OrderStatus, 'reroute', snapshotOf(o))
      const freed: DemandLine[] = []
      for (const u of lines) {
        const line = lineOn(o, u.orderLineId)
        const alloc = allocationAt(o, u)
        const quantity = await releaseLine(trx, ctx, { ...o, allocations: [alloc] }, line, u.quantity, `rerouted: ${reason}`)
        freed.push({ lineId: line.id, productId: line.productId, quantity })
      }
      o.allocations = o.allocations.filter((a) => a.quantity > 0)
      const locations = await d.locations.listAll(trx)
      // The location that failed is left out of this attempt: its stock figures are what just proved wrong.
      const failed = new Set(lines.map((u) => u.locationId))
      const { reserved, backordered } = await allocateAndReserve(trx, ctx, o, freed, 'reroute', { locations, excludeLocationIds: [...failed] })
      const at = ctx.clock.now().toISOString()
      await upsertAllocations(trx, o, reserved, at)
      for (const l of o.lines) {
        l.allocatedQty += reserved.filter((r) => r.lineId === l.id).reduce((s, r) => s + r.quantity, 0)
        l.backorderedQty += backordered.get(l.id) ?? 0
      }
      await writeLineBuckets(trx, o.lines)
      await saveOrder(trx, o, {}, at)
      const locs = new Map(locations.map((l) => [l.id, l.code]))
      await recordAndSync(trx, ctx, o, [
        { type: 'order.rerouted', entity: 'order', entityId: o.row.id, orderId: o.row.id, reason, data: { lines: unitsData(o, lines, locs) } },
        ...allocationEvents(o, reserved, backordered, locs, reason),
      ])
    },

    async shipped(trx, ctx, orderId, lines, ref) {
      const o = await loadForFulfillment(trx, ctx, orderId)
      orderMachine.next(o.row.status as OrderStatus, 'ship', snapshotOf(o))
      for (const u of lines) {
        const line = lineOn(o, u.orderLineId)
        const alloc = allocationAt(o, u)
        // The reservation is consumed: the units are gone from the building (fulfilment books the on-hand side).
        await releaseLine(trx, ctx, { ...o, allocations: [alloc] }, line, u.quantity, `shipped in ${ref.trackingNumber}`)
        line.shippedQty += u.quantity
      }
      o.allocations = o.allocations.filter((a) => a.quantity > 0)
      await writeLineBuckets(trx, o.lines)
      await saveOrder(trx, o, {}, ctx.clock.now().toISOString())
      await recordAndSync(trx, ctx, o, [
        { type: 'order.shipped', entity: 'order', entityId: o.row.id, orderId: o.row.id, data: { shipmentId: ref.shipmentId, trackingNumber: ref.trackingNumber, fulfillmentStatus: o.row.fulfillmentStatus, lines: unitsData(o, lines, await locationCodes(trx)) } },
      ])
    },

    async unshipped(trx, ctx, orderId, lines, ref) {
      const o = await loadForFulfillment(trx, ctx, orderId)
      orderMachine.next(o.row.status as OrderStatus, 'unship', snapshotOf(o))
      const ok = await d.inventory.reserve(
        trx,
        ctx,
        lines.map((u) => ({ productId: lineOn(o, u.orderLineId).productId, locationId: u.locationId, quantity: u.quantity, refType: 'order_line', refId: u.orderLineId, reason: `shipment ${ref.trackingNumber} cancelled` })),
      )
      if (ok.some((x) => !x)) throw new AppError(409, 'order.cannot_reserve', `The units of cancelled shipment ${ref.trackingNumber} are not in stock to be reserved again.`)
      const at = ctx.clock.now().toISOString()
      const units = lines.map((u) => ({ lineId: u.orderLineId, productId: lineOn(o, u.orderLineId).productId, locationId: u.locationId, quantity: u.quantity }))
      await upsertAllocations(trx, o, units, at)
      for (const u of mergeAllocations(units)) {
        const line = lineOn(o, u.lineId)
        if (line.shippedQty - line.deliveredQty < u.quantity) throw new AppError(409, 'order.not_shipped', `Line ${line.sku} of ${o.row.number} has fewer undelivered shipped units than ${u.quantity}.`)
        line.shippedQty -= u.quantity
        line.allocatedQty += u.quantity
      }
      await writeLineBuckets(trx, o.lines)
      await saveOrder(trx, o, {}, at)
      await recordAndSync(trx, ctx, o, [
        { type: 'order.shipment_cancelled', entity: 'order', entityId: o.row.id, orderId: o.row.id, data: { shipmentId: ref.shipmentId, trackingNumber: ref.trackingNumber, lines: unitsData(o, lines, await locationCodes(trx)) } },
      ])
    },

    async delivered(trx, ctx, orderId, lines, ref) {
      const o = await loadForFulfillment(trx, ctx, orderId)
      const from = o.row.status as OrderStatus
      orderMachine.next(from, 'deliver', snapshotOf(o))
      for (const u of lines) {
        const line = lineOn(o, u.orderLineId)
        if (line.deliveredQty + u.quantity > line.shippedQty) throw new AppError(409, 'order.not_shipped', `Line ${line.sku} of ${o.row.number} has only ${line.shippedQty - line.deliveredQty} unit(s) in transit.`)
        line.deliveredQty += u.quantity
      }
      const snap = snapshotOf(o)
      const to = orderMachine.allowed(from, snap).includes('complete') ? orderMachine.next(from, 'complete', snap) : from
      await writeLineBuckets(trx, o.lines)
      await saveOrder(trx, o, { status: to }, ctx.clock.now().toISOString())
      const events: NewEvent[] = [
        { type: 'order.delivered', entity: 'order', entityId: o.row.id, orderId: o.row.id, data: { shipmentId: ref.shipmentId, trackingNumber: ref.trackingNumber, fulfillmentStatus: o.row.fulfillmentStatus, lines: unitsData(o, lines) } },
      ]
      if (to !== from) events.push({ type: 'order.completed', entity: 'order', entityId: o.row.id, orderId: o.row.id, from, to, reason: 'every unit delivered' })
      await recordAndSync(trx, ctx, o, events)
    },
  }

  const returnRef = (ref: { returnId: string; number: string }) => ({ returnId: ref.returnId, return: ref.number })
  /** Changes one bucket of some lines of an order, within bounds, and records one event. */
  async function changeReturnBucket(
    trx: Trx,
    ctx: Ctx,
    orderId: string,
    lines: { orderLineId: string; quantity: number }[],
    apply: (line: LineRow, quantity: number) => string | null,
    event: { type: string; ref: { returnId: string; number: string } },
  ) {
    const o = await loadForFulfillment(trx, ctx, orderId)
    for (const u of lines) {
      const refusal = apply(lineOn(o, u.orderLineId), u.quantity)
      if (refusal) throw new AppError(409, 'order.return_quantity', `${o.row.number}: ${refusal}`)
    }
    await writeLineBuckets(trx, o.lines)
    await saveOrder(trx, o, {}, ctx.clock.now().toISOString())
    await recordEvents(trx, ctx, [{ type: event.type, entity: 'order', entityId: o.row.id, orderId: o.row.id, reason: event.ref.number, data: { ...returnRef(event.ref), lines: unitsData(o, lines) } }])
  }

  const returnsPort: ReturnsOrderPort = {
    async returnable(db, ctx, orderId) {
      const o = await load(db, ctx, orderId)
      const [customer, deliveries] = await Promise.all([
        d.customers.get(db, o.row.customerId),
        db.selectFrom('events').select(['data', 'occurredAt']).where('orderId', '=', o.row.id).where('type', '=', 'order.delivered').orderBy('id').execute(),
      ])
      const deliveredAt = new Map<string, string>()
      for (const e of deliveries) for (const l of (JSON.parse(e.data) as { lines: { lineId: string }[] }).lines) deliveredAt.set(l.lineId, e.occurredAt)
      const payment = JSON.parse(o.row.payment) as StoredPayment & { refunded?: number }
      return {
        id: o.row.id,
        number: o.row.number,
        channelId: o.row.channelId,
        status: o.row.status,
        currency: o.row.currency,
        customer: { id: customer.id, email: customer.email, name: customer.name ?? null },
        shippingAddress: JSON.parse(o.row.shippingAddress) as Address,
        shippingTotal: o.row.shippingTotal,
        paymentStatus: o.row.paymentStatus,
        payment: { method: payment.method, reference: payment.reference, amount: payment.amount },
        refundedAmount: payment.refunded ?? 0,
        lines: o.lines.map((l) => {
          const units = l.quantity - l.cancelledQty
          return {
            id: l.id,
            sku: l.sku,
            name: l.name,
            productId: l.productId,
            quantity: l.quantity,
            unitPaid: units > 0 ? Math.round(l.lineTotal / units) : 0,
            unitPrice: l.unitPrice,
            deliveredQuantity: l.deliveredQty,
            returnRequestedQuantity: l.returnRequestedQty,
            returnedQuantity: l.returnedQty,
            deliveredAt: deliveredAt.get(l.id) ?? null,
          }
        }),
      }
    },

    requestReturn: (trx, ctx, orderId, lines, ref) =>
      changeReturnBucket(
        trx,
        ctx,
        orderId,
        lines,
        (line, q) => {
          if (line.returnRequestedQty + q > line.deliveredQty) return `only ${line.deliveredQty - line.returnRequestedQty} delivered unit(s) of ${line.sku} can still be returned`
          line.returnRequestedQty += q
          return null
        },
        { type: 'order.return_requested', ref },
      ),

    withdrawReturn: (trx, ctx, orderId, lines, ref) =>
      changeReturnBucket(
        trx,
        ctx,
        orderId,
        lines,
        (line, q) => {
          if (line.returnRequestedQty - line.returnedQty < q) return `only ${line.returnRequestedQty - line.returnedQty} requested unit(s) of ${line.sku} are still on their way`
          line.returnRequestedQty -= q
          return null
        },
        { type: 'order.return_withdrawn', ref },
      ),

    returned: (trx, ctx, orderId, lines, ref) =>
      changeReturnBucket(
        trx,
        ctx,
        orderId,
        lines,
        (line, q) => {
          if (line.returnedQty + q > line.returnRequestedQty) return `only ${line.returnRequestedQty - line.returnedQty} unit(s) of ${line.sku} were asked back`
          line.returnedQty += q
          return null
        },
        { type: 'order.returned', ref },
      ),

    async refunded(trx, ctx, orderId, refund, ref) {
      const o = await loadForFulfillment(trx, ctx, orderId)
      if (refund.currency !== o.row.currency) throw invalid('order.refund_currency', `${o.row.number} is in ${o.row.currency}, not ${refund.currency}.`, [{ path: 'currency', message: `must be ${o.row.currency}` }])
      const payment = JSON.parse(o.row.payment) as StoredPayment & { refunded?: number }
      const refunded = (payment.refunded ?? 0) + refund.amount
      if (refund.amount <= 0 || refunded > payment.amount) {
        throw new AppError(409, 'order.refund_exceeds_payment', `${o.row.number}: ${refunded} would exceed the ${payment.amount} paid.`)
      }
      payment.refunded = refunded
      const from = o.row.paymentStatus
      const to = refunded >= payment.amount ? 'refunded' : 'partially_refunded'
      await saveOrder(trx, o, { payment: JSON.stringify(payment), paymentStatus: to }, ctx.clock.now().toISOString())
      await recordEvents(trx, ctx, [
        { type: 'order.refunded', entity: 'order', entityId: o.row.id, orderId: o.row.id, from, to, reason: ref.number, data: { ...returnRef(ref), refundId: refund.refundId, amount: refund.amount, currency: refund.currency, refunded, reference: refund.reference } },
      ])
    },

    async createLinkedOrder(trx, ctx, orderId, lines, ref) {
      const o = await loadForFulfillment(trx, ctx, orderId)
      const customer = await d.customers.get(trx, o.row.customerId)
      const total = lines.reduce((s, l) => s + l.unitPrice * l.quantity, 0)
      const { order } = await service.create(
        trx,
        { ...ctx, actor: { ...ctx.actor, channelId: null } },
        {
          channel: await channelCode(trx, o.row.channelId),
          externalId: `${ref.number}-${ref.kind}`,
          customerId: customer.id,
          shippingAddress: JSON.parse(o.row.shippingAddress) as Address,
          currency: o.row.currency,
          lines: lines.map((l) => ({ sku: l.sku, quantity: l.quantity, unitPrice: l.unitPrice })),
          shippingMethod: o.row.shippingMethod ?? undefined,
          shippingAmount: 0,
          payment: { status: 'paid', amount: total, method: 'return', reference: ref.number },
          notes: `${ref.kind === 'replacement' ? 'Replacement' : 'Exchange'} for ${o.row.number} (${ref.number})`,
        },
        { origin: { orderId: o.row.id, kind: ref.kind, ref: ref.number } },
      )
      await recordEvents(trx, ctx, [
        { type: `order.${ref.kind}_created`, entity: 'order', entityId: o.row.id, orderId: o.row.id, reason: ref.number, data: { ...returnRef(ref), order: { id: order.id, number: order.number } } },
      ])
      return { id: order.id, number: order.number }
    },
  }

  const demand: DemandSource = {
    /** Past orders (newest first) as the routing simulator replays them: destination and what was ordered. */
    async pastOrders(db, q) {
      let query = db.selectFrom('orders').select(['id', 'number', 'channelId', 'shippingAddress', 'createdAt']).where('status', '!=', 'cancelled').orderBy('id', 'desc').limit(q.limit)
      if (q.channelId) query = query.where('channelId', '=', q.channelId)
      if (q.createdFrom) query = query.where('createdAt', '>=', q.createdFrom)
      if (q.createdTo) query = query.where('createdAt', '<=', q.createdTo)
      const rows = await query.execute()
      if (!rows.length) return []
      const lines = await db.selectFrom('orderLines').select(['orderId', 'productId', 'sku', 'quantity', 'cancelledQty']).where('orderId', 'in', rows.map((r) => r.id)).orderBy('lineNo').execute()
      const products = await d.catalog.findByIds(db, [...new Set(lines.map((l) => l.productId))])
      const byOrder = new Map<string, typeof lines>()
      for (const l of lines) byOrder.set(l.orderId, [...(byOrder.get(l.orderId) ?? []), l])
      return rows.map((r) => ({
        orderNumber: r.number,
        channelId: r.channelId,
        destination: JSON.parse(r.shippingAddress) as Address,
        createdAt: r.createdAt,
        lines: (byOrder.get(r.id) ?? []).map((l) => ({ productId: l.productId, sku: l.sku, quantity: l.quantity - l.cancelledQty, weightGrams: products.get(l.productId)?.weightGrams ?? 0 })).filter((l) => l.quantity > 0),
      }))
    },
  }
  const locationListener: LocationListener = { deactivated: (trx, ctx, location) => service.rerouteFrom(trx, ctx, location.id, `${location.code} was deactivated`) }
  return { ...service, backorders, fulfillmentPort, returnsPort, demand, locationListener }
}

export type OrderService = ReturnType<typeof createOrderService>
