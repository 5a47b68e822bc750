import { createHash, randomInt, timingSafeEqual } from 'node:crypto'
import type { Selectable } from 'kysely'
import type { Db } from '../../db/connection.js'
import { inTransaction, type Trx } from '../../db/transaction.js'
import type { Address } from '../../kernel/address.js'
import { MASTER_DATA_TTL_MS, ttlCache } from '../../kernel/cache.js'
import { actorLabel, type Ctx } from '../../kernel/context.js'
import { AppError, conflict, invalid, notFound, type FieldError } from '../../kernel/errors.js'
import { recordEvent, recordEvents } from '../../kernel/events.js'
import { versionMismatch } from '../../kernel/http.js'
import { newId } from '../../kernel/ids.js'
import { findIdempotent, hashRequest, isUniqueViolation, saveIdempotent } from '../../kernel/idempotency.js'
import type { Money } from '../../kernel/money.js'
import { nextNumber } from '../../kernel/numbers.js'
import { decodeCursor, toPage } from '../../kernel/pagination.js'
import type { CatalogService } from '../catalog/index.js'
import { printAddress, renderLabelsPdf, renderLabelZpl, renderManifestPdf, type LabelDoc } from '../documents/index.js'
import type { Location, LocationService } from '../locations/index.js'
import {
  createAdapterRegistry,
  originOf,
  parcelsOf,
  placeOf,
  type CarrierAdapter,
  type CarrierConfig,
  type CarrierServiceConfig,
} from './carrier-adapter.js'
import { customerFreight, type CustomerFreight } from './freight.js'
import { BEFORE_HANDOVER, COMMAND_OF, shipmentMachine, type ShipmentStatus, type TrackingStatus } from './machine.js'
import type { CostEstimator, LabelPurchase, ShipmentListener, ShipmentRequest } from './ports.js'
import { rateCardSchema, type Parcel, type Place, type Quote } from './rate-card.js'
import { deliveryDate, rateShop, type ServiceQuote } from './rate-shop.js'
import {
  SERVICE_LEVELS,
  type Carrier,
  type CarrierService,
  type CreateCarrierBody,
  type CreateManifestBody,
  type CreateServiceBody,
  type CreateShippingMethodBody,
  type Manifest,
  type ManifestListQuery,
  type QuoteBody,
  type RateOptionView,
  type RatesResult,
  type ServiceLevel,
  type Shipment,
  type ShipmentListQuery,
  type ShipmentPackage,
  type ShippingMethod,
  type TrackingEvent,
  type TrackingEventBody,
  type TrackingLookup,
  type UpdateCarrierBody,
  type UpdateServiceBody,
  type UpdateShippingMethodBody,
} from './schema.js'
import type { CarrierServicesTable, CarriersTable, ManifestsTable, ShipmentPackagesTable, ShipmentsTable, ShippingMethodsTable, TrackingEventsTable } from './tables.js'
import { tableRateAdapter } from './table-rate-carrier.js'
import { isValidTrackingNumber, normalizeTrackingNumber } from './tracking-number.js'

type CarrierRow = Selectable<CarriersTable>
type ServiceRow = Selectable<CarrierServicesTable>
type MethodRow = Selectable<ShippingMethodsTable>
type ShipmentRow = Selectable<ShipmentsTable>
type PackageRow = Selectable<ShipmentPackagesTable>
type TrackingRow = Selectable<TrackingEventsTable>
type ManifestRow = Selectable<ManifestsTable>

/** Wrong delivery codes accepted before only an identity check will do (a six-digit code must not be guessable). */
const MAX_CODE_ATTEMPTS = 5

/** Carriers, services and shipping methods as the hot paths read them (cached per process). */
interface ShippingCatalog {
  carriers: CarrierConfig[]
  services: CarrierServiceConfig[]
  methods: ShippingMethod[]
  carrierByCode: Map<string, CarrierConfig>
  serviceById: Map<string, CarrierServiceConfig>
  serviceByQualifiedCode: Map<string, CarrierServiceConfig>
  /** Changes with any carrier, service or method version: the cost estimator is rebuilt only then. */
  fingerprint: string
}

const toCarrierConfig = (r: CarrierRow): CarrierConfig => ({
  id: r.id,
  code: r.code,
  name: r.name,
  adapter: r.adapter,
  active: r.active === 1,
  settings: JSON.parse(r.settings) as Record<string, unknown>,
  trackingPrefix: r.trackingPrefix,
})

const toServiceView = (r: ServiceRow, carrierCode: string): CarrierService => ({
  id: r.id,
  carrier: carrierCode,
  code: r.code,
  qualifiedCode: `${carrierCode}.${r.code}`,
  name: r.name,
  level: r.level as ServiceLevel,
  rateCard: rateCardSchema.parse(JSON.parse(r.rateCard)),
  active: r.active === 1,
  version: r.version,
  createdAt: r.createdAt,
  updatedAt: r.updatedAt,
})

const toCarrierView = (r: CarrierRow, services: ServiceRow[]): Carrier => ({
  ...toCarrierConfig(r),
  services: services.map((s) => toServiceView(s, r.code)),
  version: r.version,
  createdAt: r.createdAt,
  updatedAt: r.updatedAt,
})

const toMethod = (r: MethodRow): ShippingMethod => ({
  id: r.id,
  code: r.code,
  name: r.name,
  currency: r.currency,
  flatAmount: r.flatAmount,
  perKgAmount: r.perKgAmount,
  freeOverAmount: r.freeOverAmount,
  serviceLevel: r.serviceLevel as ServiceLevel | null,
  maxTransitDays: r.maxTransitDays,
  active: r.active === 1,
  version: r.version,
  createdAt: r.createdAt,
  updatedAt: r.updatedAt,
})

const toPackage = (r: PackageRow): ShipmentPackage => ({
  id: r.id,
  seq: r.seq,
  trackingNumber: r.trackingNumber,
  fulfillmentPackageId: r.fulfillmentPackageId,
  boxCode: r.boxCode,
  lengthMm: r.lengthMm,
  widthMm: r.widthMm,
  heightMm: r.heightMm,
  weightGrams: r.weightGrams,
  contents: JSON.parse(r.contents) as ShipmentPackage['contents'],
})

const toTrackingEvent = (r: TrackingRow): TrackingEvent => ({
  id: r.id,
  status: r.status as TrackingStatus,
  occurredAt: r.occurredAt,
  location: r.location,
  detail: r.detail,
  source: r.source as TrackingEvent['source'],
  proof: r.proof ? (JSON.parse(r.proof) as TrackingEvent['proof']) : null,
  applied: r.applied === 1,
  recordedBy: r.recordedBy,
  recordedAt: r.recordedAt,
})

const today = (ctx: Ctx) => ctx.clock.now().toISOString().slice(0, 10)
/** Orders may promise a date or a date-time; delivery dates are compared as calendar days. */
const dateOnly = (s: string | null | undefined) => (s ? s.slice(0, 10) : null)
const levelRank = (level: string) => SERVICE_LEVELS.indexOf(level as ServiceLevel)

/** Field errors of a zod failure, under a prefix (`settings.apiKeyEnv`). */
const fieldErrors = (prefix: string, issues: { path: PropertyKey[]; message: string; code?: string }[]): FieldError[] =>
  issues.map((i) => ({ path: [prefix, ...i.path.map(String)].join('.'), message: i.message, code: i.code }))

/** Why a shipping method does not let a service be picked by default, or null when it does. */
function methodMisfit(method: ShippingMethod, service: CarrierServiceConfig, transitDays: number): string | null {
  if (method.serviceLevel && levelRank(service.level) < levelRank(method.serviceLevel)) {
    return `shipping method ${method.code} needs ${method.serviceLevel} or faster; ${service.qualifiedCode} is ${service.level}`
  }
  if (method.maxTransitDays !== null && transitDays > method.maxTransitDays) {
    return `shipping method ${method.code} allows at most ${method.maxTransitDays} transit days; ${service.qualifiedCode} takes ${transitDays}`
  }
  return null
}

interface ShopInput {
  parcels: Parcel[]
  origin: Place
  destination: Place
  residential: boolean
  shipDate: string
  promisedBy: string | null
  shippingMethod: string | null
  merchandiseValue?: Money
  weightGrams: number
}

const shopInputOf = (req: ShipmentRequest): ShopInput => ({
  parcels: parcelsOf(req),
  origin: originOf(req),
  destination: placeOf(req.destination),
  residential: req.residential,
  shipDate: req.shipDate,
  promisedBy: dateOnly(req.promisedBy),
  shippingMethod: req.shippingMethod,
  merchandiseValue: req.merchandiseValue,
  weightGrams: req.packages.reduce((s, p) => s + p.weightGrams, 0),
})

/** A return parcel: from the customer back to one of our locations. */
export interface ReturnLabelRequest {
  returnId: string
  returnNumber: string
  orderId: string
  orderNumber: string
  /** Where the carrier collects it: the customer's (pickup) address, with their name. */
  from: Address
  toLocationId: string
  weightGrams: number
  /** ISO date the parcel leaves. */
  shipDate: string
}

/** Carriers, services and rate cards; rate shopping; labels; shipments and their tracking; manifests. */
export function createShippingService(d: { locations: LocationService; catalog: CatalogService; listener: () => ShipmentListener }) {
  const adapters = createAdapterRegistry([tableRateAdapter])
  const catalogCache = ttlCache<ShippingCatalog>(MASTER_DATA_TTL_MS)
  const estimatorCache = ttlCache<CostEstimator>(MASTER_DATA_TTL_MS)
  let estimator: { fingerprint: string; estimate: CostEstimator } | undefined
  // The database labels were bought on: `voidLabel(ctx, purchase)`, the undo right after a failed
  // commit, runs in the same process against it (a service instance serves one database).
  let labelDb: Db | undefined

  const masterDataChanged = () => {
    catalogCache.clear()
    estimatorCache.clear()
  }

  async function loadCatalog(db: Db | Trx): Promise<ShippingCatalog> {
    const [carrierRows, serviceRows, methodRows] = await Promise.all([
      db.selectFrom('carriers').selectAll().orderBy('code').execute(),
      db.selectFrom('carrierServices').selectAll().orderBy('code').execute(),
      db.selectFrom('shippingMethods').selectAll().orderBy('code').execute(),
    ])
    const carriers = carrierRows.map(toCarrierConfig)
    const carrierById = new Map(carriers.map((c) => [c.id, c]))
    const services = carrierRows.flatMap((c) =>
      serviceRows
        .filter((s) => s.carrierId === c.id)
        .map((s): CarrierServiceConfig => {
          const v = toServiceView(s, c.code)
          return { id: v.id, carrier: carrierById.get(c.id)!, code: v.code, qualifiedCode: v.qualifiedCode, name: v.name, level: v.level, rateCard: v.rateCard, active: v.active }
        }),
    )
    const fingerprint = [...carrierRows.map((r) => `${r.id}:${r.version}`), ...serviceRows.map((r) => `${r.id}:${r.version}`)].join(',')
    return {
      carriers,
      services,
      methods: methodRows.map(toMethod),
      carrierByCode: new Map(carriers.map((c) => [c.code, c])),
      serviceById: new Map(services.map((s) => [s.id, s])),
      serviceByQualifiedCode: new Map(services.map((s) => [s.qualifiedCode, s])),
      fingerprint,
    }
  }

  const catalog = (db: Db | Trx) => catalogCache.get('catalog', () => loadCatalog(db))

  /** The catalog, reloaded when it misses a service (created in another process in the last moments). */
  async function catalogCovering(db: Db | Trx, serviceIds: string[]): Promise<ShippingCatalog> {
    const cat = await catalog(db)
    if (serviceIds.every((id) => cat.serviceById.has(id))) return cat
    catalogCache.clear()
    return catalog(db)
  }

  function adapterOf(carrier: CarrierConfig): CarrierAdapter {
    const adapter = adapters.get(carrier.adapter)
    if (!adapter) throw new AppError(503, 'carrier.adapter_missing', `Carrier "${carrier.code}" uses adapter "${carrier.adapter}", which is not installed in this process.`)
    return adapter
  }

  /** Calls a carrier; what goes wrong there (network, their API) is a 502 that changed nothing here. */
  async function atCarrier<T>(carrier: CarrierConfig, what: string, call: () => Promise<T>): Promise<T> {
    try {
      return await call()
    } catch (err) {
      if (err instanceof AppError) throw err
      throw new AppError(502, 'shipping.carrier_failed', `Carrier "${carrier.code}" could not ${what}; nothing was changed. Try again.`)
    }
  }

  /** Quotes every active service and rate-shops them; see RatesResult. */
  function shop(cat: ShippingCatalog, q: ShopInput): { result: RatesResult; quotes: Map<string, Quote> } {
    const method = q.shippingMethod ? (cat.methods.find((m) => m.code === q.shippingMethod && m.active) ?? null) : null
    const candidates = cat.services.filter((s) => s.active && s.carrier.active)
    const quotes = new Map<string, Quote>()
    const excluded = new Map<string, { reason: string; detail: string }>()
    const shoppable: ServiceQuote[] = []
    for (const s of candidates) {
      const adapter = adapters.get(s.carrier.adapter)
      if (!adapter) {
        excluded.set(s.qualifiedCode, { reason: 'adapter_missing', detail: `adapter "${s.carrier.adapter}" is not installed` })
        continue
      }
      const quote = adapter.quote(s, q.parcels, q.origin, q.destination, q.residential)
      quotes.set(s.qualifiedCode, quote)
      const misfit = quote.ok && method ? methodMisfit(method, s, quote.transitDays) : null
      if (misfit) excluded.set(s.qualifiedCode, { reason: 'excluded_by_shipping_method', detail: misfit })
      else shoppable.push({ service: s.qualifiedCode, quote })
    }
    const shopped = rateShop({ quotes: shoppable, shipDate: q.shipDate, ...(q.promisedBy ? { promisedBy: q.promisedBy } : {}) })
    const shopOptions = new Map(shopped.options.map((o) => [o.service, o]))

    const options = candidates.map((s): RateOptionView => {
      const base = { service: s.qualifiedCode, carrier: s.carrier.code, carrierName: s.carrier.name, serviceName: s.name, level: s.level as ServiceLevel }
      const quote = quotes.get(s.qualifiedCode)
      const arrives = quote?.ok ? deliveryDate(q.shipDate, quote.transitDays) : null
      const priced =
        quote?.ok && arrives
          ? {
              amount: quote.amount,
              currency: quote.currency,
              breakdown: quote.breakdown,
              zone: quote.zone,
              transitDays: quote.transitDays,
              deliveryDate: arrives,
              meetsPromise: q.promisedBy ? arrives <= q.promisedBy : null,
            }
          : { amount: null, currency: null, breakdown: null, zone: null, transitDays: null, deliveryDate: null, meetsPromise: null }
      const o = shopOptions.get(s.qualifiedCode)
      if (o?.available) return { ...base, available: true, ...priced, reason: null, detail: null }
      // An excluded service that could ship keeps its price: a person may still pick it on purpose.
      const why = excluded.get(s.qualifiedCode) ?? { reason: o && !o.available ? o.reason : 'unavailable', detail: o && !o.available ? (o.detail ?? null) : null }
      return { ...base, available: false, ...priced, reason: why.reason, detail: why.detail }
    })

    const chosen = shopped.ok ? options.find((o) => o.service === shopped.default)! : null
    const freight = method ? customerFreight(method, q.weightGrams, q.merchandiseValue) : null
    return {
      quotes,
      result: {
        shipDate: q.shipDate,
        promisedBy: q.promisedBy,
        options,
        default: chosen?.service ?? null,
        carrierCost: chosen ? { amount: chosen.amount!, currency: chosen.currency! } : null,
        estimatedDeliveryDate: chosen?.deliveryDate ?? null,
        customerFreight: freight && method ? { amount: freight.amount, currency: freight.currency, shippingMethod: method.code, rule: freight.rule, detail: freight.detail } : null,
        explanation: {
          rule: shopped.ok ? shopped.explanation.rule : shopped.reason,
          chosen: chosen?.service ?? null,
          considered: shopped.ok ? shopped.explanation.considered : [],
          meetingPromise: shopped.ok ? shopped.explanation.meetingPromise : [],
          unavailable: options.filter((o) => !o.available).map((o) => ({ service: o.service, reason: o.reason! })),
          tieBreak: shopped.ok ? shopped.explanation.tieBreak : null,
          shippingMethod: q.shippingMethod
            ? { code: q.shippingMethod, known: method !== null, serviceLevel: method?.serviceLevel ?? null, maxTransitDays: method?.maxTransitDays ?? null }
            : null,
        },
      },
    }
  }

  // ---- shipments: loading and shaping ----

  async function findShipmentRow(db: Db | Trx, id: string): Promise<ShipmentRow> {
    const row = await db
      .selectFrom('shipments')
      .selectAll()
      .where((eb) => eb.or([eb('id', '=', id), eb('number', '=', id)]))
      .executeTakeFirst()
    if (!row) throw notFound('shipment', id)
    return row
  }

  function shape(r: ShipmentRow, cat: ShippingCatalog, locations: Map<string, Location>, packages: PackageRow[], events: TrackingRow[]): Shipment {
    const service = cat.serviceById.get(r.serviceId)!
    const origin = locations.get(r.originLocationId)
    const status = r.status as ShipmentStatus
    return {
      id: r.id,
      number: r.number,
      status,
      fulfillmentOrderId: r.fulfillmentOrderId,
      fulfillmentNumber: r.fulfillmentNumber,
      orderId: r.orderId,
      orderNumber: r.orderNumber,
      carrier: { code: service.carrier.code, name: service.carrier.name },
      service: { code: service.code, qualifiedCode: service.qualifiedCode, name: service.name },
      trackingNumber: r.trackingNumber,
      carrierReference: r.carrierReference,
      carrierCost: { amount: r.costAmount, currency: r.costCurrency },
      customerFreight: r.freightAmount === null || r.freightCurrency === null ? null : { amount: r.freightAmount, currency: r.freightCurrency },
      shippingMethod: r.shippingMethod,
      origin: { locationId: r.originLocationId, code: origin?.code ?? '', name: origin?.name ?? '' },
      destination: JSON.parse(r.destination) as Address,
      residential: r.residential === 1,
      requiresProof: r.requiresProof === 1,
      promisedBy: r.promisedBy,
      shipDate: r.shipDate,
      estimatedDeliveryDate: r.estimatedDeliveryDate,
      weightGrams: r.weightGrams,
      packages: packages.map(toPackage),
      trackingEvents: events.map(toTrackingEvent),
      manifestId: r.manifestId,
      deliveredAt: r.deliveredAt,
      cancelledAt: r.cancelledAt,
      cancelReason: r.cancelReason,
      allowedActions: shipmentMachine.allowed(status, null),
      version: r.version,
      createdAt: r.createdAt,
      updatedAt: r.updatedAt,
    }
  }

  /** Shapes shipments with their packages and tracking events, three queries for any number of them. */
  async function shapeMany(db: Db | Trx, rows: ShipmentRow[]): Promise<Shipment[]> {
    if (!rows.length) return []
    const ids = rows.map((r) => r.id)
    const [cat, locations, packages, events] = await Promise.all([
      catalogCovering(
        db,
        rows.map((r) => r.serviceId),
      ),
      d.locations.listAll(db),
      db.selectFrom('shipmentPackages').selectAll().where('shipmentId', 'in', ids).orderBy('shipmentId').orderBy('seq').execute(),
      db.selectFrom('trackingEvents').selectAll().where('shipmentId', 'in', ids).orderBy('occurredAt').orderBy('id').execute(),
    ])
    const locs = new Map(locations.map((l) => [l.id, l]))
    return rows.map((r) =>
      shape(
        r,
        cat,
        locs,
        packages.filter((p) => p.shipmentId === r.id),
        events.filter((e) => e.shipmentId === r.id),
      ),
    )
  }

  const shapeOne = async (db: Db | Trx, row: ShipmentRow) => (await shapeMany(db, [row]))[0]
  const listenerRef = (r: ShipmentRow) => ({ id: r.id, fulfillmentOrderId: r.fulfillmentOrderId, orderId: r.orderId, trackingNumber: r.trackingNumber })

  // ---- tracking ----

  type Proof = NonNullable<TrackingEvent['proof']>
  type TrackingOutcome = { shipment: Shipment; created: boolean } | { wrongCode: true; attemptsLeft: number }

  /** The proof a delivery of this shipment gives, 'wrong_code', or a 422 naming the missing field. */
  function checkProof(row: ShipmentRow, input: TrackingEventBody): Proof | 'wrong_code' {
    if (input.deliveryCode !== undefined) {
      if (row.proofFailures >= MAX_CODE_ATTEMPTS) {
        throw invalid('shipment.delivery_code_locked', `${MAX_CODE_ATTEMPTS} wrong delivery codes were entered: only an identity check is accepted now.`, [
          { path: 'deliveryCode', message: 'locked; send identityCheck instead' },
        ])
      }
      const given = Buffer.from(input.deliveryCode)
      const expected = Buffer.from(row.deliveryCode ?? '')
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) return 'wrong_code'
      return { method: 'delivery_code', documentType: null, documentLast4: null, name: null }
    }
    if (input.identityCheck) return identityProof(input.identityCheck)
    throw invalid('shipment.proof_required', 'This shipment holds items that need proof at the door: send the deliveryCode or an identityCheck.', [
      { path: 'deliveryCode', message: 'required (or identityCheck)' },
    ])
  }

  const identityProof = (c: NonNullable<TrackingEventBody['identityCheck']>): Proof => ({
    method: 'identity_check',
    documentType: c.documentType,
    documentLast4: c.documentLast4 ?? null,
    name: c.name,
  })

  async function applyTrackingEvent(trx: Trx, ctx: Ctx, id: string, input: TrackingEventBody, occurredAt: string): Promise<TrackingOutcome> {
    const row = await findShipmentRow(trx, id)
    const duplicate = await trx
      .selectFrom('trackingEvents')
      .select('id')
      .where('shipmentId', '=', row.id)
      .where('status', '=', input.status)
      .where('occurredAt', '=', occurredAt)
      .executeTakeFirst()
    if (duplicate) return { shipment: await shapeOne(trx, row), created: false }

    const from = row.status as ShipmentStatus
    // Scans arrive late and out of order: one older than the latest applied is kept, never applied.
    const inOrder = row.lastEventAt === null || occurredAt >= row.lastEventAt
    const to = inOrder && input.status !== from ? shipmentMachine.next(from, COMMAND_OF[input.status], null) : from
    const applied = to !== from

    let proof: Proof | null = input.identityCheck ? identityProof(input.identityCheck) : null
    if (applied && to === 'delivered' && row.requiresProof === 1) {
      const checked = checkProof(row, input)
      if (checked === 'wrong_code') {
        // Counted in this transaction, which commits; the caller answers 422 after it.
        await trx
          .updateTable('shipments')
          .set((eb) => ({ proofFailures: eb('proofFailures', '+', 1) }))
          .where('id', '=', row.id)
          .execute()
        return { wrongCode: true, attemptsLeft: MAX_CODE_ATTEMPTS - row.proofFailures - 1 }
      }
      proof = checked
    }

    const at = ctx.clock.now().toISOString()
    await trx
      .insertInto('trackingEvents')
      .values({
        id: newId('tev'),
        shipmentId: row.id,
        status: input.status,
        occurredAt,
        location: input.location ?? null,
        detail: input.detail ?? null,
        source: input.source,
        proof: proof ? JSON.stringify(proof) : null,
        applied: applied ? 1 : 0,
        recordedBy: actorLabel(ctx.actor),
        recordedAt: at,
      })
      .execute()
    let current = row
    if (inOrder) {
      current = { ...row, status: to, lastEventAt: occurredAt, deliveredAt: to === 'delivered' ? occurredAt : row.deliveredAt, version: row.version + 1, updatedAt: at }
      const r = await trx
        .updateTable('shipments')
        .set({ status: current.status, lastEventAt: current.lastEventAt, deliveredAt: current.deliveredAt, version: current.version, updatedAt: at })
        .where('id', '=', row.id)
        .where('version', '=', row.version)
        .executeTakeFirst()
      if (Number(r.numUpdatedRows) !== 1) throw conflict('shipment.changed_concurrently', 'Another update to this shipment came in at the same moment; send the event again.')
    }
    if (applied) {
      await recordEvent(trx, ctx, {
        type: `shipment.${to}`,
        entity: 'shipment',
        entityId: row.id,
        orderId: row.orderId,
        from,
        to,
        reason: input.detail ?? null,
        data: { number: row.number, trackingNumber: row.trackingNumber, occurredAt, location: input.location ?? null, source: input.source, ...(proof ? { proof: proof.method } : {}) },
      })
      if (to === 'delivered') await d.listener().delivered(trx, ctx, listenerRef(row))
    }
    return { shipment: await shapeOne(trx, current), created: true }
  }

  // ---- manifests ----

  async function shapeManifests(db: Db | Trx, rows: ManifestRow[]): Promise<Manifest[]> {
    if (!rows.length) return []
    const [cat, locations, shipments] = await Promise.all([
      catalog(db),
      d.locations.listAll(db),
      db
        .selectFrom('shipments')
        .selectAll()
        .where(
          'manifestId',
          'in',
          rows.map((r) => r.id),
        )
        .orderBy('id')
        .execute(),
    ])
    const locs = new Map(locations.map((l) => [l.id, l]))
    const carriers = new Map(cat.carriers.map((c) => [c.id, c]))
    return rows.map((m) => {
      const carrier = carriers.get(m.carrierId)!
      const location = locs.get(m.locationId)!
      return {
        id: m.id,
        number: m.number,
        carrier: { code: carrier.code, name: carrier.name },
        location: { code: location.code, name: location.name },
        date: m.date,
        shipments: shipments
          .filter((s) => s.manifestId === m.id)
          .map((s) => {
            const to = JSON.parse(s.destination) as Address
            return {
              id: s.id,
              number: s.number,
              trackingNumber: s.trackingNumber,
              orderNumber: s.orderNumber,
              service: cat.serviceById.get(s.serviceId)?.qualifiedCode ?? s.serviceId,
              packages: s.packageCount,
              weightGrams: s.weightGrams,
              destination: [to.postalCode, to.city].filter(Boolean).join(' ') + `, ${to.country}`,
            }
          }),
        totals: { shipments: m.shipmentCount, packages: m.packageCount, weightGrams: m.weightGrams },
        createdBy: m.createdBy,
        createdAt: m.createdAt,
      }
    })
  }

  async function findManifestRow(db: Db | Trx, id: string): Promise<ManifestRow> {
    const row = await db
      .selectFrom('manifests')
      .selectAll()
      .where((eb) => eb.or([eb('id', '=', id), eb('number', '=', id)]))
      .executeTakeFirst()
    if (!row) throw notFound('manifest', id)
    return row
  }

  // ---- carriers and services: CRUD ----

  async function carrierRow(db: Db | Trx, code: string): Promise<CarrierRow> {
    const row = await db.selectFrom('carriers').selectAll().where('code', '=', code).executeTakeFirst()
    if (!row) throw notFound('carrier', code)
    return row
  }

  async function carrierView(db: Db | Trx, row: CarrierRow): Promise<Carrier> {
    const services = await db.selectFrom('carrierServices').selectAll().where('carrierId', '=', row.id).orderBy('code').execute()
    return toCarrierView(row, services)
  }

  async function serviceRow(db: Db | Trx, carrier: CarrierRow, code: string): Promise<ServiceRow> {
    const row = await db.selectFrom('carrierServices').selectAll().where('carrierId', '=', carrier.id).where('code', '=', code).executeTakeFirst()
    if (!row) throw notFound('carrier_service', `${carrier.code}.${code}`)
    return row
  }

  function checkSettings(adapter: CarrierAdapter, settings: Record<string, unknown>): Record<string, unknown> {
    const parsed = adapter.settingsSchema.safeParse(settings)
    if (!parsed.success) throw invalid('carrier.invalid_settings', `The settings do not fit adapter "${adapter.code}".`, fieldErrors('settings', parsed.error.issues))
    return parsed.data
  }

  function checkTrackingPrefix(adapter: CarrierAdapter, prefix: string | null | undefined) {
    if (adapter.issuesTrackingNumbers && !prefix) {
      throw invalid('carrier.tracking_prefix_required', `Adapter "${adapter.code}" issues its own tracking numbers: give the carrier an S10 trackingPrefix.`, [
        { path: 'trackingPrefix', message: `required by adapter ${adapter.code}` },
      ])
    }
  }

  async function assertPrefixFree(trx: Trx, prefix: string | null | undefined, carrierId?: string) {
    if (!prefix) return
    let q = trx.selectFrom('carriers').select('code').where('trackingPrefix', '=', prefix)
    if (carrierId) q = q.where('id', '!=', carrierId)
    const taken = await q.executeTakeFirst()
    if (taken) throw conflict('carrier.tracking_prefix_taken', `Carrier "${taken.code}" already numbers its labels with prefix ${prefix}.`)
  }

  /** Rate-shops a request and buys the named service's label (else the default's) with `key`, outside any transaction. */
  async function purchaseLabel(db: Db, ctx: Ctx, req: ShipmentRequest, serviceCode: string | undefined, key: string): Promise<LabelPurchase> {
    labelDb = db
    const cat = await catalog(db)
    const { result, quotes } = shop(cat, shopInputOf(req))
    let chosen: CarrierServiceConfig
    if (serviceCode !== undefined) {
      const matches = cat.serviceByQualifiedCode.has(serviceCode)
        ? [cat.serviceByQualifiedCode.get(serviceCode)!]
        : cat.services.filter((s) => s.code === serviceCode && s.active && s.carrier.active)
      if (matches.length !== 1) {
        throw invalid('shipping.unknown_service', `No single carrier service "${serviceCode}"; name it as <carrier>.<service>.`, [
          { path: 'serviceCode', message: matches.length ? 'ambiguous' : 'unknown service' },
        ])
      }
      chosen = matches[0]
      const quote = quotes.get(chosen.qualifiedCode)
      if (!chosen.active || !chosen.carrier.active || !quote?.ok) {
        const reason = !chosen.active || !chosen.carrier.active ? 'inactive' : quote && !quote.ok ? quote.reason : 'adapter_missing'
        throw invalid('shipping.service_unavailable', `${chosen.qualifiedCode} cannot ship this (${reason}).`, [{ path: 'serviceCode', message: reason }])
      }
    } else {
      if (!result.default) {
        throw invalid('shipping.no_service', `No active carrier service can ship this (${result.explanation.rule}).`, [
          { path: 'serviceCode', message: result.options.map((o) => `${o.service}: ${o.reason}`).join('; ') || 'no active carrier services' },
        ])
      }
      chosen = cat.serviceByQualifiedCode.get(result.default)!
    }
    const option = result.options.find((o) => o.service === chosen.qualifiedCode)!
    const adapter = adapterOf(chosen.carrier)
    const label = await atCarrier(chosen.carrier, 'create the label', () => adapter.createLabel({ db, now: ctx.clock.now() }, req, chosen, key))
    if (label.packageTrackingNumbers.length !== req.packages.length) {
      throw new Error(`Adapter ${adapter.code} returned ${label.packageTrackingNumbers.length} package numbers for ${req.packages.length} packages`)
    }
    return {
      carrierCode: chosen.carrier.code,
      serviceCode: chosen.code,
      trackingNumber: label.trackingNumber,
      packageTrackingNumbers: label.packageTrackingNumbers,
      cost: label.cost,
      estimatedDeliveryDate: option.deliveryDate,
      carrierReference: label.reference,
    }
  }

  const service = {
    /** Installed carrier adapters: integrations register theirs here at start-up (see docs/shipping.md). */
    adapters,

    // ---- carriers ----

    async createCarrier(trx: Trx, ctx: Ctx, input: CreateCarrierBody): Promise<Carrier> {
      const adapter = adapters.get(input.adapter)
      if (!adapter) {
        throw invalid('carrier.unknown_adapter', `No carrier adapter "${input.adapter}" is installed (installed: ${adapters.codes().join(', ')}).`, [
          { path: 'adapter', message: 'unknown adapter' },
        ])
      }
      const settings = checkSettings(adapter, input.settings)
      checkTrackingPrefix(adapter, input.trackingPrefix)
      await assertPrefixFree(trx, input.trackingPrefix)
      const at = ctx.clock.now().toISOString()
      const row: CarrierRow = {
        id: newId('car'),
        code: input.code,
        name: input.name,
        adapter: input.adapter,
        active: input.active ? 1 : 0,
        settings: JSON.stringify(settings),
        trackingPrefix: input.trackingPrefix ?? null,
        labelSerial: 0,
        version: 1,
        createdAt: at,
        updatedAt: at,
      }
      try {
        await trx.insertInto('carriers').values(row).execute()
      } catch (err) {
        if (isUniqueViolation(err)) throw conflict('carrier.code_taken', `A carrier with code "${input.code}" already exists.`)
        throw err
      }
      await recordEvent(trx, ctx, { type: 'carrier.created', entity: 'carrier', entityId: row.id, data: { code: row.code, adapter: row.adapter } })
      masterDataChanged()
      return toCarrierView(row, [])
    },

    async listCarriers(db: Db | Trx): Promise<Carrier[]> {
      const [carriers, services] = await Promise.all([
        db.selectFrom('carriers').selectAll().orderBy('code').execute(),
        db.selectFrom('carrierServices').selectAll().orderBy('code').execute(),
      ])
      return carriers.map((c) =>
        toCarrierView(
          c,
          services.filter((s) => s.carrierId === c.id),
        ),
      )
    },

    getCarrier: async (db: Db | Trx, code: string): Promise<Carrier> => carrierView(db, await carrierRow(db, code)),

    /** Changes the named fields; `ifMatch` is the version the client read (412 when stale). */
    async updateCarrier(trx: Trx, ctx: Ctx, code: string, input: UpdateCarrierBody, ifMatch?: number): Promise<Carrier> {
      const row = await carrierRow(trx, code)
      if (ifMatch !== undefined && ifMatch !== row.version) throw versionMismatch(row.version)
      const adapter = adapterOf(toCarrierConfig(row))
      const settings = input.settings === undefined ? undefined : checkSettings(adapter, input.settings)
      if (input.trackingPrefix !== undefined) {
        checkTrackingPrefix(adapter, input.trackingPrefix)
        await assertPrefixFree(trx, input.trackingPrefix, row.id)
      }
      const at = ctx.clock.now().toISOString()
      const next: CarrierRow = {
        ...row,
        ...(input.name !== undefined && { name: input.name }),
        ...(input.active !== undefined && { active: input.active ? 1 : 0 }),
        ...(settings !== undefined && { settings: JSON.stringify(settings) }),
        ...(input.trackingPrefix !== undefined && { trackingPrefix: input.trackingPrefix }),
        version: row.version + 1,
        updatedAt: at,
      }
      const r = await trx
        .updateTable('carriers')
        .set({ name: next.name, active: next.active, settings: next.settings, trackingPrefix: next.trackingPrefix, version: next.version, updatedAt: at })
        .where('id', '=', row.id)
        .where('version', '=', row.version)
        .executeTakeFirst()
      if (Number(r.numUpdatedRows) !== 1) throw versionMismatch((await carrierRow(trx, code)).version)
      await recordEvent(trx, ctx, { type: 'carrier.updated', entity: 'carrier', entityId: row.id, data: { code: row.code, changes: input } })
      masterDataChanged()
      return carrierView(trx, next)
    },

    async createService(trx: Trx, ctx: Ctx, carrierCode: string, input: CreateServiceBody): Promise<CarrierService> {
      const carrier = await carrierRow(trx, carrierCode)
      const at = ctx.clock.now().toISOString()
      const row: ServiceRow = {
        id: newId('csv'),
        carrierId: carrier.id,
        code: input.code,
        name: input.name,
        level: input.level,
        rateCard: JSON.stringify(input.rateCard),
        active: input.active ? 1 : 0,
        version: 1,
        createdAt: at,
        updatedAt: at,
      }
      try {
        await trx.insertInto('carrierServices').values(row).execute()
      } catch (err) {
        if (isUniqueViolation(err)) throw conflict('carrier_service.code_taken', `Carrier "${carrier.code}" already has a service "${input.code}".`)
        throw err
      }
      await recordEvent(trx, ctx, { type: 'carrier_service.created', entity: 'carrier_service', entityId: row.id, data: { carrier: carrier.code, code: row.code } })
      masterDataChanged()
      return toServiceView(row, carrier.code)
    },

    async getService(db: Db | Trx, carrierCode: string, serviceCode: string): Promise<CarrierService> {
      const carrier = await carrierRow(db, carrierCode)
      return toServiceView(await serviceRow(db, carrier, serviceCode), carrier.code)
    },

    /** A new rate card takes effect for the next quote; shipments keep the cost they were bought at. */
    async updateService(trx: Trx, ctx: Ctx, carrierCode: string, serviceCode: string, input: UpdateServiceBody, ifMatch?: number): Promise<CarrierService> {
      const carrier = await carrierRow(trx, carrierCode)
      const row = await serviceRow(trx, carrier, serviceCode)
      if (ifMatch !== undefined && ifMatch !== row.version) throw versionMismatch(row.version)
      const at = ctx.clock.now().toISOString()
      const next: ServiceRow = {
        ...row,
        ...(input.name !== undefined && { name: input.name }),
        ...(input.level !== undefined && { level: input.level }),
        ...(input.rateCard !== undefined && { rateCard: JSON.stringify(input.rateCard) }),
        ...(input.active !== undefined && { active: input.active ? 1 : 0 }),
        version: row.version + 1,
        updatedAt: at,
      }
      const r = await trx
        .updateTable('carrierServices')
        .set({ name: next.name, level: next.level, rateCard: next.rateCard, active: next.active, version: next.version, updatedAt: at })
        .where('id', '=', row.id)
        .where('version', '=', row.version)
        .executeTakeFirst()
      if (Number(r.numUpdatedRows) !== 1) throw versionMismatch((await serviceRow(trx, carrier, serviceCode)).version)
      await recordEvent(trx, ctx, {
        type: 'carrier_service.updated',
        entity: 'carrier_service',
        entityId: row.id,
        data: { carrier: carrier.code, code: row.code, changed: Object.keys(input) },
      })
      masterDataChanged()
      return toServiceView(next, carrier.code)
    },

    // ---- shipping methods ----

    async createShippingMethod(trx: Trx, ctx: Ctx, input: CreateShippingMethodBody): Promise<ShippingMethod> {
      const at = ctx.clock.now().toISOString()
      const row: MethodRow = {
        id: newId('shm'),
        code: input.code,
        name: input.name,
        currency: input.currency,
        flatAmount: input.flatAmount,
        perKgAmount: input.perKgAmount,
        freeOverAmount: input.freeOverAmount,
        serviceLevel: input.serviceLevel,
        maxTransitDays: input.maxTransitDays,
        active: input.active ? 1 : 0,
        version: 1,
        createdAt: at,
        updatedAt: at,
      }
      try {
        await trx.insertInto('shippingMethods').values(row).execute()
      } catch (err) {
        if (isUniqueViolation(err)) throw conflict('shipping_method.code_taken', `A shipping method with code "${input.code}" already exists.`)
        throw err
      }
      await recordEvent(trx, ctx, { type: 'shipping_method.created', entity: 'shipping_method', entityId: row.id, data: { code: row.code } })
      masterDataChanged()
      return toMethod(row)
    },

    /**
     * The freight a customer pays for an order shipped by `method` (cached master data: it runs on
     * order intake); null when no active method has that code or it is priced in another currency.
     */
    async orderFreight(db: Db | Trx, q: { method: string; weightGrams: number; merchandiseValue: Money }): Promise<CustomerFreight | null> {
      const method = (await catalog(db)).methods.find((m) => m.code === q.method && m.active)
      return method && method.currency === q.merchandiseValue.currency ? customerFreight(method, q.weightGrams, q.merchandiseValue) : null
    },

    listShippingMethods: async (db: Db | Trx): Promise<ShippingMethod[]> => (await db.selectFrom('shippingMethods').selectAll().orderBy('code').execute()).map(toMethod),

    async updateShippingMethod(trx: Trx, ctx: Ctx, code: string, input: UpdateShippingMethodBody, ifMatch?: number): Promise<ShippingMethod> {
      const row = await trx.selectFrom('shippingMethods').selectAll().where('code', '=', code).executeTakeFirst()
      if (!row) throw notFound('shipping_method', code)
      if (ifMatch !== undefined && ifMatch !== row.version) throw versionMismatch(row.version)
      const at = ctx.clock.now().toISOString()
      const next: MethodRow = {
        ...row,
        ...(input.name !== undefined && { name: input.name }),
        ...(input.currency !== undefined && { currency: input.currency }),
        ...(input.flatAmount !== undefined && { flatAmount: input.flatAmount }),
        ...(input.perKgAmount !== undefined && { perKgAmount: input.perKgAmount }),
        ...(input.freeOverAmount !== undefined && { freeOverAmount: input.freeOverAmount }),
        ...(input.serviceLevel !== undefined && { serviceLevel: input.serviceLevel }),
        ...(input.maxTransitDays !== undefined && { maxTransitDays: input.maxTransitDays }),
        ...(input.active !== undefined && { active: input.active ? 1 : 0 }),
        version: row.version + 1,
        updatedAt: at,
      }
      const r = await trx
        .updateTable('shippingMethods')
        .set({
          name: next.name,
          currency: next.currency,
          flatAmount: next.flatAmount,
          perKgAmount: next.perKgAmount,
          freeOverAmount: next.freeOverAmount,
          serviceLevel: next.serviceLevel,
          maxTransitDays: next.maxTransitDays,
          active: next.active,
          version: next.version,
          updatedAt: at,
        })
        .where('id', '=', row.id)
        .where('version', '=', row.version)
        .executeTakeFirst()
      if (Number(r.numUpdatedRows) !== 1) throw versionMismatch(row.version + 1)
      await recordEvent(trx, ctx, { type: 'shipping_method.updated', entity: 'shipping_method', entityId: row.id, data: { code: row.code, changes: input } })
      masterDataChanged()
      return toMethod(next)
    },

    // ---- pricing ----

    /** A cost estimator over the current rate cards (cached; see CostEstimator). */
    async costEstimator(db: Db | Trx): Promise<CostEstimator> {
      return estimatorCache.get('estimator', async () => {
        const [cat, locations] = await Promise.all([catalog(db), d.locations.listAll(db)])
        const fingerprint = `${cat.fingerprint}|${locations.map((l) => `${l.id}:${l.version}`).join(',')}`
        if (estimator?.fingerprint === fingerprint) return estimator.estimate
        const priced = cat.services.filter((s) => s.active && s.carrier.active && adapters.get(s.carrier.adapter)).map((s) => ({ s, adapter: adapters.get(s.carrier.adapter)! }))
        const origins = new Map(locations.map((l) => [l.id, placeOf({ ...l.address, latitude: l.latitude, longitude: l.longitude })]))
        const estimate: CostEstimator = ({ originLocationId, destination, weightGrams }) => {
          const origin = origins.get(originLocationId)
          if (!origin || !priced.length) return null
          const to = placeOf(destination)
          const parcels = [{ weightGrams: Math.max(1, weightGrams) }]
          let best: number | null = null
          for (const { s, adapter } of priced) {
            const q = adapter.quote(s, parcels, origin, to, false)
            if (q.ok && (best === null || q.amount < best)) best = q.amount
          }
          return best
        }
        estimator = { fingerprint, estimate }
        return estimate
      })
    },

    /** Every active service's cost and delivery date for a fulfilment order, the default pick and the customer's freight. */
    async rates(db: Db | Trx, _ctx: Ctx, req: ShipmentRequest): Promise<RatesResult> {
      return shop(await catalog(db), shopInputOf(req)).result
    },

    /** Rates for a parcel from a location to a place, without a fulfilment order. */
    async quote(db: Db | Trx, ctx: Ctx, input: QuoteBody): Promise<RatesResult> {
      const origin = (await d.locations.listAll(db)).find((l) => l.code === input.origin)
      if (!origin) throw invalid('shipping.unknown_origin', `No location "${input.origin}".`, [{ path: 'origin', message: 'unknown location' }])
      return shop(await catalog(db), {
        parcels: input.parcels,
        origin: placeOf({ ...origin.address, latitude: origin.latitude, longitude: origin.longitude }),
        destination: input.destination,
        residential: input.residential,
        shipDate: input.shipDate ?? today(ctx),
        promisedBy: input.promisedBy ?? null,
        shippingMethod: input.shippingMethod ?? null,
        merchandiseValue: input.merchandiseValue,
        weightGrams: input.parcels.reduce((s, p) => s + p.weightGrams, 0),
      }).result
    },

    // ---- labels ----

    /**
     * Buys a label, outside any transaction (it calls the carrier). `serviceCode` is a rate
     * option's `<carrier>.<service>` (a bare service code works when only one carrier has it);
     * without it the rate shop's default is bought. The idempotency key is the fulfilment order,
     * its attempt (1 + its shipments so far) and the packages, so a retry returns the same label.
     */
    async buyLabel(db: Db, ctx: Ctx, req: ShipmentRequest, serviceCode?: string): Promise<LabelPurchase> {
      if (!req.packages.length) throw invalid('shipping.no_packages', 'A shipment needs at least one package.', [{ path: 'packages', message: 'empty' }])
      const earlier = await db.selectFrom('shipments').select((eb) => eb.fn.countAll<number>().as('n')).where('fulfillmentOrderId', '=', req.fulfillmentOrderId).executeTakeFirstOrThrow()
      // The packages are part of the key: two partial shipments bought at once are two labels.
      const packages = createHash('sha256').update(req.packages.map((p) => p.id).join(',')).digest('base64url').slice(0, 12)
      return purchaseLabel(db, ctx, req, serviceCode, `${req.fulfillmentOrderId}:${Number(earlier.n) + 1}:${packages}`)
    },

    /**
     * The undo of `buyLabel` when the commit that should record it fails. A label that a
     * concurrent retry did record is left alone: voiding it would strand a live shipment.
     */
    async voidLabel(ctx: Ctx, purchase: LabelPurchase): Promise<void> {
      const db = labelDb
      if (!db) throw new Error('voidLabel: this shipping service has bought no label')
      const recorded = await db.selectFrom('shipments').select('id').where('trackingNumber', '=', purchase.trackingNumber).where('status', '!=', 'cancelled').executeTakeFirst()
      if (recorded) return
      const carrier = (await catalog(db)).carrierByCode.get(purchase.carrierCode)
      if (!carrier) throw notFound('carrier', purchase.carrierCode)
      await atCarrier(carrier, 'void the label', () => adapterOf(carrier).voidLabel({ db, now: ctx.clock.now() }, carrier, purchase.carrierReference))
    },

    /**
     * Buys a return label, outside any transaction: one parcel from the customer's address to the
     * location that takes it back, rate-shopped and bought like an outbound label (key: the return
     * and `:label`, so a retry gets the same label). Returns the purchase and the printable label.
     */
    async buyReturnLabel(db: Db, ctx: Ctx, req: ReturnLabelRequest, serviceCode?: string): Promise<{ purchase: LabelPurchase; label: LabelDoc }> {
      const to = (await d.locations.listAll(db)).find((l) => l.id === req.toLocationId)
      if (!to) throw notFound('location', req.toLocationId)
      const shipment: ShipmentRequest = {
        fulfillmentOrderId: req.returnId,
        fulfillmentNumber: req.returnNumber,
        orderId: req.orderId,
        orderNumber: req.orderNumber,
        // The sender is the customer, not one of our locations: adapters price and number from the origin's address.
        origin: { locationId: '', code: '', name: req.from.name ?? '', address: req.from, latitude: req.from.latitude ?? null, longitude: req.from.longitude ?? null },
        destination: { ...to.address, name: to.name, ...(to.latitude !== null && to.longitude !== null ? { latitude: to.latitude, longitude: to.longitude } : {}) },
        residential: false,
        packages: [{ id: `${req.returnId}:1`, boxCode: null, lengthMm: 0, widthMm: 0, heightMm: 0, weightGrams: Math.max(1, req.weightGrams), contents: [] }],
        promisedBy: null,
        shippingMethod: null,
        requiresProof: false,
        shipDate: req.shipDate,
      }
      const purchase = await purchaseLabel(db, ctx, shipment, serviceCode, `${req.returnId}:label`)
      const svc = (await catalog(db)).serviceByQualifiedCode.get(`${purchase.carrierCode}.${purchase.serviceCode}`)!
      const label: LabelDoc = {
        trackingNumber: purchase.trackingNumber,
        carrier: { code: svc.carrier.code, name: svc.carrier.name },
        service: { code: svc.code, name: svc.name },
        from: printAddress(req.from),
        to: printAddress(to.address, to.name),
        weightGrams: shipment.packages[0].weightGrams,
        package: { index: 1, count: 1 },
        reference: req.returnNumber,
        shipDate: req.shipDate,
      }
      return { purchase, label }
    },

    /** Voids a return label at its carrier (the return was cancelled, or recording it failed). */
    async voidReturnLabel(db: Db, ctx: Ctx, purchase: Pick<LabelPurchase, 'carrierCode' | 'carrierReference'>): Promise<void> {
      const carrier = (await catalog(db)).carrierByCode.get(purchase.carrierCode)
      if (!carrier) throw notFound('carrier', purchase.carrierCode)
      await atCarrier(carrier, 'void the label', () => adapterOf(carrier).voidLabel({ db, now: ctx.clock.now() }, carrier, purchase.carrierReference))
    },

    /** Records a bought label as a shipment with its packages, in the caller's transaction (status `label_created`). */
    async recordShipment(trx: Trx, ctx: Ctx, req: ShipmentRequest, purchase: LabelPurchase): Promise<Shipment> {
      const cat = await catalog(trx)
      const svc = cat.serviceByQualifiedCode.get(`${purchase.carrierCode}.${purchase.serviceCode}`)
      if (!svc) throw invalid('shipping.unknown_service', `No carrier service ${purchase.carrierCode}.${purchase.serviceCode}.`, [{ path: 'serviceCode', message: 'unknown service' }])
      const at = ctx.clock.now().toISOString()
      const method = req.shippingMethod ? cat.methods.find((m) => m.code === req.shippingMethod && m.active) : undefined
      const weightGrams = req.packages.reduce((s, p) => s + p.weightGrams, 0)
      const freight = method ? customerFreight(method, weightGrams, req.merchandiseValue) : null
      const row: ShipmentRow = {
        id: newId('shp'),
        number: await nextNumber(trx, 'SH'),
        fulfillmentOrderId: req.fulfillmentOrderId,
        fulfillmentNumber: req.fulfillmentNumber,
        orderId: req.orderId,
        orderNumber: req.orderNumber,
        carrierId: svc.carrier.id,
        serviceId: svc.id,
        status: shipmentMachine.initial,
        trackingNumber: purchase.trackingNumber,
        carrierReference: purchase.carrierReference,
        costAmount: purchase.cost.amount,
        costCurrency: purchase.cost.currency,
        freightAmount: freight?.amount ?? null,
        freightCurrency: freight?.currency ?? null,
        shippingMethod: req.shippingMethod,
        requiresProof: req.requiresProof ? 1 : 0,
        // Kept in plain text: the recipient must be told it (notifications read it with deliveryCodeOf).
        deliveryCode: req.requiresProof ? String(randomInt(0, 1_000_000)).padStart(6, '0') : null,
        proofFailures: 0,
        originLocationId: req.origin.locationId,
        destination: JSON.stringify(req.destination),
        residential: req.residential ? 1 : 0,
        promisedBy: dateOnly(req.promisedBy),
        shipDate: req.shipDate,
        estimatedDeliveryDate: purchase.estimatedDeliveryDate,
        weightGrams,
        packageCount: req.packages.length,
        manifestId: null,
        lastEventAt: null,
        deliveredAt: null,
        cancelledAt: null,
        cancelReason: null,
        version: 1,
        createdAt: at,
        updatedAt: at,
      }
      const packages: PackageRow[] = req.packages.map((p, i) => ({
        id: newId('pkg'),
        shipmentId: row.id,
        seq: i + 1,
        fulfillmentPackageId: p.id,
        trackingNumber: purchase.packageTrackingNumbers[i],
        boxCode: p.boxCode,
        lengthMm: p.lengthMm,
        widthMm: p.widthMm,
        heightMm: p.heightMm,
        weightGrams: p.weightGrams,
        contents: JSON.stringify(p.contents.map((c) => ({ orderLineId: c.orderLineId, sku: c.sku, quantity: c.quantity }))),
      }))
      try {
        await trx.insertInto('shipments').values(row).execute()
        await trx.insertInto('shipmentPackages').values(packages).execute()
      } catch (err) {
        if (isUniqueViolation(err)) throw conflict('shipment.already_recorded', `Label ${purchase.trackingNumber} is already recorded on a shipment.`)
        throw err
      }
      await recordEvent(trx, ctx, {
        type: 'shipment.label_created',
        entity: 'shipment',
        entityId: row.id,
        orderId: row.orderId,
        to: row.status,
        data: {
          number: row.number,
          fulfillmentOrderId: row.fulfillmentOrderId,
          carrier: svc.carrier.code,
          service: svc.qualifiedCode,
          trackingNumber: row.trackingNumber,
          packages: packages.map((p) => p.trackingNumber),
          carrierCost: purchase.cost,
          customerFreight: freight && { amount: freight.amount, currency: freight.currency },
          estimatedDeliveryDate: row.estimatedDeliveryDate,
        },
      })
      const locations = new Map((await d.locations.listAll(trx)).map((l) => [l.id, l]))
      return shape(row, cat, locations, packages, [])
    },

    /** The code a recipient gives at the door, for the notification that tells them (never in API responses). */
    async deliveryCodeOf(db: Db | Trx, shipmentId: string): Promise<string | null> {
      return (await findShipmentRow(db, shipmentId)).deliveryCode
    },

    // ---- shipments ----

    get: async (db: Db | Trx, _ctx: Ctx, id: string): Promise<Shipment> => shapeOne(db, await findShipmentRow(db, id)),

    async list(db: Db | Trx, q: ShipmentListQuery): Promise<{ data: Shipment[]; nextCursor: string | null }> {
      const before = decodeCursor(q.cursor)
      let query = db.selectFrom('shipments').selectAll()
      if (before) query = query.where('id', '<', before)
      if (q.status) query = query.where('status', '=', q.status)
      if (q.carrier) query = query.where('carrierId', '=', (await catalog(db)).carrierByCode.get(q.carrier)?.id ?? '')
      if (q.location) query = query.where('originLocationId', '=', (await d.locations.listAll(db)).find((l) => l.code === q.location)?.id ?? '')
      if (q.order) {
        const order = q.order
        query = query.where((eb) => eb.or([eb('orderId', '=', order), eb('orderNumber', '=', order)]))
      }
      if (q.fulfillmentOrder) query = query.where('fulfillmentOrderId', '=', q.fulfillmentOrder)
      if (q.trackingNumber) {
        const n = normalizeTrackingNumber(q.trackingNumber)
        query = query.where((eb) =>
          eb.or([eb('trackingNumber', '=', n), eb('id', 'in', eb.selectFrom('shipmentPackages').select('shipmentId').where('trackingNumber', '=', n))]),
        )
      }
      const rows = await query.orderBy('id', 'desc').limit(q.limit + 1).execute()
      const { data, nextCursor } = toPage(rows, q.limit, (r) => r.id)
      return { data: await shapeMany(db, data), nextCursor }
    },

    /**
     * What a person should look at (the exception queue's read): shipments in `exception`, with
     * the carrier's latest exception scan, and open ones late against their promised date, overdue
     * (the date has passed, `today` is YYYY-MM-DD) or estimated to arrive after it. Oldest first.
     */
    async needingAttention(db: Db | Trx, q: { today: string; limit: number }) {
      const moving: ShipmentStatus[] = ['label_created', 'awaiting_pickup', 'in_transit', 'out_for_delivery']
      const rows = await db
        .selectFrom('shipments')
        .select(['id', 'number', 'status', 'orderId', 'orderNumber', 'originLocationId', 'trackingNumber', 'promisedBy', 'estimatedDeliveryDate', 'lastEventAt', 'createdAt', 'updatedAt'])
        .where('status', 'in', ['exception', ...moving])
        .where((eb) =>
          eb.or([
            eb('status', '=', 'exception'),
            eb.and([eb('promisedBy', 'is not', null), eb.or([eb('promisedBy', '<', q.today), eb('estimatedDeliveryDate', '>', eb.ref('promisedBy'))])]),
          ]),
        )
        .orderBy('id')
        .limit(q.limit)
        .execute()
      const inException = rows.filter((r) => r.status === 'exception').map((r) => r.id)
      const scans = inException.length
        ? await db.selectFrom('trackingEvents').select(['shipmentId', 'occurredAt', 'location', 'detail']).where('shipmentId', 'in', inException).where('status', '=', 'exception').orderBy('occurredAt').execute()
        : []
      const lastScan = new Map(scans.map((e) => [e.shipmentId, e]))
      return rows.map((r) => ({ ...r, status: r.status as ShipmentStatus, exception: lastScan.get(r.id) ?? null }))
    },

    /** A shipment's packages and what is in them (fulfilment reads it on delivery and cancellation). */
    async contentsOf(db: Db | Trx, shipmentId: string): Promise<ShipmentPackage[]> {
      const rows = await db.selectFrom('shipmentPackages').selectAll().where('shipmentId', '=', shipmentId).orderBy('seq').execute()
      return rows.map(toPackage)
    },

    /**
     * Records a carrier's or driver's tracking event. Runs its own transaction because a wrong
     * delivery code must be counted (and committed) even though the answer is a 422. Returns
     * `created: false` for a duplicate (same status and time), which changes nothing.
     */
    async recordTrackingEvent(db: Db, ctx: Ctx, id: string, input: TrackingEventBody): Promise<{ shipment: Shipment; created: boolean }> {
      const occurredAt = new Date(input.occurredAt).toISOString()
      for (let attempt = 1; ; attempt++) {
        try {
          const outcome = await inTransaction(db, (trx) => applyTrackingEvent(trx, ctx, id, input, occurredAt))
          if ('wrongCode' in outcome) {
            throw invalid(
              'shipment.wrong_delivery_code',
              `The delivery code does not match; ${Math.max(0, outcome.attemptsLeft)} more ${outcome.attemptsLeft === 1 ? 'try' : 'tries'} before only an identity check is accepted.`,
              [{ path: 'deliveryCode', message: 'does not match' }],
            )
          }
          return outcome
        } catch (err) {
          // A twin of this event, or another event for the shipment, committed at the same moment: read again.
          const raced = isUniqueViolation(err) || (err instanceof AppError && err.code === 'shipment.changed_concurrently')
          if (!raced || attempt >= 3) throw err
        }
      }
    },

    /**
     * Cancels a shipment before handover: the label is voided at the carrier first (outside any
     * transaction); only when that worked does the shipment become `cancelled` and fulfilment hear
     * of it. A failed void changes nothing.
     */
    async cancel(db: Db, ctx: Ctx, id: string, reason?: string): Promise<Shipment> {
      const row = await findShipmentRow(db, id)
      shipmentMachine.next(row.status as ShipmentStatus, 'cancel', null)
      const carrier = (await catalogCovering(db, [row.serviceId])).serviceById.get(row.serviceId)!.carrier
      await atCarrier(carrier, 'void the label', () => adapterOf(carrier).voidLabel({ db, now: ctx.clock.now() }, carrier, row.carrierReference))
      return inTransaction(db, async (trx) => {
        const at = ctx.clock.now().toISOString()
        const current = await findShipmentRow(trx, row.id)
        const next: ShipmentRow = { ...current, status: 'cancelled', cancelledAt: at, cancelReason: reason ?? null, version: current.version + 1, updatedAt: at }
        const r = await trx
          .updateTable('shipments')
          .set({ status: next.status, cancelledAt: at, cancelReason: next.cancelReason, version: next.version, updatedAt: at })
          .where('id', '=', row.id)
          .where('status', 'in', BEFORE_HANDOVER)
          .executeTakeFirst()
        if (Number(r.numUpdatedRows) !== 1) throw conflict('shipment.handed_over', `Shipment ${row.number} was handed to the carrier while it was being cancelled.`)
        await recordEvent(trx, ctx, {
          type: 'shipment.cancelled',
          entity: 'shipment',
          entityId: row.id,
          orderId: row.orderId,
          from: current.status,
          to: 'cancelled',
          reason: reason ?? null,
          data: { number: row.number, trackingNumber: row.trackingNumber, labelVoided: true },
        })
        await d.listener().cancelled(trx, ctx, listenerRef(row))
        return shapeOne(trx, next)
      })
    },

    /** The label documents of a shipment: one per package, or only package `seq`. */
    async labelDocs(db: Db | Trx, id: string, seq?: number): Promise<LabelDoc[]> {
      const row = await findShipmentRow(db, id)
      if (row.status === 'cancelled') throw conflict('shipment.label_voided', `Shipment ${row.number} was cancelled: its label is void and must not be printed.`)
      const s = await shapeOne(db, row)
      const origin = (await d.locations.listAll(db)).find((l) => l.id === row.originLocationId)!
      const packages = seq === undefined ? s.packages : s.packages.filter((p) => p.seq === seq)
      if (!packages.length) throw notFound('shipment_package', `${s.number}/${seq}`)
      return packages.map((p) => ({
        trackingNumber: p.trackingNumber,
        carrier: s.carrier,
        service: { code: s.service.code, name: s.service.name },
        from: printAddress(origin.address, origin.name),
        to: printAddress(s.destination),
        weightGrams: p.weightGrams,
        package: { index: p.seq, count: s.packages.length },
        reference: s.orderNumber,
        shipDate: s.shipDate,
        requiresProof: s.requiresProof,
      }))
    },

    /** The 4×6 labels as one PDF, a page per package in package order; only package `seq` when given. */
    labelPdf: async (db: Db | Trx, id: string, seq?: number): Promise<Buffer> => renderLabelsPdf(await service.labelDocs(db, id, seq)),

    /** One ^XA…^XZ block per package, for a thermal printer. */
    labelZpl: async (db: Db | Trx, id: string, seq?: number): Promise<string> => (await service.labelDocs(db, id, seq)).map(renderLabelZpl).join('\n'),

    // ---- manifests ----

    /**
     * The end-of-day manifest of one carrier at one location: every label not yet on a manifest
     * that ships by `date`. Its `label_created` shipments move to `awaiting_pickup`.
     */
    async createManifest(trx: Trx, ctx: Ctx, input: CreateManifestBody, opts: { idempotencyKey?: string } = {}): Promise<{ manifest: Manifest; replayed: boolean }> {
      const requestHash = opts.idempotencyKey ? hashRequest(input) : ''
      if (opts.idempotencyKey) {
        const existing = await findIdempotent(trx, ctx.actor.id, opts.idempotencyKey, requestHash, 'manifest')
        if (existing) return { manifest: (await shapeManifests(trx, [await findManifestRow(trx, existing)]))[0], replayed: true }
      }
      const carrier = (await catalog(trx)).carrierByCode.get(input.carrier)
      if (!carrier) throw invalid('manifest.unknown_carrier', `No carrier "${input.carrier}".`, [{ path: 'carrier', message: 'unknown carrier' }])
      const location = (await d.locations.listAll(trx)).find((l) => l.code === input.location)
      if (!location) throw invalid('manifest.unknown_location', `No location "${input.location}".`, [{ path: 'location', message: 'unknown location' }])
      const date = input.date ?? today(ctx)
      const shipments = await trx
        .selectFrom('shipments')
        .selectAll()
        .where('carrierId', '=', carrier.id)
        .where('originLocationId', '=', location.id)
        .where('manifestId', 'is', null)
        .where('status', 'in', BEFORE_HANDOVER)
        .where('shipDate', '<=', date)
        .orderBy('id')
        .execute()
      if (!shipments.length) {
        throw invalid('manifest.nothing_to_manifest', `No labels of ${carrier.code} at ${location.code} wait for a manifest on ${date}.`, [
          { path: 'carrier', message: 'no un-manifested labels' },
        ])
      }
      const at = ctx.clock.now().toISOString()
      const row: ManifestRow = {
        id: newId('mf'),
        number: await nextNumber(trx, 'MF'),
        carrierId: carrier.id,
        locationId: location.id,
        date,
        shipmentCount: shipments.length,
        packageCount: shipments.reduce((s, x) => s + x.packageCount, 0),
        weightGrams: shipments.reduce((s, x) => s + x.weightGrams, 0),
        createdBy: actorLabel(ctx.actor),
        createdAt: at,
      }
      await trx.insertInto('manifests').values(row).execute()
      const ids = shipments.map((s) => s.id)
      // Those already reported awaiting pickup by the carrier go on the manifest as they are.
      const handed = shipments.filter((s) => s.status === 'label_created')
      const r = await trx
        .updateTable('shipments')
        .set((eb) => ({
          manifestId: row.id,
          status: eb.case().when('status', '=', 'label_created').then('awaiting_pickup').else(eb.ref('status')).end(),
          version: eb('version', '+', 1),
          updatedAt: at,
        }))
        .where('id', 'in', ids)
        .where('manifestId', 'is', null)
        .where('status', 'in', BEFORE_HANDOVER)
        .executeTakeFirst()
      if (Number(r.numUpdatedRows) !== ids.length) throw conflict('manifest.changed_concurrently', 'Shipments changed while the manifest was being made; try again.')
      await recordEvents(trx, ctx, [
        {
          type: 'manifest.created',
          entity: 'manifest',
          entityId: row.id,
          data: { number: row.number, carrier: carrier.code, location: location.code, date, shipments: ids },
        },
        ...handed.map((s) => ({
          type: 'shipment.awaiting_pickup',
          entity: 'shipment',
          entityId: s.id,
          orderId: s.orderId,
          from: 'label_created',
          to: 'awaiting_pickup',
          data: { number: s.number, trackingNumber: s.trackingNumber, manifest: row.number },
        })),
      ])
      if (opts.idempotencyKey) await saveIdempotent(trx, ctx.actor.id, opts.idempotencyKey, requestHash, 'manifest', row.id, at)
      return { manifest: (await shapeManifests(trx, [row]))[0], replayed: false }
    },

    getManifest: async (db: Db | Trx, id: string): Promise<Manifest> => (await shapeManifests(db, [await findManifestRow(db, id)]))[0],

    async listManifests(db: Db | Trx, q: ManifestListQuery): Promise<{ data: Manifest[]; nextCursor: string | null }> {
      const before = decodeCursor(q.cursor)
      let query = db.selectFrom('manifests').selectAll()
      if (before) query = query.where('id', '<', before)
      if (q.carrier) query = query.where('carrierId', '=', (await catalog(db)).carrierByCode.get(q.carrier)?.id ?? '')
      if (q.location) query = query.where('locationId', '=', (await d.locations.listAll(db)).find((l) => l.code === q.location)?.id ?? '')
      if (q.date) query = query.where('date', '=', q.date)
      const rows = await query.orderBy('id', 'desc').limit(q.limit + 1).execute()
      const { data, nextCursor } = toPage(rows, q.limit, (r) => r.id)
      return { data: await shapeManifests(db, data), nextCursor }
    },

    async manifestPdf(db: Db | Trx, id: string): Promise<Buffer> {
      const m = await service.getManifest(db, id)
      const location = (await d.locations.listAll(db)).find((l) => l.code === m.location.code)!
      return renderManifestPdf({
        number: m.number,
        carrier: m.carrier,
        location: { code: location.code, name: location.name, address: printAddress(location.address, location.name) },
        date: m.date,
        shipments: m.shipments.map((s) => ({ trackingNumber: s.trackingNumber, orderNumber: s.orderNumber, service: s.service, packages: s.packages, weightGrams: s.weightGrams, destination: s.destination })),
        totals: m.totals,
      })
    },

    // ---- tracking lookup ----

    /** A shipment by its or one of its packages' tracking number, as typed or scanned. */
    async track(db: Db | Trx, trackingNumber: string): Promise<TrackingLookup> {
      const n = normalizeTrackingNumber(trackingNumber)
      // Ordo's own numbers are S10: a wrong check digit is a typo, said before any lookup.
      if (/^[A-Z]{2}\d{9}[A-Z]{2}$/.test(n) && !isValidTrackingNumber(n)) {
        throw invalid('tracking.invalid_check_digit', `${n} is not a valid tracking number: its check digit does not match.`, [
          { path: 'trackingNumber', message: 'check digit does not match' },
        ])
      }
      const pkg = await db.selectFrom('shipmentPackages').select(['shipmentId', 'seq']).where('trackingNumber', '=', n).executeTakeFirst()
      const row = await db
        .selectFrom('shipments')
        .selectAll()
        .where((eb) => (pkg ? eb('id', '=', pkg.shipmentId) : eb('trackingNumber', '=', n)))
        .executeTakeFirst()
      if (!row) throw notFound('shipment', n)
      const s = await shapeOne(db, row)
      return {
        trackingNumber: n,
        shipmentId: s.id,
        shipmentNumber: s.number,
        package: pkg && row.trackingNumber !== n ? pkg.seq : null,
        status: s.status,
        carrier: s.carrier,
        estimatedDeliveryDate: s.estimatedDeliveryDate,
        deliveredAt: s.deliveredAt,
        events: s.trackingEvents,
      }
    },
  }
  return service
}

export type ShippingService = ReturnType<typeof createShippingService>
