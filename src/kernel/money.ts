import { z } from 'zod'

/** An amount in integer minor units (cents) with its ISO 4217 currency. Never a float. */
export interface Money {
  amount: number
  currency: string
}

export const currencySchema = z
  .string()
  .regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code of three capital letters, e.g. EUR')
export const minorUnits = z.number().int('must be an integer number of minor units (cents)').min(0).max(Number.MAX_SAFE_INTEGER)
export const moneySchema = z.object({ amount: minorUnits, currency: currencySchema }).meta({ id: 'Money' })

/**
 * Multiplies an amount in minor units by a rate in parts per million (19 % = 190_000; Québec's
 * 14.975 % = 149_750, which basis points cannot hold), rounding half away from zero at the minor
 * unit, as tax authorities (EU VAT directive, most US states) expect. Exact for every amount
 * below 2^53 / 10^6 minor units (90 million in a two-decimal currency).
 */
export function applyRate(amount: number, ratePpm: number): number {
  const product = amount * ratePpm
  const sign = product < 0 ? -1 : 1
  return sign * Math.floor((Math.abs(product) + 500_000) / 1_000_000)
}

/** Splits an amount into parts proportional to weights; the parts sum exactly to the amount
 * (largest-remainder method), so a discount spread over lines never loses or gains a cent. */
export function allocateProportionally(amount: number, weights: number[]): number[] {
  const total = weights.reduce((a, b) => a + b, 0)
  if (total === 0) return weights.map((_, i) => (i === 0 ? amount : 0))
  const raw = weights.map((w) => (amount * w) / total)
  const parts = raw.map(Math.floor)
  let rest = amount - parts.reduce((a, b) => a + b, 0)
  const order = raw.map((r, i) => [r - Math.floor(r), i] as const).sort((a, b) => b[0] - a[0] || a[1] - b[1])
  for (const [, i] of order) {
    if (rest <= 0) break
    parts[i]++
    rest--
  }
  return parts
}

export const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0)

// One formatter per currency, made once: building an Intl.NumberFormat costs far more than using it.
const formatters = new Map<string, { format: Intl.NumberFormat; scale: number }>()

/** Minor units as a person reads them (€19.99, ¥500, KWD 1,234.567): Intl knows each currency's decimals. */
export function formatMoney(amount: number, currency: string): string {
  let f = formatters.get(currency)
  if (!f) {
    const format = new Intl.NumberFormat('en', { style: 'currency', currency })
    f = { format, scale: 10 ** (format.resolvedOptions().maximumFractionDigits ?? 2) }
    formatters.set(currency, f)
  }
  return f.format.format(amount / f.scale)
}
