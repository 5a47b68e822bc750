import { z } from 'zod'
import { LEDGER_KINDS } from './tables.js'

const code = z.string().trim().min(1).max(64)
const sku = z.string().trim().min(1).max(64)

export const stockRowSchema = z
  .object({
    sku: z.string(),
    location: z.string(),
    onHand: z.number().int(),
    reserved: z.number().int(),
    available: z.number().int().describe('onHand − reserved: what can still be promised.'),
    reorderPoint: z.number().int().nullable(),
    reorderQuantity: z.number().int().nullable(),
    updatedAt: z.string(),
  })
  .meta({ id: 'StockLevel' })

export const inventoryQuery = z.object({
  sku: sku.optional(),
  location: code.optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
  cursor: z.string().max(200).optional(),
})

export const adjustmentBody = z
  .object({
    sku,
    location: code,
    bin: code.optional().describe('Bin code within the location; omit for unbinned stock.'),
    lot: z.string().trim().min(1).max(64).optional().describe('Lot / batch number (required when receiving a lot-tracked product).'),
    expiresOn: z.iso.date().optional().describe('Expiry date of the lot (YYYY-MM-DD), used for first-expiry-first-out picking.'),
    delta: z.number().int().refine((n) => n !== 0, 'must not be 0').optional().describe('Units to add (positive) or remove (negative).'),
    onHand: z.number().int().min(0).optional().describe('A count: the units physically there (in the bin/lot when given).'),
    reason: z.string().trim().min(1).max(500),
  })
  .refine((b) => (b.delta === undefined) !== (b.onHand === undefined), { message: 'send either delta or onHand, not both', path: ['delta'] })

export const bucketSchema = z.object({ bin: z.string().nullable(), lot: z.string().nullable(), expiresOn: z.string().nullable(), onHand: z.number().int() }).meta({ id: 'StockBucket' })

export const ledgerEntrySchema = z
  .object({
    id: z.string(),
    sku: z.string(),
    location: z.string(),
    kind: z.enum(LEDGER_KINDS),
    onHandDelta: z.number().int(),
    reservedDelta: z.number().int(),
    bin: z.string().nullable(),
    lot: z.string().nullable(),
    refType: z.string().nullable(),
    refId: z.string().nullable(),
    reason: z.string().nullable(),
    actor: z.string(),
    createdAt: z.string(),
  })
  .meta({ id: 'StockLedgerEntry' })

export const adjustmentResultSchema = z.object({ stock: stockRowSchema, movement: ledgerEntrySchema.nullable() }).meta({ id: 'AdjustmentResult' })

export const transferBody = z.object({
  sku,
  from: code.describe('Location code the units leave.'),
  to: code.describe('Location code the units arrive at.'),
  quantity: z.number().int().positive(),
  fromBin: code.optional(),
  toBin: code.optional(),
  lot: z.string().trim().min(1).max(64).optional(),
  reason: z.string().trim().min(1).max(500).optional(),
})

export const transferSchema = z
  .object({
    id: z.string(),
    number: z.string(),
    sku: z.string(),
    from: z.string(),
    to: z.string(),
    quantity: z.number().int(),
    reason: z.string().nullable(),
    createdAt: z.string(),
    stock: z.object({ from: stockRowSchema, to: stockRowSchema }),
  })
  .meta({ id: 'StockTransfer' })

export const ledgerQuery = z.object({
  sku: sku.optional(),
  location: code.optional(),
  kind: z.enum(LEDGER_KINDS).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
  cursor: z.string().max(200).optional(),
})

export const reorderBody = z.object({
  sku,
  location: code,
  reorderPoint: z.number().int().min(0).nullable().describe('Reorder when available falls to this; null clears it.'),
  reorderQuantity: z.number().int().min(1).nullable().describe('How many to order then.'),
})

export const lowStockRowSchema = stockRowSchema
  .extend({
    shortfall: z.number().int().describe('reorderPoint − available (≥ 0).'),
    suggestedOrderQuantity: z.number().int().describe('Units to order so available rises above the reorder point again.'),
  })
  .meta({ id: 'LowStockRow' })

export type StockRow = z.infer<typeof stockRowSchema>
export type AdjustmentBody = z.infer<typeof adjustmentBody>
export type TransferBody = z.infer<typeof transferBody>
export type LedgerEntry = z.infer<typeof ledgerEntrySchema>
export type ReorderBody = z.infer<typeof reorderBody>
