const EARTH_RADIUS_KM = 6371.0088
const RAD = Math.PI / 180

export interface Point {
  latitude: number
  longitude: number
}

/** Where a destination's coordinates came from, most precise first. */
export const LOCATION_SOURCES = ['address', 'postal_code', 'region', 'country'] as const
export type LocationSource = (typeof LOCATION_SOURCES)[number]

/** Great-circle distance in kilometres (haversine). */
export function haversineKm(a: Point, b: Point): number {
  const dLat = (b.latitude - a.latitude) * RAD
  const dLon = (b.longitude - a.longitude) * RAD
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a.latitude * RAD) * Math.cos(b.latitude * RAD) * Math.sin(dLon / 2) ** 2
  return 2 * EARTH_RADIUS_KM * Math.asin(Math.min(1, Math.sqrt(h)))
}

/**
 * A point prepared once for many distance computations (routing measures every candidate location
 * against one destination): radians and the cosine of the latitude kept.
 */
export interface PreparedPoint {
  lat: number
  lon: number
  cosLat: number
}

export const preparePoint = (p: Point): PreparedPoint => ({ lat: p.latitude * RAD, lon: p.longitude * RAD, cosLat: Math.cos(p.latitude * RAD) })

/** haversineKm over prepared points: the same figure, without the repeated trigonometry. */
export function preparedDistanceKm(a: PreparedPoint, b: PreparedPoint): number {
  const sLat = Math.sin((b.lat - a.lat) / 2)
  const sLon = Math.sin((b.lon - a.lon) / 2)
  const h = sLat * sLat + a.cosLat * b.cosLat * sLon * sLon
  return 2 * EARTH_RADIUS_KM * Math.asin(Math.min(1, Math.sqrt(h)))
}

/** Postal codes as stored and looked up: capitals, no spaces or dashes (`sw1a 1aa` → `SW1A1AA`). */
export const normalizePostalCode = (code: string) => code.toUpperCase().replace(/[\s-]/g, '')

/**
 * The prefixes a postal code is looked up by, longest first: centroid tables often hold only the
 * outward part (GB `SW1A`, CA `K1A`, NL `1012`), and a ZIP+4 should find its five-digit ZIP.
 */
export function postalCodePrefixes(code: string): string[] {
  const n = normalizePostalCode(code)
  const out: string[] = []
  for (let len = n.length; len >= Math.min(2, n.length) && len > 0; len--) out.push(n.slice(0, len))
  return out
}

type Table = Record<string, [number, number]>

// Approximate geographic centres: the last fallback when an address has neither coordinates nor a
// postal code in the imported table. Good enough to tell a German order from an American one.
const COUNTRY_CENTROIDS: Table = {
  AE: [23.4, 53.8], AT: [47.59, 14.14], AU: [-25.3, 133.8], BE: [50.64, 4.67], BG: [42.77, 25.23], BR: [-14.2, -51.9],
  CA: [56.1, -106.3], CH: [46.8, 8.23], CN: [35.9, 104.2], CY: [35.1, 33.4], CZ: [49.74, 15.34], DE: [51.16, 10.45],
  DK: [56.0, 9.5], EE: [58.67, 25.54], ES: [40.24, -3.65], FI: [64.5, 26.3], FR: [46.6, 2.45], GB: [54.0, -2.5],
  GR: [39.07, 22.0], HR: [45.1, 15.2], HU: [47.16, 19.4], IE: [53.18, -8.14], IL: [31.05, 34.85], IN: [22.0, 79.0],
  IS: [64.96, -19.02], IT: [42.8, 12.6], JP: [36.2, 138.25], KR: [36.5, 127.8], LI: [47.16, 9.55], LT: [55.3, 23.9],
  LU: [49.78, 6.09], LV: [56.88, 24.6], MC: [43.74, 7.42], MT: [35.94, 14.38], MX: [23.6, -102.5], NL: [52.2, 5.6],
  NO: [62.0, 10.0], NZ: [-40.9, 174.9], PL: [52.1, 19.4], PT: [39.6, -8.0], RO: [45.9, 24.97], RS: [44.0, 21.0],
  SE: [62.2, 17.6], SG: [1.35, 103.82], SI: [46.15, 14.99], SK: [48.7, 19.5], TR: [39.0, 35.2], UA: [48.38, 31.17],
  US: [39.8, -98.6], ZA: [-30.56, 22.94],
}

// States, provinces and territories of the large countries, by the postal abbreviation addresses use.
const REGION_CENTROIDS: Record<string, Table> = {
  US: {
    AL: [32.8, -86.8], AK: [64.2, -149.5], AZ: [34.3, -111.7], AR: [34.9, -92.4], CA: [37.2, -119.5], CO: [39.0, -105.5],
    CT: [41.6, -72.7], DE: [39.0, -75.5], DC: [38.9, -77.0], FL: [28.6, -82.4], GA: [32.7, -83.4], HI: [20.8, -156.3],
    ID: [44.4, -114.6], IL: [40.0, -89.2], IN: [39.9, -86.3], IA: [42.1, -93.5], KS: [38.5, -98.4], KY: [37.5, -85.3],
    LA: [31.1, -92.0], ME: [45.4, -69.2], MD: [39.0, -76.8], MA: [42.3, -71.8], MI: [44.3, -85.4], MN: [46.3, -94.3],
    MS: [32.7, -89.7], MO: [38.4, -92.5], MT: [47.0, -109.6], NE: [41.5, -99.8], NV: [39.3, -116.6], NH: [43.7, -71.6],
    NJ: [40.2, -74.7], NM: [34.4, -106.1], NY: [42.9, -75.5], NC: [35.6, -79.4], ND: [47.5, -100.5], OH: [40.3, -82.8],
    OK: [35.6, -97.5], OR: [43.9, -120.6], PA: [40.9, -77.8], RI: [41.7, -71.5], SC: [33.9, -80.9], SD: [44.4, -100.2],
    TN: [35.9, -86.4], TX: [31.5, -99.3], UT: [39.3, -111.7], VT: [44.1, -72.7], VA: [37.5, -78.9], WA: [47.4, -120.5],
    WV: [38.6, -80.6], WI: [44.6, -89.9], WY: [43.0, -107.6], PR: [18.2, -66.5],
  },
  CA: {
    AB: [55.0, -115.0], BC: [53.7, -127.6], MB: [56.4, -98.7], NB: [46.5, -66.2], NL: [53.1, -57.7], NS: [45.0, -63.0],
    NT: [64.8, -119.2], NU: [70.3, -83.1], ON: [50.0, -85.3], PE: [46.25, -63.2], QC: [52.9, -73.5], SK: [54.5, -105.7],
    YT: [64.3, -135.0],
  },
  AU: {
    NSW: [-32.2, 147.0], VIC: [-37.0, 144.3], QLD: [-22.6, 144.6], WA: [-25.3, 122.3], SA: [-30.1, 135.8], TAS: [-42.0, 146.6],
    NT: [-19.4, 133.4], ACT: [-35.5, 149.0],
  },
}

/** The built-in fallback: the centre of the region when it is known, else of the country. */
export function builtInCentroid(country: string, region?: string | null): (Point & { source: 'region' | 'country' }) | null {
  const r = region ? REGION_CENTROIDS[country]?.[region.trim().toUpperCase()] : undefined
  if (r) return { latitude: r[0], longitude: r[1], source: 'region' }
  const c = COUNTRY_CENTROIDS[country]
  return c ? { latitude: c[0], longitude: c[1], source: 'country' } : null
}
