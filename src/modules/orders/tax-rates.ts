/**
 * Sales tax / VAT rates in parts per million (19 % = 190_000), per country and, where the rate
 * depends on it, per region. Catalog prices are net (tax-exclusive); tax is computed per line and
 * rounded half away from zero at the minor unit (kernel/money.ts). US rates are the states' base
 * rates (local add-ons are not included); Canadian rates combine GST with PST/QST or are HST.
 * Shipping is not taxed by this table.
 */
export type TaxCode = 'standard' | 'reduced' | 'zero' | 'exempt'

interface CountryRates {
  standard: number
  reduced?: number
  regions?: Record<string, { standard: number; reduced?: number }>
}

const pct = (p: number) => Math.round(p * 10_000)

const US_STATES: Record<string, number> = {
  AL: 4, AK: 0, AZ: 5.6, AR: 6.5, CA: 7.25, CO: 2.9, CT: 6.35, DE: 0, DC: 6, FL: 6, GA: 4, HI: 4, ID: 6, IL: 6.25, IN: 7, IA: 6,
  KS: 6.5, KY: 6, LA: 5, ME: 5.5, MD: 6, MA: 6.25, MI: 6, MN: 6.875, MS: 7, MO: 4.225, MT: 0, NE: 5.5, NV: 6.85, NH: 0, NJ: 6.625,
  NM: 4.875, NY: 4, NC: 4.75, ND: 5, OH: 5.75, OK: 4.5, OR: 0, PA: 6, RI: 7, SC: 6, SD: 4.2, TN: 7, TX: 6.25, UT: 6.1, VT: 6,
  VA: 5.3, WA: 6.5, WV: 6, WI: 5, WY: 4, PR: 10.5,
}

const CA_PROVINCES: Record<string, number> = {
  AB: 5, BC: 12, MB: 12, NB: 15, NL: 15, NS: 14, NT: 5, NU: 5, ON: 13, PE: 15, QC: 14.975, SK: 11, YT: 5,
}

export const TAX_RATES: Record<string, CountryRates> = {
  US: { standard: 0, regions: Object.fromEntries(Object.entries(US_STATES).map(([r, p]) => [r, { standard: pct(p) }])) },
  CA: { standard: pct(5), regions: Object.fromEntries(Object.entries(CA_PROVINCES).map(([r, p]) => [r, { standard: pct(p), reduced: pct(5) }])) },
  GB: { standard: pct(20), reduced: pct(5) },
  DE: { standard: pct(19), reduced: pct(7) },
  FR: { standard: pct(20), reduced: pct(5.5) },
  NL: { standard: pct(21), reduced: pct(9) },
  BE: { standard: pct(21), reduced: pct(6) },
  AT: { standard: pct(20), reduced: pct(10) },
  IT: { standard: pct(22), reduced: pct(10) },
  ES: { standard: pct(21), reduced: pct(10) },
  PT: { standard: pct(23), reduced: pct(6) },
  IE: { standard: pct(23), reduced: pct(13.5) },
  PL: { standard: pct(23), reduced: pct(8) },
  SE: { standard: pct(25), reduced: pct(12) },
  DK: { standard: pct(25), reduced: pct(25) },
  FI: { standard: pct(25.5), reduced: pct(14) },
  CH: { standard: pct(8.1), reduced: pct(2.6) },
  NO: { standard: pct(25), reduced: pct(15) },
  AU: { standard: pct(10), reduced: 0 },
  NZ: { standard: pct(15) },
  IN: { standard: pct(18), reduced: pct(5) },
  BR: { standard: pct(18), reduced: pct(7) },
  JP: { standard: pct(10), reduced: pct(8) },
  SG: { standard: pct(9) },
  MX: { standard: pct(16) },
}

/** The rate for a product's tax code shipped to a country/region; 0 where the table has nothing. */
export function taxRatePpm(country: string, region: string | undefined, taxCode: string): number {
  if (taxCode === 'zero' || taxCode === 'exempt') return 0
  const c = TAX_RATES[country]
  if (!c) return 0
  const r = region ? c.regions?.[region.toUpperCase()] : undefined
  const standard = r?.standard ?? c.standard
  if (taxCode === 'reduced') return r?.reduced ?? c.reduced ?? standard
  return standard
}
