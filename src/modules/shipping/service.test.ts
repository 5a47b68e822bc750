import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { createTestApp, DIALECTS, type TestApp } from '../../../test/helpers.js'
import { seedBasics } from '../../../test/fixtures.js'
import { secondPackage, seedCarriers, shipmentRequest } from '../../../test/shipping-fixtures.js'
import { inTransaction } from '../../db/transaction.js'
import { systemActor, type Ctx } from '../../kernel/context.js'
import type { Location } from '../locations/index.js'
import { createShippingService, isValidTrackingNumber, tableRateAdapter, type ShipmentListener, type ShipmentRequest } from './index.js'

const TOKYO = { country: 'JP', latitude: 35.68, longitude: 139.69 }

describe.each(DIALECTS)('shipping service on %s', (dialect) => {
  let t: TestApp
  let ctx: Ctx
  let berlin: Location
  let munich: Location
  const heard: { kind: 'delivered' | 'cancelled'; id: string; fulfillmentOrderId: string; orderId: string; trackingNumber: string }[] = []
  let failDelivered = false
  // A recording stand-in for fulfilment, which implements the listener in the real app.
  const listener: ShipmentListener = {
    delivered: async (_trx, _ctx, s) => {
      if (failDelivered) throw new Error('fulfilment is down')
      heard.push({ kind: 'delivered', ...s })
    },
    cancelled: async (_trx, _ctx, s) => {
      heard.push({ kind: 'cancelled', ...s })
    },
  }
  let svc: ReturnType<typeof createShippingService>

  beforeAll(async () => {
    t = await createTestApp(dialect)
    ctx = { actor: systemActor, clock: t.clock }
    await seedBasics(t)
    await seedCarriers(t)
    svc = createShippingService({ locations: t.app.services.locations, catalog: t.app.services.catalog, listener: () => listener })
    const all = await t.app.services.locations.listAll(t.conn.db)
    berlin = all.find((l) => l.code === 'BER')!
    munich = all.find((l) => l.code === 'MUC')!
  })
  afterAll(() => t.close())
  beforeEach(() => {
    heard.length = 0
    failDelivered = false
  })

  /** Buys the default (or named) label and records it, as fulfilment's ship step does. */
  async function ship(req: ShipmentRequest, serviceCode?: string) {
    const purchase = await svc.buyLabel(t.conn.db, ctx, req, serviceCode)
    const shipment = await inTransaction(t.conn.db, (trx) => svc.recordShipment(trx, ctx, req, purchase))
    return { purchase, shipment }
  }
  const track = (id: string, body: Record<string, unknown>) => svc.recordTrackingEvent(t.conn.db, ctx, id, { source: 'carrier', ...body } as never)
  const labelRow = (reference: string) => t.conn.db.selectFrom('carrierLabels').selectAll().where('reference', '=', reference).executeTakeFirstOrThrow()

  describe('costEstimator', () => {
    it('prices the cheapest service for a weight, and null where nothing covers the destination', async () => {
      const estimate = await svc.costEstimator(t.conn.db)
      const hamburg = { country: 'DE', postalCode: '20095', latitude: 53.5511, longitude: 9.9937 }
      expect(estimate({ originLocationId: berlin.id, destination: hamburg, weightGrams: 900 })).toBe(390) // own.economy
      expect(estimate({ originLocationId: berlin.id, destination: hamburg, weightGrams: 3000 })).toBe(590)
      expect(estimate({ originLocationId: berlin.id, destination: hamburg, weightGrams: 8000 })).toBe(700) // economy stops at 5 kg; post.parcel
      // Without coordinates only the country-zoned service can price it.
      expect(estimate({ originLocationId: munich.id, destination: { country: 'DE', postalCode: '20095', latitude: null, longitude: null }, weightGrams: 900 })).toBe(450)
      expect(estimate({ originLocationId: berlin.id, destination: TOKYO, weightGrams: 900 })).toBeNull()
      expect(estimate({ originLocationId: 'loc_unknown', destination: hamburg, weightGrams: 900 })).toBeNull()
    })

    it('is built once per rate-card version: the same estimator until a card changes', async () => {
      const first = await svc.costEstimator(t.conn.db)
      expect(await svc.costEstimator(t.conn.db)).toBe(first)
      await inTransaction(t.conn.db, (trx) => svc.updateService(trx, ctx, 'own', 'economy', { active: false }))
      const next = await svc.costEstimator(t.conn.db)
      expect(next).not.toBe(first)
      expect(next({ originLocationId: berlin.id, destination: { country: 'DE', latitude: 53.55, longitude: 9.99 }, weightGrams: 900 })).toBe(450)
      await inTransaction(t.conn.db, (trx) => svc.updateService(trx, ctx, 'own', 'economy', { active: true }))
      expect((await svc.costEstimator(t.conn.db))({ originLocationId: berlin.id, destination: { country: 'DE', latitude: 53.55, longitude: 9.99 }, weightGrams: 900 })).toBe(390)
    })
  })

  describe('rates', () => {
    it('defaults to the cheapest service that arrives by the promised date, and says why', async () => {
      const r = await svc.rates(t.conn.db, ctx, shipmentRequest(berlin, { promisedBy: '2026-11-04', shippingMethod: 'standard', merchandiseValue: { amount: 3000, currency: 'EUR' } }))
      expect(r.default).toBe('post.parcel')
      expect(r.carrierCost).toEqual({ amount: 450, currency: 'EUR' })
      expect(r.estimatedDeliveryDate).toBe('2026-11-04')
      const byService = Object.fromEntries(r.options.map((o) => [o.service, o]))
      expect(byService['own.economy']).toMatchObject({ available: true, amount: 390, deliveryDate: '2026-11-09', meetsPromise: false, zone: 'NATIONAL' })
      expect(byService['own.express']).toMatchObject({ available: true, amount: 1500, deliveryDate: '2026-11-03', meetsPromise: true })
      expect(byService['post.parcel']).toMatchObject({ available: true, amount: 450, transitDays: 2, meetsPromise: true, breakdown: { base: 450, fuel: 0, residential: 0, remote: 0 } })
      expect(r.explanation).toMatchObject({ rule: 'cheapest_meeting_promise', chosen: 'post.parcel', considered: ['own.economy', 'post.parcel', 'own.express'], meetingPromise: ['post.parcel', 'own.express'] })
      // The customer pays by the shipping method's rule, beside what the carrier charges us.
      expect(r.customerFreight).toMatchObject({ amount: 495, currency: 'EUR', shippingMethod: 'standard', rule: 'flat' })
      const free = await svc.rates(t.conn.db, ctx, shipmentRequest(berlin, { shippingMethod: 'standard', merchandiseValue: { amount: 5000, currency: 'EUR' } }))
      expect(free.customerFreight).toMatchObject({ amount: 0, rule: 'free_over_threshold' })
    })

    it('takes the cheapest without a promise, the fastest when no service can keep it', async () => {
      const none = await svc.rates(t.conn.db, ctx, shipmentRequest(berlin))
      expect(none).toMatchObject({ default: 'own.economy', explanation: { rule: 'cheapest' }, customerFreight: null })
      const tight = await svc.rates(t.conn.db, ctx, shipmentRequest(berlin, { promisedBy: '2026-11-02' }))
      expect(tight).toMatchObject({ default: 'own.express', explanation: { rule: 'fastest_none_meet_promise' } })
    })

    it("keeps to the shipping method's service level, listing what it excludes", async () => {
      const r = await svc.rates(t.conn.db, ctx, shipmentRequest(berlin, { shippingMethod: 'express' }))
      expect(r.default).toBe('own.express')
      expect(r.options.find((o) => o.service === 'post.parcel')).toMatchObject({ available: false, reason: 'excluded_by_shipping_method', amount: 450 })
      expect(r.explanation.shippingMethod).toEqual({ code: 'express', known: true, serviceLevel: 'express', maxTransitDays: null })
      expect(r.customerFreight).toMatchObject({ amount: 990 + 100, rule: 'flat_plus_per_kg' })
    })

    it('says so when nothing can ship it', async () => {
      const r = await svc.rates(t.conn.db, ctx, shipmentRequest(berlin, { destination: { name: 'K', city: 'Tokyo', line1: '1-1', ...TOKYO } }))
      expect(r).toMatchObject({ default: null, carrierCost: null, explanation: { rule: 'no_service_available', chosen: null } })
      expect(r.options.every((o) => !o.available && o.reason === 'no_zone')).toBe(true)
    })
  })

  describe('labels and shipments', () => {
    it('buys the default label and records the shipment with a numbered package each', async () => {
      const req = shipmentRequest(berlin, { promisedBy: '2026-11-04', shippingMethod: 'standard', packages: [shipmentRequest(berlin).packages[0], secondPackage] })
      const purchase = await svc.buyLabel(t.conn.db, ctx, req)
      expect(purchase).toMatchObject({ carrierCode: 'post', serviceCode: 'parcel', cost: { amount: 900, currency: 'EUR' }, estimatedDeliveryDate: '2026-11-04' })
      // A master number and one per package, all S10 with a check digit, in the carrier's series.
      const numbers = [purchase.trackingNumber, ...purchase.packageTrackingNumbers]
      expect(new Set(numbers).size).toBe(3)
      for (const n of numbers) {
        expect(n).toMatch(/^PP\d{9}DE$/)
        expect(isValidTrackingNumber(n)).toBe(true)
      }
      // A retry (the commit never happened) gets the very same label.
      expect(await svc.buyLabel(t.conn.db, ctx, req)).toEqual(purchase)

      const shipment = await inTransaction(t.conn.db, (trx) => svc.recordShipment(trx, ctx, req, purchase))
      expect(shipment).toMatchObject({
        number: expect.stringMatching(/^SH-\d+$/),
        status: 'label_created',
        carrier: { code: 'post', name: 'Deutsche Post' },
        service: { qualifiedCode: 'post.parcel' },
        trackingNumber: purchase.trackingNumber,
        carrierCost: { amount: 900, currency: 'EUR' },
        customerFreight: { amount: 495, currency: 'EUR' },
        origin: { code: 'BER' },
        promisedBy: '2026-11-04',
        estimatedDeliveryDate: '2026-11-04',
        weightGrams: 2400,
        requiresProof: false,
        allowedActions: ['awaitPickup', 'markInTransit', 'cancel'],
      })
      expect(shipment.packages.map((p) => [p.seq, p.trackingNumber, p.fulfillmentPackageId])).toEqual([
        [1, purchase.packageTrackingNumbers[0], 'pk_1'],
        [2, purchase.packageTrackingNumbers[1], 'pk_2'],
      ])
      expect(await svc.contentsOf(t.conn.db, shipment.id)).toEqual(shipment.packages)
      expect(shipment.packages[1].contents).toEqual([{ orderLineId: 'oli_2', sku: 'MUG-WHT', quantity: 3 }])

      const events = await t.conn.db.selectFrom('events').selectAll().where('entityId', '=', shipment.id).execute()
      expect(events).toHaveLength(1)
      expect(events[0]).toMatchObject({ type: 'shipment.label_created', orderId: req.orderId, toState: 'label_created' })
      expect(JSON.parse(events[0].data)).toMatchObject({ trackingNumber: purchase.trackingNumber, service: 'post.parcel', carrierCost: { amount: 900 } })

      // The next label for the same fulfilment order (a partial shipment) is a new purchase.
      const again = await svc.buyLabel(t.conn.db, ctx, req)
      expect(again.trackingNumber).not.toBe(purchase.trackingNumber)
      await svc.voidLabel(ctx, again)
    })

    it('buys a named service, and refuses with 422 on serviceCode what is unknown or cannot ship', async () => {
      const { shipment } = await ship(shipmentRequest(berlin), 'own.express')
      expect(shipment).toMatchObject({ carrier: { code: 'own' }, service: { code: 'express' }, carrierCost: { amount: 1500 } })
      expect(shipment.trackingNumber).toMatch(/^OR\d{9}DE$/)
      expect((await ship(shipmentRequest(berlin), 'parcel')).shipment.service.qualifiedCode).toBe('post.parcel') // a bare code unique across carriers

      const refused = async (req: ShipmentRequest, code: string | undefined, expected: string) => {
        const err = await svc.buyLabel(t.conn.db, ctx, req, code).catch((e) => e)
        expect(err).toMatchObject({ status: 422, code: expected, errors: [expect.objectContaining({ path: 'serviceCode' })] })
      }
      await refused(shipmentRequest(berlin), 'dhl.express', 'shipping.unknown_service')
      await refused(shipmentRequest(berlin, { packages: [{ ...secondPackage, weightGrams: 6000 }] }), 'own.economy', 'shipping.service_unavailable')
      await refused(shipmentRequest(berlin, { destination: { name: 'K', line1: '1-1', city: 'Tokyo', ...TOKYO } }), undefined, 'shipping.no_service')
    })

    it('voids a label whose commit failed, and buys a fresh one on the retry', async () => {
      const req = shipmentRequest(berlin)
      const first = await svc.buyLabel(t.conn.db, ctx, req)
      await svc.voidLabel(ctx, first)
      expect((await labelRow(first.carrierReference)).voidedAt).not.toBeNull()
      const retry = await svc.buyLabel(t.conn.db, ctx, req)
      expect(retry.trackingNumber).not.toBe(first.trackingNumber)
      // A concurrent twin recorded the label: the loser's undo must leave it alone.
      await inTransaction(t.conn.db, (trx) => svc.recordShipment(trx, ctx, req, retry))
      await svc.voidLabel(ctx, retry)
      expect((await labelRow(retry.carrierReference)).voidedAt).toBeNull()
    })
  })

  describe('tracking and proof of delivery', () => {
    it('needs the delivery code before delivered, then tells fulfilment', async () => {
      const req = shipmentRequest(berlin, { requiresProof: true })
      const { shipment } = await ship(req)
      expect(shipment.requiresProof).toBe(true)
      const code = (await svc.deliveryCodeOf(t.conn.db, shipment.id))!
      expect(code).toMatch(/^\d{6}$/)
      expect(JSON.stringify(shipment)).not.toContain(`"${code}"`)

      await track(shipment.id, { status: 'in_transit', occurredAt: '2026-11-02T17:00:00Z', location: 'Berlin hub' })
      await track(shipment.id, { status: 'out_for_delivery', occurredAt: '2026-11-04T07:30:00Z' })
      const at = '2026-11-04T11:00:00Z'
      const missing = await track(shipment.id, { status: 'delivered', occurredAt: at }).catch((e) => e)
      expect(missing).toMatchObject({ status: 422, code: 'shipment.proof_required', errors: [{ path: 'deliveryCode' }] })
      const wrongCode = String((Number(code) + 1) % 1_000_000).padStart(6, '0')
      const wrong = await track(shipment.id, { status: 'delivered', occurredAt: at, deliveryCode: wrongCode }).catch((e) => e)
      expect(wrong).toMatchObject({ status: 422, code: 'shipment.wrong_delivery_code', errors: [{ path: 'deliveryCode' }] })
      expect((await svc.get(t.conn.db, ctx, shipment.id)).status).toBe('out_for_delivery')
      expect(heard).toEqual([])

      const { shipment: delivered, created } = await track(shipment.id, { status: 'delivered', occurredAt: at, deliveryCode: code, location: 'Hamburg' })
      expect(created).toBe(true)
      expect(delivered).toMatchObject({ status: 'delivered', deliveredAt: '2026-11-04T11:00:00.000Z', allowedActions: [] })
      expect(delivered.trackingEvents.at(-1)).toMatchObject({ status: 'delivered', applied: true, proof: { method: 'delivery_code' } })
      expect(heard).toEqual([{ kind: 'delivered', id: shipment.id, fulfillmentOrderId: req.fulfillmentOrderId, orderId: req.orderId, trackingNumber: shipment.trackingNumber }])
      const types = (await t.conn.db.selectFrom('events').select('type').where('orderId', '=', req.orderId).orderBy('id').execute()).map((e) => e.type)
      expect(types).toEqual(['shipment.label_created', 'shipment.in_transit', 'shipment.out_for_delivery', 'shipment.delivered'])
    })

    it('takes an identity check instead, and only that after five wrong codes', async () => {
      const { shipment } = await ship(shipmentRequest(berlin, { requiresProof: true }))
      const code = (await svc.deliveryCodeOf(t.conn.db, shipment.id))!
      await track(shipment.id, { status: 'in_transit', occurredAt: '2026-11-02T17:00:00Z' })
      const at = '2026-11-03T12:00:00Z'
      const wrong = String((Number(code) + 7) % 1_000_000).padStart(6, '0')
      for (let i = 0; i < 5; i++) await expect(track(shipment.id, { status: 'delivered', occurredAt: at, deliveryCode: wrong })).rejects.toMatchObject({ code: 'shipment.wrong_delivery_code' })
      await expect(track(shipment.id, { status: 'delivered', occurredAt: at, deliveryCode: code })).rejects.toMatchObject({ status: 422, code: 'shipment.delivery_code_locked' })
      const { shipment: delivered } = await track(shipment.id, {
        status: 'delivered',
        occurredAt: at,
        identityCheck: { documentType: 'id_card', documentLast4: 'X7K2', name: 'Anna Schmidt' },
      })
      expect(delivered.status).toBe('delivered')
      expect(delivered.trackingEvents.at(-1)!.proof).toEqual({ method: 'identity_check', documentType: 'id_card', documentLast4: 'X7K2', name: 'Anna Schmidt' })
      expect(heard.map((h) => h.kind)).toEqual(['delivered'])
    })

    it('delivers nothing when fulfilment cannot take the delivery: one transaction', async () => {
      const { shipment } = await ship(shipmentRequest(berlin))
      await track(shipment.id, { status: 'in_transit', occurredAt: '2026-11-02T17:00:00Z' })
      failDelivered = true
      await expect(track(shipment.id, { status: 'delivered', occurredAt: '2026-11-03T10:00:00Z' })).rejects.toThrow('fulfilment is down')
      const after = await svc.get(t.conn.db, ctx, shipment.id)
      expect(after.status).toBe('in_transit')
      expect(after.trackingEvents.map((e) => e.status)).toEqual(['in_transit'])
    })
  })

  describe('cancel before handover', () => {
    it('voids the label at the carrier, then cancels and tells fulfilment', async () => {
      const req = shipmentRequest(berlin)
      const { shipment } = await ship(req)
      const cancelled = await svc.cancel(t.conn.db, ctx, shipment.id, 'customer changed address')
      expect(cancelled).toMatchObject({ status: 'cancelled', cancelReason: 'customer changed address', allowedActions: [] })
      expect((await labelRow(shipment.carrierReference)).voidedAt).not.toBeNull()
      expect(heard).toEqual([{ kind: 'cancelled', id: shipment.id, fulfillmentOrderId: req.fulfillmentOrderId, orderId: req.orderId, trackingNumber: shipment.trackingNumber }])
      await expect(svc.cancel(t.conn.db, ctx, shipment.id)).rejects.toMatchObject({ status: 409, code: 'shipment.invalid_transition' })

      // Shipping the fulfilment order again buys a new label (attempt 2).
      const { shipment: second } = await ship(req)
      expect(second.trackingNumber).not.toBe(shipment.trackingNumber)
    })

    it('changes nothing when the carrier cannot void the label', async () => {
      svc.adapters.register({
        ...tableRateAdapter,
        code: 'flaky',
        voidLabel: async () => {
          throw new Error('connect ETIMEDOUT')
        },
      })
      await inTransaction(t.conn.db, (trx) => svc.createCarrier(trx, ctx, { code: 'flaky', name: 'Flaky', adapter: 'flaky', active: true, settings: {}, trackingPrefix: 'FL' }))
      await inTransaction(t.conn.db, (trx) =>
        svc.createService(trx, ctx, 'flaky', {
          code: 'std',
          name: 'Std',
          level: 'standard',
          active: true,
          rateCard: { currency: 'EUR', rateBasis: 'parcel', weightRoundingGrams: 100, fuelSurchargePpm: 0, residentialSurcharge: 0, remoteAreaSurcharge: 0, remoteAreas: [], zones: [{ code: 'DE', match: { by: 'destination', countries: ['DE'], regions: [] }, weightBreaks: [{ upToGrams: 5000, price: 100 }], transitDays: 2 }] },
        }),
      )
      const { shipment } = await ship(shipmentRequest(berlin), 'flaky.std')
      expect(shipment.trackingNumber).toMatch(/^FL\d{9}DE$/) // the adapter's settings give no country: the origin's
      const err = await svc.cancel(t.conn.db, ctx, shipment.id).catch((e) => e)
      expect(err).toMatchObject({ status: 502, code: 'shipping.carrier_failed' })
      expect((await svc.get(t.conn.db, ctx, shipment.id)).status).toBe('label_created')
      expect(heard).toEqual([])
    })
  })
})
