export interface ProductsTable {
  id: string
  sku: string
  name: string
  weightGrams: number
  lengthMm: number
  widthMm: number
  heightMm: number
  priceAmount: number
  priceCurrency: string
  taxCode: string
  active: number
  lotTracked: number
  fragile: number
  proofOnDelivery: number
  version: number
  createdAt: string
  updatedAt: string
}

export interface ProductBarcodesTable {
  barcode: string
  productId: string
  position: number
}

export interface CatalogTables {
  products: ProductsTable
  productBarcodes: ProductBarcodesTable
}
