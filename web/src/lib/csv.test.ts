import { describe, expect, it } from 'vitest'
import { decimal, toCsv } from './csv'

describe('CSV export', () => {
  it('quotes what needs quoting and nothing else', () => {
    expect(toCsv(['number', 'customer', 'note'], [['SO-1', 'Schmidt, Anna', 'said "fragile"\nleave at door'], ['SO-2', null, 3]])).toBe(
      'number,customer,note\r\nSO-1,"Schmidt, Anna","said ""fragile""\nleave at door"\r\nSO-2,,3\r\n',
    )
  })

  it('keeps text that looks like a formula from running in a spreadsheet', () => {
    expect(toCsv(['x'], [['=HYPERLINK("http://evil")'], ['-5'], [-5]])).toBe('x\r\n"\'=HYPERLINK(""http://evil"")"\r\n\'-5\r\n-5\r\n')
  })

  it('writes minor units as exact decimals', () => {
    expect([decimal(1999), decimal(5), decimal(0), decimal(-1250), decimal(1234567, 3), decimal(500, 0)]).toEqual(['19.99', '0.05', '0.00', '-12.50', '1234.567', '500'])
  })
})
