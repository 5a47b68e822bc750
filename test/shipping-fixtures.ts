import type { TestApp } from './helpers.js'
import { HAMBURG } from './fixtures.js'
import { newId } from '../src/kernel/ids.js'
import type { Location } from '../src/modules/locations/index.js'
import type { ShipmentRequest } from '../src/modules/shipping/index.js'

/**
 * Two table-rate carriers. From Berlin to Hamburg (~255 km, 1 kg): own.economy 390 in 5 days,
 * post.parcel 450 in 2, own.express 1500 in 1. Nothing covers Japan.
 */
export const OWN_CARRIER = { code: 'own', name: 'Own fleet', adapter: 'table_rate', trackingPrefix: 'OR', settings: { trackingCountry: 'DE' } }
export const POST_CARRIER = { code: 'post', name: 'Deutsche Post', trackingPrefix: 'PP' }

export const economyCard = {
  currency: 'EUR',
  zones: [
    { code: 'LOCAL', match: { by: 'distance', minKm: 0, maxKm: 50 }, weightBreaks: [{ upToGrams: 5000, price: 300 }], transitDays: 3 },
    { code: 'NATIONAL', match: { by: 'distance', minKm: 50, maxKm: 1000 }, weightBreaks: [{ upToGrams: 1000, price: 390 }, { upToGrams: 5000, price: 590 }], transitDays: 5 },
  ],
}
export const expressCard = {
  currency: 'EUR',
  zones: [{ code: 'NATIONAL', match: { by: 'distance', minKm: 0, maxKm: 1000 }, weightBreaks: [{ upToGrams: 5000, price: 1500 }], perExtraKg: 200, transitDays: 1 }],
}
export const parcelCard = {
  currency: 'EUR',
  dimWeightDivisor: 5000,
  zones: [
    { code: 'DE', match: { by: 'destination', countries: ['DE'] }, weightBreaks: [{ upToGrams: 2000, price: 450 }, { upToGrams: 10000, price: 700 }], transitDays: 2 },
    { code: 'EU', match: { by: 'destination', countries: ['FR', 'NL'] }, weightBreaks: [{ upToGrams: 2000, price: 1300 }], transitDays: 4 },
  ],
}

/** Carriers, their services and two shipping methods, through the API. */
export async function seedCarriers(t: TestApp) {
  const ok = async (url: string, body: unknown) => {
    const r = await t.call('POST', url, { body })
    if (r.statusCode !== 201) throw new Error(`POST ${url} → ${r.statusCode} ${r.body}`)
    return r.json()
  }
  await ok('/v1/carriers', OWN_CARRIER)
  await ok('/v1/carriers/own/services', { code: 'economy', name: 'Economy', level: 'economy', rateCard: economyCard })
  await ok('/v1/carriers/own/services', { code: 'express', name: 'Express', level: 'express', rateCard: expressCard })
  await ok('/v1/carriers', POST_CARRIER)
  await ok('/v1/carriers/post/services', { code: 'parcel', name: 'Paket', rateCard: parcelCard })
  await ok('/v1/shipping-methods', { code: 'standard', name: 'Standard', currency: 'EUR', flatAmount: 495, freeOverAmount: 5000 })
  await ok('/v1/shipping-methods', { code: 'express', name: 'Express', currency: 'EUR', flatAmount: 990, perKgAmount: 100, serviceLevel: 'express' })
}

/** What fulfilment would send for one packed fulfilment order: 900 g in one box, Berlin to Hamburg. */
export function shipmentRequest(origin: Location, over: Partial<ShipmentRequest> = {}): ShipmentRequest {
  return {
    fulfillmentOrderId: newId('fo'),
    fulfillmentNumber: 'FO-10001',
    orderId: newId('ord'),
    orderNumber: 'SO-10001',
    origin: { locationId: origin.id, code: origin.code, name: origin.name, address: origin.address, latitude: origin.latitude, longitude: origin.longitude },
    destination: { name: 'Anna Schmidt', line1: 'Mönckebergstraße 7', city: 'Hamburg', postalCode: '20095', country: 'DE', ...HAMBURG },
    residential: false,
    packages: [{ id: 'pk_1', boxCode: 'S', lengthMm: 200, widthMm: 150, heightMm: 100, weightGrams: 900, contents: [{ orderLineId: 'oli_1', sku: 'TEE-BLK-M', quantity: 2 }] }],
    promisedBy: null,
    shippingMethod: null,
    requiresProof: false,
    shipDate: '2026-11-02',
    ...over,
  }
}

/** A second package for multi-package shipments. */
export const secondPackage = { id: 'pk_2', boxCode: 'M', lengthMm: 300, widthMm: 200, heightMm: 150, weightGrams: 1500, contents: [{ orderLineId: 'oli_2', sku: 'MUG-WHT', quantity: 3 }] }
