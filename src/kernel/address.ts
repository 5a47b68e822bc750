import { z } from 'zod'

/** ISO 3166-1 alpha-2 codes (officially assigned). */
export const COUNTRIES = new Set(
  (
    'AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT BV BW BY BZ ' +
    'CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR ' +
    'GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP ' +
    'KE KG KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT ' +
    'MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY QA RE RO RS RU RW ' +
    'SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG ' +
    'UM US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW'
  ).split(' '),
)

export const countryCode = z
  .string()
  .refine((c) => COUNTRIES.has(c), 'must be an ISO 3166-1 alpha-2 country code in capitals, e.g. DE')
  .meta({ example: 'DE' })

export const latitude = z.number().min(-90).max(90)
export const longitude = z.number().min(-180).max(180)

/**
 * A postal address as the API takes it. Only the country must be well-formed here; whether the
 * rest is complete and plausible is a business check (`checkAddress`) that puts an order on an
 * `address` hold instead of refusing it.
 */
export const addressSchema = z
  .object({
    name: z.string().trim().max(200).optional(),
    company: z.string().trim().max(200).optional(),
    line1: z.string().trim().max(200).optional(),
    line2: z.string().trim().max(200).optional(),
    city: z.string().trim().max(100).optional(),
    region: z.string().trim().max(100).optional().describe('State, province or county; for US, CA and AU the postal abbreviation (CA, ON, NSW).'),
    postalCode: z.string().trim().max(20).optional(),
    country: countryCode,
    phone: z.string().trim().max(40).optional(),
    latitude: latitude.optional(),
    longitude: longitude.optional(),
  })
  .meta({ id: 'Address' })

export type Address = z.infer<typeof addressSchema>

/** Postal code formats of the countries Ordo checks (others: any 2–10 letters, digits, spaces or dashes). */
export const POSTAL_CODE_FORMATS: Record<string, { pattern: RegExp; example: string }> = {
  US: { pattern: /^\d{5}(-\d{4})?$/, example: '94103 or 94103-1234' },
  CA: { pattern: /^[ABCEGHJ-NPRSTVXY]\d[ABCEGHJ-NPRSTV-Z] ?\d[ABCEGHJ-NPRSTV-Z]\d$/i, example: 'K1A 0B1' },
  GB: { pattern: /^(GIR ?0AA|[A-PR-UWYZ](\d[\dA-HJKPSTUW]?|[A-HK-Y]\d[\dABEHMNPRV-Y]?) ?\d[ABD-HJLNP-UW-Z]{2})$/i, example: 'SW1A 1AA' },
  DE: { pattern: /^\d{5}$/, example: '10115' },
  FR: { pattern: /^\d{5}$/, example: '75001' },
  BR: { pattern: /^\d{5}-?\d{3}$/, example: '01310-100' },
  IN: { pattern: /^[1-9]\d{5}$/, example: '110001' },
  AU: { pattern: /^\d{4}$/, example: '2000' },
  NL: { pattern: /^\d{4} ?[A-Z]{2}$/i, example: '1012 AB' },
  ES: { pattern: /^(0[1-9]|[1-4]\d|5[0-2])\d{3}$/, example: '28001' },
  IT: { pattern: /^\d{5}$/, example: '00118' },
  JP: { pattern: /^\d{3}-?\d{4}$/, example: '100-0001' },
}

/** Countries whose addresses need a region (state / province / territory) to be deliverable. */
const REGION_REQUIRED = new Set(['US', 'CA', 'AU', 'BR', 'IN'])

/** Countries without postal codes (a blank one is fine there). */
const NO_POSTAL_CODE = new Set(['AE', 'AG', 'AO', 'BS', 'BZ', 'CW', 'FJ', 'GH', 'HK', 'IE', 'JM', 'KI', 'QA', 'TV', 'UG', 'ZW'])

export interface AddressProblem {
  field: string
  message: string
}

/** Is this a deliverable-looking address for its country? Pure: returns what is wrong, if anything. */
export function checkAddress(a: Address): AddressProblem[] {
  const problems: AddressProblem[] = []
  const blank = (v?: string) => !v || !v.trim()
  if (blank(a.name)) problems.push({ field: 'name', message: 'recipient name is missing' })
  if (blank(a.line1)) problems.push({ field: 'line1', message: 'street address is missing' })
  if (blank(a.city)) problems.push({ field: 'city', message: 'city is missing' })
  if (REGION_REQUIRED.has(a.country) && blank(a.region)) problems.push({ field: 'region', message: `a region (state/province) is required in ${a.country}` })
  if (blank(a.postalCode)) {
    if (!NO_POSTAL_CODE.has(a.country)) problems.push({ field: 'postalCode', message: 'postal code is missing' })
  } else {
    const format = POSTAL_CODE_FORMATS[a.country]
    const code = a.postalCode!.trim()
    if (format && !format.pattern.test(code)) {
      problems.push({ field: 'postalCode', message: `"${code}" is not a ${a.country} postal code (e.g. ${format.example})` })
    } else if (!format && !/^[A-Za-z0-9][A-Za-z0-9 \-]{1,9}$/.test(code)) {
      problems.push({ field: 'postalCode', message: `"${code}" does not look like a postal code` })
    }
  }
  return problems
}
