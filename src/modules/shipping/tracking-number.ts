/**
 * Tracking numbers in the UPU S10 format: two letters (service indicator), an eight-digit serial,
 * a mod-11 check digit and the issuing operator's ISO country code, e.g. RR123456785DE.
 * The check digit catches most typing and scanning errors before a lookup goes to the carrier.
 */

const S10 = /^([A-Z]{2})(\d{8})(\d)([A-Z]{2})$/
const WEIGHTS = [8, 6, 4, 2, 3, 5, 9, 7] as const

/** S10 check digit of an eight-digit serial: 11 − (Σ digit × weight mod 11); 10 → 0, 11 → 5. */
export function s10CheckDigit(serial: string): number {
  if (!/^\d{8}$/.test(serial)) throw new RangeError(`an S10 serial is 8 digits, got ${JSON.stringify(serial)}`)
  let sum = 0
  for (let i = 0; i < 8; i++) sum += Number(serial[i]) * WEIGHTS[i]
  const check = 11 - (sum % 11)
  return check === 10 ? 0 : check === 11 ? 5 : check
}

/**
 * Builds a tracking number from a service prefix ("RR", "CP", "EE"…), a serial from a sequence
 * (0 … 99 999 999) and a country code. Bad arguments are a programming error, so they throw.
 */
export function makeTrackingNumber(prefix: string, serial: number, country: string): string {
  if (!/^[A-Z]{2}$/.test(prefix)) throw new RangeError(`an S10 prefix is two capital letters, got ${JSON.stringify(prefix)}`)
  if (!/^[A-Z]{2}$/.test(country)) throw new RangeError(`an S10 country is two capital letters, got ${JSON.stringify(country)}`)
  if (!Number.isSafeInteger(serial) || serial < 0 || serial > 99_999_999) throw new RangeError(`an S10 serial is 0…99999999, got ${serial}`)
  const digits = String(serial).padStart(8, '0')
  return `${prefix}${digits}${s10CheckDigit(digits)}${country}`
}

/** Whether a string is a well-formed S10 number with the right check digit (exact case, no spaces). */
export function isValidTrackingNumber(s: string): boolean {
  const m = S10.exec(s)
  return m !== null && s10CheckDigit(m[2]) === Number(m[3])
}

/** Canonical form of what a person typed or a scanner read: capitals, no spaces. */
export const normalizeTrackingNumber = (s: string) => s.toUpperCase().replace(/\s+/g, '')
