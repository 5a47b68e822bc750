/**
 * Fulfilment orders as the use cases work on them: loaded with their lines, changed in memory,
 * then written back in one go (only what changed, guarded by the version that was read).
 */
import type { Selectable } from 'kysely'
import type { Db } from '../../db/connection.js'
import type { Trx } from '../../db/transaction.js'
import { compiledInsert } from '../../db/compiled.js'
import { writeBehind } from '../../db/write-behind.js'
import type { Address } from '../../kernel/address.js'
import { AppError, notFound } from '../../kernel/errors.js'
import type { NewEvent } from '../../kernel/events.js'
import { newId } from '../../kernel/ids.js'
import { nextNumber } from '../../kernel/numbers.js'
import type { CatalogService } from '../catalog/index.js'
import type { InventoryService } from '../inventory/index.js'
import type { LocationService } from '../locations/index.js'
import type { ShippingService } from '../shipping/index.js'
import { fulfillmentMachine, type FulfillmentOrderStatus, type FulfillmentSnapshot } from './machine.js'
import type { OrderPort } from './ports.js'
import type { FulfillmentOrder } from './schema.js'
import type { FulfillmentOrderLinesTable, FulfillmentOrdersTable, PackagesTable } from './tables.js'

/**
 * The staging bucket: picked units wait here (same location, this bin code) until they ship or
 * are put away. Bin codes start with a letter or digit, so no real bin can take this name, and
 * pick waves never plan from it.
 */
export const STAGING_BIN = '@PACK'

export interface FulfillmentDeps {
  catalog: CatalogService
  locations: LocationService
  inventory: InventoryService
  shipping: ShippingService
  orders: () => OrderPort
}

export type FoRow = Selectable<FulfillmentOrdersTable>
export type FoLineRow = Selectable<FulfillmentOrderLinesTable>
export type PackageRow = Selectable<PackagesTable>

/** Units of one lot in staging ('' = no lot). */
export interface StagedLot {
  lot: string
  expiresOn: string | null
  quantity: number
}

/** What one package holds of one fulfilment order line, with the lots (for recalls and for putting units back). */
export interface PackageContent {
  lineId: string
  orderLineId: string
  productId: string
  sku: string
  quantity: number
  lots: StagedLot[]
}

/** A fulfilment order being worked on; `loaded` is what was read (null for a new one). */
export interface Fo {
  row: FoRow
  lines: FoLineRow[]
  loaded: { version: number; row: string; lines: Map<string, string> } | null
}

/** The order's fields copied onto its fulfilment orders. */
export type FoHeader = Pick<FoRow, 'orderId' | 'orderNumber' | 'channelId' | 'held' | 'priority' | 'promisedDate' | 'shippingMethod' | 'shipTo' | 'email' | 'orderCreatedAt' | 'orderValue' | 'currency'>

export const headerOf = (r: FoRow): FoHeader => ({
  orderId: r.orderId,
  orderNumber: r.orderNumber,
  channelId: r.channelId,
  held: r.held,
  priority: r.priority,
  promisedDate: r.promisedDate,
  shippingMethod: r.shippingMethod,
  shipTo: r.shipTo,
  email: r.email,
  orderCreatedAt: r.orderCreatedAt,
  orderValue: r.orderValue,
  currency: r.currency,
})

const snapshotRows = (f: Pick<Fo, 'row' | 'lines'>): NonNullable<Fo['loaded']> => ({
  version: f.row.version,
  row: JSON.stringify(f.row),
  lines: new Map(f.lines.map((l) => [l.id, JSON.stringify(l)])),
})

export const tracked = (row: FoRow, lines: FoLineRow[]): Fo => ({ row, lines, loaded: snapshotRows({ row, lines }) })

/** Still to ship from this fulfilment order: the units not cancelled, not short and not shipped. */
export const openUnits = (l: FoLineRow) => l.quantity - l.shippedQty
export const isActive = (status: string) => status === 'open' || status === 'picking' || status === 'picked' || status === 'packed'

export function snapshotOf(f: Fo, packages: PackageRow[]): FulfillmentSnapshot {
  return {
    held: f.row.held === 1,
    unpackedQty: f.lines.reduce((s, l) => s + l.pickedQty - l.packedQty, 0),
    unshippedPackages: packages.filter((p) => p.fulfillmentOrderId === f.row.id && !p.shipmentId).length,
  }
}

/** Moves the fulfilment order through its machine (409 when illegal) and stamps the step's time. */
export function transition(f: Fo, command: Parameters<typeof fulfillmentMachine.next>[1], packages: PackageRow[], at: string): { from: FulfillmentOrderStatus; to: FulfillmentOrderStatus } {
  const from = f.row.status as FulfillmentOrderStatus
  const to = fulfillmentMachine.next(from, command, snapshotOf(f, packages))
  f.row.status = to
  if (from !== to) {
    if (to === 'picking') f.row.pickingStartedAt = at
    if (to === 'picked' && from === 'picking') f.row.pickedAt = at
    if (to === 'packed' && from === 'picked') f.row.packedAt = at
    if (to === 'shipped') f.row.shippedAt = at
    if (to === 'cancelled') f.row.cancelledAt = at
  }
  return { from, to }
}

export const foEvent = (f: Fo, type: string, e: Omit<NewEvent, 'type' | 'entity' | 'entityId' | 'orderId'> = {}): NewEvent => ({
  type,
  entity: 'fulfillment',
  entityId: f.row.id,
  orderId: f.row.orderId,
  ...e,
  data: { number: f.row.number, ...e.data },
})

// ---- staged lots ----------------------------------------------------------------------------

export const parseLots = (json: string): StagedLot[] => JSON.parse(json) as StagedLot[]

/** Earliest expiry first, undated and unlotted last: the order units leave staging in. */
const byExpiry = (a: StagedLot, b: StagedLot) =>
  (a.expiresOn ?? '9999') < (b.expiresOn ?? '9999') ? -1 : (a.expiresOn ?? '9999') > (b.expiresOn ?? '9999') ? 1 : a.lot < b.lot ? -1 : a.lot > b.lot ? 1 : 0

export function addLots(json: string, add: StagedLot[]): string {
  const lots = parseLots(json)
  for (const a of add) {
    if (a.quantity <= 0) continue
    const found = lots.find((l) => l.lot === a.lot)
    if (found) found.quantity += a.quantity
    else lots.push({ ...a })
  }
  return JSON.stringify(lots.sort(byExpiry))
}

/** Takes `quantity` units out of staging, first expiry first (or last, for units going back to a bin). */
export function takeLots(json: string, quantity: number, latestFirst = false): { taken: StagedLot[]; left: string } {
  const lots = parseLots(json).sort(byExpiry)
  if (latestFirst) lots.reverse()
  const taken: StagedLot[] = []
  let need = quantity
  for (const l of lots) {
    if (need === 0) break
    const q = Math.min(need, l.quantity)
    if (q <= 0) continue
    taken.push({ lot: l.lot, expiresOn: l.expiresOn, quantity: q })
    l.quantity -= q
    need -= q
  }
  // The books say these units are in staging: a mismatch is a bug, not a user error.
  if (need > 0) throw new Error(`staging holds ${quantity - need} of ${quantity} units for this line`)
  return { taken, left: JSON.stringify(lots.filter((l) => l.quantity > 0).sort(byExpiry)) }
}

// ---- loading and saving ---------------------------------------------------------------------

export async function withLines(db: Db | Trx, rows: FoRow[]): Promise<Fo[]> {
  if (!rows.length) return []
  const lines: FoLineRow[] = []
  const ids = rows.map((r) => r.id)
  for (let i = 0; i < ids.length; i += 500) {
    lines.push(...(await db.selectFrom('fulfillmentOrderLines').selectAll().where('fulfillmentOrderId', 'in', ids.slice(i, i + 500)).orderBy('id').execute()))
  }
  const byFo = new Map<string, FoLineRow[]>()
  for (const l of lines) byFo.set(l.fulfillmentOrderId, [...(byFo.get(l.fulfillmentOrderId) ?? []), l])
  return rows.map((r) => tracked(r, byFo.get(r.id) ?? []))
}

/** One fulfilment order by id (fo_…) or number (FO-…). */
export async function loadFo(db: Db | Trx, ref: string): Promise<Fo> {
  const row = await db
    .selectFrom('fulfillmentOrders')
    .selectAll()
    .where((eb) => eb.or([eb('id', '=', ref), eb('number', '=', ref)]))
    .executeTakeFirst()
  if (!row) throw notFound('fulfillment', ref)
  return (await withLines(db, [row]))[0]
}

export const packagesOf = (db: Db | Trx, foIds: string[]) =>
  foIds.length ? db.selectFrom('packages').selectAll().where('fulfillmentOrderId', 'in', foIds).orderBy('id').execute() : Promise.resolve([] as PackageRow[])

export function newFo(number: string, header: FoHeader, locationId: string, at: string): Fo {
  return {
    row: {
      id: newId('fo'),
      number,
      ...header,
      locationId,
      status: 'open',
      picklistId: null,
      version: 1,
      createdAt: at,
      updatedAt: at,
      pickingStartedAt: null,
      pickedAt: null,
      packedAt: null,
      shippedAt: null,
      cancelledAt: null,
      cancelReason: null,
    },
    lines: [],
    loaded: null,
  }
}

export interface NewUnits {
  orderLineId: string
  productId: string
  sku: string
  name: string
  quantity: number
}

/**
 * Adds units to the order's open fulfilment order at a location, or to a new one when none is
 * open there: an order in picking or later is not grown. Returns it and whether it is new.
 */
export async function addUnits(trx: Trx, fos: Fo[], header: FoHeader, locationId: string, units: NewUnits[], at: string): Promise<{ fo: Fo; created: boolean }> {
  let fo = fos.find((f) => f.row.locationId === locationId && f.row.status === 'open')
  const created = !fo
  if (!fo) {
    fo = newFo(await nextNumber(trx, 'FO'), header, locationId, at)
    fos.push(fo)
  }
  for (const u of units) {
    const line = fo.lines.find((l) => l.orderLineId === u.orderLineId)
    if (line) line.quantity += u.quantity
    else
      fo.lines.push({
        id: newId('fol'),
        fulfillmentOrderId: fo.row.id,
        orderLineId: u.orderLineId,
        productId: u.productId,
        sku: u.sku,
        name: u.name,
        quantity: u.quantity,
        pickedQty: 0,
        packedQty: 0,
        shippedQty: 0,
        shortQty: 0,
        putAwayQty: 0,
        stagedLots: '[]',
      })
  }
  return { fo, created }
}

/** Writes what changed: new orders and lines in batches, changed ones guarded by the version read. */
export async function saveFos(trx: Trx, fos: Fo[], at: string): Promise<void> {
  const created = fos.filter((f) => !f.loaded)
  const newLines: FoLineRow[] = created.flatMap((f) => f.lines)
  if (created.length) await writeBehind(trx, compiledInsert(trx, 'fulfillmentOrders', created.map((f) => f.row)))
  for (const f of fos) {
    if (!f.loaded) continue
    const changed = f.lines.filter((l) => f.loaded!.lines.get(l.id) !== JSON.stringify(l))
    if (!changed.length && JSON.stringify(f.row) === f.loaded.row) continue
    f.row.version = f.loaded.version + 1
    f.row.updatedAt = at
    const { id, ...fields } = f.row
    const r = await trx.updateTable('fulfillmentOrders').set(fields).where('id', '=', id).where('version', '=', f.loaded.version).executeTakeFirst()
    if (Number(r.numUpdatedRows) !== 1) {
      throw new AppError(409, 'fulfillment.version_conflict', `Fulfilment order ${f.row.number} was changed by someone else at the same time; read it again and retry.`)
    }
    for (const l of changed) {
      if (!f.loaded.lines.has(l.id)) newLines.push(l)
      else {
        const { id: lineId, ...lineFields } = l
        await trx.updateTable('fulfillmentOrderLines').set(lineFields).where('id', '=', lineId).execute()
      }
    }
  }
  if (newLines.length) await writeBehind(trx, compiledInsert(trx, 'fulfillmentOrderLines', newLines))
  for (const f of fos) f.loaded = snapshotRows(f)
}

// ---- shaping --------------------------------------------------------------------------------

export function shapeFo(f: Fo, packages: PackageRow[], refs: { locationCode: string; picklistNumber: string | null }): FulfillmentOrder {
  const mine = packages.filter((p) => p.fulfillmentOrderId === f.row.id)
  const allowed: string[] = fulfillmentMachine.allowed(f.row.status as FulfillmentOrderStatus, snapshotOf(f, mine))
  if (f.lines.some((l) => l.putAwayQty > 0)) allowed.push('putAway')
  return {
    id: f.row.id,
    number: f.row.number,
    orderId: f.row.orderId,
    orderNumber: f.row.orderNumber,
    location: refs.locationCode,
    status: f.row.status as FulfillmentOrderStatus,
    held: f.row.held === 1,
    priority: f.row.priority,
    promisedDate: f.row.promisedDate,
    shippingMethod: f.row.shippingMethod,
    shipTo: JSON.parse(f.row.shipTo) as Address,
    email: f.row.email,
    picklist: f.row.picklistId && refs.picklistNumber ? { id: f.row.picklistId, number: refs.picklistNumber } : null,
    lines: f.lines.map((l) => ({
      id: l.id,
      orderLineId: l.orderLineId,
      sku: l.sku,
      name: l.name,
      quantity: l.quantity,
      pickedQuantity: l.pickedQty,
      packedQuantity: l.packedQty,
      shippedQuantity: l.shippedQty,
      shortQuantity: l.shortQty,
      putAwayQuantity: l.putAwayQty,
    })),
    packages: mine.map((p) => ({
      id: p.id,
      box: p.boxCode,
      lengthMm: p.lengthMm,
      widthMm: p.widthMm,
      heightMm: p.heightMm,
      weightGrams: p.weightGrams,
      contents: (JSON.parse(p.contents) as PackageContent[]).map((c) => ({ sku: c.sku, quantity: c.quantity, lots: c.lots.filter((l) => l.lot).map((l) => ({ lot: l.lot, quantity: l.quantity })) })),
      instructions: JSON.parse(p.instructions) as string[],
      followedSuggestion: p.followedSuggestion === 1,
      shipmentId: p.shipmentId,
      trackingNumber: p.trackingNumber,
      createdAt: p.createdAt,
    })),
    shipmentIds: [...new Set(mine.flatMap((p) => (p.shipmentId ? [p.shipmentId] : [])))],
    allowedActions: allowed,
    version: f.row.version,
    createdAt: f.row.createdAt,
    updatedAt: f.row.updatedAt,
    pickingStartedAt: f.row.pickingStartedAt,
    pickedAt: f.row.pickedAt,
    packedAt: f.row.packedAt,
    shippedAt: f.row.shippedAt,
    cancelledAt: f.row.cancelledAt,
    cancelReason: f.row.cancelReason,
  }
}

/** Shapes fulfilment orders with their packages, location codes and picklist numbers (three reads). */
export async function shapeAll(db: Db | Trx, locations: LocationService, fos: Fo[]): Promise<FulfillmentOrder[]> {
  if (!fos.length) return []
  const picklistIds = [...new Set(fos.flatMap((f) => (f.row.picklistId ? [f.row.picklistId] : [])))]
  const [packages, locs, picklists] = await Promise.all([
    packagesOf(
      db,
      fos.map((f) => f.row.id),
    ),
    locations.listAll(db),
    picklistIds.length ? db.selectFrom('picklists').select(['id', 'number']).where('id', 'in', picklistIds).execute() : Promise.resolve([]),
  ])
  const code = new Map(locs.map((l) => [l.id, l.code]))
  const numbers = new Map(picklists.map((p) => [p.id, p.number]))
  return fos.map((f) => shapeFo(f, packages, { locationCode: code.get(f.row.locationId) ?? f.row.locationId, picklistNumber: f.row.picklistId ? (numbers.get(f.row.picklistId) ?? null) : null }))
}

/** `2026-11-05T18:00:00+01:00` → `2026-11-05` (UTC): promised dates compare as text in pick waves and rate shopping. */
export const promisedDateOf = (value: string | null): string | null => (value === null ? null : value.length === 10 ? value : new Date(value).toISOString().slice(0, 10))
