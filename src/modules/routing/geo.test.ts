import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { builtInCentroid, haversineKm, postalCodePrefixes, preparedDistanceKm, preparePoint } from './geo.js'

describe('geo', () => {
  it('measures great-circle distances (Hamburg–Munich ≈ 612 km), the prepared way the same as the plain one', () => {
    const ham = { latitude: 53.5511, longitude: 9.9937 }
    const muc = { latitude: 48.1372, longitude: 11.5756 }
    expect(haversineKm(ham, muc)).toBeCloseTo(612, -1)
    const point = fc.record({ latitude: fc.double({ min: -90, max: 90, noNaN: true }), longitude: fc.double({ min: -180, max: 180, noNaN: true }) })
    fc.assert(fc.property(point, point, (a, b) => Math.abs(preparedDistanceKm(preparePoint(a), preparePoint(b)) - haversineKm(a, b)) < 1e-6))
  })

  it('looks postal codes up by their longest known prefix', () => {
    expect(postalCodePrefixes('sw1a 1aa')).toEqual(['SW1A1AA', 'SW1A1A', 'SW1A1', 'SW1A', 'SW1', 'SW'])
    expect(postalCodePrefixes('94103-1234').slice(4)).toEqual(['94103', '9410', '941', '94'])
    expect(postalCodePrefixes(' - ')).toEqual([])
  })

  it('falls back to the region centre where one is built in, else the country centre, else nothing', () => {
    expect(builtInCentroid('US', ' ca ')).toEqual({ latitude: 37.2, longitude: -119.5, source: 'region' })
    expect(builtInCentroid('US', 'Atlantis')).toMatchObject({ source: 'country' })
    expect(builtInCentroid('DE', 'Bayern')).toEqual({ latitude: 51.16, longitude: 10.45, source: 'country' })
    expect(builtInCentroid('AQ')).toBeNull()
  })
})
