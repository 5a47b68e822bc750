/**
 * Handing packed fulfilment orders to shipping: rates, buying the label (outside any transaction,
 * voided when the commit that records it fails), and what a delivered or cancelled shipment means
 * for the fulfilment order, the stock and the order.
 */
import type { Db } from '../../db/connection.js'
import { inTransaction, type Trx } from '../../db/transaction.js'
import type { Address } from '../../kernel/address.js'
import type { Ctx } from '../../kernel/context.js'
import { AppError, conflict, invalid } from '../../kernel/errors.js'
import { recordEvent } from '../../kernel/events.js'
import { findIdempotent, hashRequest, saveIdempotent } from '../../kernel/idempotency.js'
import type { Movement } from '../inventory/index.js'
import type { LabelPurchase, RatesResult, Shipment, ShipmentListener, ShipmentRequest } from '../shipping/index.js'
import { fulfillmentMachine, type FulfillmentOrderStatus } from './machine.js'
import { foEvent, loadFo, packagesOf, saveFos, shapeAll, snapshotOf, STAGING_BIN, transition, type Fo, type FulfillmentDeps, type PackageContent, type PackageRow } from './fulfillment-orders.js'
import type { LineUnits } from './ports.js'
import type { FulfillmentOrder, ShipBody } from './schema.js'

const contentsOf = (p: PackageRow) => JSON.parse(p.contents) as PackageContent[]

/** Units per order line (and location) in some packages, as order management counts them. */
function unitsIn(f: Fo, packages: PackageRow[]): LineUnits[] {
  const byLine = new Map<string, number>()
  for (const p of packages) for (const c of contentsOf(p)) byLine.set(c.orderLineId, (byLine.get(c.orderLineId) ?? 0) + c.quantity)
  return [...byLine].map(([orderLineId, quantity]) => ({ orderLineId, locationId: f.row.locationId, quantity }))
}

export function createDispatch(d: FulfillmentDeps) {
  async function requestOf(db: Db | Trx, ctx: Ctx, f: Fo, packages: PackageRow[]): Promise<ShipmentRequest> {
    const location = (await d.locations.listAll(db)).find((l) => l.id === f.row.locationId)!
    const products = await d.catalog.findByIds(
      db,
      f.lines.map((l) => l.productId),
    )
    const destination = JSON.parse(f.row.shipTo) as Address
    const contents = packages.flatMap(contentsOf)
    return {
      fulfillmentOrderId: f.row.id,
      fulfillmentNumber: f.row.number,
      orderId: f.row.orderId,
      orderNumber: f.row.orderNumber,
      origin: { locationId: location.id, code: location.code, name: location.name, address: location.address, latitude: location.latitude, longitude: location.longitude },
      destination,
      // A company name on the label is a business address; everything else is taken as a home.
      residential: !destination.company,
      packages: packages.map((p) => ({
        id: p.id,
        boxCode: p.boxCode,
        lengthMm: p.lengthMm,
        widthMm: p.widthMm,
        heightMm: p.heightMm,
        weightGrams: p.weightGrams,
        contents: contentsOf(p).map((c) => ({ orderLineId: c.orderLineId, sku: c.sku, quantity: c.quantity })),
      })),
      promisedBy: f.row.promisedDate,
      shippingMethod: f.row.shippingMethod,
      merchandiseValue: { amount: f.row.orderValue, currency: f.row.currency },
      requiresProof: contents.some((c) => products.get(c.productId)?.proofOnDelivery),
      shipDate: ctx.clock.now().toISOString().slice(0, 10),
    }
  }

  /** The packages a shipment takes: the ones named, else every one not shipped yet. */
  function choose(f: Fo, packages: PackageRow[], ids?: string[]) {
    const unshipped = packages.filter((p) => !p.shipmentId)
    if (!ids) return unshipped
    const errors = ids.flatMap((id, i) => (unshipped.some((p) => p.id === id) ? [] : [{ path: `packages.${i}`, message: `${id} is not an unshipped package of ${f.row.number}` }]))
    if (errors.length) throw invalid('fulfillment.unknown_package', errors.map((e) => e.message).join('; '), errors)
    return unshipped.filter((p) => ids.includes(p.id))
  }

  const shape = async (db: Db | Trx, f: Fo) => (await shapeAll(db, d.locations, [f]))[0]

  async function replay(db: Db, ctx: Ctx, shipmentId: string) {
    const shipment = await d.shipping.get(db, ctx, shipmentId)
    return { fulfillment: await shape(db, await loadFo(db, shipment.fulfillmentOrderId)), shipment, replayed: true }
  }

  const listener: ShipmentListener = {
    async delivered(trx, ctx, s) {
      const packages = await trx.selectFrom('packages').selectAll().where('shipmentId', '=', s.id).execute()
      if (!packages.length) return
      const f = await loadFo(trx, s.fulfillmentOrderId)
      // Cause before effect on the timeline: this parcel arrived, then the order counts it.
      await recordEvent(trx, ctx, foEvent(f, 'fulfillment.delivered', { data: { shipmentId: s.id, trackingNumber: s.trackingNumber } }))
      await d.orders().delivered(
        trx,
        ctx,
        s.orderId,
        unitsIn(f, packages).map(({ orderLineId, quantity }) => ({ orderLineId, quantity })),
        { shipmentId: s.id, trackingNumber: s.trackingNumber },
      )
    },

    /** Cancelled before handover: the packages are back in staging and the order reserves their units again. */
    async cancelled(trx, ctx, s) {
      const packages = await trx.selectFrom('packages').selectAll().where('shipmentId', '=', s.id).execute()
      if (!packages.length) return
      const f = await loadFo(trx, s.fulfillmentOrderId)
      const at = ctx.clock.now().toISOString()
      const reason = `shipment ${s.trackingNumber} cancelled before handover`
      const movements: Movement[] = []
      for (const p of packages) {
        for (const c of contentsOf(p)) {
          f.lines.find((l) => l.id === c.lineId)!.shippedQty -= c.quantity
          for (const lot of c.lots) {
            movements.push({ productId: c.productId, locationId: f.row.locationId, kind: 'ship', delta: lot.quantity, bin: STAGING_BIN, lot: lot.lot || null, expiresOn: lot.expiresOn, refType: 'shipment', refId: s.id, reason })
          }
        }
      }
      await trx.updateTable('packages').set({ shipmentId: null, trackingNumber: null, updatedAt: at }).where('shipmentId', '=', s.id).execute()
      const back = (await packagesOf(trx, [f.row.id])).map((p) => (p.shipmentId === s.id ? { ...p, shipmentId: null } : p))
      const t = transition(f, 'unship', back, at)
      await saveFos(trx, [f], at)
      // Units back on the shelf first, then reserved again: reserving needs them on hand.
      await d.inventory.move(trx, ctx, movements)
      await d.orders().unshipped(trx, ctx, f.row.orderId, unitsIn(f, packages), { shipmentId: s.id, trackingNumber: s.trackingNumber })
      await recordEvent(trx, ctx, foEvent(f, 'fulfillment.unshipped', { ...t, reason, data: { shipmentId: s.id, trackingNumber: s.trackingNumber, packages: packages.map((p) => p.id) } }))
    },
  }

  return {
    listener,

    /** Every carrier service's cost and delivery date for the unshipped packages, and the default pick. */
    async rates(db: Db, ctx: Ctx, ref: string): Promise<RatesResult> {
      const f = await loadFo(db, ref)
      const packages = choose(f, await packagesOf(db, [f.row.id]))
      if (!packages.length) throw conflict('fulfillment.nothing_to_ship', `${f.row.number} has no packed, unshipped package: pack it first.`)
      return d.shipping.rates(db, ctx, await requestOf(db, ctx, f, packages))
    },

    /**
     * Buys the label and records the shipment. The label is bought outside any transaction; the
     * shipment, the fulfilment order, the stock leaving staging and the order's shipped units then
     * commit together, and the label is voided if they do not. With an Idempotency-Key a retry
     * returns the first shipment.
     */
    async ship(db: Db, ctx: Ctx, ref: string, input: ShipBody, opts: { idempotencyKey?: string } = {}): Promise<{ fulfillment: FulfillmentOrder; shipment: Shipment; replayed: boolean }> {
      const key = opts.idempotencyKey
      const requestHash = key ? hashRequest({ ref, ...input }) : ''
      const earlier = async () => (key ? inTransaction(db, (trx) => findIdempotent(trx, ctx.actor.id, key, requestHash, 'shipment')) : undefined)
      const first = await earlier()
      if (first) return replay(db, ctx, first)

      const f = await loadFo(db, ref)
      const all = await packagesOf(db, [f.row.id])
      const chosen = choose(f, all, input.packages)
      const command = chosen.length === all.filter((p) => !p.shipmentId).length ? 'ship' : 'shipPart'
      fulfillmentMachine.next(f.row.status as FulfillmentOrderStatus, command, snapshotOf(f, all))
      const req = await requestOf(db, ctx, f, chosen)
      const purchase: LabelPurchase = await d.shipping.buyLabel(db, ctx, req, input.serviceCode)
      try {
        return await inTransaction(db, async (trx) => {
          const current = await loadFo(trx, f.row.id)
          if (current.row.version !== f.row.version) throw conflict('fulfillment.version_conflict', `${f.row.number} changed while its label was bought; nothing was shipped.`)
          const at = ctx.clock.now().toISOString()
          const t = transition(current, command, await packagesOf(trx, [f.row.id]), at)
          const shipment = await d.shipping.recordShipment(trx, ctx, req, purchase)
          const movements: Movement[] = []
          for (const [i, p] of chosen.entries()) {
            const r = await trx
              .updateTable('packages')
              .set({ shipmentId: shipment.id, trackingNumber: purchase.packageTrackingNumbers[i], updatedAt: at })
              .where('id', '=', p.id)
              .where('shipmentId', 'is', null)
              .executeTakeFirst()
            if (Number(r.numUpdatedRows) !== 1) throw conflict('fulfillment.version_conflict', `Package ${p.id} shipped meanwhile.`)
            for (const c of contentsOf(p)) {
              current.lines.find((l) => l.id === c.lineId)!.shippedQty += c.quantity
              for (const lot of c.lots) {
                movements.push({ productId: c.productId, locationId: current.row.locationId, kind: 'ship', delta: -lot.quantity, bin: STAGING_BIN, lot: lot.lot || null, refType: 'shipment', refId: shipment.id, reason: `shipped in ${purchase.trackingNumber}` })
              }
            }
          }
          await saveFos(trx, [current], at)
          // The order consumes its reservation first, so taking the units off the shelf never dips below what is reserved.
          await d.orders().shipped(trx, ctx, current.row.orderId, unitsIn(current, chosen), { shipmentId: shipment.id, trackingNumber: purchase.trackingNumber })
          await d.inventory.move(trx, ctx, movements)
          await recordEvent(
            trx,
            ctx,
            foEvent(current, command === 'ship' ? 'fulfillment.shipped' : 'fulfillment.partially_shipped', {
              ...t,
              data: { shipmentId: shipment.id, trackingNumber: purchase.trackingNumber, carrier: purchase.carrierCode, service: purchase.serviceCode, packages: chosen.map((p) => p.id) },
            }),
          )
          if (key) await saveIdempotent(trx, ctx.actor.id, key, requestHash, 'shipment', shipment.id, at)
          return { fulfillment: await shape(trx, current), shipment, replayed: false }
        })
      } catch (err) {
        try {
          await d.shipping.voidLabel(ctx, purchase)
        } catch (voidErr) {
          throw new AppError(502, 'fulfillment.label_not_voided', `The shipment was not recorded (${(err as Error).message}), and voiding label ${purchase.trackingNumber} failed too (${(voidErr as Error).message}): void it at the carrier.`)
        }
        // A concurrent retry with the same key may have shipped it: answer with that shipment.
        const twin = await earlier()
        if (twin) return replay(db, ctx, twin)
        throw err
      }
    },
  }
}
