/**
 * The GS1 check digit of a GTIN body (EAN-13: the first 12 digits): weights 1 and 3 alternate
 * from the left for EAN-13 (3 on the digit next to the check digit), the check digit brings
 * the weighted sum up to a multiple of 10.
 */
export function gtinCheckDigit(body: string): number {
  if (!/^\d+$/.test(body)) throw new Error(`GTIN body must be digits, got "${body}"`)
  let sum = 0
  // From the right: the digit next to the check digit has weight 3.
  for (let i = 0; i < body.length; i++) sum += Number(body[body.length - 1 - i]) * (i % 2 === 0 ? 3 : 1)
  return (10 - (sum % 10)) % 10
}

/** A full EAN-13 from a 12-digit body. */
export function ean13(body: string): string {
  if (body.length !== 12) throw new Error(`EAN-13 body must have 12 digits, got "${body}"`)
  return body + gtinCheckDigit(body)
}

export function isValidEan13(code: string): boolean {
  return /^\d{13}$/.test(code) && gtinCheckDigit(code.slice(0, 12)) === Number(code[12])
}
