/**
 * Carriers, their services and rate cards, shipping methods and the box catalog of a German online
 * shop, as the demo data set and the rate-shopping benchmark both load them. Prices are list prices
 * of 2026 in euro cents, net, rounded; transit days are business days.
 */
import type { Trx } from '../db/transaction.js'
import type { Ctx } from '../kernel/context.js'
import { rateCardSchema, type RateCardInput } from '../modules/shipping/index.js'
import type { Services } from '../services.js'

type ServiceInput = Parameters<Services['shipping']['createService']>[3]
type MethodInput = Parameters<Services['shipping']['createShippingMethod']>[2]
type BoxInput = Parameters<Services['fulfillment']['createPackaging']>[2]

const EU_NEAR = ['AT', 'BE', 'CZ', 'DK', 'FR', 'LU', 'NL', 'PL']
const EU_FAR = ['BG', 'EE', 'ES', 'FI', 'GR', 'HR', 'HU', 'IE', 'IT', 'LT', 'LV', 'PT', 'RO', 'SE', 'SI', 'SK']
const EUROPE_NON_EU = ['CH', 'GB', 'LI', 'NO']
const OVERSEAS = ['AU', 'CA', 'JP', 'NZ', 'SG', 'US']

/** German islands the parcel carriers reach by ferry: a remote-area surcharge per parcel. */
const ISLANDS = { country: 'DE', postalCodePrefixes: ['18565', '25845', '25846', '25847', '25849', '25859', '25863', '25869', '25938', '25946', '25980', '25992', '25996', '25997', '25999', '26465', '26474', '26486', '26548', '26571', '26579', '26757', '27498'] }

/** Weight breaks from [upToKg, price] pairs. */
const breaks = (pairs: [number, number][]) => pairs.map(([kg, price]) => ({ upToGrams: Math.round(kg * 1000), price }))
const countries = (list: string[]) => ({ by: 'destination' as const, countries: list })
const band = (minKm: number, maxKm: number) => ({ by: 'distance' as const, minKm, maxKm })

export interface DemoCarrier {
  code: string
  name: string
  /** S10 service indicator of the built-in table-rate carrier's numbers. */
  trackingPrefix: string
  services: (Omit<ServiceInput, 'rateCard' | 'active'> & { rateCard: RateCardInput })[]
}

/** Three parcel carriers, six services: country zones and distance bands, weight breaks, fuel, home-delivery and island surcharges. */
export const CARRIERS: DemoCarrier[] = [
  {
    code: 'dhl',
    name: 'DHL',
    trackingPrefix: 'CD',
    services: [
      {
        code: 'paket',
        name: 'DHL Paket',
        level: 'standard',
        rateCard: {
          currency: 'EUR',
          zones: [
            { code: 'DE', match: countries(['DE']), transitDays: 1, weightBreaks: breaks([[2, 449], [5, 549], [10, 699], [31.5, 1099]]) },
            { code: 'EU-1', match: countries(EU_NEAR), transitDays: 3, weightBreaks: breaks([[2, 1349], [5, 1549], [10, 1849], [31.5, 2999]]) },
            { code: 'EU-2', match: countries(EU_FAR), transitDays: 5, weightBreaks: breaks([[2, 1549], [5, 1849], [10, 2299], [31.5, 3699]]) },
            { code: 'EUROPE', match: countries(EUROPE_NON_EU), transitDays: 5, weightBreaks: breaks([[2, 1899], [5, 2399], [10, 3199], [31.5, 4999]]) },
            { code: 'WORLD', match: countries(OVERSEAS), transitDays: 8, weightBreaks: breaks([[2, 3699], [5, 4899], [10, 6899], [20, 9999]]) },
          ],
          remoteAreaSurcharge: 250,
          remoteAreas: [ISLANDS],
        },
      },
      {
        code: 'express',
        name: 'DHL Express Worldwide',
        level: 'express',
        rateCard: {
          currency: 'EUR',
          dimWeightDivisor: 5000,
          weightRoundingGrams: 500,
          fuelSurchargePpm: 265_000,
          zones: [
            { code: 'DE', match: countries(['DE']), transitDays: 1, weightBreaks: breaks([[0.5, 1490], [1, 1690], [2, 1990], [5, 2590], [10, 3490]]), perExtraKg: 190 },
            { code: 'EU', match: countries([...EU_NEAR, ...EU_FAR]), transitDays: 1, weightBreaks: breaks([[0.5, 3290], [1, 3790], [2, 4490], [5, 6190], [10, 8890]]), perExtraKg: 490 },
            { code: 'WORLD', match: countries([...EUROPE_NON_EU, ...OVERSEAS]), transitDays: 2, weightBreaks: breaks([[0.5, 5490], [1, 6290], [2, 7790], [5, 11490], [10, 17990]]), perExtraKg: 1290 },
          ],
          remoteAreaSurcharge: 1950,
          remoteAreas: [ISLANDS],
        },
      },
    ],
  },
  {
    code: 'dpd',
    name: 'DPD',
    trackingPrefix: 'CP',
    services: [
      {
        code: 'classic',
        name: 'DPD Classic',
        level: 'standard',
        rateCard: {
          currency: 'EUR',
          fuelSurchargePpm: 95_000,
          residentialSurcharge: 60,
          // Countries abroad first: the distance bands then price what is left, Germany.
          zones: [
            { code: 'EU-1', match: countries(EU_NEAR), transitDays: 2, weightBreaks: breaks([[3, 1090], [5, 1290], [10, 1590], [20, 2090], [31.5, 2690]]) },
            { code: 'EU-2', match: countries(EU_FAR), transitDays: 4, weightBreaks: breaks([[3, 1490], [5, 1790], [10, 2190], [20, 2890], [31.5, 3590]]) },
            { code: 'EUROPE', match: countries(EUROPE_NON_EU), transitDays: 4, weightBreaks: breaks([[3, 1890], [5, 2190], [10, 2690], [20, 3490], [31.5, 4290]]) },
            { code: 'D1', match: band(0, 150), transitDays: 1, weightBreaks: breaks([[3, 389], [5, 449], [10, 529], [20, 749], [31.5, 969]]) },
            { code: 'D2', match: band(150, 450), transitDays: 1, weightBreaks: breaks([[3, 429], [5, 499], [10, 599], [20, 819], [31.5, 1039]]) },
            { code: 'D3', match: band(450, 1000), transitDays: 2, weightBreaks: breaks([[3, 469], [5, 549], [10, 659], [20, 899], [31.5, 1119]]) },
          ],
          remoteAreaSurcharge: 300,
          remoteAreas: [ISLANDS],
        },
      },
      {
        code: 'express',
        name: 'DPD Express 12',
        level: 'express',
        rateCard: {
          currency: 'EUR',
          dimWeightDivisor: 6000,
          fuelSurchargePpm: 95_000,
          zones: [
            { code: 'X1', match: band(0, 1000), transitDays: 1, weightBreaks: breaks([[3, 1390], [10, 1890], [31.5, 2890]]) },
            { code: 'X2', match: band(1000, 2500), transitDays: 2, weightBreaks: breaks([[3, 2990], [10, 3990], [31.5, 5490]]) },
          ],
          remoteAreaSurcharge: 1500,
          remoteAreas: [ISLANDS],
        },
      },
    ],
  },
  {
    code: 'hermes',
    name: 'Hermes',
    trackingPrefix: 'CH',
    services: [
      {
        code: 'paket',
        name: 'Hermes Päckchen & Paket',
        level: 'economy',
        rateCard: {
          currency: 'EUR',
          zones: [{ code: 'DE', match: countries(['DE']), transitDays: 2, weightBreaks: breaks([[1, 349], [2, 469], [5, 569], [10, 719], [25, 1099]]) }],
        },
      },
      {
        code: 'eu',
        name: 'Hermes International',
        level: 'economy',
        rateCard: {
          currency: 'EUR',
          zones: [
            { code: 'EU-1', match: countries(['AT', 'BE', 'LU', 'NL']), transitDays: 4, weightBreaks: breaks([[2, 1090], [5, 1290], [10, 1590], [25, 2290]]) },
            { code: 'EU-2', match: countries(['CZ', 'DK', 'ES', 'FR', 'IT', 'PL']), transitDays: 5, weightBreaks: breaks([[2, 1290], [5, 1490], [10, 1790], [25, 2590]]) },
          ],
        },
      },
    ],
  },
]

/** What the customer pays: the order names one of these in `shippingMethod`. */
export const SHIPPING_METHODS: MethodInput[] = [
  { code: 'standard', name: 'Standard delivery', currency: 'EUR', flatAmount: 495, perKgAmount: 0, freeOverAmount: 5000, serviceLevel: null, maxTransitDays: null, active: true },
  { code: 'express', name: 'Express: next business day', currency: 'EUR', flatAmount: 1290, perKgAmount: 0, freeOverAmount: null, serviceLevel: 'express', maxTransitDays: 1, active: true },
  { code: 'international', name: 'International delivery', currency: 'EUR', flatAmount: 1490, perKgAmount: 0, freeOverAmount: null, serviceLevel: null, maxTransitDays: null, active: true },
]

/** Corrugated boxes, inner dimensions; the largest takes the longest item (a 68 cm lamp). */
export const BOXES: BoxInput[] = [
  { code: 'BOX-XS', name: 'Extra small box', innerLengthMm: 160, innerWidthMm: 110, innerHeightMm: 80, maxWeightGrams: 2000, tareWeightGrams: 70, cost: { amount: 28, currency: 'EUR' }, active: true },
  { code: 'BOX-S', name: 'Small box', innerLengthMm: 250, innerWidthMm: 175, innerHeightMm: 100, maxWeightGrams: 5000, tareWeightGrams: 120, cost: { amount: 45, currency: 'EUR' }, active: true },
  { code: 'BOX-M', name: 'Medium box', innerLengthMm: 400, innerWidthMm: 300, innerHeightMm: 200, maxWeightGrams: 20000, tareWeightGrams: 250, cost: { amount: 80, currency: 'EUR' }, active: true },
  { code: 'BOX-L', name: 'Large box', innerLengthMm: 600, innerWidthMm: 400, innerHeightMm: 300, maxWeightGrams: 31500, tareWeightGrams: 480, cost: { amount: 120, currency: 'EUR' }, active: true },
  { code: 'BOX-XL', name: 'Extra large box', innerLengthMm: 800, innerWidthMm: 500, innerHeightMm: 400, maxWeightGrams: 31500, tareWeightGrams: 760, cost: { amount: 175, currency: 'EUR' }, active: true },
]

/** Creates what of the above is missing (a forced second demo run keeps what it finds), in the caller's transaction. */
export async function loadShippingSetup(trx: Trx, services: Services, ctx: Ctx): Promise<void> {
  const carriers = new Map((await services.shipping.listCarriers(trx)).map((c) => [c.code, c]))
  for (const c of CARRIERS) {
    let have = carriers.get(c.code)
    if (!have) {
      have = await services.shipping.createCarrier(trx, ctx, { code: c.code, name: c.name, adapter: 'table_rate', active: true, settings: { trackingCountry: 'DE' }, trackingPrefix: c.trackingPrefix })
    }
    for (const s of c.services) {
      if (have.services.some((x) => x.code === s.code)) continue
      await services.shipping.createService(trx, ctx, c.code, { ...s, rateCard: rateCardSchema.parse(s.rateCard), active: true })
    }
  }
  const methods = new Set((await services.shipping.listShippingMethods(trx)).map((m) => m.code))
  for (const m of SHIPPING_METHODS) {
    if (methods.has(m.code)) continue
    await services.shipping.createShippingMethod(trx, ctx, m)
  }
  const boxes = new Set((await services.fulfillment.listPackaging(trx, {})).map((b) => b.code))
  for (const b of BOXES) {
    if (boxes.has(b.code)) continue
    await services.fulfillment.createPackaging(trx, ctx, b)
  }
}
