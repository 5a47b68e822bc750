import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { checkAddress, countryCode, POSTAL_CODE_FORMATS } from './address.js'

const base = { name: 'A B', line1: 'Street 1', city: 'Town' }
const fields = (a: Parameters<typeof checkAddress>[0]) => checkAddress(a).map((p) => p.field)

describe('checkAddress', () => {
  it.each([
    ['US', '94103', 'CA'],
    ['US', '94103-1234', 'CA'],
    ['CA', 'K1A 0B1', 'ON'],
    ['GB', 'SW1A 1AA', undefined],
    ['GB', 'M1 1AE', undefined],
    ['DE', '10115', undefined],
    ['FR', '75001', undefined],
    ['BR', '01310-100', 'SP'],
    ['IN', '110001', 'DL'],
    ['AU', '2000', 'NSW'],
  ])('accepts a plausible %s address (%s)', (country, postalCode, region) => {
    expect(checkAddress({ ...base, country, postalCode, region })).toEqual([])
  })

  it.each([
    ['US', '9410', 'CA'],
    ['CA', 'D1A 0B1', 'ON'],
    ['GB', '12345', undefined],
    ['DE', '1011', undefined],
    ['FR', '7500A', undefined],
    ['BR', '0131-100', 'SP'],
    ['IN', '010001', 'DL'],
    ['AU', '20000', 'NSW'],
  ])('flags a %s postal code that cannot exist (%s)', (country, postalCode, region) => {
    expect(fields({ ...base, country, postalCode, region })).toEqual(['postalCode'])
  })

  it('asks for a region where one is needed and for the required fields everywhere', () => {
    expect(fields({ ...base, country: 'US', postalCode: '94103' })).toEqual(['region'])
    expect(fields({ country: 'DE', postalCode: '10115' })).toEqual(['name', 'line1', 'city'])
    expect(fields({ ...base, country: 'DE' })).toEqual(['postalCode'])
    expect(fields({ ...base, country: 'IE' })).toEqual([]) // Eircodes are optional in practice
  })

  it('every generated US ZIP and German PLZ passes; codes of other lengths never do', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 99999 }), fc.integer({ min: 0, max: 9999 }), (zip, plus4) => {
        const z5 = String(zip).padStart(5, '0')
        expect(POSTAL_CODE_FORMATS.US.pattern.test(z5)).toBe(true)
        expect(POSTAL_CODE_FORMATS.US.pattern.test(`${z5}-${String(plus4).padStart(4, '0')}`)).toBe(true)
        expect(POSTAL_CODE_FORMATS.DE.pattern.test(z5)).toBe(true)
        expect(POSTAL_CODE_FORMATS.DE.pattern.test(z5.slice(1))).toBe(false)
      }),
    )
  })

  it('country codes must be real ISO 3166-1 alpha-2 codes', () => {
    expect(countryCode.safeParse('DE').success).toBe(true)
    for (const bad of ['de', 'XX', 'DEU', '']) expect(countryCode.safeParse(bad).success).toBe(false)
  })
})
