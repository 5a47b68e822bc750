import { COUNTRIES } from '../../kernel/address.js'
import type { CentroidRow } from './schema.js'

/** Header names each column answers to, compared in lower case without spaces, dashes or underscores. */
const COLUMNS = {
  country: ['country', 'countrycode', 'iso2'],
  postalCode: ['postalcode', 'postcode', 'zip', 'zipcode', 'postal', 'plz'],
  latitude: ['latitude', 'lat'],
  longitude: ['longitude', 'lon', 'lng', 'long'],
} as const
type Column = keyof typeof COLUMNS

/** One CSV record on one line: fields split on the delimiter, double quotes around a field allowed ("" inside is a quote). */
export function splitCsvLine(line: string, delimiter: string): string[] {
  const fields: string[] = []
  let i = 0
  for (;;) {
    let field = ''
    if (line[i] === '"') {
      i++
      for (;;) {
        const q = line.indexOf('"', i)
        if (q < 0) {
          field += line.slice(i)
          i = line.length
          break
        }
        field += line.slice(i, q)
        i = q + 1
        if (line[i] !== '"') break
        field += '"'
        i++
      }
      const next = line.indexOf(delimiter, i)
      i = next < 0 ? line.length : next
    } else {
      const next = line.indexOf(delimiter, i)
      field = line.slice(i, next < 0 ? line.length : next)
      i = next < 0 ? line.length : next
    }
    fields.push(field.trim())
    if (i >= line.length) return fields
    i += delimiter.length
  }
}

export type CentroidLine = { row: CentroidRow } | { skipped: string } | null

/**
 * Reads a centroid CSV line by line: the first non-blank line is the header (country, postal_code,
 * latitude, longitude, in any order, also postalCode / zip / lat / lon / lng), each further line a
 * row or the reason it is skipped. Blank lines give null.
 */
export function centroidCsvReader(delimiter = ','): (line: string) => CentroidLine {
  let columns: Record<Column, number> | undefined
  return (raw) => {
    const line = raw.replace(/^\uFEFF/, '')
    if (!line.trim()) return null
    const fields = splitCsvLine(line, delimiter)
    if (!columns) {
      const names = fields.map((f) => f.toLowerCase().replace(/[\s_\-]/g, ''))
      const found = Object.fromEntries(Object.entries(COLUMNS).map(([col, aliases]) => [col, names.findIndex((n) => (aliases as readonly string[]).includes(n))])) as Record<Column, number>
      const missing = Object.entries(found).filter(([, i]) => i < 0).map(([col]) => col)
      if (missing.length) throw new Error(`the header "${line.trim()}" has no ${missing.join(', ')} column (expected country,postal_code,latitude,longitude; delimiter "${delimiter}")`)
      columns = found
      return null
    }
    const get = (c: Column) => fields[columns![c]] ?? ''
    const country = get('country').toUpperCase()
    const postalCode = get('postalCode')
    const latitude = Number(get('latitude'))
    const longitude = Number(get('longitude'))
    if (fields.length < Math.max(...Object.values(columns)) + 1) return { skipped: `${fields.length} field(s), the header has more` }
    if (!COUNTRIES.has(country)) return { skipped: `unknown country "${get('country')}"` }
    if (!postalCode) return { skipped: 'no postal code' }
    if (postalCode.length > 20) return { skipped: `postal code "${postalCode}" is longer than 20 characters` }
    if (!get('latitude') || !Number.isFinite(latitude) || Math.abs(latitude) > 90) return { skipped: `latitude "${get('latitude')}" is not a number from -90 to 90` }
    if (!get('longitude') || !Number.isFinite(longitude) || Math.abs(longitude) > 180) return { skipped: `longitude "${get('longitude')}" is not a number from -180 to 180` }
    return { row: { country, postalCode, latitude, longitude } }
  }
}
