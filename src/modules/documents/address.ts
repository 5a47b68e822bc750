import type { Address } from '../../kernel/address.js'
import type { PrintAddress } from './types.js'

/** An address as documents print it; `name`, when given, is printed instead of the address's own. */
export const printAddress = (a: Address, name?: string): PrintAddress => ({
  name: name ?? a.name ?? null,
  company: a.company ?? null,
  line1: a.line1 ?? '',
  line2: a.line2 ?? null,
  city: a.city ?? '',
  region: a.region ?? null,
  postalCode: a.postalCode ?? null,
  country: a.country,
  phone: a.phone ?? null,
})
