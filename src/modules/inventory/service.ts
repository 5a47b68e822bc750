import { sql, type Selectable } from 'kysely'
import type { Db } from '../../db/connection.js'
import type { Trx } from '../../db/transaction.js'
import { compiledInsert, compiledQuery } from '../../db/compiled.js'
import { readAhead, writeBehind } from '../../db/write-behind.js'
import { actorLabel, type Ctx } from '../../kernel/context.js'
import { AppError, invalid } from '../../kernel/errors.js'
import { recordEvent } from '../../kernel/events.js'
import { newId } from '../../kernel/ids.js'
import { nextNumber } from '../../kernel/numbers.js'
import { decodeCursor, toPage } from '../../kernel/pagination.js'
import type { CatalogService, Product } from '../catalog/index.js'
import type { Location, LocationService } from '../locations/index.js'
import type { AdjustmentBody, LedgerEntry, ReorderBody, StockRow, TransferBody } from './schema.js'
import type { LedgerKind, StockLevelsTable } from './tables.js'

/** What inventory asks of order management when stock changes under open orders. */
export interface BackorderPort {
  /** Units arrived at a location: allocate waiting backorders there, oldest order first. */
  fillBackorders(trx: Trx, ctx: Ctx, productId: string, locationId: string): Promise<void>
  /** A correction leaves fewer units than are reserved: take `quantity` reserved units back from orders (newest first) into backorder. */
  releaseForShortage(trx: Trx, ctx: Ctx, productId: string, locationId: string, quantity: number): Promise<void>
}

/** One change of on-hand units in a bin/lot bucket, written to the stock row, the bucket and the ledger. */
export interface Movement {
  productId: string
  locationId: string
  kind: LedgerKind
  delta: number
  bin?: string | null
  lot?: string | null
  expiresOn?: string | null
  refType?: string | null
  refId?: string | null
  reason?: string | null
}

/** A reservation or release of units for a document line (an order line). */
export interface Reservation {
  productId: string
  locationId: string
  quantity: number
  refType: string
  refId: string
  reason?: string | null
}

const stockKey = (productId: string, locationId: string) => `${productId}@${locationId}`

/** Every order reads the stock of its products: compiled once per number of products. */
const levelsOf = compiledQuery((db, p: { productIds: string[] }) =>
  db.selectFrom('stockLevels').select(['productId', 'locationId', 'onHand', 'reserved']).where('productId', 'in', p.productIds),
)

export function createInventoryService(d: { catalog: CatalogService; locations: LocationService; backorders: () => BackorderPort }) {
  async function resolve(db: Db | Trx, sku: string, locationCode: string, paths: { sku: string; location: string } = { sku: 'sku', location: 'location' }) {
    const [products, locations] = await Promise.all([d.catalog.findBySkus(db, [sku]), d.locations.listAll(db)])
    const product = products.get(sku)
    const location = locations.find((l) => l.code === locationCode)
    const errors = [
      ...(product ? [] : [{ path: paths.sku, message: `unknown SKU "${sku}"` }]),
      ...(location ? [] : [{ path: paths.location, message: `unknown location "${locationCode}"` }]),
    ]
    if (errors.length) throw invalid('inventory.unknown_reference', errors.map((e) => e.message).join('; '), errors)
    return { product: product!, location: location!, locations }
  }

  /** Optional sku/location filters of a listing; `none` when one names something that does not exist. */
  async function resolveFilters(db: Db, q: { sku?: string; location?: string }) {
    const [products, locations] = await Promise.all([q.sku ? d.catalog.findBySkus(db, [q.sku], { barcodes: false }) : undefined, d.locations.listAll(db)])
    const product = q.sku ? products!.get(q.sku) : undefined
    const location = q.location ? locations.find((l) => l.code === q.location) : undefined
    return { product, location, locations, none: (!!q.sku && !product) || (!!q.location && !location) }
  }

  async function ensureStockRows(trx: Trx, keys: { productId: string; locationId: string }[], at: string) {
    if (!keys.length) return
    await trx
      .insertInto('stockLevels')
      .values(keys.map((k) => ({ id: newId('stk'), productId: k.productId, locationId: k.locationId, onHand: 0, reserved: 0, reorderPoint: null, reorderQuantity: null, updatedAt: at })))
      .onConflict((oc) => oc.columns(['productId', 'locationId']).doNothing())
      .execute()
  }

  const toRow = (r: Selectable<StockLevelsTable>, sku: string, location: string): StockRow => ({
    sku,
    location,
    onHand: r.onHand,
    reserved: r.reserved,
    available: r.onHand - r.reserved,
    reorderPoint: r.reorderPoint,
    reorderQuantity: r.reorderQuantity,
    updatedAt: r.updatedAt,
  })

  async function stockRow(db: Db | Trx, product: Product, location: Location): Promise<StockRow> {
    const r = await db.selectFrom('stockLevels').selectAll().where('productId', '=', product.id).where('locationId', '=', location.id).executeTakeFirst()
    return r
      ? toRow(r, product.sku, location.code)
      : { sku: product.sku, location: location.code, onHand: 0, reserved: 0, available: 0, reorderPoint: null, reorderQuantity: null, updatedAt: new Date(0).toISOString() }
  }

  /**
   * Applies on-hand movements: the stock row (never below its reservations), the bin/lot bucket
   * (never below zero) and one ledger row each. Throws 409 when units are not there.
   */
  async function move(trx: Trx, ctx: Ctx, movements: Movement[]): Promise<string[]> {
    const at = ctx.clock.now().toISOString()
    await ensureStockRows(trx, movements, at)
    const ids: string[] = []
    const ledger = []
    for (const m of movements) {
      const bin = m.bin ?? ''
      const lot = m.lot ?? ''
      if (m.delta > 0) {
        await trx
          .insertInto('stockBuckets')
          .values({ id: newId('bkt'), productId: m.productId, locationId: m.locationId, binCode: bin, lot, expiresOn: m.expiresOn ?? null, onHand: m.delta, updatedAt: at })
          .onConflict((oc) =>
            oc.columns(['productId', 'locationId', 'binCode', 'lot']).doUpdateSet((eb) => ({
              onHand: eb('stockBuckets.onHand', '+', m.delta),
              updatedAt: at,
              ...(m.expiresOn ? { expiresOn: m.expiresOn } : {}),
            })),
          )
          .execute()
      } else {
        const r = await trx
          .updateTable('stockBuckets')
          .set((eb) => ({ onHand: eb('onHand', '+', m.delta), updatedAt: at }))
          .where('productId', '=', m.productId)
          .where('locationId', '=', m.locationId)
          .where('binCode', '=', bin)
          .where('lot', '=', lot)
          .where('onHand', '>=', -m.delta)
          .executeTakeFirst()
        if (Number(r.numUpdatedRows) !== 1) {
          const where = [bin && `bin ${bin}`, lot && `lot ${lot}`].filter(Boolean).join(', ') || 'unbinned stock'
          throw new AppError(409, 'inventory.insufficient_stock', `Only fewer than ${-m.delta} units are in ${where}; nothing was changed.`, [
            { path: bin ? 'bin' : 'delta', message: `fewer than ${-m.delta} units in ${where}` },
          ])
        }
      }
      const level = await trx
        .updateTable('stockLevels')
        .set((eb) => ({ onHand: eb('onHand', '+', m.delta), updatedAt: at }))
        .where('productId', '=', m.productId)
        .where('locationId', '=', m.locationId)
        .where((eb) => eb(eb('onHand', '+', m.delta), '>=', eb.ref('reserved')))
        .executeTakeFirst()
      if (Number(level.numUpdatedRows) !== 1) {
        // Fewer units than are promised to orders: take the difference back from the newest orders.
        const row = await trx.selectFrom('stockLevels').select(['onHand', 'reserved']).where('productId', '=', m.productId).where('locationId', '=', m.locationId).executeTakeFirstOrThrow()
        await d.backorders().releaseForShortage(trx, ctx, m.productId, m.locationId, row.reserved - (row.onHand + m.delta))
        await trx
          .updateTable('stockLevels')
          .set((eb) => ({ onHand: eb('onHand', '+', m.delta), updatedAt: at }))
          .where('productId', '=', m.productId)
          .where('locationId', '=', m.locationId)
          .execute()
      }
      const id = newId('led')
      ids.push(id)
      ledger.push({
        id,
        productId: m.productId,
        locationId: m.locationId,
        kind: m.kind,
        onHandDelta: m.delta,
        reservedDelta: 0,
        binCode: m.bin ?? null,
        lot: m.lot ?? null,
        refType: m.refType ?? null,
        refId: m.refId ?? null,
        reason: m.reason ?? null,
        actor: actorLabel(ctx.actor),
        createdAt: at,
      })
    }
    if (ledger.length) await trx.insertInto('stockLedger').values(ledger).execute()
    return ids
  }

  async function ledgerEntry(db: Db | Trx, id: string, sku: string, location: string): Promise<LedgerEntry> {
    const r = await db.selectFrom('stockLedger').selectAll().where('id', '=', id).executeTakeFirstOrThrow()
    return { id: r.id, sku, location, kind: r.kind, onHandDelta: r.onHandDelta, reservedDelta: r.reservedDelta, bin: r.binCode, lot: r.lot, refType: r.refType, refId: r.refId, reason: r.reason, actor: r.actor, createdAt: r.createdAt }
  }

  async function checkBinAndLot(db: Db | Trx, product: Product, location: Location, input: { bin?: string; lot?: string }, positive: boolean, binPath = 'bin') {
    if (input.bin && !(await d.locations.findBin(db, location.id, input.bin))) {
      throw invalid('inventory.unknown_bin', `Location ${location.code} has no bin "${input.bin}".`, [{ path: binPath, message: `no bin "${input.bin}" in ${location.code}` }])
    }
    if (product.lotTracked && positive && !input.lot) {
      throw invalid('inventory.lot_required', `${product.sku} is lot-tracked: say which lot the units belong to.`, [{ path: 'lot', message: 'required for a lot-tracked product' }])
    }
  }

  return {
    move,

    /**
     * Reserves units for document lines with one guarded UPDATE each (`on_hand - reserved >= qty`),
     * so concurrent orders can never oversell, on either database. Returns, per item, whether it
     * was reserved. Rows are touched in a fixed order so two transactions never deadlock.
     */
    async reserve(trx: Trx, ctx: Ctx, items: Reservation[]): Promise<boolean[]> {
      const at = ctx.clock.now().toISOString()
      const order = items.map((_, i) => i).sort((a, b) => stockKey(items[a].productId, items[a].locationId).localeCompare(stockKey(items[b].productId, items[b].locationId)))
      const ok = new Array<boolean>(items.length).fill(false)
      const ledger = []
      for (const i of order) {
        const it = items[i]
        const r = await trx.executeQuery(reserveUnits(trx, { quantity: it.quantity, at, productId: it.productId, locationId: it.locationId }))
        ok[i] = Number(r.numAffectedRows) === 1
        if (ok[i]) ledger.push(ledgerRow(ctx, at, it, 'reservation', it.quantity))
      }
      if (ledger.length) await writeBehind(trx, compiledInsert(trx, 'stockLedger', ledger))
      return ok
    },

    /** Gives reserved units back to available. Releasing more than is reserved is a bug: it throws. */
    async release(trx: Trx, ctx: Ctx, items: Reservation[]): Promise<void> {
      const at = ctx.clock.now().toISOString()
      const sorted = [...items].filter((i) => i.quantity > 0).sort((a, b) => stockKey(a.productId, a.locationId).localeCompare(stockKey(b.productId, b.locationId)))
      for (const it of sorted) {
        const r = await trx.executeQuery(releaseUnits(trx, { quantity: it.quantity, at, productId: it.productId, locationId: it.locationId }))
        if (Number(r.numAffectedRows) !== 1) throw new Error(`release of ${it.quantity} × ${it.productId} at ${it.locationId} exceeds its reservation`)
      }
      if (sorted.length) await writeBehind(trx, compiledInsert(trx, 'stockLedger', sorted.map((it) => ledgerRow(ctx, at, it, 'release', -it.quantity))))
    },

    /** Sends `availability`'s read ahead (PostgreSQL; write-behind.ts), to travel with the statements before it. */
    async availabilityAhead(trx: Trx, productIds: string[]): Promise<void> {
      if (productIds.length) await readAhead(trx, levelsOf(trx, { productIds: [...new Set(productIds)] }))
    },

    /** Available units (on hand − reserved) of these products at every location, in one query. */
    async availability(db: Db | Trx, productIds: string[]): Promise<Map<string, number>> {
      const map = new Map<string, number>()
      if (!productIds.length) return map
      const { rows } = await db.executeQuery(levelsOf(db, { productIds: [...new Set(productIds)] }))
      for (const r of rows) map.set(stockKey(r.productId, r.locationId), r.onHand - r.reserved)
      return map
    },

    async adjust(trx: Trx, ctx: Ctx, input: AdjustmentBody): Promise<{ stock: StockRow; movement: LedgerEntry | null }> {
      const { product, location } = await resolve(trx, input.sku, input.location)
      const bin = input.bin ?? ''
      const lot = input.lot ?? ''
      let delta = input.delta ?? 0
      if (input.onHand !== undefined) {
        const bucket = await trx
          .selectFrom('stockBuckets')
          .select('onHand')
          .where('productId', '=', product.id)
          .where('locationId', '=', location.id)
          .where('binCode', '=', bin)
          .where('lot', '=', lot)
          .executeTakeFirst()
        delta = input.onHand - (bucket?.onHand ?? 0)
      }
      await checkBinAndLot(trx, product, location, input, delta > 0)
      if (delta === 0) return { stock: await stockRow(trx, product, location), movement: null }
      const [id] = await move(trx, ctx, [
        { productId: product.id, locationId: location.id, kind: input.onHand !== undefined ? 'count' : 'adjustment', delta, bin: input.bin, lot: input.lot, expiresOn: input.expiresOn, reason: input.reason, refType: 'adjustment' },
      ])
      await recordEvent(trx, ctx, {
        type: 'inventory.adjusted',
        entity: 'stock',
        entityId: `${product.sku}@${location.code}`,
        reason: input.reason,
        data: { sku: product.sku, location: location.code, delta, bin: input.bin ?? null, lot: input.lot ?? null, ledgerId: id },
      })
      if (delta > 0) await d.backorders().fillBackorders(trx, ctx, product.id, location.id)
      return { stock: await stockRow(trx, product, location), movement: await ledgerEntry(trx, id, product.sku, location.code) }
    },

    async transfer(trx: Trx, ctx: Ctx, input: TransferBody) {
      if (input.from === input.to) throw invalid('inventory.same_location', 'A transfer needs two different locations.', [{ path: 'to', message: 'same as from' }])
      const { product, location: from, locations } = await resolve(trx, input.sku, input.from, { sku: 'sku', location: 'from' })
      const to = locations.find((l) => l.code === input.to)
      if (!to) throw invalid('inventory.unknown_reference', `unknown location "${input.to}"`, [{ path: 'to', message: `unknown location "${input.to}"` }])
      await checkBinAndLot(trx, product, from, { bin: input.fromBin, lot: input.lot }, false, 'fromBin')
      await checkBinAndLot(trx, product, to, { bin: input.toBin, lot: input.lot }, true, 'toBin')
      // Only free units travel: reserved ones are promised to orders at the source.
      const free = await trx.selectFrom('stockLevels').select(['onHand', 'reserved']).where('productId', '=', product.id).where('locationId', '=', from.id).executeTakeFirst()
      const available = free ? free.onHand - free.reserved : 0
      if (available < input.quantity) {
        throw new AppError(409, 'inventory.insufficient_stock', `${from.code} has ${available} unreserved units of ${product.sku}; cannot transfer ${input.quantity}.`, [
          { path: 'quantity', message: `only ${available} available at ${from.code}` },
        ])
      }
      const at = ctx.clock.now().toISOString()
      const id = newId('trf')
      const number = await nextNumber(trx, 'TR')
      const common = { productId: product.id, lot: input.lot, refType: 'transfer', refId: id, reason: input.reason ?? null }
      await move(trx, ctx, [
        { ...common, locationId: from.id, kind: 'transfer_out', delta: -input.quantity, bin: input.fromBin },
        { ...common, locationId: to.id, kind: 'transfer_in', delta: input.quantity, bin: input.toBin },
      ])
      await trx
        .insertInto('stockTransfers')
        .values({ id, number, productId: product.id, fromLocationId: from.id, toLocationId: to.id, quantity: input.quantity, reason: input.reason ?? null, actor: actorLabel(ctx.actor), createdAt: at })
        .execute()
      await recordEvent(trx, ctx, {
        type: 'inventory.transferred',
        entity: 'stock_transfer',
        entityId: id,
        reason: input.reason,
        data: { number, sku: product.sku, from: from.code, to: to.code, quantity: input.quantity },
      })
      await d.backorders().fillBackorders(trx, ctx, product.id, to.id)
      return {
        id,
        number,
        sku: product.sku,
        from: from.code,
        to: to.code,
        quantity: input.quantity,
        reason: input.reason ?? null,
        createdAt: at,
        stock: { from: await stockRow(trx, product, from), to: await stockRow(trx, product, to) },
      }
    },

    async list(db: Db, q: { sku?: string; location?: string; limit: number; cursor?: string }): Promise<{ data: StockRow[]; nextCursor: string | null }> {
      const { product, location, locations, none } = await resolveFilters(db, q)
      if (none) return { data: [], nextCursor: null }
      let query = db.selectFrom('stockLevels').selectAll().orderBy('id').limit(q.limit + 1)
      if (product) query = query.where('productId', '=', product.id)
      if (location) query = query.where('locationId', '=', location.id)
      const after = decodeCursor(q.cursor)
      if (after) query = query.where('id', '>', after)
      const rows = await query.execute()
      const page = toPage(rows, q.limit, (r) => r.id)
      const byId = await d.catalog.findByIds(db, [...new Set(page.data.map((r) => r.productId))])
      const locCode = new Map(locations.map((l) => [l.id, l.code]))
      return { data: page.data.map((r) => toRow(r, byId.get(r.productId)?.sku ?? r.productId, locCode.get(r.locationId) ?? r.locationId)), nextCursor: page.nextCursor }
    },

    /** Units by bin and lot below one product's stock at a location. */
    async buckets(db: Db, sku: string, locationCode: string) {
      const { product, location } = await resolve(db, sku, locationCode)
      const rows = await db
        .selectFrom('stockBuckets')
        .select(['binCode', 'lot', 'expiresOn', 'onHand'])
        .where('productId', '=', product.id)
        .where('locationId', '=', location.id)
        .where('onHand', '>', 0)
        .orderBy('binCode')
        .orderBy('lot')
        .execute()
      return rows.map((r) => ({ bin: r.binCode || null, lot: r.lot || null, expiresOn: r.expiresOn, onHand: r.onHand }))
    },

    /**
     * Units on hand per bin and lot at one location (`''` = no bin / no lot), of these products or
     * every one, in one bin or all: what pick waves plan from and what fulfilment's staging check reads.
     */
    async bucketsAt(db: Db | Trx, locationId: string, filter: { productIds?: string[]; bin?: string } = {}) {
      const query = (productIds?: string[]) => {
        let q = db.selectFrom('stockBuckets').select(['productId', 'binCode', 'lot', 'expiresOn', 'onHand']).where('locationId', '=', locationId).where('onHand', '>', 0)
        if (productIds) q = q.where('productId', 'in', productIds)
        if (filter.bin !== undefined) q = q.where('binCode', '=', filter.bin)
        return q.execute()
      }
      if (!filter.productIds) return query()
      const unique = [...new Set(filter.productIds)]
      const rows: Awaited<ReturnType<typeof query>> = []
      for (let i = 0; i < unique.length; i += 500) rows.push(...(await query(unique.slice(i, i + 500))))
      return rows
    },

    async ledger(db: Db, q: { sku?: string; location?: string; kind?: LedgerKind; limit: number; cursor?: string }) {
      const { product, location, locations, none } = await resolveFilters(db, q)
      if (none) return { data: [], nextCursor: null }
      // Newest first: the ledger is read to answer "what happened to this stock lately".
      let query = db.selectFrom('stockLedger').selectAll().orderBy('id', 'desc').limit(q.limit + 1)
      if (product) query = query.where('productId', '=', product.id)
      if (location) query = query.where('locationId', '=', location.id)
      if (q.kind) query = query.where('kind', '=', q.kind)
      const before = decodeCursor(q.cursor)
      if (before) query = query.where('id', '<', before)
      const rows = await query.execute()
      const page = toPage(rows, q.limit, (r) => r.id)
      const byId = await d.catalog.findByIds(db, [...new Set(page.data.map((r) => r.productId))])
      const locCode = new Map(locations.map((l) => [l.id, l.code]))
      return {
        data: page.data.map((r) => ({
          id: r.id,
          sku: byId.get(r.productId)?.sku ?? r.productId,
          location: locCode.get(r.locationId) ?? r.locationId,
          kind: r.kind,
          onHandDelta: r.onHandDelta,
          reservedDelta: r.reservedDelta,
          bin: r.binCode,
          lot: r.lot,
          refType: r.refType,
          refId: r.refId,
          reason: r.reason,
          actor: r.actor,
          createdAt: r.createdAt,
        })),
        nextCursor: page.nextCursor,
      }
    },

    async setReorder(trx: Trx, ctx: Ctx, input: ReorderBody): Promise<StockRow> {
      const { product, location } = await resolve(trx, input.sku, input.location)
      const at = ctx.clock.now().toISOString()
      await ensureStockRows(trx, [{ productId: product.id, locationId: location.id }], at)
      await trx
        .updateTable('stockLevels')
        .set({ reorderPoint: input.reorderPoint, reorderQuantity: input.reorderQuantity, updatedAt: at })
        .where('productId', '=', product.id)
        .where('locationId', '=', location.id)
        .execute()
      await recordEvent(trx, ctx, {
        type: 'inventory.reorder_point_set',
        entity: 'stock',
        entityId: `${product.sku}@${location.code}`,
        data: { sku: product.sku, location: location.code, reorderPoint: input.reorderPoint, reorderQuantity: input.reorderQuantity },
      })
      return stockRow(trx, product, location)
    },

    /** Stock at or below its reorder point, with what to order to get back above it. */
    async lowStock(db: Db, q: { location?: string }) {
      const locations = await d.locations.listAll(db)
      const location = q.location ? locations.find((l) => l.code === q.location) : undefined
      if (q.location && !location) return []
      let query = db
        .selectFrom('stockLevels')
        .selectAll()
        .where('reorderPoint', 'is not', null)
        .where((eb) => eb(eb('onHand', '-', eb.ref('reserved')), '<=', eb.ref('reorderPoint')))
        .orderBy(sql`reorder_point - (on_hand - reserved)`, 'desc')
        .limit(1000)
      if (location) query = query.where('locationId', '=', location.id)
      const rows = await query.execute()
      const byId = await d.catalog.findByIds(db, [...new Set(rows.map((r) => r.productId))])
      const locCode = new Map(locations.map((l) => [l.id, l.code]))
      return rows.map((r) => {
        const row = toRow(r, byId.get(r.productId)?.sku ?? r.productId, locCode.get(r.locationId) ?? r.locationId)
        const shortfall = Math.max(0, r.reorderPoint! - row.available)
        return { ...row, shortfall, suggestedOrderQuantity: Math.max(r.reorderQuantity ?? 0, shortfall + 1) }
      })
    },

    /** Proves the stock rows: each equals the sum of its ledger, and its bins/lots add up to it. */
    async check(db: Db): Promise<{ problems: string[]; stockRows: number; ledgerRows: number }> {
      const problems: string[] = []
      const levels = await db.selectFrom('stockLevels').select(['productId', 'locationId', 'onHand', 'reserved']).execute()
      const ledger = await db
        .selectFrom('stockLedger')
        .select((eb) => ['productId', 'locationId', eb.fn.sum<number>('onHandDelta').as('onHand'), eb.fn.sum<number>('reservedDelta').as('reserved'), eb.fn.countAll<number>().as('n')])
        .groupBy(['productId', 'locationId'])
        .execute()
      const buckets = await db
        .selectFrom('stockBuckets')
        .select((eb) => ['productId', 'locationId', eb.fn.sum<number>('onHand').as('onHand'), eb.fn.min<number>('onHand').as('lowest')])
        .groupBy(['productId', 'locationId'])
        .execute()
      const sums = new Map(ledger.map((l) => [stockKey(l.productId, l.locationId), l]))
      const bucketSums = new Map(buckets.map((b) => [stockKey(b.productId, b.locationId), b]))
      for (const s of levels) {
        const k = stockKey(s.productId, s.locationId)
        const l = sums.get(k)
        const b = bucketSums.get(k)
        if (Number(l?.onHand ?? 0) !== s.onHand || Number(l?.reserved ?? 0) !== s.reserved) {
          problems.push(`stock ${k}: row says onHand ${s.onHand}/reserved ${s.reserved}, ledger sums to ${Number(l?.onHand ?? 0)}/${Number(l?.reserved ?? 0)}`)
        }
        if (Number(b?.onHand ?? 0) !== s.onHand) problems.push(`stock ${k}: onHand ${s.onHand} but its bins/lots hold ${Number(b?.onHand ?? 0)}`)
        if (b && Number(b.lowest) < 0) problems.push(`stock ${k}: a bin/lot holds a negative quantity`)
        if (s.reserved < 0 || s.onHand < s.reserved) problems.push(`stock ${k}: reserved ${s.reserved} outside 0…onHand ${s.onHand}`)
        sums.delete(k)
      }
      for (const k of sums.keys()) problems.push(`ledger ${k}: movements without a stock row`)
      return { problems, stockRows: levels.length, ledgerRows: ledger.reduce((n, l) => n + Number(l.n), 0) }
    },

    /** Reserved units per product@location, for the cross-check against open order lines. */
    async reservedByStock(db: Db): Promise<Map<string, number>> {
      const rows = await db.selectFrom('stockLevels').select(['productId', 'locationId', 'reserved']).where('reserved', '>', 0).execute()
      return new Map(rows.map((r) => [stockKey(r.productId, r.locationId), r.reserved]))
    },
  }
}

type StockChange = { quantity: number; at: string; productId: string; locationId: string }

/** Reserves units only while enough are available: the guard that keeps stock from being oversold (checked by its row count). */
const reserveUnits = compiledQuery((db, p: StockChange) =>
  db
    .updateTable('stockLevels')
    .set((eb) => ({ reserved: eb('reserved', '+', p.quantity), updatedAt: p.at }))
    .where('productId', '=', p.productId)
    .where('locationId', '=', p.locationId)
    .where((eb) => eb(eb('onHand', '-', eb.ref('reserved')), '>=', p.quantity)),
)

const releaseUnits = compiledQuery((db, p: StockChange) =>
  db
    .updateTable('stockLevels')
    .set((eb) => ({ reserved: eb('reserved', '-', p.quantity), updatedAt: p.at }))
    .where('productId', '=', p.productId)
    .where('locationId', '=', p.locationId)
    .where('reserved', '>=', p.quantity),
)

function ledgerRow(ctx: Ctx, at: string, it: Reservation, kind: LedgerKind, reservedDelta: number) {
  return {
    id: newId('led'),
    productId: it.productId,
    locationId: it.locationId,
    kind,
    onHandDelta: 0,
    reservedDelta,
    binCode: null,
    lot: null,
    refType: it.refType,
    refId: it.refId,
    reason: it.reason ?? null,
    actor: actorLabel(ctx.actor),
    createdAt: at,
  }
}

export type InventoryService = ReturnType<typeof createInventoryService>
export { stockKey }
