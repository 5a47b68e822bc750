export interface StockLevelsTable {
  id: string
  productId: string
  locationId: string
  onHand: number
  reserved: number
  reorderPoint: number | null
  reorderQuantity: number | null
  updatedAt: string
}

export interface StockBucketsTable {
  id: string
  productId: string
  locationId: string
  /** '' when the units are in no particular bin. */
  binCode: string
  /** '' when the product is not lot-tracked. */
  lot: string
  expiresOn: string | null
  onHand: number
  updatedAt: string
}

export const LEDGER_KINDS = ['receipt', 'adjustment', 'count', 'reservation', 'release', 'pick', 'ship', 'return', 'transfer_out', 'transfer_in'] as const
export type LedgerKind = (typeof LEDGER_KINDS)[number]

export interface StockLedgerTable {
  id: string
  productId: string
  locationId: string
  kind: LedgerKind
  onHandDelta: number
  reservedDelta: number
  binCode: string | null
  lot: string | null
  refType: string | null
  refId: string | null
  reason: string | null
  actor: string
  createdAt: string
}

export interface StockTransfersTable {
  id: string
  number: string
  productId: string
  fromLocationId: string
  toLocationId: string
  quantity: number
  reason: string | null
  actor: string
  createdAt: string
}

export interface InventoryTables {
  stockLevels: StockLevelsTable
  stockBuckets: StockBucketsTable
  stockLedger: StockLedgerTable
  stockTransfers: StockTransfersTable
}
