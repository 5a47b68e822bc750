import type { Selectable } from 'kysely'
import type { Db } from '../../db/connection.js'
import { inTransaction, type Trx } from '../../db/transaction.js'
import type { Address } from '../../kernel/address.js'
import { actorLabel, type Ctx } from '../../kernel/context.js'
import { AppError, conflict, invalid, notFound, type FieldError } from '../../kernel/errors.js'
import { recordEvent, recordEvents, type NewEvent } from '../../kernel/events.js'
import { newId } from '../../kernel/ids.js'
import { findIdempotent, hashRequest, isUniqueViolation, saveIdempotent } from '../../kernel/idempotency.js'
import { nextNumber } from '../../kernel/numbers.js'
import { decodeCursor, toPage } from '../../kernel/pagination.js'
import type { CatalogService } from '../catalog/index.js'
import type { ChannelService } from '../channels/index.js'
import { renderLabelPdf, renderLabelZpl, type LabelDoc } from '../documents/index.js'
import type { BackorderPort, InventoryService, Movement } from '../inventory/index.js'
import type { Location, LocationService } from '../locations/index.js'
import type { PaymentService } from '../payments/index.js'
import type { LabelPurchase, ShippingService } from '../shipping/index.js'
import { returnMachine, type ReturnCommand, type ReturnSnapshot, type ReturnStatus } from './machine.js'
import { createPolicyBook } from './policies.js'
import { checkLine, decide, termsOf, type Condition, type Decision, type Disposition, type Resolution, type ShippingPayer, type Terms } from './policy.js'
import type { ReturnableOrder, ReturnsOrderPort } from './ports.js'
import type {
  AuthorizeBody,
  CreateReturnBody,
  HeldStock,
  HeldStockQuery,
  InspectBody,
  InTransitBody,
  LabelView,
  PickupBody,
  ReceiveBody,
  ReleaseBody,
  ResolveBody,
  Return,
  ReturnListQuery,
  SettlementView,
} from './schema.js'
import { settle, type SettleLine } from './settlement.js'
import type { ReturnInspectionsTable, ReturnLinesTable, ReturnsTable } from './tables.js'

type ReturnRow = Selectable<ReturnsTable>
type LineRow = Selectable<ReturnLinesTable>
type InspectionRow = Selectable<ReturnInspectionsTable>

/** A bought return label as stored on the return. */
interface StoredLabel {
  purchase: LabelPurchase
  doc: LabelDoc
  from: Address
  paidBy: ShippingPayer
}

/** The policy rules whose refusal is "out of policy" (the rest are mistakes in the request). */
const POLICY_RULES = new Set(['non_returnable', 'not_delivered', 'outside_window', 'exceeds_returnable', 'resolution_not_allowed'])
/** Units held apart after inspection: on the location's shelves, not in its stock. */
const HELD: readonly Disposition[] = ['quarantine', 'refurbish']

const snapshotOf = (r: ReturnRow): ReturnSnapshot => ({ hasLabel: r.label !== null })
const today = (ctx: Ctx) => ctx.clock.now().toISOString().slice(0, 10)
const refOf = (r: ReturnRow) => ({ returnId: r.id, number: r.number })
const heldOf = (i: InspectionRow) => (HELD.includes(i.disposition as Disposition) ? i.quantity - i.restockedQty - i.scrappedQty : 0)

/**
 * Returns (RMA): requests checked against the channel's policy, authorization with a return
 * label, pickup, transit, receipt at a location, inspection per unit (restock, quarantine,
 * refurbish, scrap) and the resolution per line (refund, replacement, exchange, store credit).
 */
export function createReturnService(d: {
  orders: () => ReturnsOrderPort
  backorders: () => BackorderPort
  catalog: CatalogService
  channels: ChannelService
  locations: LocationService
  inventory: InventoryService
  shipping: ShippingService
  payments: PaymentService
}) {
  const policies = createPolicyBook(d)

  async function findRow(db: Db | Trx, id: string): Promise<ReturnRow> {
    const row = await db
      .selectFrom('returns')
      .selectAll()
      .where((eb) => eb.or([eb('id', '=', id), eb('number', '=', id)]))
      .executeTakeFirst()
    if (!row) throw notFound('return', id)
    return row
  }

  const linesOf = (db: Db | Trx, returnIds: string[]) => db.selectFrom('returnLines').selectAll().where('returnId', 'in', returnIds).orderBy('returnId').orderBy('lineNo').execute()

  /** Writes a return's changes if nobody changed it meanwhile; the row as it now is. */
  async function save(trx: Trx, row: ReturnRow, patch: Partial<ReturnRow>, at: string): Promise<ReturnRow> {
    const next = { ...row, ...patch, version: row.version + 1, updatedAt: at }
    const r = await trx
      .updateTable('returns')
      .set({ ...patch, version: next.version, updatedAt: at })
      .where('id', '=', row.id)
      .where('version', '=', row.version)
      .executeTakeFirst()
    if (Number(r.numUpdatedRows) !== 1) throw conflict('return.version_conflict', `Return ${row.number} was changed by someone else at the same time; read it again and retry.`)
    return next
  }

  /** The next state by the lifecycle (409 naming the rule), and the event that records the move. */
  function transition(row: ReturnRow, command: ReturnCommand, extra: { reason?: string | null; data?: Record<string, unknown> } = {}): { to: ReturnStatus; event: NewEvent } {
    const from = row.status as ReturnStatus
    const to = returnMachine.next(from, command, snapshotOf(row))
    return { to, event: { type: `return.${to}`, entity: 'return', entityId: row.id, orderId: row.orderId, from, to, reason: extra.reason ?? null, data: { number: row.number, order: row.orderNumber, ...extra.data } } }
  }

  async function locationByCode(db: Db | Trx, code: string, path: string): Promise<Location> {
    const location = (await d.locations.listAll(db)).find((l) => l.code === code)
    if (!location) throw invalid('return.unknown_location', `No location "${code}".`, [{ path, message: 'unknown location' }])
    return location
  }

  /** A return line named by id or SKU in a command body. */
  function lineRef(lines: LineRow[], ref: string, path: string): LineRow {
    const byId = lines.find((l) => l.id === ref)
    if (byId) return byId
    const bySku = lines.filter((l) => l.sku === ref)
    if (bySku.length === 1) return bySku[0]
    throw invalid('return.unknown_line', bySku.length ? `The return has several lines of ${ref}: name the line by id.` : `The return has no line "${ref}".`, [
      { path, message: bySku.length ? 'ambiguous: use the line id' : 'no such return line' },
    ])
  }

  // ---- shaping ----

  function labelView(r: ReturnRow, label: StoredLabel, locations: Location[]): LabelView {
    const to = locations.find((l) => l.id === r.locationId)
    return {
      carrier: label.doc.carrier,
      service: label.doc.service,
      trackingNumber: label.purchase.trackingNumber,
      cost: label.purchase.cost,
      paidBy: label.paidBy,
      from: label.from,
      to: { location: to?.code ?? '', name: to?.name ?? '' },
      documents: { pdf: `/v1/returns/${r.id}/label.pdf`, zpl: `/v1/returns/${r.id}/label.zpl` },
    }
  }

  async function shapeMany(db: Db | Trx, rows: ReturnRow[]): Promise<Return[]> {
    if (!rows.length) return []
    const ids = rows.map((r) => r.id)
    const [lines, inspections, money, locations] = await Promise.all([
      linesOf(db, ids),
      db.selectFrom('returnInspections').selectAll().where('returnId', 'in', ids).orderBy('id').execute(),
      d.payments.ofReturns(db, ids),
      d.locations.listAll(db),
    ])
    const channels = new Map<string, string>()
    for (const id of new Set(rows.map((r) => r.channelId))) channels.set(id, (await d.channels.getById(db, id)).code)
    return rows.map((r): Return => {
      const location = locations.find((l) => l.id === r.locationId)
      const label = r.label ? (JSON.parse(r.label) as StoredLabel) : null
      return {
        id: r.id,
        number: r.number,
        status: r.status as ReturnStatus,
        order: { id: r.orderId, number: r.orderNumber },
        channel: channels.get(r.channelId) ?? r.channelId,
        customerId: r.customerId,
        currency: r.currency,
        location: location ? { code: location.code, name: location.name } : null,
        decision: JSON.parse(r.decision) as Decision,
        terms: JSON.parse(r.terms) as Terms,
        lines: lines
          .filter((l) => l.returnId === r.id)
          .map((l) => ({
            id: l.id,
            orderLineId: l.orderLineId,
            sku: l.sku,
            name: l.name,
            quantity: l.quantity,
            reason: l.reason,
            comment: l.comment,
            resolution: l.resolution as Resolution,
            exchangeSku: l.exchangeSku,
            unitPaid: l.unitPaid,
            receivedQuantity: l.receivedQty,
            inspections: inspections
              .filter((i) => i.returnLineId === l.id)
              .map((i) => ({
                id: i.id,
                quantity: i.quantity,
                condition: i.condition as Condition,
                disposition: i.disposition as Disposition,
                bin: i.binCode,
                note: i.note,
                heldQuantity: heldOf(i),
                restockedQuantity: i.restockedQty,
                scrappedQuantity: i.scrappedQty,
              })),
          })),
        labelRequested: r.labelRequested === 1,
        label: label ? labelView(r, label, locations) : null,
        trackingNumber: r.trackingNumber,
        pickup: r.pickup ? (JSON.parse(r.pickup) as Return['pickup']) : null,
        settlement: r.settlement ? (JSON.parse(r.settlement) as SettlementView) : null,
        refunds: money.refunds.filter((x) => x.return?.id === r.id),
        creditNotes: money.creditNotes.filter((x) => x.returnId === r.id),
        paymentRequests: money.paymentRequests.filter((x) => x.returnId === r.id),
        note: r.note,
        closeReason: r.closeReason,
        allowedActions: returnMachine.allowed(r.status as ReturnStatus, snapshotOf(r)),
        createdBy: r.createdBy,
        authorizedAt: r.authorizedAt,
        receivedAt: r.receivedAt,
        inspectedAt: r.inspectedAt,
        resolvedAt: r.resolvedAt,
        closedAt: r.closedAt,
        version: r.version,
        createdAt: r.createdAt,
        updatedAt: r.updatedAt,
      }
    })
  }

  const shapeOne = async (db: Db | Trx, row: ReturnRow) => (await shapeMany(db, [row]))[0]

  // ---- requesting ----

  /** The lines of a request matched to the order's lines and checked against the policy; 422 naming each field and rule. */
  async function checkRequest(trx: Trx, ctx: Ctx, order: ReturnableOrder, input: CreateReturnBody) {
    const policy = await policies.policyFor(trx, order.channelId)
    const reasons = await policies.reasons(trx)
    const errors: FieldError[] = []
    const seen = new Set<string>()
    const lines = input.lines.flatMap((l, i) => {
      const field = `lines.${i}`
      const ref = l.line ? 'line' : 'sku'
      const matches = l.line ? order.lines.filter((x) => x.id === l.line) : order.lines.filter((x) => x.sku === l.sku)
      if (matches.length !== 1) {
        errors.push({ path: `${field}.${ref}`, code: 'unknown_line', message: matches.length ? `order ${order.number} has several lines of ${l.sku}: name the line by id` : `order ${order.number} has no such line` })
        return []
      }
      const orderLine = matches[0]
      if (seen.has(orderLine.id)) {
        errors.push({ path: `${field}.${ref}`, code: 'duplicate_line', message: 'this order line is listed twice' })
        return []
      }
      seen.add(orderLine.id)
      const resolution = l.resolution ?? policy.resolutions[0]
      errors.push(...checkLine(policy, reasons, today(ctx), { field, ref, quantity: l.quantity, reason: l.reason, resolution, orderLine }))
      return [{ input: l, field, orderLine, resolution }]
    })
    const exchangeSkus = lines.flatMap((l) => (l.input.exchangeSku ? [l.input.exchangeSku] : []))
    if (exchangeSkus.length) {
      const products = await d.catalog.findBySkus(trx, exchangeSkus, { barcodes: false })
      for (const l of lines) {
        const p = l.input.exchangeSku ? products.get(l.input.exchangeSku) : undefined
        if (l.input.exchangeSku && (!p || !p.active)) errors.push({ path: `${l.field}.exchangeSku`, code: 'unknown_sku', message: p ? `${p.sku} is not for sale` : 'unknown SKU' })
      }
    }
    if (errors.length) {
      const outOfPolicy = errors.every((e) => POLICY_RULES.has(e.code ?? ''))
      throw invalid(
        outOfPolicy ? 'return.out_of_policy' : 'return.invalid_request',
        `${outOfPolicy ? 'Refused by the return policy' : 'The return cannot be requested'}: ${errors.map((e) => `${e.path} ${e.message} (${e.code})`).join('; ')}.`,
        errors,
      )
    }
    return { policy, reasons, lines }
  }

  /** Records a request in one transaction: its lines, the order's requested units, its events. */
  async function createRequest(trx: Trx, ctx: Ctx, input: CreateReturnBody, key: string | undefined): Promise<{ row: ReturnRow; replayed: boolean }> {
    const requestHash = key ? hashRequest(input) : ''
    if (key) {
      const existing = await findIdempotent(trx, ctx.actor.id, key, requestHash, 'return')
      if (existing) return { row: await findRow(trx, existing), replayed: true }
    }
    const order = await d.orders().returnable(trx, ctx, input.order)
    const { policy, reasons, lines } = await checkRequest(trx, ctx, order, input)
    const value = lines.reduce((s, l) => s + l.orderLine.unitPaid * l.input.quantity, 0)
    const merchantFault = lines.some((l) => reasons.get(l.input.reason)?.merchantFault)
    const paidBy: ShippingPayer = merchantFault ? 'merchant' : policy.returnShippingPaidBy
    const decision = decide(policy, { amount: value, currency: order.currency }, paidBy === 'merchant' || !!input.label || !!input.pickup)
    const at = ctx.clock.now().toISOString()
    const row: ReturnRow = {
      id: newId('rma'),
      number: await nextNumber(trx, 'RMA'),
      orderId: order.id,
      orderNumber: order.number,
      channelId: order.channelId,
      customerId: order.customer.id,
      status: returnMachine.initial,
      currency: order.currency,
      locationId: policy.returnLocationId,
      decision: JSON.stringify(decision),
      terms: JSON.stringify(termsOf(policy)),
      labelRequested: input.label ? 1 : 0,
      label: null,
      trackingNumber: null,
      pickup: input.pickup ? JSON.stringify({ date: input.pickup.date, address: input.pickup.address ?? order.shippingAddress }) : null,
      settlement: null,
      note: input.note ?? null,
      closeReason: null,
      createdBy: actorLabel(ctx.actor),
      authorizedAt: null,
      receivedAt: null,
      inspectedAt: null,
      resolvedAt: null,
      closedAt: null,
      version: 1,
      createdAt: at,
      updatedAt: at,
    }
    await trx.insertInto('returns').values(row).execute()
    await trx
      .insertInto('returnLines')
      .values(
        lines.map((l, i) => ({
          id: newId('rml'),
          returnId: row.id,
          lineNo: i + 1,
          orderLineId: l.orderLine.id,
          productId: l.orderLine.productId,
          sku: l.orderLine.sku,
          name: l.orderLine.name,
          quantity: l.input.quantity,
          reason: l.input.reason,
          comment: l.input.comment ?? null,
          resolution: l.resolution,
          exchangeSku: l.input.exchangeSku ?? null,
          unitPaid: l.orderLine.unitPaid,
          receivedQty: 0,
        })),
      )
      .execute()
    await d.orders().requestReturn(trx, ctx, order.id, lines.map((l) => ({ orderLineId: l.orderLine.id, quantity: l.input.quantity })), refOf(row))
    await recordEvent(trx, ctx, {
      type: 'return.requested',
      entity: 'return',
      entityId: row.id,
      orderId: row.orderId,
      to: row.status,
      reason: input.note ?? null,
      data: {
        number: row.number,
        order: row.orderNumber,
        value: { amount: value, currency: row.currency },
        decision,
        lines: lines.map((l) => ({ sku: l.orderLine.sku, quantity: l.input.quantity, reason: l.input.reason, resolution: l.resolution })),
      },
    })
    if (key) await saveIdempotent(trx, ctx.actor.id, key, requestHash, 'return', row.id, at)
    return { row, replayed: false }
  }

  /** Units still asked back on each line (requested, not yet received): what a rejection or cancellation withdraws. */
  const outstanding = (lines: LineRow[]) => lines.filter((l) => l.quantity - l.receivedQty > 0).map((l) => ({ orderLineId: l.orderLineId, quantity: l.quantity - l.receivedQty }))

  const service = {
    policies,

    /**
     * Requests a return: checked against the channel's policy (422 naming each refused field and
     * the rule), recorded, and authorized at once when the policy says so (buying a return label
     * outside the transaction). If that automatic step fails (carrier down) the return stays
     * `requested` for a person, with the reason on its timeline. With an Idempotency-Key a retry
     * returns the first return.
     */
    async request(db: Db, ctx: Ctx, input: CreateReturnBody, opts: { idempotencyKey?: string } = {}): Promise<{ return: Return; replayed: boolean }> {
      const run = () => inTransaction(db, (trx) => createRequest(trx, ctx, input, opts.idempotencyKey))
      // A concurrent twin with the same key may commit first: the retry then replays it.
      const { row, replayed } = await run().catch((err) => (isUniqueViolation(err) ? run() : Promise.reject(err)))
      const decision = JSON.parse(row.decision) as Decision
      if (row.status !== 'requested' || decision.authorization !== 'automatic') return { return: await shapeOne(db, row), replayed }
      try {
        return { return: await service.authorize(db, ctx, row.id, {}, { automatic: true }), replayed }
      } catch (err) {
        if (!(err instanceof AppError)) throw err
        await inTransaction(db, (trx) =>
          recordEvent(trx, ctx, { type: 'return.authorization_failed', entity: 'return', entityId: row.id, orderId: row.orderId, reason: err.detail, data: { number: row.number, code: err.code } }),
        )
        return { return: await shapeOne(db, await findRow(db, row.id)), replayed }
      }
    },

    /**
     * Authorizes a requested return. A return label is bought (outside the transaction) when the
     * merchant pays return shipping, the customer asked for one or a pickup is wanted; it goes
     * from the customer to the return location. With a pickup asked for, the return moves on to
     * `pickup_scheduled`. If recording fails, the label is voided.
     */
    async authorize(db: Db, ctx: Ctx, id: string, input: AuthorizeBody, opts: { automatic?: boolean } = {}): Promise<Return> {
      const row = await findRow(db, id)
      returnMachine.next(row.status as ReturnStatus, 'authorize', snapshotOf(row))
      const lines = await linesOf(db, [row.id])
      const reasons = await policies.reasons(db)
      const terms = JSON.parse(row.terms) as Terms
      const paidBy: ShippingPayer = lines.some((l) => reasons.get(l.reason)?.merchantFault) ? 'merchant' : terms.returnShippingPaidBy
      const pickup = row.pickup ? (JSON.parse(row.pickup) as { date: string; address: Address }) : null
      const wantsLabel = input.label ?? (paidBy === 'merchant' || row.labelRequested === 1 || pickup !== null)
      const locationId = input.location ? (await locationByCode(db, input.location, 'location')).id : row.locationId
      let bought: StoredLabel | undefined
      if (wantsLabel) {
        if (!locationId) {
          throw invalid('return.location_required', 'A return label needs the location the parcel goes back to: name it, or set returnLocation on the return policy.', [
            { path: 'location', message: 'required for a return label' },
          ])
        }
        const order = await d.orders().returnable(db, ctx, row.orderId)
        const address = pickup?.address ?? order.shippingAddress
        const from = { ...address, name: address.name ?? order.customer.name ?? undefined }
        const products = await d.catalog.findByIds(db, lines.map((l) => l.productId))
        const weightGrams = lines.reduce((s, l) => s + (products.get(l.productId)?.weightGrams ?? 0) * l.quantity, 0)
        const { purchase, label } = await d.shipping.buyReturnLabel(
          db,
          ctx,
          { returnId: row.id, returnNumber: row.number, orderId: row.orderId, orderNumber: row.orderNumber, from, toLocationId: locationId, weightGrams, shipDate: today(ctx) },
          input.serviceCode,
        )
        bought = { purchase, doc: label, from, paidBy }
      }
      try {
        return await inTransaction(db, async (trx) => {
          const current = await findRow(trx, row.id)
          if (current.version !== row.version) throw conflict('return.version_conflict', `Return ${row.number} changed while its label was bought; nothing was authorized.`)
          const location = (await d.locations.listAll(trx)).find((l) => l.id === locationId)
          const decision = JSON.parse(row.decision) as Decision
          const authorized = transition(current, 'authorize', {
            reason: input.note ?? (opts.automatic ? `automatic: ${decision.detail}` : null),
            data: {
              automatic: !!opts.automatic,
              location: location?.code ?? null,
              label: bought ? { trackingNumber: bought.purchase.trackingNumber, carrier: bought.purchase.carrierCode, paidBy: bought.paidBy, pdf: `/v1/returns/${row.id}/label.pdf` } : null,
            },
          })
          const at = ctx.clock.now().toISOString()
          let next = await save(
            trx,
            current,
            {
              status: authorized.to,
              locationId: locationId ?? null,
              label: bought ? JSON.stringify(bought) : null,
              trackingNumber: bought?.purchase.trackingNumber ?? null,
              authorizedAt: at,
            },
            at,
          )
          const events = [authorized.event]
          if (pickup && bought) {
            const scheduled = transition(next, 'schedulePickup', { data: { date: pickup.date, address: pickup.address } })
            next = await save(trx, next, { status: scheduled.to }, at)
            events.push(scheduled.event)
          }
          await recordEvents(trx, ctx, events)
          return shapeOne(trx, next)
        })
      } catch (err) {
        if (bought) {
          try {
            await d.shipping.voidReturnLabel(db, ctx, bought.purchase)
          } catch (voidErr) {
            throw new AppError(502, 'return.label_not_voided', `The return was not authorized (${(err as Error).message}), and voiding label ${bought.purchase.trackingNumber} failed too (${(voidErr as Error).message}): void it at the carrier.`)
          }
        }
        throw err
      }
    },

    /** A person refuses a request: its units can be asked back again by another request. */
    async reject(trx: Trx, ctx: Ctx, id: string, reason: string): Promise<Return> {
      const row = await findRow(trx, id)
      const t = transition(row, 'reject', { reason })
      const at = ctx.clock.now().toISOString()
      await d.orders().withdrawReturn(trx, ctx, row.orderId, outstanding(await linesOf(trx, [row.id])), refOf(row))
      const next = await save(trx, row, { status: t.to, closeReason: reason, closedAt: at }, at)
      await recordEvents(trx, ctx, [t.event])
      return shapeOne(trx, next)
    },

    /** Calls a return off before the parcel left. A bought label is voided first (outside the transaction); a failed void changes nothing. */
    async cancel(db: Db, ctx: Ctx, id: string, reason?: string): Promise<Return> {
      const row = await findRow(db, id)
      returnMachine.next(row.status as ReturnStatus, 'cancel', snapshotOf(row))
      const label = row.label ? (JSON.parse(row.label) as StoredLabel) : null
      if (label) await d.shipping.voidReturnLabel(db, ctx, label.purchase)
      return inTransaction(db, async (trx) => {
        const current = await findRow(trx, row.id)
        const t = transition(current, 'cancel', { reason, data: { labelVoided: !!label } })
        const at = ctx.clock.now().toISOString()
        await d.orders().withdrawReturn(trx, ctx, current.orderId, outstanding(await linesOf(trx, [current.id])), refOf(current))
        const next = await save(trx, current, { status: t.to, closeReason: reason ?? null, closedAt: at }, at)
        await recordEvents(trx, ctx, [t.event])
        return shapeOne(trx, next)
      })
    },

    /** The carrier collects the parcel on a date, at the pickup address (default: the one asked for, else the order's). */
    async schedulePickup(trx: Trx, ctx: Ctx, id: string, input: PickupBody): Promise<Return> {
      const row = await findRow(trx, id)
      returnMachine.next(row.status as ReturnStatus, 'schedulePickup', snapshotOf(row))
      if (input.date < today(ctx)) throw invalid('return.pickup_in_past', `A pickup cannot be scheduled for ${input.date}, which has passed.`, [{ path: 'date', message: 'in the past' }])
      const asked = row.pickup ? (JSON.parse(row.pickup) as { address: Address }).address : undefined
      const address = input.address ?? asked ?? (await d.orders().returnable(trx, ctx, row.orderId)).shippingAddress
      const t = transition(row, 'schedulePickup', { data: { date: input.date, address } })
      const at = ctx.clock.now().toISOString()
      const next = await save(trx, row, { status: t.to, pickup: JSON.stringify({ date: input.date, address }) }, at)
      await recordEvents(trx, ctx, [t.event])
      return shapeOne(trx, next)
    },

    /** The parcel is on its way back: the carrier scanned it, or the customer sent it (with their tracking number). */
    async markInTransit(trx: Trx, ctx: Ctx, id: string, input: InTransitBody): Promise<Return> {
      const row = await findRow(trx, id)
      const trackingNumber = input.trackingNumber ?? row.trackingNumber
      const t = transition(row, 'markInTransit', { reason: input.note ?? null, data: { trackingNumber } })
      const at = ctx.clock.now().toISOString()
      const next = await save(trx, row, { status: t.to, trackingNumber }, at)
      await recordEvents(trx, ctx, [t.event])
      return shapeOne(trx, next)
    },

    /**
     * The parcel arrived at a location. The order counts the units as returned; units that were
     * asked back but are not in the parcel are withdrawn (they may be asked back again).
     * Nothing enters stock before inspection.
     */
    async receive(trx: Trx, ctx: Ctx, id: string, input: ReceiveBody): Promise<Return> {
      const row = await findRow(trx, id)
      returnMachine.next(row.status as ReturnStatus, 'receive', snapshotOf(row))
      const location = input.location ? await locationByCode(trx, input.location, 'location') : (await d.locations.listAll(trx)).find((l) => l.id === row.locationId)
      if (!location) throw invalid('return.location_required', 'Name the location where the parcel arrived.', [{ path: 'location', message: 'required' }])
      const lines = await linesOf(trx, [row.id])
      const received = new Map(lines.map((l) => [l.id, input.lines ? 0 : l.quantity]))
      const errors: FieldError[] = []
      for (const [i, entry] of (input.lines ?? []).entries()) {
        const line = lineRef(lines, entry.line, `lines.${i}.line`)
        if (entry.quantity > line.quantity) errors.push({ path: `lines.${i}.quantity`, message: `only ${line.quantity} unit(s) of ${line.sku} were asked back` })
        received.set(line.id, received.get(line.id)! + entry.quantity)
      }
      if (errors.length) throw invalid('return.invalid_receipt', errors.map((e) => `${e.path}: ${e.message}`).join('; '), errors)
      const arrived = lines.filter((l) => received.get(l.id)! > 0)
      if (!arrived.length) throw invalid('return.nothing_received', 'No unit arrived: receive at least one.', [{ path: 'lines', message: 'no units' }])
      for (const l of lines) {
        if (received.get(l.id)! > l.quantity) throw invalid('return.invalid_receipt', `Only ${l.quantity} unit(s) of ${l.sku} were asked back.`, [{ path: 'lines', message: `${l.sku}: too many` }])
        await trx.updateTable('returnLines').set({ receivedQty: received.get(l.id)! }).where('id', '=', l.id).execute()
      }
      const missing = lines.filter((l) => received.get(l.id)! < l.quantity).map((l) => ({ orderLineId: l.orderLineId, quantity: l.quantity - received.get(l.id)! }))
      await d.orders().returned(trx, ctx, row.orderId, arrived.map((l) => ({ orderLineId: l.orderLineId, quantity: received.get(l.id)! })), refOf(row))
      if (missing.length) await d.orders().withdrawReturn(trx, ctx, row.orderId, missing, refOf(row))
      const t = transition(row, 'receive', {
        reason: input.note ?? null,
        data: { location: location.code, lines: lines.map((l) => ({ sku: l.sku, quantity: received.get(l.id)!, missing: l.quantity - received.get(l.id)! })) },
      })
      const at = ctx.clock.now().toISOString()
      const next = await save(trx, row, { status: t.to, locationId: location.id, receivedAt: at }, at)
      await recordEvents(trx, ctx, [t.event])
      return shapeOne(trx, next)
    },

    /**
     * Inspects every received unit: a condition and a disposition each. Restocked units go back
     * into available stock at the receiving location (ledger kind `return`, in a bin if named) and
     * fill waiting backorders; quarantined and refurbish units are held apart, out of stock, until
     * released; scrapped units never enter stock.
     */
    async inspect(trx: Trx, ctx: Ctx, id: string, input: InspectBody): Promise<Return> {
      const row = await findRow(trx, id)
      returnMachine.next(row.status as ReturnStatus, 'inspect', snapshotOf(row))
      const location = (await d.locations.listAll(trx)).find((l) => l.id === row.locationId)!
      const lines = await linesOf(trx, [row.id])
      const entries = input.lines.map((e, i) => ({ ...e, i, line: lineRef(lines, e.line, `lines.${i}.line`) }))
      const errors: FieldError[] = []
      const inspected = new Map<string, number>()
      for (const e of entries) {
        const several = entries.filter((x) => x.line.id === e.line.id).length > 1
        if (e.line.receivedQty === 0) errors.push({ path: `lines.${e.i}.line`, message: `no unit of ${e.line.sku} was received` })
        if (e.quantity === undefined && several) errors.push({ path: `lines.${e.i}.quantity`, message: 'required when a line has several results' })
        if (e.bin && e.disposition !== 'restock') errors.push({ path: `lines.${e.i}.bin`, message: 'only restocked units go into a bin' })
        if (e.bin && e.disposition === 'restock' && !(await d.locations.findBin(trx, location.id, e.bin))) errors.push({ path: `lines.${e.i}.bin`, message: `no bin "${e.bin}" in ${location.code}` })
        inspected.set(e.line.id, (inspected.get(e.line.id) ?? 0) + (e.quantity ?? e.line.receivedQty))
      }
      for (const l of lines) {
        if (l.receivedQty > 0 && inspected.get(l.id) !== l.receivedQty) errors.push({ path: 'lines', message: `${l.sku}: ${l.receivedQty} received, ${inspected.get(l.id) ?? 0} inspected` })
      }
      if (errors.length) throw invalid('return.invalid_inspection', `Every received unit needs one result: ${errors.map((e) => `${e.path} ${e.message}`).join('; ')}.`, errors)
      const at = ctx.clock.now().toISOString()
      const rows: InspectionRow[] = entries.map((e) => ({
        id: newId('rmi'),
        returnId: row.id,
        returnLineId: e.line.id,
        productId: e.line.productId,
        locationId: location.id,
        quantity: e.quantity ?? e.line.receivedQty,
        condition: e.condition,
        disposition: e.disposition,
        binCode: e.bin ?? null,
        note: e.note ?? null,
        restockedQty: 0,
        scrappedQty: 0,
        inspectedBy: actorLabel(ctx.actor),
        createdAt: at,
        updatedAt: at,
      }))
      await trx.insertInto('returnInspections').values(rows).execute()
      const restock: Movement[] = rows
        .filter((r) => r.disposition === 'restock')
        .map((r) => ({ productId: r.productId, locationId: location.id, kind: 'return', delta: r.quantity, bin: r.binCode, refType: 'return', refId: row.id, reason: `${row.number}: ${r.condition}, restocked` }))
      await d.inventory.move(trx, ctx, restock)
      for (const productId of new Set(restock.map((m) => m.productId))) await d.backorders().fillBackorders(trx, ctx, productId, location.id)
      const t = transition(row, 'inspect', {
        data: { location: location.code, lines: entries.map((e) => ({ sku: e.line.sku, quantity: e.quantity ?? e.line.receivedQty, condition: e.condition, disposition: e.disposition, bin: e.bin ?? null })) },
      })
      const next = await save(trx, row, { status: t.to, inspectedAt: at }, at)
      await recordEvents(trx, ctx, [t.event])
      return shapeOne(trx, next)
    },

    /**
     * Resolves an inspected return, line by line. Replacement and exchange orders, store credit and
     * payment requests are made in one transaction with the settlement; a refund is written there
     * as a pending intent, paid out by its provider after the commit (with the refund's idempotency
     * key), and its outcome recorded in a second transaction that also moves the order's
     * paymentStatus and resolves the return. If the provider refuses or cannot be reached, or the
     * second commit fails, the refund stays on record and resolving again retries it alone.
     */
    async resolve(db: Db, ctx: Ctx, id: string, input: ResolveBody): Promise<Return> {
      const row = await findRow(db, id)
      if (row.settlement) return retryRefund(db, ctx, row, input)
      returnMachine.next(row.status as ReturnStatus, 'resolve', snapshotOf(row))
      const settlement = await inTransaction(db, (trx) => recordSettlement(trx, ctx, row.id, input))
      if (!settlement.refund) return shapeOne(db, await findRow(db, row.id))
      return payOut(db, ctx, row.id, settlement.refund.refundId)
    },

    async get(db: Db | Trx, id: string): Promise<Return> {
      return shapeOne(db, await findRow(db, id))
    },

    async list(db: Db, q: ReturnListQuery): Promise<{ data: Return[]; nextCursor: string | null }> {
      let query = db.selectFrom('returns').selectAll().orderBy('id', 'desc').limit(q.limit + 1)
      if (q.status) query = query.where('status', '=', q.status)
      if (q.order) query = query.where((eb) => eb.or([eb('orderId', '=', q.order!), eb('orderNumber', '=', q.order!)]))
      if (q.channel) {
        const channel = await d.channels.getByCode(db, q.channel).catch(() => undefined)
        if (!channel) return { data: [], nextCursor: null }
        query = query.where('channelId', '=', channel.id)
      }
      if (q.customer) query = query.where('customerId', '=', q.customer)
      if (q.reason) query = query.where('id', 'in', db.selectFrom('returnLines').select('returnId').where('reason', '=', q.reason))
      if (q.createdFrom) query = query.where('createdAt', '>=', new Date(q.createdFrom).toISOString())
      if (q.createdTo) query = query.where('createdAt', '<=', q.createdTo.length === 10 ? `${q.createdTo}T23:59:59.999Z` : new Date(q.createdTo).toISOString())
      const before = decodeCursor(q.cursor)
      if (before) query = query.where('id', '<', before)
      const page = toPage(await query.execute(), q.limit, (r) => r.id)
      return { data: await shapeMany(db, page.data), nextCursor: page.nextCursor }
    },

    /** Returns waiting for a person, oldest first: `requested` (to authorize) and `received` (to inspect). The exception queue's read. */
    async awaitingAction(db: Db | Trx, q: { limit: number }) {
      const rows = await db
        .selectFrom('returns')
        .select(['id', 'number', 'status', 'orderId', 'orderNumber', 'channelId', 'locationId', 'decision', 'createdAt', 'receivedAt'])
        .where('status', 'in', ['requested', 'received'] satisfies ReturnStatus[])
        .orderBy('id')
        .limit(q.limit)
        .execute()
      return rows.map(({ decision, ...r }) => ({ ...r, status: r.status as 'requested' | 'received', decision: JSON.parse(decision) as Decision }))
    },

    /** The return label's document: one 4×6 label. A voided label (cancelled return) is not printed. */
    async labelDoc(db: Db | Trx, id: string): Promise<LabelDoc> {
      const row = await findRow(db, id)
      if (!row.label) throw notFound('return_label', row.number)
      if (row.status === 'cancelled') throw conflict('return.label_voided', `Return ${row.number} was cancelled: its label is void and must not be printed.`)
      return (JSON.parse(row.label) as StoredLabel).doc
    },
    labelPdf: async (db: Db | Trx, id: string): Promise<Buffer> => renderLabelPdf(await service.labelDoc(db, id)),
    labelZpl: async (db: Db | Trx, id: string): Promise<string> => renderLabelZpl(await service.labelDoc(db, id)),

    // ---- units held apart ----

    /** Quarantined and refurbish units still held at locations (not in stock), oldest first. */
    async heldStock(db: Db, q: HeldStockQuery): Promise<{ data: HeldStock[]; nextCursor: string | null }> {
      const locations = await d.locations.listAll(db)
      let query = db
        .selectFrom('returnInspections')
        .innerJoin('returns', 'returns.id', 'returnInspections.returnId')
        .innerJoin('returnLines', 'returnLines.id', 'returnInspections.returnLineId')
        .selectAll('returnInspections')
        .select(['returns.number', 'returnLines.sku'])
        .where('returnInspections.disposition', 'in', q.disposition ? [q.disposition] : HELD)
        .where((eb) => eb(eb(eb('returnInspections.quantity', '-', eb.ref('returnInspections.restockedQty')), '-', eb.ref('returnInspections.scrappedQty')), '>', 0))
        .orderBy('returnInspections.id')
        .limit(q.limit + 1)
      if (q.location) query = query.where('returnInspections.locationId', '=', locations.find((l) => l.code === q.location)?.id ?? '')
      if (q.sku) query = query.where('returnLines.sku', '=', q.sku)
      const after = decodeCursor(q.cursor)
      if (after) query = query.where('returnInspections.id', '>', after)
      const page = toPage(await query.execute(), q.limit, (r) => r.id)
      return {
        data: page.data.map((r) => ({
          id: r.id,
          return: { id: r.returnId, number: r.number },
          sku: r.sku,
          location: locations.find((l) => l.id === r.locationId)?.code ?? r.locationId,
          disposition: r.disposition as HeldStock['disposition'],
          condition: r.condition as Condition,
          quantity: heldOf(r),
          note: r.note,
          heldSince: r.createdAt,
        })),
        nextCursor: page.nextCursor,
      }
    },

    /** Releases held units: restocked into available stock (ledger kind `return`) or scrapped. */
    async releaseHeld(trx: Trx, ctx: Ctx, inspectionId: string, input: ReleaseBody): Promise<HeldStock> {
      const ins = await trx.selectFrom('returnInspections').selectAll().where('id', '=', inspectionId).executeTakeFirst()
      if (!ins || !HELD.includes(ins.disposition as Disposition)) throw notFound('held_stock', inspectionId)
      const held = heldOf(ins)
      if (input.quantity > held) throw invalid('return.not_held', `Only ${held} unit(s) are still held.`, [{ path: 'quantity', message: `at most ${held}` }])
      const location = (await d.locations.listAll(trx)).find((l) => l.id === ins.locationId)!
      if (input.bin && input.to !== 'restock') throw invalid('return.invalid_release', 'Only restocked units go into a bin.', [{ path: 'bin', message: 'only with "to": "restock"' }])
      if (input.bin && !(await d.locations.findBin(trx, location.id, input.bin))) throw invalid('inventory.unknown_bin', `Location ${location.code} has no bin "${input.bin}".`, [{ path: 'bin', message: `no bin "${input.bin}" in ${location.code}` }])
      const ret = await findRow(trx, ins.returnId)
      const at = ctx.clock.now().toISOString()
      const restocked = input.to === 'restock' ? input.quantity : 0
      const scrapped = input.to === 'scrap' ? input.quantity : 0
      const r = await trx
        .updateTable('returnInspections')
        .set({ restockedQty: ins.restockedQty + restocked, scrappedQty: ins.scrappedQty + scrapped, updatedAt: at })
        .where('id', '=', ins.id)
        .where('restockedQty', '=', ins.restockedQty)
        .where('scrappedQty', '=', ins.scrappedQty)
        .executeTakeFirst()
      if (Number(r.numUpdatedRows) !== 1) throw conflict('return.version_conflict', 'These units were released by someone else at the same time; read them again.')
      if (restocked) {
        await d.inventory.move(trx, ctx, [
          { productId: ins.productId, locationId: ins.locationId, kind: 'return', delta: restocked, bin: input.bin ?? null, refType: 'return', refId: ret.id, reason: `${ret.number}: released from ${ins.disposition}` },
        ])
        await d.backorders().fillBackorders(trx, ctx, ins.productId, ins.locationId)
      }
      const line = await trx.selectFrom('returnLines').select('sku').where('id', '=', ins.returnLineId).executeTakeFirstOrThrow()
      await recordEvent(trx, ctx, {
        type: input.to === 'restock' ? 'return.stock_restocked' : 'return.stock_scrapped',
        entity: 'return',
        entityId: ret.id,
        orderId: ret.orderId,
        reason: input.note ?? null,
        data: { number: ret.number, sku: line.sku, quantity: input.quantity, from: ins.disposition, location: location.code, bin: input.bin ?? null },
      })
      return {
        id: ins.id,
        return: { id: ret.id, number: ret.number },
        sku: line.sku,
        location: location.code,
        disposition: ins.disposition as HeldStock['disposition'],
        condition: ins.condition as Condition,
        quantity: held - input.quantity,
        note: ins.note,
        heldSince: ins.createdAt,
      }
    },
  }

  // ---- resolution ----

  /**
   * What each exchange SKU is worth on the order's terms: its list price in the proportion the
   * customer paid for the returned line (same tax rate and discount share).
   */
  async function exchangeValues(trx: Trx, order: ReturnableOrder, lines: { line: LineRow; exchangeSku: string; field: string }[]): Promise<Map<string, number>> {
    const values = new Map<string, number>()
    if (!lines.length) return values
    const products = await d.catalog.findBySkus(trx, [...new Set(lines.flatMap((l) => [l.exchangeSku, l.line.sku]))], { barcodes: false })
    const errors: FieldError[] = []
    for (const l of lines) {
      const wanted = products.get(l.exchangeSku)
      const listPrice = order.lines.find((o) => o.id === l.line.orderLineId)?.unitPrice ?? products.get(l.line.sku)?.price.amount ?? 0
      if (!wanted || !wanted.active) errors.push({ path: `${l.field}.exchangeSku`, message: wanted ? `${wanted.sku} is not for sale` : 'unknown SKU' })
      else if (wanted.price.currency !== order.currency) errors.push({ path: `${l.field}.exchangeSku`, message: `${wanted.sku} is priced in ${wanted.price.currency}, the order in ${order.currency}` })
      else values.set(l.line.id, listPrice > 0 ? Math.round((wanted.price.amount * l.line.unitPaid) / listPrice) : wanted.price.amount)
    }
    if (errors.length) throw invalid('return.invalid_exchange', errors.map((e) => `${e.path}: ${e.message}`).join('; '), errors)
    return values
  }

  /** The settlement of an inspected return, its non-refund effects and the refund intent, in one transaction. */
  async function recordSettlement(trx: Trx, ctx: Ctx, id: string, input: ResolveBody): Promise<SettlementView> {
    const row = await findRow(trx, id)
    if (row.settlement) throw conflict('return.version_conflict', `Return ${row.number} was resolved by someone else at the same time.`)
    const t = transition(row, 'resolve', { reason: input.note ?? null })
    const [order, lines, reasons] = await Promise.all([d.orders().returnable(trx, ctx, row.orderId), linesOf(trx, [row.id]), policies.reasons(trx)])
    const chosen = new Map(lines.map((l) => [l.id, { resolution: l.resolution as Resolution, exchangeSku: l.exchangeSku, field: `lines.${l.lineNo - 1}` }]))
    for (const [i, o] of (input.lines ?? []).entries()) {
      const line = lineRef(lines, o.line, `lines.${i}.line`)
      if (o.resolution === 'exchange' && !o.exchangeSku && !line.exchangeSku) throw invalid('return.invalid_exchange', 'An exchange needs the SKU sent instead.', [{ path: `lines.${i}.exchangeSku`, message: 'required for an exchange' }])
      chosen.set(line.id, { resolution: o.resolution, exchangeSku: o.exchangeSku ?? line.exchangeSku, field: `lines.${i}` })
    }
    const resolved = lines.filter((l) => l.receivedQty > 0)
    const exchanges = resolved.flatMap((l) => {
      const c = chosen.get(l.id)!
      return c.resolution === 'exchange' ? [{ line: l, exchangeSku: c.exchangeSku!, field: c.field }] : []
    })
    const values = await exchangeValues(trx, order, exchanges)
    const label = row.label ? (JSON.parse(row.label) as StoredLabel) : null
    const terms = JSON.parse(row.terms) as Terms
    const amounts = settle({
      lines: resolved.map((l): SettleLine => {
        const c = chosen.get(l.id)!
        return {
          id: l.id,
          sku: l.sku,
          quantity: l.receivedQty,
          unitPaid: l.unitPaid,
          resolution: c.resolution,
          merchantFault: reasons.get(l.reason)?.merchantFault ?? false,
          ...(c.resolution === 'exchange' ? { exchange: { sku: c.exchangeSku!, unitValue: values.get(l.id)! } } : {}),
        }
      }),
      restockingFeePpm: terms.restockingFeePpm,
      refundShipping: terms.refundShipping,
      shipping: { total: order.shippingTotal, refunded: await d.payments.shippingRefunded(trx, order.id) },
      fullReturn: order.lines.every((l) => l.returnedQuantity >= l.deliveredQuantity),
      labelFee: label && label.paidBy === 'customer' && label.purchase.cost.currency === row.currency ? label.purchase.cost.amount : 0,
      refundable: ['paid', 'partially_refunded'].includes(order.paymentStatus) ? order.payment.amount - order.refundedAmount : 0,
    })

    const ref = refOf(row)
    const linked = async (kind: 'replacement' | 'exchange') => {
      const units = amounts.lines.filter((l) => l.resolution === kind)
      if (!units.length) return null
      const orderLines = units.map((l) => ({ sku: kind === 'exchange' ? l.exchange!.sku : l.sku, quantity: l.quantity, unitPrice: 0 }))
      return d.orders().createLinkedOrder(trx, ctx, row.orderId, orderLines, { ...ref, kind })
    }
    const replacementOrder = await linked('replacement')
    const exchangeOrder = await linked('exchange')
    const orderRef = { id: row.orderId, number: row.orderNumber }
    const note = await (amounts.credit > 0
      ? d.payments.issueCreditNote(trx, ctx, { customerId: row.customerId, order: orderRef, returnId: row.id, amount: amounts.credit, currency: row.currency, reason: `store credit for ${row.number}` })
      : null)
    const request = await (amounts.charge > 0
      ? d.payments.requestPayment(trx, ctx, { order: orderRef, returnId: row.id, customerId: row.customerId, amount: amounts.charge, currency: row.currency, reason: `price difference of the exchange in ${row.number}` })
      : null)
    const refund = await (amounts.refund > 0
      ? d.payments.openRefund(trx, ctx, {
          order: orderRef,
          return: { id: row.id, number: row.number },
          customerId: row.customerId,
          provider: d.payments.providerFor(order.payment.method, input.refund?.provider, 'refund.provider'),
          paymentReference: order.payment.reference,
          amount: amounts.refund,
          shippingAmount: amounts.shippingRefund,
          currency: row.currency,
          breakdown: amounts.parts,
          note: input.refund?.note ?? null,
        })
      : null)
    const at = ctx.clock.now().toISOString()
    const settlement: SettlementView = {
      lines: amounts.lines.map(({ id: line, ...l }) => ({ line, ...l })),
      refund: refund ? { amount: amounts.refund, shipping: amounts.shippingRefund, parts: amounts.parts, refundId: refund.id } : null,
      storeCredit: note ? { amount: amounts.credit, creditNoteId: note.id, creditNoteNumber: note.number } : null,
      charge: request ? { amount: amounts.charge, paymentRequestId: request.id } : null,
      replacementOrder,
      exchangeOrder,
      recordedAt: at,
    }
    // Without money to pay out the return is resolved here; otherwise once the refund is paid.
    await save(trx, row, { settlement: JSON.stringify(settlement), ...(refund ? {} : { status: t.to, resolvedAt: at }) }, at)
    if (!refund) await recordEvents(trx, ctx, [{ ...t.event, data: { ...t.event.data, ...settlementData(settlement) } }])
    return settlement
  }

  const settlementData = (s: SettlementView) => ({
    refund: s.refund?.amount ?? 0,
    storeCredit: s.storeCredit?.amount ?? 0,
    charge: s.charge?.amount ?? 0,
    replacementOrder: s.replacementOrder?.number ?? null,
    exchangeOrder: s.exchangeOrder?.number ?? null,
    lines: s.lines.map((l) => ({ sku: l.sku, resolution: l.resolution, quantity: l.quantity, restockingFee: l.restockingFee })),
  })

  /**
   * Pays a pending refund out (outside any transaction, with its idempotency key), then records it:
   * the refund succeeded, the order's paymentStatus, the return resolved, in one transaction.
   */
  async function payOut(db: Db, ctx: Ctx, returnId: string, refundId: string): Promise<Return> {
    const outcome = await d.payments.sendRefund(db, refundId)
    if (outcome.status === 'unknown') {
      await d.payments.notePendingRefund(db, ctx, refundId, outcome.message, null)
      throw new AppError(502, 'refund.provider_unavailable', `The refund could not be confirmed (${outcome.message}); it stays pending. Resolve the return again to retry it with the same idempotency key.`)
    }
    let result: Return
    try {
      result = await inTransaction(db, async (trx) => {
        const refund = await d.payments.settleRefund(trx, ctx, refundId, outcome)
        const row = await findRow(trx, returnId)
        if (outcome.status === 'failed') return shapeOne(trx, row)
        await d.orders().refunded(trx, ctx, row.orderId, { amount: refund.amount.amount, currency: refund.amount.currency, refundId, reference: outcome.reference }, refOf(row))
        const settlement = JSON.parse(row.settlement!) as SettlementView
        const t = transition(row, 'resolve', { data: settlementData(settlement) })
        const at = ctx.clock.now().toISOString()
        const next = await save(trx, row, { status: t.to, resolvedAt: at }, at)
        await recordEvents(trx, ctx, [t.event])
        return shapeOne(trx, next)
      })
    } catch (err) {
      // Paid out but not recorded: keep what the provider said, for a retry with the same key.
      await d.payments.notePendingRefund(db, ctx, refundId, (err as Error).message, outcome.reference)
      throw err
    }
    if (outcome.status === 'failed') {
      throw conflict('refund.declined', `The payment provider refused the refund${outcome.message ? ` (${outcome.message})` : ''}. Resolve the return again to ask again, naming another provider (e.g. "manual") in refund.provider if need be.`)
    }
    return result
  }

  /** Resolving again while the refund is outstanding: the recorded settlement stands; only the refund is asked again. */
  async function retryRefund(db: Db, ctx: Ctx, row: ReturnRow, input: ResolveBody): Promise<Return> {
    const settlement = JSON.parse(row.settlement!) as SettlementView
    if (row.status === 'resolved' || !settlement.refund) return shapeOne(db, row)
    if (input.lines?.length) {
      throw conflict('return.resolution_recorded', `Return ${row.number}'s resolution is recorded and only its refund is outstanding; resolve it again without lines to retry the refund.`)
    }
    const refund = await d.payments.getRefund(db, settlement.refund.refundId)
    if (refund.status === 'failed') {
      const provider = input.refund?.provider === undefined ? undefined : d.payments.providerFor(null, input.refund.provider, 'refund.provider')
      await inTransaction(db, (trx) => d.payments.reopenRefund(trx, ctx, refund.id, { provider, note: input.refund?.note }))
    }
    return payOut(db, ctx, row.id, refund.id)
  }

  return service
}

export type ReturnService = ReturnType<typeof createReturnService>
