import { describe, expect, it } from 'vitest'
import { centroidCsvReader, splitCsvLine } from './centroid-csv.js'

const readAll = (text: string, delimiter?: string) => {
  const read = centroidCsvReader(delimiter)
  return text.split('\n').map(read).filter((x) => x !== null)
}

describe('centroid CSV', () => {
  it('splits fields on the delimiter, with quoted fields holding delimiters and doubled quotes', () => {
    expect(splitCsvLine('DE,20095,53.55,10.0', ',')).toEqual(['DE', '20095', '53.55', '10.0'])
    expect(splitCsvLine('"GB","SW1A 1AA", 51.5 ,-0.14', ',')).toEqual(['GB', 'SW1A 1AA', '51.5', '-0.14'])
    expect(splitCsvLine('"a ""b"", c",d,', ',')).toEqual(['a "b", c', 'd', ''])
    expect(splitCsvLine('NL;1012 AB;52.37;4.89', ';')).toEqual(['NL', '1012 AB', '52.37', '4.89'])
  })

  it('reads rows under a header in any column order and spelling, and says why it skips a row', () => {
    const rows = readAll(
      [
        '\uFEFFLat,Lon,PostalCode,Country,place',
        '53.55,10.0,20095,de,Hamburg',
        '',
        '51.5,-0.14,SW1A 1AA,GB,London',
        '53.55,10.0,20095,XX,Nowhere',
        '95,10.0,20095,DE,Pole',
        '53.55,east,20095,DE,?',
        '53.55,10.0,,DE,?',
        '53.55,10.0',
      ].join('\n'),
    )
    expect(rows).toEqual([
      { row: { country: 'DE', postalCode: '20095', latitude: 53.55, longitude: 10 } },
      { row: { country: 'GB', postalCode: 'SW1A 1AA', latitude: 51.5, longitude: -0.14 } },
      { skipped: 'unknown country "XX"' },
      { skipped: 'latitude "95" is not a number from -90 to 90' },
      { skipped: 'longitude "east" is not a number from -180 to 180' },
      { skipped: 'no postal code' },
      { skipped: '2 field(s), the header has more' },
    ])
    expect(readAll('country\tpostal_code\tlatitude\tlongitude\nAT\t1010\t48.21\t16.37', '\t')).toEqual([
      { row: { country: 'AT', postalCode: '1010', latitude: 48.21, longitude: 16.37 } },
    ])
  })

  it('refuses a header without the columns it needs, naming them', () => {
    expect(() => readAll('country,zip,x,y\nDE,20095,1,2')).toThrow(/no latitude, longitude column/)
  })
})
