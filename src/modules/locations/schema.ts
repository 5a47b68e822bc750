import { z } from 'zod'
import { addressSchema, latitude, longitude } from '../../kernel/address.js'
import { pageQuery } from '../../kernel/pagination.js'

export const LOCATION_TYPES = ['warehouse', 'store'] as const

/** Location and bin codes: the same rule as channel codes. */
export const locationCode = z.string().trim().min(1).max(64).regex(/^[A-Za-z0-9][\w.\-]*$/, 'letters, digits, ".", "_" or "-"')

const priority = z
  .number()
  .int()
  .min(0)
  .max(1_000_000)
  .describe('Shipping preference: LOWER ships first when nothing else (such as distance) decides. Default 100.')

export const createLocationBody = z.object({
  code: locationCode.describe('Unique; stock and routing name the location by it.'),
  name: z.string().trim().min(1).max(200),
  type: z.enum(LOCATION_TYPES),
  address: addressSchema,
  latitude: latitude.optional(),
  longitude: longitude.optional(),
  active: z.boolean().default(true).describe('Inactive locations are not allocated from.'),
  priority: priority.default(100),
})

/** Every field optional and without defaults: a PATCH changes only what it names; null clears the coordinates. */
export const updateLocationBody = z
  .object({
    name: z.string().trim().min(1).max(200),
    type: z.enum(LOCATION_TYPES),
    address: addressSchema,
    latitude: latitude.nullable(),
    longitude: longitude.nullable(),
    active: z.boolean(),
    priority,
  })
  .partial()

export const locationSchema = z
  .object({
    id: z.string(),
    code: z.string(),
    name: z.string(),
    type: z.enum(LOCATION_TYPES),
    address: addressSchema,
    latitude: z.number().nullable(),
    longitude: z.number().nullable(),
    active: z.boolean(),
    priority: z.number().int().describe('LOWER ships first when nothing else (such as distance) decides.'),
    version: z.number().int().describe('Bumped by every edit; send it back as If-Match (the ETag).'),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: 'Location' })

export const listLocationsQuery = pageQuery.extend({
  type: z.enum(LOCATION_TYPES).optional(),
  active: z
    .enum(['true', 'false'])
    .transform((v) => v === 'true')
    .optional(),
})

export const createBinBody = z.object({
  code: locationCode.describe('Unique within the location, e.g. A-01-03.'),
  zone: z.string().trim().min(1).max(64).optional().describe('Picking zone, e.g. FROZEN or A.'),
  pickSequence: z.number().int().min(0).max(1_000_000_000).default(0).describe('Pickers walk bins in ascending order.'),
})

export const binSchema = z
  .object({
    id: z.string(),
    locationId: z.string(),
    code: z.string(),
    zone: z.string().nullable(),
    pickSequence: z.number().int(),
    createdAt: z.string(),
  })
  .meta({ id: 'Bin' })

export type LocationType = (typeof LOCATION_TYPES)[number]
export type CreateLocationBody = z.infer<typeof createLocationBody>
export type UpdateLocationBody = z.infer<typeof updateLocationBody>
export type ListLocationsQuery = z.infer<typeof listLocationsQuery>
export type Location = z.infer<typeof locationSchema>
export type CreateBinBody = z.infer<typeof createBinBody>
export type Bin = z.infer<typeof binSchema>
