import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { addressLines, foldStrings, formatDateTime, formatWeight, winAnsi } from './text.js'

/** Every character Windows-1252 (and so pdfkit's standard fonts) can print. */
const WIN_ANSI = new Set([...Array.from({ length: 0x5f }, (_, i) => String.fromCharCode(0x20 + i)), ...Array.from({ length: 0x60 }, (_, i) => String.fromCharCode(0xa0 + i)), ...'€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ'])

describe('winAnsi', () => {
  it('keeps German and other Western European text as it is', () => {
    expect(winAnsi('Mönckebergstraße 7, Köln – „Grüße“ 5 €')).toBe('Mönckebergstraße 7, Köln – „Grüße“ 5 €')
    expect(winAnsi('Øresund, Ærø, Crème brûlée, Señor, Œuvre')).toBe('Øresund, Ærø, Crème brûlée, Señor, Œuvre')
  })

  it('drops accents it cannot print and transliterates Cyrillic and Greek', () => {
    expect(winAnsi('Łódź, Kraków')).toBe('Lódz, Kraków') // ó is in Windows-1252, Ł and ź are not
    expect(winAnsi('Dvořák, Şişli, Đà Nẵng')).toBe('Dvorák, Sisli, Dà Nang')
    expect(winAnsi('Москва, ул. Щукина')).toBe('Moskva, ul. Shchukina')
    expect(winAnsi('Ελλάδα')).toBe('Ellada')
  })

  it('turns decomposed umlauts into the printable ones', () => {
    expect(winAnsi('Mu\u0308ller')).toBe('Müller')
  })

  it('marks what it cannot print with "?" and drops control characters', () => {
    expect(winAnsi('北京 📦')).toBe('?? ?')
    expect(winAnsi('a\u0000b\u200bc\td')).toBe('abc d')
  })

  it('never returns a character outside Windows-1252', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (s) => {
        expect([...winAnsi(s)].filter((c) => !WIN_ANSI.has(c))).toEqual([])
      }),
    )
  })

  it('folds every string of a document and keeps everything else', () => {
    expect(foldStrings({ a: 'Łódź', b: [{ c: 'Щ', n: 3, z: null }], t: true })).toEqual({ a: 'Lódz', b: [{ c: 'Shch', n: 3, z: null }], t: true })
  })
})

describe('addressLines', () => {
  it('writes the city line the way the destination country does', () => {
    expect(addressLines({ name: 'Anna Schmidt', line1: 'Mönckebergstraße 7', city: 'Hamburg', postalCode: '20095', country: 'DE' })).toEqual([
      'Anna Schmidt',
      'Mönckebergstraße 7',
      '20095 Hamburg',
      'GERMANY',
    ])
    expect(addressLines({ name: 'Jo Doe', company: 'Acme', line1: '1 Main St', line2: 'Suite 5', city: 'Springfield', region: 'IL', postalCode: '62704', country: 'US' })).toEqual([
      'Jo Doe',
      'Acme',
      '1 Main St',
      'Suite 5',
      'Springfield, IL 62704',
      'UNITED STATES',
    ])
    expect(addressLines({ line1: '10 Downing St', city: 'London', postalCode: 'SW1A 2AA', country: 'GB', phone: '+44' })).toEqual(['10 Downing St', 'London', 'SW1A 2AA', 'UNITED KINGDOM'])
  })
})

describe('formatting', () => {
  it('prints weights in kilograms and timestamps in UTC to the minute', () => {
    expect(formatWeight(1250)).toBe('1.25 kg')
    expect(formatWeight(5)).toBe('0.01 kg')
    expect(formatDateTime('2026-11-22T14:05:09.123Z')).toBe('2026-11-22 14:05 UTC')
    expect(formatDateTime('2026-11-22T16:05:00+02:00')).toBe('2026-11-22 14:05 UTC')
    expect(formatDateTime('2026-11-22')).toBe('2026-11-22')
  })
})
