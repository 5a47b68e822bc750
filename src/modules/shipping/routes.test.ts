import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { createTestApp, DIALECTS, type TestApp } from '../../../test/helpers.js'
import { seedBasics } from '../../../test/fixtures.js'
import { economyCard, secondPackage, seedCarriers, shipmentRequest } from '../../../test/shipping-fixtures.js'
import { inTransaction } from '../../db/transaction.js'
import { systemActor } from '../../kernel/context.js'
import type { Location } from '../locations/index.js'
import type { ShipmentRequest } from './index.js'

const paths = (r: { json(): { errors?: { path: string }[] } }) => (r.json().errors ?? []).map((e) => e.path).sort()

describe.each(DIALECTS)('shipping API on %s', (dialect) => {
  let t: TestApp
  let berlin: Location
  let munich: Location

  beforeAll(async () => {
    t = await createTestApp(dialect)
    await seedBasics(t)
    const all = await t.app.services.locations.listAll(t.conn.db)
    berlin = all.find((l) => l.code === 'BER')!
    munich = all.find((l) => l.code === 'MUC')!
    await seedCarriers(t)
  })
  afterAll(() => t.close())

  /** A shipment as fulfilment's ship step makes it (its routes are not wired yet): buy, then record. */
  async function ship(req: ShipmentRequest, serviceCode?: string) {
    const ctx = { actor: systemActor, clock: t.clock }
    const shipping = t.app.services.shipping
    const purchase = await shipping.buyLabel(t.conn.db, ctx, req, serviceCode)
    return inTransaction(t.conn.db, (trx) => shipping.recordShipment(trx, ctx, req, purchase))
  }
  const track = (id: string, body: object, key?: string) => t.call('POST', `/v1/shipments/${id}/tracking-events`, { body, key })

  describe('carriers, services and shipping methods', () => {
    it('creates carriers and services, with the rate card checked field by field', async () => {
      const created = await t.call('POST', '/v1/carriers', { body: { code: 'courier', name: 'City courier', trackingPrefix: 'CR', settings: { trackingCountry: 'DE' } } })
      expect(created.statusCode).toBe(201)
      expect(created.headers.location).toBe('/v1/carriers/courier')
      expect(created.json()).toMatchObject({ code: 'courier', adapter: 'table_rate', active: true, trackingPrefix: 'CR', settings: { trackingCountry: 'DE' }, services: [], version: 1 })

      const svc = await t.call('POST', '/v1/carriers/courier/services', { body: { code: 'economy', name: 'Economy', level: 'economy', rateCard: economyCard } })
      expect(svc.statusCode).toBe(201)
      expect(svc.headers.location).toBe('/v1/carriers/courier/services/economy')
      expect(svc.json()).toMatchObject({ carrier: 'courier', qualifiedCode: 'courier.economy', level: 'economy', rateCard: { currency: 'EUR', rateBasis: 'parcel', weightRoundingGrams: 100 } })

      const bad = await t.call('POST', '/v1/carriers/courier/services', {
        body: {
          code: 'broken',
          name: 'Broken',
          rateCard: {
            currency: 'eur',
            zones: [
              { ...economyCard.zones[0], weightBreaks: [{ upToGrams: 5000, price: 600 }, { upToGrams: 1000, price: 400 }] },
              { code: 'X', match: { by: 'destination' }, weightBreaks: [{ upToGrams: 1000, price: -1 }], transitDays: 2 },
            ],
          },
        },
      })
      expect(bad.statusCode).toBe(422)
      expect(paths(bad)).toEqual(['rateCard.currency', 'rateCard.zones.0.weightBreaks', 'rateCard.zones.1.match', 'rateCard.zones.1.weightBreaks.0.price'])
      expect((await t.call('POST', '/v1/carriers/courier/services', { body: { code: 'economy', name: 'Again', rateCard: economyCard } })).json().code).toBe('carrier_service.code_taken')
      expect((await t.call('POST', '/v1/carriers/nope/services', { body: { code: 'x', name: 'X', rateCard: economyCard } })).statusCode).toBe(404)
    })

    it('refuses an unknown adapter, bad settings, a missing or taken tracking prefix and a taken code', async () => {
      const post = (body: object) => t.call('POST', '/v1/carriers', { body: { code: 'dhl', name: 'DHL', trackingPrefix: 'DH', ...body } })
      const unknown = await post({ adapter: 'dhl_api' })
      expect(unknown.statusCode).toBe(422)
      expect(unknown.json().code).toBe('carrier.unknown_adapter')
      expect(paths(unknown)).toEqual(['adapter'])
      const settings = await post({ settings: { trackingCountry: 'Germany' } })
      expect(settings.statusCode).toBe(422)
      expect(paths(settings)).toEqual(['settings.trackingCountry'])
      const noPrefix = await post({ trackingPrefix: undefined })
      expect(noPrefix.json().code).toBe('carrier.tracking_prefix_required')
      expect(paths(noPrefix)).toEqual(['trackingPrefix'])
      expect((await post({ trackingPrefix: 'or' })).statusCode).toBe(422)
      expect((await post({ trackingPrefix: 'OR' })).json()).toMatchObject({ status: 409, code: 'carrier.tracking_prefix_taken' })
      expect((await post({ code: 'own', trackingPrefix: 'OW' })).json()).toMatchObject({ status: 409, code: 'carrier.code_taken' })
      expect((await post({ code: 'Bad.Code' })).statusCode).toBe(422)
    })

    it('edits carriers and services with versions, and reads them back', async () => {
      const read = await t.call('GET', '/v1/carriers/courier')
      expect(read.headers.etag).toBe('"1"')
      const edited = await t.call('PATCH', '/v1/carriers/courier', { body: { name: 'City vans' }, headers: { 'if-match': '"1"' } })
      expect(edited.json()).toMatchObject({ name: 'City vans', version: 2, services: [expect.objectContaining({ code: 'economy' })] })
      expect((await t.call('PATCH', '/v1/carriers/courier', { body: { active: false }, headers: { 'if-match': '"1"' } })).statusCode).toBe(412)
      expect(paths(await t.call('PATCH', '/v1/carriers/courier', { body: { trackingPrefix: null } }))).toEqual(['trackingPrefix'])

      const card = { ...economyCard, fuelSurchargePpm: 100_000 }
      const svc = await t.call('PATCH', '/v1/carriers/courier/services/economy', { body: { rateCard: card }, headers: { 'if-match': '"1"' } })
      expect(svc.statusCode).toBe(200)
      expect(svc.json()).toMatchObject({ version: 2, rateCard: { fuelSurchargePpm: 100_000 } })
      const got = await t.call('GET', '/v1/carriers/courier/services/economy')
      expect(got.headers.etag).toBe('"2"')
      expect(got.json().rateCard.fuelSurchargePpm).toBe(100_000)
      expect(paths(await t.call('PATCH', '/v1/carriers/courier/services/economy', { body: { rateCard: { ...card, zones: [] } } }))).toEqual(['rateCard.zones'])
      expect((await t.call('GET', '/v1/carriers/courier/services/nope')).json().code).toBe('carrier_service.not_found')

      // The new card prices the next quote; an inactive carrier is not quoted at all.
      const quote = () => t.call('POST', '/v1/rates/quote', { body: { origin: 'BER', destination: { country: 'DE', latitude: 53.55, longitude: 9.99 }, parcels: [{ weightGrams: 900 }] } })
      expect((await quote()).json().options.find((o: { service: string }) => o.service === 'courier.economy')).toMatchObject({ amount: 390 + 39, breakdown: { fuel: 39 } })
      expect((await t.call('PATCH', '/v1/carriers/courier', { body: { active: false } })).json().active).toBe(false)
      expect((await quote()).json().options.map((o: { service: string }) => o.service)).toEqual(['own.economy', 'own.express', 'post.parcel'])

      const list = await t.call('GET', '/v1/carriers')
      expect(list.json().data.map((c: { code: string; services: { code: string }[] }) => [c.code, c.services.map((s) => s.code)])).toEqual([
        ['courier', ['economy']],
        ['own', ['economy', 'express']],
        ['post', ['parcel']],
      ])
    })

    it('keeps shipping methods with their freight rule', async () => {
      const created = await t.call('POST', '/v1/shipping-methods', { body: { code: 'pickup', name: 'Click and collect', currency: 'EUR', flatAmount: 0 } })
      expect(created.statusCode).toBe(201)
      expect(created.json()).toMatchObject({ code: 'pickup', perKgAmount: 0, freeOverAmount: null, serviceLevel: null, maxTransitDays: null, active: true })
      expect((await t.call('POST', '/v1/shipping-methods', { body: { code: 'standard', name: 'X', currency: 'EUR', flatAmount: 1 } })).statusCode).toBe(409)
      expect(paths(await t.call('POST', '/v1/shipping-methods', { body: { code: 'x', name: 'X', currency: 'euro', flatAmount: 1.5, serviceLevel: 'rocket' } }))).toEqual([
        'currency',
        'flatAmount',
        'serviceLevel',
      ])
      const edited = await t.call('PATCH', '/v1/shipping-methods/pickup', { body: { maxTransitDays: 0 }, headers: { 'if-match': '"1"' } })
      expect(edited.json()).toMatchObject({ maxTransitDays: 0, version: 2 })
      expect(edited.headers.etag).toBe('"2"')
      expect((await t.call('PATCH', '/v1/shipping-methods/pickup', { body: { active: false }, headers: { 'if-match': '"1"' } })).statusCode).toBe(412)
      expect((await t.call('PATCH', '/v1/shipping-methods/nope', { body: { active: false } })).statusCode).toBe(404)
      expect((await t.call('GET', '/v1/shipping-methods')).json().data.map((m: { code: string }) => m.code)).toEqual(['express', 'pickup', 'standard'])
    })

    it('quotes a parcel from a location without a fulfilment order', async () => {
      const r = await t.call('POST', '/v1/rates/quote', {
        body: { origin: 'BER', destination: { country: 'DE', postalCode: '20095', latitude: 53.55, longitude: 9.99 }, parcels: [{ weightGrams: 900 }], promisedBy: '2026-11-04', shippingMethod: 'standard', merchandiseValue: { amount: 6000, currency: 'EUR' } },
      })
      expect(r.statusCode).toBe(200)
      expect(r.json()).toMatchObject({ shipDate: '2026-11-02', default: 'post.parcel', carrierCost: { amount: 450 }, customerFreight: { amount: 0, rule: 'free_over_threshold' } })
      const unknown = await t.call('POST', '/v1/rates/quote', { body: { origin: 'NOPE', destination: { country: 'DE' }, parcels: [{ weightGrams: 900 }] } })
      expect(unknown.statusCode).toBe(422)
      expect(paths(unknown)).toEqual(['origin'])
    })
  })

  describe('shipments, labels and tracking', () => {
    it('lists and reads shipments with their packages, tracking events and allowed actions', async () => {
      const one = await ship(shipmentRequest(berlin, { orderNumber: 'SO-20001' }))
      const two = await ship(shipmentRequest(munich, { orderNumber: 'SO-20002', packages: [shipmentRequest(munich).packages[0], secondPackage] }), 'own.express')
      const read = await t.call('GET', `/v1/shipments/${one.number}`)
      expect(read.statusCode).toBe(200)
      expect(read.headers.etag).toBe('"1"')
      expect(read.json()).toMatchObject({ id: one.id, status: 'label_created', carrier: { code: 'own' }, packages: [{ seq: 1 }], trackingEvents: [], allowedActions: ['awaitPickup', 'markInTransit', 'cancel'] })

      const ids = async (qs: string) => (await t.call('GET', `/v1/shipments?${qs}`)).json().data.map((s: { id: string }) => s.id)
      expect(await ids('')).toEqual([two.id, one.id])
      expect(await ids('location=MUC')).toEqual([two.id])
      expect(await ids('carrier=own&status=label_created')).toEqual([two.id, one.id])
      expect(await ids('order=SO-20001')).toEqual([one.id])
      expect(await ids(`order=${two.orderId}`)).toEqual([two.id])
      // A package's number, as a person types it, finds its shipment.
      const typed = two.packages[1].trackingNumber.toLowerCase().replace(/(\d{4})/, '$1 ')
      expect(await ids(`trackingNumber=${encodeURIComponent(typed)}`)).toEqual([two.id])
      const page1 = await t.call('GET', '/v1/shipments?limit=1')
      expect((await t.call('GET', `/v1/shipments?limit=1&cursor=${page1.json().nextCursor}`)).json().data[0].id).toBe(one.id)
      expect((await t.call('GET', '/v1/shipments/SH-1')).statusCode).toBe(404)
    })

    it('prints 4×6 labels as PDF and ZPL, one per package, all of them or one', async () => {
      const s = await ship(shipmentRequest(berlin, { packages: [shipmentRequest(berlin).packages[0], secondPackage], requiresProof: true }))
      const zpl = await t.call('GET', `/v1/shipments/${s.id}/label.zpl`)
      expect(zpl.statusCode).toBe(200)
      expect(zpl.headers['content-type']).toContain('text/plain')
      expect(zpl.body.match(/\^XA/g)).toHaveLength(2)
      expect(zpl.body.match(/\^XZ/g)).toHaveLength(2)
      for (const p of s.packages) expect(zpl.body).toContain(p.trackingNumber)
      expect((await t.call('GET', `/v1/shipments/${s.id}/label.zpl?package=2`)).body.match(/\^XA/g)).toHaveLength(1)

      // The PDF: a 4×6 page per package, one print job; the title names the tracking numbers on it.
      const pages = (body: Buffer) => body.toString('latin1').match(/\/Type \/Page(?!s)/g)?.length
      const title = (body: Buffer) => {
        const raw = body.toString('latin1')
        const ref = /\/Title (\d+) 0 R/.exec(raw)?.[1]
        return new RegExp(`\\n${ref} 0 obj\\n\\((.*)\\)\\nendobj`).exec(raw)?.[1]
      }
      const both = await t.call('GET', `/v1/shipments/${s.id}/label.pdf`)
      expect([both.statusCode, both.headers['content-type'], both.rawPayload.subarray(0, 5).toString()]).toEqual([200, 'application/pdf', '%PDF-'])
      expect(pages(both.rawPayload)).toBe(2)
      expect(title(both.rawPayload)).toBe(`Labels ${s.packages[0].trackingNumber}, ${s.packages[1].trackingNumber}`)
      const second = await t.call('GET', `/v1/shipments/${s.id}/label.pdf?package=2`)
      expect(second.statusCode).toBe(200)
      expect(pages(second.rawPayload)).toBe(1)
      expect(title(second.rawPayload)).toBe(`Label ${s.packages[1].trackingNumber}`)
      expect((await t.call('GET', `/v1/shipments/${s.id}/label.pdf?package=3`)).statusCode).toBe(404)
    })

    it('applies tracking forward only: duplicates ignored, late events kept, exceptions recover', async () => {
      const s = await ship(shipmentRequest(berlin))
      const first = await track(s.id, { status: 'in_transit', occurredAt: '2026-11-02T18:00:00+01:00', location: 'Berlin hub' })
      expect(first.statusCode).toBe(201)
      expect(first.json()).toMatchObject({ status: 'in_transit', trackingEvents: [{ status: 'in_transit', occurredAt: '2026-11-02T17:00:00.000Z', applied: true, location: 'Berlin hub', source: 'carrier' }] })
      // The carrier resends the same scan (same instant, another notation): nothing changes.
      const again = await track(s.id, { status: 'in_transit', occurredAt: '2026-11-02T17:00:00Z' })
      expect(again.statusCode).toBe(200)
      expect(again.json().trackingEvents).toHaveLength(1)

      expect((await track(s.id, { status: 'exception', occurredAt: '2026-11-03T08:00:00Z', detail: 'Address not found' })).json().status).toBe('exception')
      expect((await track(s.id, { status: 'in_transit', occurredAt: '2026-11-03T15:00:00Z', location: 'Hamburg depot' })).json().status).toBe('in_transit')
      expect((await track(s.id, { status: 'out_for_delivery', occurredAt: '2026-11-04T07:00:00Z', source: 'driver' })).json().status).toBe('out_for_delivery')
      // A scan from before the last one arrives late: kept, not applied.
      const late = await track(s.id, { status: 'awaiting_pickup', occurredAt: '2026-11-02T16:00:00Z' })
      expect(late.statusCode).toBe(201)
      expect(late.json().status).toBe('out_for_delivery')
      expect(late.json().trackingEvents.map((e: { status: string; applied: boolean }) => [e.status, e.applied])).toEqual([
        ['awaiting_pickup', false],
        ['in_transit', true],
        ['exception', true],
        ['in_transit', true],
        ['out_for_delivery', true],
      ])
      // Back to in transit without an exception would be a step backwards: 409 from the machine.
      const backwards = await track(s.id, { status: 'in_transit', occurredAt: '2026-11-04T09:00:00Z' })
      expect(backwards.statusCode).toBe(409)
      expect(backwards.json().code).toBe('shipment.invalid_transition')

      const delivered = vi.spyOn(t.app.services.fulfillment.shipmentListener, 'delivered').mockResolvedValue()
      const done = await track(s.id, { status: 'delivered', occurredAt: '2026-11-04T10:30:00Z' })
      expect(done.json()).toMatchObject({ status: 'delivered', deliveredAt: '2026-11-04T10:30:00.000Z', allowedActions: [] })
      expect(delivered).toHaveBeenCalledWith(expect.anything(), expect.anything(), { id: s.id, fulfillmentOrderId: s.fulfillmentOrderId, orderId: s.orderId, trackingNumber: s.trackingNumber })
      delivered.mockRestore()
      expect((await track(s.id, { status: 'exception', occurredAt: '2026-11-05T10:00:00Z' })).statusCode).toBe(409)

      const history = await t.conn.db.selectFrom('events').select(['type', 'orderId']).where('entityId', '=', s.id).orderBy('id').execute()
      expect(history.map((e) => e.type)).toEqual([
        'shipment.label_created',
        'shipment.in_transit',
        'shipment.exception',
        'shipment.in_transit',
        'shipment.out_for_delivery',
        'shipment.delivered',
      ])
      expect(history.every((e) => e.orderId === s.orderId)).toBe(true)
    })

    it('asks for proof at the door and checks the body', async () => {
      const s = await ship(shipmentRequest(berlin, { requiresProof: true }))
      await track(s.id, { status: 'in_transit', occurredAt: '2026-11-02T17:00:00Z' })
      const noProof = await track(s.id, { status: 'delivered', occurredAt: '2026-11-03T10:00:00Z' })
      expect(noProof.statusCode).toBe(422)
      expect(noProof.json().code).toBe('shipment.proof_required')
      expect(paths(noProof)).toEqual(['deliveryCode'])
      const code = (await t.app.services.shipping.deliveryCodeOf(t.conn.db, s.id))!
      const wrong = await track(s.id, { status: 'delivered', occurredAt: '2026-11-03T10:00:00Z', deliveryCode: code === '000000' ? '111111' : '000000' })
      expect(wrong.statusCode).toBe(422)
      expect(wrong.json().code).toBe('shipment.wrong_delivery_code')
      expect((await t.call('GET', `/v1/shipments/${s.id}`)).json().status).toBe('in_transit')

      const misplaced = await track(s.id, { status: 'out_for_delivery', occurredAt: '2026-11-03T08:00:00Z', deliveryCode: '12345', identityCheck: { documentType: 'passport', name: 'A' } })
      expect(misplaced.statusCode).toBe(422)
      expect(paths(misplaced)).toEqual(['deliveryCode', 'deliveryCode', 'identityCheck'])
      expect(paths(await track(s.id, { status: 'lost', occurredAt: 'yesterday' }))).toEqual(['occurredAt', 'status'])

      const spy = vi.spyOn(t.app.services.fulfillment.shipmentListener, 'delivered').mockResolvedValue()
      const ok = await track(s.id, { status: 'delivered', occurredAt: '2026-11-03T10:00:00Z', deliveryCode: code, source: 'driver' })
      expect(ok.statusCode).toBe(201)
      expect(ok.json().trackingEvents.at(-1)).toMatchObject({ status: 'delivered', source: 'driver', proof: { method: 'delivery_code' } })
      expect(spy).toHaveBeenCalledTimes(1)
      spy.mockRestore()
    })

    it('cancels before handover only', async () => {
      const s = await ship(shipmentRequest(berlin))
      const spy = vi.spyOn(t.app.services.fulfillment.shipmentListener, 'cancelled').mockResolvedValue()
      const cancelled = await t.call('POST', `/v1/shipments/${s.id}/cancel`, { body: { reason: 'wrong box' } })
      expect(cancelled.statusCode).toBe(200)
      expect(cancelled.json()).toMatchObject({ status: 'cancelled', cancelReason: 'wrong box', cancelledAt: '2026-11-02T09:00:00.000Z' })
      expect(spy).toHaveBeenCalledTimes(1)
      expect((await t.call('GET', `/v1/shipments/${s.id}/label.zpl`)).json().code).toBe('shipment.label_voided')

      const moving = await ship(shipmentRequest(berlin))
      await track(moving.id, { status: 'in_transit', occurredAt: '2026-11-02T17:00:00Z' })
      const refused = await t.call('POST', `/v1/shipments/${moving.id}/cancel`)
      expect(refused.statusCode).toBe(409)
      expect(refused.json().code).toBe('shipment.invalid_transition')
      expect(spy).toHaveBeenCalledTimes(1)
      spy.mockRestore()
    })

    it('looks a shipment up by tracking number, checking the S10 check digit first', async () => {
      const s = await ship(shipmentRequest(berlin, { packages: [shipmentRequest(berlin).packages[0], secondPackage] }))
      const n = s.trackingNumber
      const byMaster = await t.call('GET', `/v1/tracking/${encodeURIComponent(` ${n.toLowerCase().slice(0, 6)} ${n.toLowerCase().slice(6)}`)}`)
      expect(byMaster.statusCode).toBe(200)
      expect(byMaster.json()).toMatchObject({ trackingNumber: n, shipmentId: s.id, shipmentNumber: s.number, package: null, status: 'label_created', events: [] })
      expect((await t.call('GET', `/v1/tracking/${s.packages[1].trackingNumber}`)).json()).toMatchObject({ shipmentId: s.id, package: 2 })
      const typo = n.slice(0, 10) + ((Number(n[10]) + 1) % 10) + n.slice(11)
      const bad = await t.call('GET', `/v1/tracking/${typo}`)
      expect(bad.statusCode).toBe(422)
      expect(bad.json().code).toBe('tracking.invalid_check_digit')
      expect(paths(bad)).toEqual(['trackingNumber'])
      expect((await t.call('GET', '/v1/tracking/RR123456785DE')).statusCode).toBe(404)
    })
  })

  describe('manifests', () => {
    it("closes the day per carrier and location: labels go to awaiting pickup, the PDF is the driver's copy", async () => {
      // What is left at BER for `post` from earlier tests, plus two new labels and one in Munich.
      const a = await ship(shipmentRequest(berlin, { orderNumber: 'SO-30001' }), 'post.parcel')
      const b = await ship(shipmentRequest(berlin, { orderNumber: 'SO-30002' }), 'post.parcel')
      const tomorrow = await ship(shipmentRequest(berlin, { orderNumber: 'SO-30003', shipDate: '2026-11-03' }), 'post.parcel')
      const elsewhere = await ship(shipmentRequest(munich, { orderNumber: 'SO-30004' }), 'post.parcel')

      const key = { 'idempotency-key': 'close-ber-2026-11-02' }
      const created = await t.call('POST', '/v1/manifests', { body: { carrier: 'post', location: 'BER' }, headers: key })
      expect(created.statusCode).toBe(201)
      const m = created.json()
      expect(m).toMatchObject({ number: expect.stringMatching(/^MF-\d+$/), carrier: { code: 'post' }, location: { code: 'BER' }, date: '2026-11-02' })
      const on = m.shipments.map((s: { id: string }) => s.id)
      expect(on).toEqual(expect.arrayContaining([a.id, b.id]))
      expect(on).not.toContain(tomorrow.id)
      expect(on).not.toContain(elsewhere.id)
      const sum = (k: 'packages' | 'weightGrams') => m.shipments.reduce((n: number, s: Record<string, number>) => n + s[k], 0)
      expect(m.totals).toEqual({ shipments: on.length, packages: sum('packages'), weightGrams: sum('weightGrams') })
      expect(m.shipments.find((s: { id: string }) => s.id === a.id)).toMatchObject({ orderNumber: 'SO-30001', service: 'post.parcel', destination: '20095 Hamburg, DE', weightGrams: 900 })

      const after = (await t.call('GET', `/v1/shipments/${a.id}`)).json()
      expect(after).toMatchObject({ status: 'awaiting_pickup', manifestId: m.id, allowedActions: ['markInTransit', 'reportException', 'cancel'] })
      expect((await t.call('GET', `/v1/shipments/${tomorrow.id}`)).json().status).toBe('label_created')

      const replay = await t.call('POST', '/v1/manifests', { body: { carrier: 'post', location: 'BER' }, headers: key })
      expect(replay.statusCode).toBe(200)
      expect(replay.json().id).toBe(m.id)
      const empty = await t.call('POST', '/v1/manifests', { body: { carrier: 'post', location: 'BER' } })
      expect(empty.statusCode).toBe(422)
      expect(empty.json().code).toBe('manifest.nothing_to_manifest')
      expect(paths(await t.call('POST', '/v1/manifests', { body: { carrier: 'nope', location: 'BER' } }))).toEqual(['carrier'])
      expect((await t.call('POST', '/v1/manifests', { body: { carrier: 'post', location: 'BER', date: '2026-11-03' } })).json().shipments.map((s: { id: string }) => s.id)).toEqual([tomorrow.id])

      expect((await t.call('GET', `/v1/manifests/${m.number}`)).json()).toEqual(m)
      const list = await t.call('GET', '/v1/manifests?carrier=post&location=BER')
      expect(list.json().data.map((x: { date: string }) => x.date)).toEqual(['2026-11-03', '2026-11-02'])
      const pdf = await t.call('GET', `/v1/manifests/${m.number}.pdf`)
      expect(pdf.statusCode).toBe(200)
      expect(pdf.headers['content-type']).toBe('application/pdf')
      expect(pdf.rawPayload.subarray(0, 5).toString()).toBe('%PDF-')
      expect((await t.call('GET', '/v1/manifests/MF-1.pdf')).statusCode).toBe(404)
    })
  })

  it('publishes the shipment lifecycle and its schemas', async () => {
    const doc = (await t.call('GET', '/openapi.json')).json()
    expect(Object.keys(doc.components.schemas)).toEqual(expect.arrayContaining(['Carrier', 'CarrierService', 'RateCard', 'RatesResult', 'Shipment', 'TrackingEvent', 'Manifest']))
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/v1/shipments/{id}/tracking-events', '/v1/manifests/{id}.pdf', '/v1/tracking/{trackingNumber}']))
    const machines = (await t.call('GET', '/v1/lifecycles')).json().data
    const shipment = machines.find((m: { entity: string }) => m.entity === 'shipment')
    expect(shipment).toMatchObject({ initial: 'label_created', final: ['delivered', 'returned_to_sender', 'cancelled'] })
    expect(shipment.states).toContain('cancelled')
  })

  it('needs shipping:write to configure, tracking:write to report', async () => {
    const viewer = await t.keyFor('viewer')
    expect((await t.call('GET', '/v1/shipments', { key: viewer })).statusCode).toBe(200)
    expect((await t.call('GET', '/v1/carriers', { key: viewer })).statusCode).toBe(200)
    expect((await t.call('POST', '/v1/carriers', { key: viewer, body: { code: 'x', name: 'X', trackingPrefix: 'XX' } })).statusCode).toBe(403)
    expect((await t.call('POST', '/v1/manifests', { key: viewer, body: { carrier: 'post', location: 'BER' } })).statusCode).toBe(403)
    const s = await ship(shipmentRequest(berlin))
    expect((await track(s.id, { status: 'in_transit', occurredAt: '2026-11-02T17:00:00Z' }, viewer)).statusCode).toBe(403)
    const support = await t.keyFor('support')
    expect((await track(s.id, { status: 'in_transit', occurredAt: '2026-11-02T17:00:00Z' }, support)).statusCode).toBe(201)
    expect((await t.call('POST', `/v1/shipments/${s.id}/cancel`, { key: support })).statusCode).toBe(403)
    expect((await t.call('GET', '/v1/shipments', { key: null })).statusCode).toBe(401)
  })
})
