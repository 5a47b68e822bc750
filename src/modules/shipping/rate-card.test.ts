import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { billableWeightGrams, quote, rateCardSchema, type Parcel, type Place, type RateCardInput } from './rate-card.js'

const BERLIN: Place = { country: 'DE', postalCode: '10115', latitude: 52.52, longitude: 13.405 }
const POTSDAM: Place = { country: 'DE', postalCode: '14467', latitude: 52.39, longitude: 13.065 } // ~27 km
const MUNICH: Place = { country: 'DE', postalCode: '80331', latitude: 48.137, longitude: 11.575 } // ~504 km
const PARIS: Place = { country: 'FR', postalCode: '75001' }

const distanceCard: RateCardInput = {
  currency: 'EUR',
  dimWeightDivisor: 5000,
  fuelSurchargePpm: 125_000, // 12.5 %
  residentialSurcharge: 150,
  remoteAreaSurcharge: 900,
  remoteAreas: [{ country: 'DE', postalCodePrefixes: ['18565', '2576'] }], // Hiddensee, Helgoland-ish
  zones: [
    { code: 'LOCAL', match: { by: 'distance', minKm: 0, maxKm: 50 }, weightBreaks: [{ upToGrams: 1000, price: 400 }, { upToGrams: 5000, price: 600 }], transitDays: 1 },
    {
      code: 'NATIONAL',
      match: { by: 'distance', minKm: 50, maxKm: 1000 },
      weightBreaks: [{ upToGrams: 1000, price: 500 }, { upToGrams: 5000, price: 800 }, { upToGrams: 10000, price: 1200 }],
      perExtraKg: 90,
      transitDays: 2,
    },
  ],
}

const countryCard: RateCardInput = {
  currency: 'EUR',
  zones: [
    { code: 'US-AK-HI', match: { by: 'destination', regions: [{ country: 'US', region: 'AK' }, { country: 'US', region: 'HI' }] }, weightBreaks: [{ upToGrams: 2000, price: 4000 }], transitDays: 8 },
    { code: 'EU-1', match: { by: 'destination', countries: ['FR', 'NL', 'BE'] }, weightBreaks: [{ upToGrams: 2000, price: 1300 }], transitDays: 3 },
    { code: 'WORLD', match: { by: 'destination', countries: ['US', 'CA'] }, weightBreaks: [{ upToGrams: 2000, price: 2500 }], transitDays: 6 },
  ],
}

const card = (c: RateCardInput) => rateCardSchema.parse(c)
const kg = (n: number): Parcel => ({ weightGrams: n * 1000 })
const req = (destination: Place, residential = false) => ({ origin: BERLIN, destination, residential })

describe('rateCardSchema', () => {
  it('fills the defaults a table-rate card needs', () => {
    const c = card(countryCard)
    expect(c).toMatchObject({ rateBasis: 'parcel', weightRoundingGrams: 100, fuelSurchargePpm: 0, residentialSurcharge: 0, remoteAreas: [] })
  })

  it('refuses weight breaks out of order, empty bands and duplicate zones', () => {
    const bad = structuredClone(distanceCard)
    bad.zones[0].weightBreaks = [{ upToGrams: 5000, price: 600 }, { upToGrams: 1000, price: 400 }]
    expect(rateCardSchema.safeParse(bad).success).toBe(false)
    const band = structuredClone(distanceCard)
    band.zones[0].match = { by: 'distance', minKm: 50, maxKm: 50 }
    expect(rateCardSchema.safeParse(band).success).toBe(false)
    const dup = structuredClone(distanceCard)
    dup.zones[1].code = 'LOCAL'
    expect(rateCardSchema.safeParse(dup).success).toBe(false)
    expect(rateCardSchema.safeParse({ ...countryCard, currency: 'eur' }).success).toBe(false)
    expect(rateCardSchema.safeParse({ ...countryCard, zones: [{ ...countryCard.zones[1], match: { by: 'destination' } }] }).success).toBe(false)
  })
})

describe('billableWeightGrams', () => {
  it('charges the greater of actual and dimensional weight, rounded up to 100 g', () => {
    const c = card(distanceCard)
    // 40×30×20 cm = 24 000 cm³ / 5000 = 4.8 kg beats 2 kg actual
    expect(billableWeightGrams({ weightGrams: 2000, dimensionsCm: { length: 40, width: 30, height: 20 } }, c)).toBe(4800)
    // small and heavy: actual wins, 2 001 g → 2 100 g
    expect(billableWeightGrams({ weightGrams: 2001, dimensionsCm: { length: 10, width: 10, height: 10 } }, c)).toBe(2100)
    // sides are rounded up to the whole cm before multiplying: 39.2 → 40
    expect(billableWeightGrams({ weightGrams: 100, dimensionsCm: { length: 39.2, width: 30, height: 20 } }, c)).toBe(4800)
    expect(billableWeightGrams({ weightGrams: 100, dimensionsCm: { length: 40, width: 30, height: 20 } }, { weightRoundingGrams: 500 })).toBe(500)
  })

  it('is never below the actual weight, is a multiple of the step and less than one step above the max', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 100_000 }),
        fc.option(fc.tuple(fc.integer({ min: 1, max: 150 }), fc.integer({ min: 1, max: 150 }), fc.integer({ min: 1, max: 150 })), { nil: undefined }),
        fc.constantFrom(4000, 5000, 6000),
        fc.constantFrom(1, 100, 500, 1000),
        (weightGrams, dims, divisor, step) => {
          const parcel: Parcel = { weightGrams, ...(dims ? { dimensionsCm: { length: dims[0], width: dims[1], height: dims[2] } } : {}) }
          const w = billableWeightGrams(parcel, { dimWeightDivisor: divisor, weightRoundingGrams: step })
          const dim = dims ? (dims[0] * dims[1] * dims[2] * 1000) / divisor : 0
          expect(w % step).toBe(0)
          expect(w).toBeGreaterThanOrEqual(Math.max(weightGrams, dim))
          expect(w - Math.max(weightGrams, dim)).toBeLessThan(step + 1)
        },
      ),
    )
  })
})

describe('quote', () => {
  it('prices by distance band with fuel on the base', () => {
    const q = quote(card(distanceCard), [kg(0.8)], req(POTSDAM))
    expect(q).toMatchObject({ ok: true, zone: 'LOCAL', transitDays: 1, billableWeightGrams: 800, remoteArea: false })
    expect(q.ok && q.breakdown).toEqual({ base: 400, fuel: 50, residential: 0, remote: 0 })
    expect(q.ok && q.amount).toBe(450)
    expect(q.ok && q.distanceKm).toBeGreaterThan(20)

    const far = quote(card(distanceCard), [kg(3)], req(MUNICH))
    expect(far).toMatchObject({ ok: true, zone: 'NATIONAL', amount: 900, transitDays: 2 }) // 800 + 100 fuel
  })

  it('charges each started kg above the last break', () => {
    // 12.3 kg → 10 kg break 1200 + 3 started kg × 90 = 1470; fuel 12.5 % = 183.75 → 184
    const q = quote(card(distanceCard), [{ weightGrams: 12_250 }], req(MUNICH))
    expect(q).toMatchObject({ ok: true, billableWeightGrams: 12_300, breakdown: { base: 1470, fuel: 184 }, amount: 1654 })
  })

  it('refuses, as a value, a parcel heavier than the last break without a per-kg price', () => {
    expect(quote(card(distanceCard), [kg(5.01)], req(POTSDAM))).toEqual({ ok: false, reason: 'too_heavy', zone: 'LOCAL', billableWeightGrams: 5100, maxGrams: 5000 })
  })

  it('prices each parcel on a parcel card, and surcharges each piece', () => {
    const q = quote(card(distanceCard), [kg(1), kg(1), { weightGrams: 500, dimensionsCm: { length: 40, width: 30, height: 20 } }], req({ ...MUNICH, postalCode: '18565' }, true))
    // 500 + 500 + 800 (4.8 kg dimensional) = 1800; fuel 225; residential 3 × 150; remote 3 × 900
    expect(q).toMatchObject({ ok: true, billableWeightGrams: 6800, remoteArea: true, breakdown: { base: 1800, fuel: 225, residential: 450, remote: 2700 }, amount: 5175 })
  })

  it('prices the summed weight once on a shipment card', () => {
    const q = quote(card({ ...distanceCard, rateBasis: 'shipment' }), [kg(1), kg(1)], req(MUNICH, true))
    expect(q).toMatchObject({ ok: true, billableWeightGrams: 2000, breakdown: { base: 800, fuel: 100, residential: 150, remote: 0 } })
  })

  it('matches remote areas by postal-code prefix, ignoring spaces and case', () => {
    const c = card({ ...countryCard, remoteAreaSurcharge: 700, remoteAreas: [{ country: 'NL', postalCodePrefixes: ['1791'] }, { country: 'FR', postalCodePrefixes: ['20'] }] })
    expect(quote(c, [kg(1)], req({ country: 'NL', postalCode: '1791 ab' }))).toMatchObject({ ok: true, remoteArea: true, amount: 2000 })
    expect(quote(c, [kg(1)], req({ country: 'FR', postalCode: '20000' }))).toMatchObject({ ok: true, remoteArea: true })
    expect(quote(c, [kg(1)], req({ country: 'BE', postalCode: '2000' }))).toMatchObject({ ok: true, remoteArea: false, amount: 1300 })
  })

  it('finds the zone by country or region, the card order deciding', () => {
    const c = card(countryCard)
    expect(quote(c, [kg(1)], req(PARIS))).toMatchObject({ ok: true, zone: 'EU-1', transitDays: 3 })
    expect(quote(c, [kg(1)], req({ country: 'US', region: 'hi' }))).toMatchObject({ ok: true, zone: 'US-AK-HI', amount: 4000 })
    expect(quote(c, [kg(1)], req({ country: 'US', region: 'NY' }))).toMatchObject({ ok: true, zone: 'WORLD' })
    expect(quote(c, [kg(1)], req({ country: 'JP' }))).toEqual({ ok: false, reason: 'no_zone', detail: 'no zone covers JP' })
  })

  it('says why no distance band covers a destination', () => {
    const c = card(distanceCard)
    const noPoint = quote(c, [kg(1)], req({ country: 'DE', postalCode: '80331' }))
    expect(noPoint).toMatchObject({ ok: false, reason: 'no_zone' })
    expect(!noPoint.ok && 'detail' in noPoint && noPoint.detail).toMatch(/coordinates/)
    expect(quote(c, [kg(1)], req({ country: 'PT', latitude: 38.72, longitude: -9.14 }))).toMatchObject({ ok: false, reason: 'no_zone' })
    expect(quote(c, [], req(POTSDAM))).toEqual({ ok: false, reason: 'no_parcels' })
  })

  it('adds up: amount = base + fuel + surcharges; adding a parcel never lowers the price', () => {
    const c = card(distanceCard)
    const parcel = fc.record({ weightGrams: fc.integer({ min: 1, max: 40_000 }) })
    fc.assert(
      fc.property(fc.array(parcel, { minLength: 1, maxLength: 5 }), parcel, fc.boolean(), (parcels, extra, residential) => {
        const q = quote(c, parcels, req(MUNICH, residential))
        const more = quote(c, [...parcels, extra], req(MUNICH, residential))
        if (!q.ok || !more.ok) return
        const b = q.breakdown
        expect(q.amount).toBe(b.base + b.fuel + b.residential + b.remote)
        expect(Number.isInteger(q.amount)).toBe(true)
        expect(more.amount).toBeGreaterThan(q.amount)
      }),
    )
  })

  it('is monotone in weight: a heavier parcel never costs less', () => {
    const c = card(distanceCard)
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 60_000 }), fc.integer({ min: 0, max: 20_000 }), (w, extra) => {
        const light = quote(c, [{ weightGrams: w }], req(MUNICH))
        const heavy = quote(c, [{ weightGrams: w + extra }], req(MUNICH))
        expect(light.ok && heavy.ok).toBe(true)
        if (light.ok && heavy.ok) expect(heavy.amount).toBeGreaterThanOrEqual(light.amount)
      }),
    )
  })
})
