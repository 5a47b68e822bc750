/**
 * Pick waves and picking by scan: a picklist per wave, every scan checked against it (wrong bin,
 * wrong item, over-pick refused and counted), short picks written off and routed again.
 */
import { PostgresAdapter, sql, type Selectable } from 'kysely'
import type { Db } from '../../db/connection.js'
import type { Trx } from '../../db/transaction.js'
import { actorLabel, type Ctx } from '../../kernel/context.js'
import { AppError, invalid, notFound, type FieldError } from '../../kernel/errors.js'
import { recordEvents, type NewEvent } from '../../kernel/events.js'
import { findIdempotent, hashRequest, saveIdempotent } from '../../kernel/idempotency.js'
import { newId } from '../../kernel/ids.js'
import { nextNumber } from '../../kernel/numbers.js'
import { decodeCursor, toPage } from '../../kernel/pagination.js'
import type { Product } from '../catalog/index.js'
import type { Movement } from '../inventory/index.js'
import type { PicklistDoc } from '../documents/index.js'
import {
  addLots,
  addUnits,
  foEvent,
  headerOf,
  STAGING_BIN,
  saveFos,
  transition,
  withLines,
  type Fo,
  type FoRow,
  type FulfillmentDeps,
  type NewUnits,
} from './fulfillment-orders.js'
import { picklistMachine, type FulfillmentOrderStatus, type PicklistStatus } from './machine.js'
import { planPickWave, type BinStock, type WaveFulfillmentOrder } from './pick-wave.js'
import type { LineUnits } from './ports.js'
import type { Accuracy, AccuracyQuery, CreatePicklistBody, Picklist, PicklistLine, PicklistListQuery, PicklistSummary, ScanBody, ShortBody } from './schema.js'
import type { PicklistLinesTable, PicklistsTable } from './tables.js'

/** Units of a picklist line promised to one fulfilment order line, and what became of them. */
export interface PickAllocation {
  fulfillmentOrderId: string
  lineId: string
  quantity: number
  picked: number
  short: number
}

type PicklistRow = Selectable<PicklistsTable>
type PicklistLineRow = Selectable<PicklistLinesTable>

/** A picklist being worked on; every change bumps its version, guarded by the one read. */
export interface Pl {
  row: PicklistRow
  lines: PicklistLineRow[]
  loaded: { version: number; row: string; lines: Map<string, string> }
}

const snapshotPl = (row: PicklistRow, lines: PicklistLineRow[]): Pl['loaded'] => ({ version: row.version, row: JSON.stringify(row), lines: new Map(lines.map((l) => [l.id, JSON.stringify(l)])) })
const remainingOf = (l: Pick<PicklistLineRow, 'quantity' | 'pickedQty' | 'shortQty'>) => l.quantity - l.pickedQty - l.shortQty
const allocationsOf = (l: PicklistLineRow) => JSON.parse(l.allocations) as PickAllocation[]
const freeOf = (a: PickAllocation) => a.quantity - a.picked - a.short
const plSnapshot = (pl: Pl) => ({ pickedQty: pl.lines.reduce((s, l) => s + l.pickedQty, 0) })
const binLabel = (bin: string) => (bin ? `bin ${bin}` : 'the unbinned stock')
/** Bins with no pick sequence (and unbinned stock) come last on the walk. */
const LAST_ON_PATH = 2_147_483_647

export async function loadPicklist(db: Db | Trx, ref: string): Promise<Pl> {
  const row = await db
    .selectFrom('picklists')
    .selectAll()
    .where((eb) => eb.or([eb('id', '=', ref), eb('number', '=', ref)]))
    .executeTakeFirst()
  if (!row) throw notFound('picklist', ref)
  const lines = await db.selectFrom('picklistLines').selectAll().where('picklistId', '=', row.id).orderBy('seq').execute()
  return { row, lines, loaded: snapshotPl(row, lines) }
}

export async function savePicklist(trx: Trx, pl: Pl, at: string): Promise<void> {
  const changed = pl.lines.filter((l) => pl.loaded.lines.get(l.id) !== JSON.stringify(l))
  if (!changed.length && JSON.stringify(pl.row) === pl.loaded.row) return
  pl.row.version = pl.loaded.version + 1
  pl.row.updatedAt = at
  const { id, ...fields } = pl.row
  const r = await trx.updateTable('picklists').set(fields).where('id', '=', id).where('version', '=', pl.loaded.version).executeTakeFirst()
  if (Number(r.numUpdatedRows) !== 1) throw new AppError(409, 'picklist.version_conflict', `Picklist ${pl.row.number} was changed at the same time; scan again.`)
  for (const l of changed) {
    const { id: lineId, ...lineFields } = l
    await trx.updateTable('picklistLines').set(lineFields).where('id', '=', lineId).execute()
  }
  pl.loaded = snapshotPl(pl.row, pl.lines)
}

/** Takes unpicked units of a fulfilment order line off its picklist (the order no longer wants them from here). */
export function releaseFromPicklist(pl: Pl, foLineId: string, quantity: number): number {
  let left = quantity
  for (const line of [...pl.lines].reverse()) {
    const allocations = allocationsOf(line)
    for (const a of allocations) {
      if (left === 0 || a.lineId !== foLineId) continue
      const take = Math.min(freeOf(a), left)
      a.quantity -= take
      line.quantity -= take
      left -= take
    }
    line.allocations = JSON.stringify(allocations)
  }
  return quantity - left
}

export function createPicking(d: FulfillmentDeps) {
  async function locationByCode(db: Db | Trx, code: string, path = 'location') {
    const location = (await d.locations.listAll(db)).find((l) => l.code === code)
    if (!location) throw invalid('picklist.unknown_location', `There is no location "${code}".`, [{ path, message: `unknown location "${code}"` }])
    return location
  }

  async function accuracyOf(db: Db | Trx, filter: { picklistId?: string; locationId?: string; from?: string; to?: string }): Promise<Accuracy> {
    let q = db.selectFrom('pickScans').select((eb) => ['outcome', eb.fn.countAll<number>().as('n')]).groupBy('outcome')
    if (filter.picklistId) q = q.where('picklistId', '=', filter.picklistId)
    if (filter.locationId) q = q.where('locationId', '=', filter.locationId)
    if (filter.from) q = q.where('createdAt', '>=', filter.from)
    if (filter.to) q = q.where('createdAt', '<=', filter.to)
    const counts = new Map((await q.execute()).map((r) => [r.outcome, Number(r.n)]))
    const n = (k: string) => counts.get(k) ?? 0
    const scans = [...counts.values()].reduce((s, x) => s + x, 0)
    return { scans, accepted: n('accepted'), wrongBin: n('wrong_bin'), wrongItem: n('wrong_item'), overPick: n('over_pick'), short: n('short'), accuracy: scans ? n('accepted') / scans : null }
  }

  const progressOf = (lines: PicklistLineRow[]) => {
    const units = lines.reduce((s, l) => s + l.quantity, 0)
    const picked = lines.reduce((s, l) => s + l.pickedQty, 0)
    const short = lines.reduce((s, l) => s + l.shortQty, 0)
    return { units, picked, short, remaining: units - picked - short }
  }

  function summaryOf(pl: Pick<Pl, 'row' | 'lines'>, locationCode: string): PicklistSummary {
    const r = pl.row
    return {
      id: r.id,
      number: r.number,
      location: locationCode,
      status: r.status as PicklistStatus,
      limits: { maxOrders: r.maxOrders, cartCapacityUnits: r.cartCapacityUnits, cartCapacityLitres: r.cartCapacityLitres },
      progress: progressOf(pl.lines),
      allowedActions: picklistMachine.allowed(r.status as PicklistStatus, { pickedQty: pl.lines.reduce((s, l) => s + l.pickedQty, 0) }),
      createdBy: r.createdBy,
      version: r.version,
      createdAt: r.createdAt,
      startedAt: r.startedAt,
      completedAt: r.completedAt,
      cancelledAt: r.cancelledAt,
    }
  }

  type FoRef = Pick<FoRow, 'id' | 'number' | 'orderNumber' | 'status'>

  function lineOf(l: PicklistLineRow, products: Map<string, Product>, fos: Map<string, FoRef>): PicklistLine {
    const p = products.get(l.productId)
    return {
      id: l.id,
      seq: l.seq,
      bin: l.binCode || null,
      zone: l.zone,
      sku: l.sku,
      name: p?.name ?? l.sku,
      barcode: p?.barcodes[0] ?? l.sku,
      lot: l.lot || null,
      expiresOn: l.expiresOn,
      quantity: l.quantity,
      pickedQuantity: l.pickedQty,
      shortQuantity: l.shortQty,
      remainingQuantity: remainingOf(l),
      orders: allocationsOf(l).map((a) => ({
        fulfillmentOrderId: a.fulfillmentOrderId,
        fulfillmentNumber: fos.get(a.fulfillmentOrderId)?.number ?? a.fulfillmentOrderId,
        orderNumber: fos.get(a.fulfillmentOrderId)?.orderNumber ?? '',
        quantity: a.quantity,
        pickedQuantity: a.picked,
        shortQuantity: a.short,
      })),
    }
  }

  /** Everything a picklist response needs beside its rows: location, products, fulfilment orders, scans. */
  async function refsOf(db: Db | Trx, pl: Pick<Pl, 'row' | 'lines'>) {
    const foIds = [...new Set(pl.lines.flatMap((l) => allocationsOf(l).map((a) => a.fulfillmentOrderId)))]
    const foRows: FoRef[] = []
    for (let i = 0; i < foIds.length; i += 500) {
      foRows.push(...(await db.selectFrom('fulfillmentOrders').select(['id', 'number', 'orderNumber', 'status']).where('id', 'in', foIds.slice(i, i + 500)).execute()))
    }
    const [locations, products, accuracy] = await Promise.all([
      d.locations.listAll(db),
      d.catalog.findByIds(
        db,
        pl.lines.map((l) => l.productId),
      ),
      accuracyOf(db, { picklistId: pl.row.id }),
    ])
    const fos = new Map(foRows.map((f) => [f.id, f]))
    const order = new Map(foIds.map((id, i) => [id, i]))
    return {
      locationCode: locations.find((l) => l.id === pl.row.locationId)?.code ?? pl.row.locationId,
      location: locations.find((l) => l.id === pl.row.locationId),
      products,
      fos,
      foList: foRows.sort((a, b) => order.get(a.id)! - order.get(b.id)!),
      accuracy,
    }
  }

  async function shape(db: Db | Trx, pl: Pick<Pl, 'row' | 'lines'>): Promise<Picklist> {
    const refs = await refsOf(db, pl)
    return {
      ...summaryOf(pl, refs.locationCode),
      fulfillmentOrders: refs.foList.map((f) => ({ id: f.id, number: f.number, orderNumber: f.orderNumber, status: f.status as FulfillmentOrderStatus })),
      lines: pl.lines.map((l) => lineOf(l, refs.products, refs.fos)),
      accuracy: refs.accuracy,
    }
  }

  const fosById = async (trx: Trx, ids: string[]) => {
    const rows: FoRow[] = []
    const unique = [...new Set(ids)]
    for (let i = 0; i < unique.length; i += 500) rows.push(...(await trx.selectFrom('fulfillmentOrders').selectAll().where('id', 'in', unique.slice(i, i + 500)).execute()))
    return new Map((await withLines(trx, rows)).map((f) => [f.row.id, f]))
  }

  /** Picked units per order, as order management counts them. */
  const pickedByOrder = () => {
    const m = new Map<string, LineUnits[]>()
    return {
      add(f: Fo, orderLineId: string, quantity: number) {
        const list = m.get(f.row.orderId) ?? []
        const found = list.find((u) => u.orderLineId === orderLineId && u.locationId === f.row.locationId)
        if (found) found.quantity += quantity
        else list.push({ orderLineId, locationId: f.row.locationId, quantity })
        m.set(f.row.orderId, list)
      },
      entries: () => [...m],
    }
  }

  /**
   * Takes `quantity` units of a picklist line: the allocations in wave order, the fulfilment order
   * lines, and the stock movement from the bin to staging (+ first, so on-hand never dips below
   * what is reserved in between).
   */
  function pickUnits(pl: Pl, line: PicklistLineRow, quantity: number, fos: Map<string, Fo>, picked: ReturnType<typeof pickedByOrder>): Movement[] {
    const allocations = allocationsOf(line)
    let left = quantity
    for (const a of allocations) {
      const take = Math.min(freeOf(a), left)
      if (take <= 0) continue
      a.picked += take
      left -= take
      const f = fos.get(a.fulfillmentOrderId)!
      const foLine = f.lines.find((l) => l.id === a.lineId)!
      foLine.pickedQty += take
      foLine.stagedLots = addLots(foLine.stagedLots, [{ lot: line.lot, expiresOn: line.expiresOn, quantity: take }])
      picked.add(f, foLine.orderLineId, take)
    }
    if (left > 0) throw new Error(`picklist line ${line.id} has no allocation for ${left} unit(s)`)
    line.allocations = JSON.stringify(allocations)
    line.pickedQty += quantity
    const common = { productId: line.productId, locationId: pl.row.locationId, kind: 'pick' as const, lot: line.lot || null, refType: 'picklist', refId: pl.row.id }
    return [
      { ...common, delta: quantity, bin: STAGING_BIN, expiresOn: line.expiresOn, reason: `picked on ${pl.row.number}` },
      { ...common, delta: -quantity, bin: line.binCode || null, reason: `picked on ${pl.row.number}` },
    ]
  }

  /** After picks or shorts: fulfilment orders with nothing left to pick are picked (or cancelled when nothing was found). */
  function settleFos(pl: Pl, fos: Iterable<Fo>, at: string, events: NewEvent[]) {
    for (const f of fos) {
      if (f.row.status !== 'picking' || f.row.picklistId !== pl.row.id) continue
      if (f.lines.some((l) => l.quantity > l.pickedQty)) continue
      if (f.lines.every((l) => l.pickedQty === 0)) {
        const t = transition(f, 'cancel', [], at)
        f.row.cancelReason = `nothing found on ${pl.row.number}`
        events.push(foEvent(f, 'fulfillment.cancelled', { ...t, reason: f.row.cancelReason }))
      } else {
        const t = transition(f, 'finishPicking', [], at)
        events.push(foEvent(f, 'fulfillment.picked', { ...t, data: { picklist: pl.row.number, lines: f.lines.map((l) => ({ sku: l.sku, picked: l.pickedQty, short: l.shortQty })) } }))
      }
    }
  }

  /** Picklist state after a scan or short: started, and completed once nothing is left. */
  function advancePicklist(pl: Pl, at: string, events: NewEvent[]) {
    if (pl.row.status === 'open') {
      pl.row.status = picklistMachine.next('open', 'scan', plSnapshot(pl))
      pl.row.startedAt = at
      events.push({ type: 'picklist.started', entity: 'picklist', entityId: pl.row.id, from: 'open', to: 'in_progress', data: { number: pl.row.number } })
    }
    if (pl.lines.every((l) => remainingOf(l) === 0)) {
      const from = pl.row.status
      pl.row.status = picklistMachine.next(from as PicklistStatus, 'complete', plSnapshot(pl))
      pl.row.completedAt = at
      events.push({ type: 'picklist.completed', entity: 'picklist', entityId: pl.row.id, from, to: 'completed', data: { number: pl.row.number, progress: progressOf(pl.lines) } })
    }
  }

  const scanRow = (ctx: Ctx, pl: Pl, s: { lineId: string | null; bin: string; barcode: string; productId: string | null; quantity: number; outcome: string; detail: string | null }, at: string) => ({
    id: newId('scn'),
    picklistId: pl.row.id,
    picklistLineId: s.lineId,
    locationId: pl.row.locationId,
    binCode: s.bin,
    barcode: s.barcode,
    productId: s.productId,
    quantity: s.quantity,
    outcome: s.outcome,
    detail: s.detail,
    actor: actorLabel(ctx.actor),
    createdAt: at,
  })

  async function productOf(db: Db | Trx, barcode: string) {
    return (await d.catalog.findByBarcode(db, barcode)) ?? (await d.catalog.findBySkus(db, [barcode])).get(barcode)
  }

  async function reportPicked(trx: Trx, ctx: Ctx, picked: ReturnType<typeof pickedByOrder>) {
    for (const [orderId, lines] of picked.entries()) await d.orders().picked(trx, ctx, orderId, lines)
  }

  return {
    /**
     * Plans a pick wave at a location from its open, unheld fulfilment orders (or the ones named)
     * and writes it as a picklist: the orders go to `picking`, the lines walk the bins once.
     */
    async createPicklist(trx: Trx, ctx: Ctx, input: CreatePicklistBody, opts: { idempotencyKey?: string } = {}) {
      const requestHash = opts.idempotencyKey ? hashRequest(input) : ''
      if (opts.idempotencyKey) {
        const existing = await findIdempotent(trx, ctx.actor.id, opts.idempotencyKey, requestHash, 'picklist')
        if (existing) return { picklist: { ...(await shape(trx, await loadPicklist(trx, existing))), deferred: [] }, replayed: true }
      }
      const location = await locationByCode(trx, input.location)
      // Two waves planned at once would promise the same bin units twice (PostgreSQL; SQLite runs one writer).
      if (trx.getExecutor().adapter instanceof PostgresAdapter) await sql`select pg_advisory_xact_lock(hashtext(${`picklist:${location.id}`}))`.execute(trx)
      let rows: FoRow[]
      if (input.fulfillmentOrders) {
        const refs = input.fulfillmentOrders
        rows = await trx
          .selectFrom('fulfillmentOrders')
          .selectAll()
          .where((eb) => eb.or([eb('id', 'in', refs), eb('number', 'in', refs)]))
          .execute()
        const errors: FieldError[] = []
        refs.forEach((ref, i) => {
          const r = rows.find((x) => x.id === ref || x.number === ref)
          const why = !r ? 'unknown fulfilment order' : r.locationId !== location.id ? `ships from another location` : r.status !== 'open' ? `is ${r.status}` : r.held ? 'is held' : null
          if (why) errors.push({ path: `fulfillmentOrders.${i}`, message: `${ref} ${why}` })
        })
        if (errors.length) throw invalid('picklist.not_pickable', `Only open, unheld fulfilment orders of ${location.code} can be picked: ${errors.map((e) => e.message).join('; ')}.`, errors)
      } else {
        rows = await trx.selectFrom('fulfillmentOrders').selectAll().where('locationId', '=', location.id).where('status', '=', 'open').where('held', '=', 0).execute()
      }
      const fos = await withLines(trx, rows)
      const foById = new Map(fos.map((f) => [f.row.id, f]))
      const productIds = [...new Set(fos.flatMap((f) => f.lines.map((l) => l.productId)))]
      // Units already promised to open picklists are not there for this one. Read before the buckets,
      // so a pick committed in between makes this wave see less, never more.
      const planned = await trx
        .selectFrom('picklistLines')
        .innerJoin('picklists', 'picklists.id', 'picklistLines.picklistId')
        .select((eb) => ['picklistLines.productId', 'picklistLines.binCode', 'picklistLines.lot', eb.fn.sum<number>(sql`picklist_lines.quantity - picklist_lines.picked_qty - picklist_lines.short_qty`).as('open')])
        .where('picklists.locationId', '=', location.id)
        .where('picklists.status', 'in', ['open', 'in_progress'])
        .groupBy(['picklistLines.productId', 'picklistLines.binCode', 'picklistLines.lot'])
        .execute()
      const [products, buckets, bins] = await Promise.all([d.catalog.findByIds(trx, productIds), d.inventory.bucketsAt(trx, location.id, { productIds }), d.locations.listBins(trx, location.code)])
      const binOf = new Map(bins.map((b) => [b.code, b]))
      const promised = new Map(planned.map((p) => [`${p.productId}|${p.binCode}|${p.lot}`, Number(p.open)]))
      const stock: BinStock[] = buckets
        .filter((b) => b.binCode !== STAGING_BIN)
        .map((b) => ({
          sku: b.productId,
          bin: b.binCode,
          lot: b.lot || null,
          expiresOn: b.expiresOn,
          onHand: b.onHand - (promised.get(`${b.productId}|${b.binCode}|${b.lot}`) ?? 0),
          pickSequence: binOf.get(b.binCode)?.pickSequence ?? LAST_ON_PATH,
        }))
      const litresOf = (p?: Product) => (p ? (p.lengthMm * p.widthMm * p.heightMm) / 1_000_000 : 0)
      let candidates: WaveFulfillmentOrder[] = fos.map((f) => ({
        id: f.row.id,
        // The order's priority: higher goes first; the planner releases lower numbers first.
        priority: -f.row.priority,
        promisedDate: f.row.promisedDate,
        lines: f.lines
          .filter((l) => l.quantity - l.pickedQty > 0)
          .map((l) => ({ lineId: l.id, sku: l.productId, quantity: l.quantity - l.pickedQty, lotTracked: products.get(l.productId)?.lotTracked ?? false, unitLitres: litresOf(products.get(l.productId)) })),
      }))
      const today = ctx.clock.now().toISOString().slice(0, 10)
      // A fulfilment order goes on the wave whole or not at all: one the bins cannot fill waits
      // (its units are in staging to be put away) and the wave is planned again without it.
      const notInBins: string[] = []
      let wave = planPickWave({ fulfillmentOrders: candidates, stock, maxOrders: input.maxOrders, cartCapacityUnits: input.cartCapacityUnits, cartCapacityLitres: input.cartCapacityLitres, today })
      while (wave.shortfalls.length) {
        const short = new Set(wave.shortfalls.map((s) => s.fulfillmentOrderId))
        notInBins.push(...short)
        candidates = candidates.filter((c) => !short.has(c.id))
        wave = planPickWave({ fulfillmentOrders: candidates, stock, maxOrders: input.maxOrders, cartCapacityUnits: input.cartCapacityUnits, cartCapacityLitres: input.cartCapacityLitres, today })
      }
      const deferred = [
        ...wave.deferred.map((x) => ({ fulfillmentNumber: foById.get(x.fulfillmentOrderId)!.row.number, reason: x.reason })),
        ...notInBins.map((id) => ({ fulfillmentNumber: foById.get(id)!.row.number, reason: 'not_in_bins' as const })),
      ]
      if (!wave.fulfillmentOrderIds.length) {
        const why = deferred.length ? `${deferred.length} open fulfilment order(s) wait: ${[...new Set(deferred.map((x) => x.reason))].join(', ')}` : 'no open, unheld fulfilment order'
        throw invalid('picklist.nothing_to_pick', `Nothing to pick at ${location.code}: ${why}.`, [{ path: input.fulfillmentOrders ? 'fulfillmentOrders' : 'location', message: why }])
      }

      const at = ctx.clock.now().toISOString()
      const row: PicklistRow = {
        id: newId('pl'),
        number: await nextNumber(trx, 'PL'),
        locationId: location.id,
        status: 'open',
        maxOrders: input.maxOrders ?? null,
        cartCapacityUnits: input.cartCapacityUnits ?? null,
        cartCapacityLitres: input.cartCapacityLitres ?? null,
        createdBy: actorLabel(ctx.actor),
        version: 1,
        createdAt: at,
        updatedAt: at,
        startedAt: null,
        completedAt: null,
        cancelledAt: null,
      }
      const lines: PicklistLineRow[] = wave.pickLines.map((p, i) => ({
        id: newId('pll'),
        picklistId: row.id,
        seq: i + 1,
        productId: p.sku,
        sku: products.get(p.sku)?.sku ?? p.sku,
        binCode: p.bin,
        zone: binOf.get(p.bin)?.zone ?? null,
        pickSequence: p.pickSequence,
        lot: p.lot ?? '',
        expiresOn: p.expiresOn,
        quantity: p.quantity,
        pickedQty: 0,
        shortQty: 0,
        allocations: JSON.stringify(p.orders.map((o): PickAllocation => ({ fulfillmentOrderId: o.fulfillmentOrderId, lineId: o.lineId, quantity: o.quantity, picked: 0, short: 0 }))),
      }))
      await trx.insertInto('picklists').values(row).execute()
      for (let i = 0; i < lines.length; i += 500) await trx.insertInto('picklistLines').values(lines.slice(i, i + 500)).execute()
      // One statement moves the whole wave to picking; a changed order (count off) fails the wave.
      const released = wave.fulfillmentOrderIds
      let moved = 0
      for (let i = 0; i < released.length; i += 500) {
        const part = released.slice(i, i + 500)
        const r = await trx
          .updateTable('fulfillmentOrders')
          .set((eb) => ({ status: 'picking', picklistId: row.id, pickingStartedAt: at, updatedAt: at, version: eb('version', '+', 1) }))
          .where('id', 'in', part)
          .where('status', '=', 'open')
          .where('held', '=', 0)
          .executeTakeFirst()
        moved += Number(r.numUpdatedRows)
      }
      if (moved !== released.length) throw new AppError(409, 'fulfillment.version_conflict', 'Fulfilment orders changed while the wave was planned; plan it again.')
      for (const id of released) Object.assign(foById.get(id)!.row, { status: 'picking', picklistId: row.id, pickingStartedAt: at })
      const events: NewEvent[] = [
        { type: 'picklist.created', entity: 'picklist', entityId: row.id, to: 'open', data: { number: row.number, location: location.code, fulfillmentOrders: released.length, lines: lines.length, units: progressOf(lines).units } },
        ...released.map((id) => foEvent(foById.get(id)!, 'fulfillment.picking_started', { from: 'open', to: 'picking', data: { picklist: row.number } })),
      ]
      // In parts: one insert of thousands of rows would pass PostgreSQL's limit of bound parameters.
      for (let i = 0; i < events.length; i += 1000) await recordEvents(trx, ctx, events.slice(i, i + 1000))
      if (opts.idempotencyKey) await saveIdempotent(trx, ctx.actor.id, opts.idempotencyKey, requestHash, 'picklist', row.id, at)
      const refs = new Map(fos.map((f) => [f.row.id, f.row]))
      const picklist = {
        ...summaryOf({ row, lines }, location.code),
        fulfillmentOrders: released.map((id) => ({ id, number: refs.get(id)!.number, orderNumber: refs.get(id)!.orderNumber, status: 'picking' as const })),
        lines: lines.map((l) => lineOf(l, products, refs)),
        accuracy: { scans: 0, accepted: 0, wrongBin: 0, wrongItem: 0, overPick: 0, short: 0, accuracy: null },
        deferred,
      }
      return { picklist, replayed: false }
    },

    async listPicklists(db: Db, q: PicklistListQuery): Promise<{ data: PicklistSummary[]; nextCursor: string | null }> {
      const locations = await d.locations.listAll(db)
      let query = db.selectFrom('picklists').selectAll().orderBy('id', 'desc').limit(q.limit + 1)
      if (q.location) {
        const loc = locations.find((l) => l.code === q.location)
        if (!loc) return { data: [], nextCursor: null }
        query = query.where('locationId', '=', loc.id)
      }
      if (q.status) query = query.where('status', '=', q.status)
      const before = decodeCursor(q.cursor)
      if (before) query = query.where('id', '<', before)
      const page = toPage(await query.execute(), q.limit, (r) => r.id)
      const ids = page.data.map((r) => r.id)
      const lines = ids.length ? await db.selectFrom('picklistLines').selectAll().where('picklistId', 'in', ids).execute() : []
      const code = new Map(locations.map((l) => [l.id, l.code]))
      return { data: page.data.map((row) => summaryOf({ row, lines: lines.filter((l) => l.picklistId === row.id) }, code.get(row.locationId) ?? row.locationId)), nextCursor: page.nextCursor }
    },

    async getPicklist(db: Db | Trx, ref: string): Promise<Picklist> {
      return shape(db, await loadPicklist(db, ref))
    },

    /** The printable picklist: walk order, a barcode per bin and item, where the units go. */
    async picklistDoc(db: Db, ref: string): Promise<PicklistDoc> {
      const pl = await loadPicklist(db, ref)
      const refs = await refsOf(db, pl)
      return {
        number: pl.row.number,
        location: { code: refs.locationCode, name: refs.location?.name ?? refs.locationCode },
        createdAt: pl.row.createdAt,
        assignee: pl.row.createdBy,
        lines: pl.lines.map((l) => {
          const line = lineOf(l, refs.products, refs.fos)
          return {
            seq: l.seq,
            binCode: line.bin,
            zone: l.zone,
            sku: l.sku,
            name: line.name,
            barcode: line.barcode,
            lot: line.lot,
            expiresOn: l.expiresOn,
            quantity: l.quantity,
            orders: line.orders.map((o) => ({ number: o.fulfillmentNumber, quantity: o.quantity })),
          }
        }),
        fulfillmentOrders: refs.foList.map((f) => ({ number: f.number, orderNumber: f.orderNumber })),
      }
    },

    /**
     * One scan: the bin and the item are checked against the picklist. A wrong bin, a wrong item or
     * more units than are left is refused (and counted); the caller commits the refusal and
     * answers 422 with `error`. An accepted scan moves the units from the bin to staging.
     */
    async scan(trx: Trx, ctx: Ctx, ref: string, input: ScanBody) {
      const pl = await loadPicklist(trx, ref)
      picklistMachine.next(pl.row.status as PicklistStatus, 'scan', plSnapshot(pl))
      const at = ctx.clock.now().toISOString()
      const product = await productOf(trx, input.barcode)
      const bin = input.bin ?? ''
      const open = pl.lines.filter((l) => remainingOf(l) > 0)
      const here = open.filter((l) => l.binCode === bin && l.productId === product?.id)
      const left = here.reduce((s, l) => s + remainingOf(l), 0)
      let refusal: { outcome: string; code: string; path: string; detail: string } | null = null
      if (!here.length) {
        const elsewhere = product ? open.filter((l) => l.productId === product.id) : []
        const inBin = open.filter((l) => l.binCode === bin)
        if (elsewhere.length) {
          refusal = { outcome: 'wrong_bin', code: 'picking.wrong_bin', path: 'bin', detail: `Wrong bin: ${product!.sku} is to be picked from ${[...new Set(elsewhere.map((l) => binLabel(l.binCode)))].join(' or ')}, not ${binLabel(bin)}.` }
        } else if (product && pl.lines.some((l) => l.productId === product.id)) {
          refusal = { outcome: 'over_pick', code: 'picking.over_pick', path: 'quantity', detail: `Every unit of ${product.sku} on ${pl.row.number} is picked already.` }
        } else {
          const hint = inBin.length ? ` ${binLabel(bin)[0].toUpperCase()}${binLabel(bin).slice(1)} holds ${[...new Set(inBin.map((l) => l.sku))].join(', ')} for this picklist.` : ''
          refusal = {
            outcome: 'wrong_item',
            code: 'picking.wrong_item',
            path: 'barcode',
            detail: product ? `Wrong item: ${product.sku} is not on picklist ${pl.row.number}.${hint}` : `Wrong item: "${input.barcode}" is no known barcode or SKU.${hint}`,
          }
        }
      } else if (left < input.quantity) {
        refusal = { outcome: 'over_pick', code: 'picking.over_pick', path: 'quantity', detail: `Only ${left} unit(s) of ${product!.sku} are left to pick from ${binLabel(bin)}, not ${input.quantity}.` }
      }
      if (refusal) {
        await trx
          .insertInto('pickScans')
          .values(scanRow(ctx, pl, { lineId: here[0]?.id ?? null, bin, barcode: input.barcode, productId: product?.id ?? null, quantity: input.quantity, outcome: refusal.outcome, detail: refusal.detail }, at))
          .execute()
        return { ok: false as const, error: invalid(refusal.code, refusal.detail, [{ path: refusal.path, message: refusal.detail }]) }
      }

      const fos = await fosById(
        trx,
        here.flatMap((l) => allocationsOf(l).map((a) => a.fulfillmentOrderId)),
      )
      const picked = pickedByOrder()
      const movements: Movement[] = []
      let need = input.quantity
      for (const line of here) {
        const take = Math.min(need, remainingOf(line))
        if (take <= 0) continue
        movements.push(...pickUnits(pl, line, take, fos, picked))
        need -= take
      }
      const events: NewEvent[] = []
      const before = new Map([...fos.values()].map((f) => [f.row.id, f.row.status]))
      settleFos(pl, fos.values(), at, events)
      advancePicklist(pl, at, events)
      await saveFos(trx, [...fos.values()], at)
      await savePicklist(trx, pl, at)
      await d.inventory.move(trx, ctx, movements)
      const scan = scanRow(ctx, pl, { lineId: here[0].id, bin, barcode: input.barcode, productId: product!.id, quantity: input.quantity, outcome: 'accepted', detail: null }, at)
      await trx.insertInto('pickScans').values(scan).execute()
      await recordEvents(trx, ctx, events)
      await reportPicked(trx, ctx, picked)
      const products = new Map([[product!.id, product!]])
      const refs = new Map([...fos.values()].map((f) => [f.row.id, f.row]))
      const line = here.find((l) => remainingOf(l) > 0) ?? here[here.length - 1]
      return {
        ok: true as const,
        result: {
          scan: { id: scan.id, outcome: 'accepted' as const, quantity: input.quantity, createdAt: at },
          line: lineOf(line, products, refs),
          remaining: { line: here.reduce((s, l) => s + remainingOf(l), 0), picklist: progressOf(pl.lines).remaining },
          picklistStatus: pl.row.status as PicklistStatus,
          picked: [...fos.values()].filter((f) => f.row.status === 'picked' && before.get(f.row.id) === 'picking').map((f) => ({ id: f.row.id, number: f.row.number })),
        },
      }
    },

    /**
     * The picker found fewer units than the line asks for. `found` counts the units of the line
     * found in all (scanned ones included); the rest is short: taken off the fulfilment orders
     * (last in wave order first), routed again by order management (else backordered), and written
     * off the bin's stock — in that order, so the write-off never takes another order's reservation.
     */
    async shortPick(trx: Trx, ctx: Ctx, ref: string, input: ShortBody) {
      const pl = await loadPicklist(trx, ref)
      picklistMachine.next(pl.row.status as PicklistStatus, 'scan', plSnapshot(pl))
      const at = ctx.clock.now().toISOString()
      let line: PicklistLineRow | undefined
      if (input.line) {
        line = pl.lines.find((l) => l.id === input.line || String(l.seq) === input.line)
        if (!line) throw invalid('picking.unknown_line', `Picklist ${pl.row.number} has no line "${input.line}".`, [{ path: 'line', message: 'not on this picklist' }])
      } else {
        const product = await productOf(trx, input.barcode!)
        line = pl.lines.find((l) => l.productId === product?.id && l.binCode === (input.bin ?? '') && remainingOf(l) > 0)
        if (!line) throw invalid('picking.unknown_line', `Nothing of "${input.barcode}" is left to pick from ${binLabel(input.bin ?? '')} on ${pl.row.number}.`, [{ path: 'barcode', message: 'no open line for this bin and item' }])
      }
      if (input.found < line.pickedQty) {
        throw invalid('picking.invalid_found', `${line.pickedQty} unit(s) of ${line.sku} were scanned already; found cannot be fewer.`, [{ path: 'found', message: `at least ${line.pickedQty}` }])
      }
      const extra = input.found - line.pickedQty
      const shortQty = remainingOf(line) - extra
      if (shortQty <= 0) {
        throw invalid('picking.not_short', `Line ${line.seq} asks for ${line.quantity - line.shortQty} unit(s) of ${line.sku}; finding ${input.found} is not short.`, [{ path: 'found', message: `fewer than ${line.quantity - line.shortQty}` }])
      }
      const fos = await fosById(
        trx,
        allocationsOf(line).map((a) => a.fulfillmentOrderId),
      )
      const picked = pickedByOrder()
      const movements = extra > 0 ? pickUnits(pl, line, extra, fos, picked) : []
      // What is still unpicked now is what was not there.
      const allocations = allocationsOf(line)
      const rerouted = new Map<string, { fo: Fo; units: LineUnits[] }>()
      const events: NewEvent[] = []
      for (const a of allocations) {
        const s = freeOf(a)
        if (s <= 0) continue
        a.short += s
        const f = fos.get(a.fulfillmentOrderId)!
        const foLine = f.lines.find((l) => l.id === a.lineId)!
        foLine.shortQty += s
        foLine.quantity -= s
        const entry = rerouted.get(f.row.orderId) ?? { fo: f, units: [] }
        entry.units.push({ orderLineId: foLine.orderLineId, locationId: f.row.locationId, quantity: s })
        rerouted.set(f.row.orderId, entry)
        events.push(foEvent(f, 'fulfillment.short_picked', { reason: `${s} × ${line.sku} not found in ${binLabel(line.binCode)}`, data: { picklist: pl.row.number, sku: line.sku, bin: line.binCode || null, lot: line.lot || null, quantity: s } }))
      }
      line.allocations = JSON.stringify(allocations)
      line.shortQty += shortQty
      settleFos(pl, fos.values(), at, events)
      advancePicklist(pl, at, events)
      await saveFos(trx, [...fos.values()], at)
      await savePicklist(trx, pl, at)
      if (movements.length) await d.inventory.move(trx, ctx, movements)
      const product = (await d.catalog.findByIds(trx, [line.productId])).get(line.productId)
      await trx
        .insertInto('pickScans')
        .values(scanRow(ctx, pl, { lineId: line.id, bin: line.binCode, barcode: input.barcode ?? product?.barcodes[0] ?? line.sku, productId: line.productId, quantity: shortQty, outcome: 'short', detail: `found ${input.found}` }, at))
        .execute()
      await recordEvents(trx, ctx, events)
      // Rerouted first: order management then sees fulfilment orders that match its allocations when it syncs.
      const reason = `short pick on ${pl.row.number}: not found in ${binLabel(line.binCode)}`
      for (const [orderId, r] of rerouted) await d.orders().reroute(trx, ctx, orderId, r.units, reason)
      await reportPicked(trx, ctx, picked)
      // The bin holds fewer units than the books say: write the difference off (never more than the books hold).
      const bucket = (await d.inventory.bucketsAt(trx, pl.row.locationId, { productIds: [line.productId], bin: line.binCode })).find((b) => b.binCode === line.binCode && b.lot === line.lot)
      const writtenOff = Math.min(shortQty, bucket?.onHand ?? 0)
      if (writtenOff > 0) {
        await d.inventory.move(trx, ctx, [
          { productId: line.productId, locationId: pl.row.locationId, kind: 'adjustment', delta: -writtenOff, bin: line.binCode || null, lot: line.lot || null, refType: 'picklist', refId: pl.row.id, reason },
        ])
      }
      const refs = new Map([...fos.values()].map((f) => [f.row.id, f.row]))
      return {
        line: lineOf(line, new Map(product ? [[product.id, product]] : []), refs),
        shortQuantity: shortQty,
        writtenOff,
        rerouted: [...rerouted.values()].flatMap((r) => r.units.map((u) => ({ fulfillmentNumber: r.fo.row.number, sku: line.sku, quantity: u.quantity }))),
        remaining: { line: remainingOf(line), picklist: progressOf(pl.lines).remaining },
        picklistStatus: pl.row.status as PicklistStatus,
      }
    },

    /**
     * Ends the walk. Fulfilment orders whose units were all picked are `picked`; units nobody
     * picked go back to an open fulfilment order of the same order and location for the next wave
     * (nothing is written off: only a short report says stock is missing).
     */
    async completePicklist(trx: Trx, ctx: Ctx, ref: string) {
      const pl = await loadPicklist(trx, ref)
      const from = pl.row.status as PicklistStatus
      pl.row.status = picklistMachine.next(from, 'complete', plSnapshot(pl))
      pl.row.completedAt = ctx.clock.now().toISOString()
      const at = pl.row.completedAt
      const onList = new Set(pl.lines.flatMap((l) => allocationsOf(l).map((a) => a.fulfillmentOrderId)))
      const orderIds = (await trx.selectFrom('fulfillmentOrders').select('orderId').distinct().where('picklistId', '=', pl.row.id).execute()).map((r) => r.orderId)
      const fos: Fo[] = []
      for (let i = 0; i < orderIds.length; i += 500) {
        fos.push(...(await withLines(trx, await trx.selectFrom('fulfillmentOrders').selectAll().where('orderId', 'in', orderIds.slice(i, i + 500)).orderBy('id').execute())))
      }
      const byId = new Map(fos.map((f) => [f.row.id, f]))
      const leftover = new Map<string, NewUnits[]>()
      for (const line of pl.lines) {
        for (const a of allocationsOf(line)) {
          const free = freeOf(a)
          if (free <= 0) continue
          const f = byId.get(a.fulfillmentOrderId)
          if (!f || f.row.status !== 'picking' || f.row.picklistId !== pl.row.id) continue
          const foLine = f.lines.find((l) => l.id === a.lineId)!
          leftover.set(f.row.id, [...(leftover.get(f.row.id) ?? []), { orderLineId: foLine.orderLineId, productId: foLine.productId, sku: foLine.sku, name: foLine.name, quantity: free }])
        }
      }
      const events: NewEvent[] = []
      const returned: { fulfillmentNumber: string; sku: string; quantity: number }[] = []
      for (const f of fos) {
        if (!onList.has(f.row.id) || f.row.status !== 'picking' || f.row.picklistId !== pl.row.id) continue
        const units = leftover.get(f.row.id) ?? []
        if (units.length && f.lines.every((l) => l.pickedQty === 0)) {
          // Nothing of it was picked: it simply waits for the next wave.
          const t = transition(f, 'returnToQueue', [], at)
          f.row.picklistId = null
          events.push(foEvent(f, 'fulfillment.returned_to_queue', { ...t, reason: `${pl.row.number} completed without it` }))
          returned.push(...units.map((u) => ({ fulfillmentNumber: f.row.number, sku: u.sku, quantity: u.quantity })))
          continue
        }
        for (const u of units) {
          const foLine = f.lines.find((l) => l.orderLineId === u.orderLineId)!
          foLine.quantity -= u.quantity
        }
        if (units.length) {
          const { fo, created } = await addUnits(trx, fos, headerOf(f.row), f.row.locationId, units, at)
          if (created) events.push(foEvent(fo, 'fulfillment.created', { to: 'open', reason: `units not picked on ${pl.row.number}`, data: { splitFrom: f.row.number, lines: units.map((u) => ({ sku: u.sku, quantity: u.quantity })) } }))
          else events.push(foEvent(fo, 'fulfillment.changed', { reason: `units not picked on ${pl.row.number}`, data: { added: units.map((u) => ({ sku: u.sku, quantity: u.quantity })) } }))
          returned.push(...units.map((u) => ({ fulfillmentNumber: fo.row.number, sku: u.sku, quantity: u.quantity })))
        }
      }
      settleFos(pl, fos, at, events)
      events.push({ type: 'picklist.completed', entity: 'picklist', entityId: pl.row.id, from, to: 'completed', data: { number: pl.row.number, progress: progressOf(pl.lines), returnedToQueue: returned.reduce((s, r) => s + r.quantity, 0) } })
      await saveFos(trx, fos, at)
      await savePicklist(trx, pl, at)
      await recordEvents(trx, ctx, events)
      return { ...(await shape(trx, pl)), returnedToQueue: returned }
    },

    /** Cancels a picklist nothing was picked from: its fulfilment orders go back to the queue. */
    async cancelPicklist(trx: Trx, ctx: Ctx, ref: string): Promise<Picklist> {
      const pl = await loadPicklist(trx, ref)
      const from = pl.row.status as PicklistStatus
      pl.row.status = picklistMachine.next(from, 'cancel', plSnapshot(pl))
      const at = ctx.clock.now().toISOString()
      pl.row.cancelledAt = at
      const fos = await withLines(trx, await trx.selectFrom('fulfillmentOrders').selectAll().where('picklistId', '=', pl.row.id).where('status', '=', 'picking').execute())
      const events: NewEvent[] = [{ type: 'picklist.cancelled', entity: 'picklist', entityId: pl.row.id, from, to: 'cancelled', data: { number: pl.row.number } }]
      for (const f of fos) {
        const t = transition(f, 'returnToQueue', [], at)
        f.row.picklistId = null
        events.push(foEvent(f, 'fulfillment.returned_to_queue', { ...t, reason: `${pl.row.number} cancelled` }))
      }
      await saveFos(trx, fos, at)
      await savePicklist(trx, pl, at)
      await recordEvents(trx, ctx, events)
      return shape(trx, pl)
    },

    /** Picking accuracy: accepted scans over all scans (wrong bin, wrong item, over-picks and shorts count against it). */
    async pickingAccuracy(db: Db, q: AccuracyQuery) {
      const location = q.location ? await locationByCode(db, q.location) : undefined
      const from = q.from ? new Date(q.from).toISOString() : undefined
      const to = q.to ? (q.to.length === 10 ? `${q.to}T23:59:59.999Z` : new Date(q.to).toISOString()) : undefined
      return { location: location?.code ?? null, from: from ?? null, to: to ?? null, ...(await accuracyOf(db, { locationId: location?.id, from, to })) }
    },
  }
}

export type Picking = ReturnType<typeof createPicking>
