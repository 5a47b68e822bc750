import { describe, expect, it } from 'vitest'
import { percentToPpm, ppmToPercent, toMinor } from './money'
import { decimal } from './csv'

describe('typed amounts → minor units', () => {
  it('reads decimals exactly, with a point or a comma', () => {
    expect([toMinor('4.95'), toMinor('4,95'), toMinor(' 12 '), toMinor('0.1'), toMinor('1234567.89'), toMinor('-2.5')]).toEqual([495, 495, 1200, 10, 123456789, -250])
    // 0.29 * 100 is 28.999999999999996 as a float: read as text it is 29.
    expect(toMinor('0.29')).toBe(29)
  })
  it('follows the currency’s digits and refuses what is not an amount', () => {
    expect(toMinor('500', 0)).toBe(500)
    expect(toMinor('1.5', 0)).toBeNull()
    expect(toMinor('1.234', 3)).toBe(1234)
    expect([toMinor(''), toMinor('4.955'), toMinor('1,234.50'), toMinor('abc'), toMinor('1e3')]).toEqual([null, null, null, null, null])
  })
  it('round-trips with the decimal writer', () => {
    for (const minor of [0, 5, 99, 100, 4995, 123456]) expect(toMinor(decimal(minor))).toBe(minor)
  })
})

describe('percentages ↔ parts per million', () => {
  it('keeps a fee such as 14.975 % exact', () => {
    expect(percentToPpm('14.975')).toBe(149750)
    expect(percentToPpm('15')).toBe(150000)
    expect(ppmToPercent(149750)).toBe('14.975')
    expect(ppmToPercent(0)).toBe('0')
  })
})
