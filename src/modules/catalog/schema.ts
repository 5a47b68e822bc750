import { z } from 'zod'
import { moneySchema } from '../../kernel/money.js'
import { pageQuery } from '../../kernel/pagination.js'

export const TAX_CODES = ['standard', 'reduced', 'zero', 'exempt'] as const

export const skuSchema = z
  .string()
  .trim()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9][A-Za-z0-9._\-]*$/, 'letters, digits, ".", "_" or "-", starting with a letter or digit')

export const barcodeSchema = z.string().trim().min(1).max(64)

/** Barcodes of one product: each at most once (across all products, the database checks it). */
const barcodesSchema = z
  .array(barcodeSchema)
  .max(50)
  .superRefine((codes, ctx) => {
    codes.forEach((code, i) => {
      if (codes.indexOf(code) !== i) ctx.addIssue({ code: 'custom', path: [i], message: `"${code}" is listed twice` })
    })
  })
  .describe('GTIN/EAN/UPC or in-house codes; each identifies exactly one product, so a scan is never ambiguous.')

const dimension = z.number().int().min(0).max(1_000_000_000)

const productFields = {
  name: z.string().trim().min(1).max(300),
  barcodes: barcodesSchema,
  weightGrams: dimension,
  lengthMm: dimension,
  widthMm: dimension,
  heightMm: dimension,
  price: moneySchema.describe('Unit list price in minor units.'),
  taxCode: z.enum(TAX_CODES),
  active: z.boolean().describe('Inactive products cannot be ordered.'),
  lotTracked: z.boolean().describe('Stock is kept per lot/batch (expiry, recalls).'),
  fragile: z.boolean(),
  proofOnDelivery: z.boolean().describe('Delivery needs proof at the door: a delivery code or an identity check.'),
}

export const createProductBody = z.object({
  sku: skuSchema.describe('Unique stock-keeping unit; orders name products by it.'),
  name: productFields.name,
  barcodes: productFields.barcodes.default([]),
  weightGrams: dimension.default(0),
  lengthMm: dimension.default(0),
  widthMm: dimension.default(0),
  heightMm: dimension.default(0),
  price: productFields.price,
  taxCode: productFields.taxCode.default('standard'),
  active: productFields.active.default(true),
  lotTracked: productFields.lotTracked.default(false),
  fragile: productFields.fragile.default(false),
  proofOnDelivery: productFields.proofOnDelivery.default(false),
})

/** Every field optional and without defaults: a PATCH changes only what it names. The SKU is fixed. */
export const updateProductBody = z.object(productFields).partial()

export const productSchema = z
  .object({
    id: z.string(),
    sku: z.string(),
    name: z.string(),
    barcodes: z.array(z.string()),
    weightGrams: z.number().int(),
    lengthMm: z.number().int(),
    widthMm: z.number().int(),
    heightMm: z.number().int(),
    price: moneySchema,
    taxCode: z.enum(TAX_CODES),
    active: z.boolean(),
    lotTracked: z.boolean(),
    fragile: z.boolean(),
    proofOnDelivery: z.boolean(),
    version: z.number().int().describe('Bumped by every edit; send it back as If-Match (the ETag).'),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: 'Product' })

export const booleanQuery = z.enum(['true', 'false']).transform((v) => v === 'true')

export const listProductsQuery = pageQuery.extend({
  q: z.string().trim().min(1).max(200).optional().describe('Case-insensitive text search over SKU and name.'),
  active: booleanQuery.optional(),
  barcode: barcodeSchema.optional().describe('Only the product with this barcode.'),
})

export type CreateProductBody = z.infer<typeof createProductBody>
export type UpdateProductBody = z.infer<typeof updateProductBody>
export type ListProductsQuery = z.infer<typeof listProductsQuery>
export type Product = z.infer<typeof productSchema>
export type TaxCode = (typeof TAX_CODES)[number]
