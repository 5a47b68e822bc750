import { z } from 'zod'
import { applyRate, currencySchema, minorUnits } from '../../kernel/money.js'
import { countryCode, latitude, longitude } from '../../kernel/address.js'
import { haversineKm } from '../routing/index.js'

/**
 * A carrier service's rate card, as the table-rate carrier prices it offline: the destination falls
 * into a zone, each parcel's billable weight into a weight break, and surcharges go on top.
 */

const grams = z.number().int().positive()

export const weightBreakSchema = z.object({
  upToGrams: grams.describe('Inclusive upper bound of this break, in grams.'),
  price: minorUnits.describe('Base price for a parcel up to this weight, in minor units.'),
})

/** Zone by distance: [minKm, maxKm) great-circle km from the shipping location to the customer. */
const distanceBandSchema = z
  .object({
    by: z.literal('distance'),
    minKm: z.number().min(0),
    maxKm: z.number().positive(),
  })
  .refine((b) => b.minKm < b.maxKm, { message: 'minKm must be below maxKm', path: ['maxKm'] })

/** Zone by destination: whole countries, or single regions (state, province) of a country. */
const destinationListSchema = z
  .object({
    by: z.literal('destination'),
    countries: z.array(countryCode).default([]),
    regions: z.array(z.object({ country: countryCode, region: z.string().trim().min(1) })).default([]),
  })
  .refine((d) => d.countries.length + d.regions.length > 0, { message: 'list at least one country or region' })

export const zoneSchema = z
  .object({
    code: z.string().trim().min(1).max(40).describe('Zone name as the carrier prints it, e.g. "Z1" or "EU-1".'),
    match: z.discriminatedUnion('by', [distanceBandSchema, destinationListSchema]),
    weightBreaks: z.array(weightBreakSchema).min(1),
    perExtraKg: minorUnits
      .optional()
      .describe('Price per started kg above the last break; without it, heavier parcels are refused.'),
    transitDays: z.number().int().min(0).max(60).describe('Business days from pickup to delivery.'),
  })
  .refine((zone) => zone.weightBreaks.every((b, i) => i === 0 || b.upToGrams > zone.weightBreaks[i - 1].upToGrams), {
    message: 'weight breaks must be in strictly ascending order of upToGrams',
    path: ['weightBreaks'],
  })

export const remoteAreaSchema = z.object({
  country: countryCode,
  postalCodePrefixes: z.array(z.string().trim().min(1).max(10)).min(1),
})

export const rateCardSchema = z
  .object({
    currency: currencySchema,
    zones: z
      .array(zoneSchema)
      .min(1)
      .describe('Checked in order; the first zone that covers the destination prices it, so list regions before their country.'),
    rateBasis: z
      .enum(['parcel', 'shipment'])
      .default('parcel')
      .describe('parcel: each package priced and surcharged on its own (UPS, FedEx, DHL Parcel); shipment: the summed weight priced once (consignment, pallet).'),
    dimWeightDivisor: z
      .number()
      .int()
      .positive()
      .optional()
      .describe('cm³ per kg, e.g. 5000 (international express) or 6000; without it only actual weight counts.'),
    weightRoundingGrams: z.number().int().positive().default(100).describe('Billable weight is rounded up to a multiple of this.'),
    fuelSurchargePpm: z.number().int().min(0).max(1_000_000).default(0).describe('Fuel surcharge on the base price, in parts per million (12.5 % = 125000).'),
    residentialSurcharge: minorUnits.default(0).describe('Per piece, when delivering to a home address.'),
    remoteAreaSurcharge: minorUnits.default(0).describe('Per piece, when the destination postal code is in a remote area.'),
    remoteAreas: z.array(remoteAreaSchema).default([]),
  })
  .refine((c) => new Set(c.zones.map((zone) => zone.code)).size === c.zones.length, { message: 'zone codes must be unique', path: ['zones'] })
  .meta({ id: 'RateCard' })

export type RateCard = z.infer<typeof rateCardSchema>
export type RateCardInput = z.input<typeof rateCardSchema>
export type Zone = z.infer<typeof zoneSchema>

export const parcelSchema = z.object({
  weightGrams: grams,
  dimensionsCm: z.object({ length: z.number().positive(), width: z.number().positive(), height: z.number().positive() }).optional(),
})
export type Parcel = z.infer<typeof parcelSchema>

/** Where a parcel goes from or to; shaped like `Address` so one can be passed as it is. */
export const placeSchema = z.object({
  country: countryCode,
  region: z.string().optional(),
  postalCode: z.string().optional(),
  latitude: latitude.optional(),
  longitude: longitude.optional(),
})
export type Place = z.infer<typeof placeSchema>

export interface QuoteRequest {
  origin: Place
  destination: Place
  residential: boolean
}

export interface QuoteBreakdown {
  base: number
  fuel: number
  residential: number
  remote: number
}

export type QuoteFailure =
  | { ok: false; reason: 'no_parcels' }
  | { ok: false; reason: 'no_zone'; detail: string }
  | { ok: false; reason: 'too_heavy'; zone: string; billableWeightGrams: number; maxGrams: number }

export type Quote =
  | {
      ok: true
      amount: number
      currency: string
      breakdown: QuoteBreakdown
      billableWeightGrams: number
      zone: string
      transitDays: number
      /** Present when the zone was chosen by distance band, so the decision can be explained. */
      distanceKm?: number
      remoteArea: boolean
    }
  | QuoteFailure

const roundUpTo = (value: number, step: number) => Math.ceil(value / step) * step

/**
 * The weight the carrier charges for: the greater of actual and dimensional weight, rounded up.
 * Each side is rounded up to the whole cm first, as carriers measure, which also keeps the
 * volume arithmetic in integers.
 */
export function billableWeightGrams(parcel: Parcel, card: Pick<RateCard, 'dimWeightDivisor' | 'weightRoundingGrams'>): number {
  let weight = parcel.weightGrams
  const d = parcel.dimensionsCm
  if (d && card.dimWeightDivisor) {
    const volumeCm3 = Math.ceil(d.length) * Math.ceil(d.width) * Math.ceil(d.height)
    const dimGrams = Math.ceil((volumeCm3 * 1000) / card.dimWeightDivisor)
    weight = Math.max(weight, dimGrams)
  }
  return roundUpTo(weight, card.weightRoundingGrams)
}

const normalizePostalCode = (p: string) => p.toUpperCase().replace(/[\s-]/g, '')

export function isRemoteArea(card: Pick<RateCard, 'remoteAreas'>, destination: Place): boolean {
  if (!destination.postalCode) return false
  const postal = normalizePostalCode(destination.postalCode)
  return card.remoteAreas.some(
    (a) => a.country === destination.country && a.postalCodePrefixes.some((p) => postal.startsWith(normalizePostalCode(p))),
  )
}

const hasPoint = (p: Place): p is Place & { latitude: number; longitude: number } =>
  p.latitude !== undefined && p.longitude !== undefined

/** First zone that covers the destination, in the card's order. */
export function findZone(card: Pick<RateCard, 'zones'>, origin: Place, destination: Place): { zone: Zone; distanceKm?: number } | { zone: null; detail: string } {
  const distanceKm = hasPoint(origin) && hasPoint(destination) ? haversineKm(origin, destination) : undefined
  const region = destination.region?.trim().toUpperCase()
  for (const zone of card.zones) {
    const m = zone.match
    if (m.by === 'distance') {
      if (distanceKm !== undefined && distanceKm >= m.minKm && distanceKm < m.maxKm) return { zone, distanceKm }
    } else if (
      m.regions.some((r) => r.country === destination.country && region !== undefined && r.region.toUpperCase() === region) ||
      m.countries.includes(destination.country)
    ) {
      return { zone }
    }
  }
  const needsPoints = distanceKm === undefined && card.zones.some((zone) => zone.match.by === 'distance')
  return {
    zone: null,
    detail: needsPoints
      ? `no destination zone covers ${destination.country}, and distance bands need coordinates for both origin and destination`
      : distanceKm !== undefined
        ? `no zone covers ${destination.country}${region ? `/${region}` : ''} at ${distanceKm.toFixed(1)} km`
        : `no zone covers ${destination.country}${region ? `/${region}` : ''}`,
  }
}

/** Base price of one billable weight in a zone, or the heaviest break it exceeds. */
export function basePrice(zone: Zone, weightGrams: number): { ok: true; price: number } | { ok: false; maxGrams: number } {
  const hit = zone.weightBreaks.find((b) => weightGrams <= b.upToGrams)
  if (hit) return { ok: true, price: hit.price }
  const last = zone.weightBreaks[zone.weightBreaks.length - 1]
  if (zone.perExtraKg === undefined) return { ok: false, maxGrams: last.upToGrams }
  // Carriers charge each started kg above the last break.
  const extraKg = Math.ceil((weightGrams - last.upToGrams) / 1000)
  return { ok: true, price: last.price + extraKg * zone.perExtraKg }
}

/**
 * Prices parcels on a rate card. Expects a card already parsed by `rateCardSchema` (defaults filled,
 * breaks ascending). "Cannot ship this" is a value, for the rate shop to list and skip.
 */
export function quote(card: RateCard, parcels: Parcel[], { origin, destination, residential }: QuoteRequest): Quote {
  if (parcels.length === 0) return { ok: false, reason: 'no_parcels' }
  const found = findZone(card, origin, destination)
  if (!found.zone) return { ok: false, reason: 'no_zone', detail: found.detail }
  const { zone, distanceKm } = found

  const weights = parcels.map((p) => billableWeightGrams(p, card))
  const totalWeight = weights.reduce((a, b) => a + b, 0)
  // Priced pieces: each parcel on a parcel card; the consignment as one on a shipment card.
  const pieces = card.rateBasis === 'parcel' ? weights : [totalWeight]

  let base = 0
  for (const w of pieces) {
    const p = basePrice(zone, w)
    if (!p.ok) return { ok: false, reason: 'too_heavy', zone: zone.code, billableWeightGrams: w, maxGrams: p.maxGrams }
    base += p.price
  }
  const remoteArea = isRemoteArea(card, destination)
  const breakdown: QuoteBreakdown = {
    base,
    // One rounding on the whole base, so the fuel line matches the carrier's invoice.
    fuel: applyRate(base, card.fuelSurchargePpm),
    residential: residential ? card.residentialSurcharge * pieces.length : 0,
    remote: remoteArea ? card.remoteAreaSurcharge * pieces.length : 0,
  }
  return {
    ok: true,
    amount: breakdown.base + breakdown.fuel + breakdown.residential + breakdown.remote,
    currency: card.currency,
    breakdown,
    billableWeightGrams: totalWeight,
    zone: zone.code,
    transitDays: zone.transitDays,
    ...(distanceKm !== undefined ? { distanceKm } : {}),
    remoteArea,
  }
}
