import { z } from 'zod'
import { addressSchema } from '../../kernel/address.js'
import { pageQuery } from '../../kernel/pagination.js'

/** E-mail addresses are compared and stored lower-case: an inline customer on an order is matched by it. */
export const customerEmail = z
  .email()
  .max(254)
  .transform((e) => e.toLowerCase())

const fields = {
  email: customerEmail.describe('Unique (case-insensitively); stored lower-case.'),
  name: z.string().trim().min(1).max(200),
  phone: z.string().trim().min(1).max(40),
  addresses: z.array(addressSchema).max(50).describe('Saved postal addresses (address book).'),
}

export const createCustomerBody = z.object({
  email: fields.email,
  name: fields.name.optional(),
  phone: fields.phone.optional(),
  addresses: fields.addresses.default([]),
})

/** Every field optional and without defaults: a PATCH changes only what it names; `addresses` replaces the list; null clears name or phone. */
export const updateCustomerBody = z
  .object({ email: fields.email, name: fields.name.nullable(), phone: fields.phone.nullable(), addresses: fields.addresses })
  .partial()

export const customerSchema = z
  .object({
    id: z.string(),
    email: z.string(),
    name: z.string().nullable(),
    phone: z.string().nullable(),
    addresses: z.array(addressSchema),
    version: z.number().int().describe('Bumped by every edit; send it back as If-Match (the ETag).'),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: 'Customer' })

export const listCustomersQuery = pageQuery.extend({
  q: z.string().trim().min(1).max(200).optional().describe('Case-insensitive text search over e-mail and name.'),
  email: z.string().trim().min(1).max(254).optional().describe('Exact e-mail address (case-insensitive).'),
})

export type CreateCustomerBody = z.infer<typeof createCustomerBody>
export type UpdateCustomerBody = z.infer<typeof updateCustomerBody>
export type ListCustomersQuery = z.infer<typeof listCustomersQuery>
export type Customer = z.infer<typeof customerSchema>
/** A customer as an order names it inline: matched by e-mail, created when new. */
export interface InlineCustomer {
  email: string
  name?: string
  phone?: string
}
