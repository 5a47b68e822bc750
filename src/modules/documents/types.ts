/** A postal address as printed: name and lines. */
export interface PrintAddress {
  name?: string | null
  company?: string | null
  line1: string
  line2?: string | null
  city: string
  region?: string | null
  postalCode?: string | null
  country: string
  phone?: string | null
}

export interface PicklistDoc {
  number: string
  location: { code: string; name: string }
  createdAt: string
  /** Who the wave is for / cart label. */
  assignee?: string | null
  /** In walk order. */
  lines: {
    seq: number
    binCode: string | null
    zone: string | null
    sku: string
    name: string
    /** What the picker scans for the item: the product's first barcode, else the SKU. */
    barcode: string
    lot: string | null
    expiresOn: string | null
    quantity: number
    /** Which orders the units go to (for put-to-order carts). */
    orders: { number: string; quantity: number }[]
  }[]
  fulfillmentOrders: { number: string; orderNumber: string }[]
}

export interface PackingSlipDoc {
  fulfillmentNumber: string
  orderNumber: string
  orderDate: string
  from: { name: string; address: PrintAddress }
  shipTo: PrintAddress
  lines: { sku: string; name: string; quantity: number }[]
  packages: { index: number; boxCode: string | null; weightGrams: number; contents: { sku: string; quantity: number }[] }[]
  /** Packing instructions (fragile items' protective material) and notes. */
  instructions: string[]
  notes?: string | null
}

/** One 4×6 in shipping label (one per package). */
export interface LabelDoc {
  trackingNumber: string
  carrier: { code: string; name: string }
  service: { code: string; name: string }
  from: PrintAddress
  to: PrintAddress
  weightGrams: number
  package: { index: number; count: number }
  /** The order number, printed as a reference. */
  reference: string
  shipDate: string
  /** Printed when proof at the door is needed. */
  requiresProof?: boolean
}

export interface ManifestDoc {
  number: string
  carrier: { code: string; name: string }
  location: { code: string; name: string; address: PrintAddress }
  date: string
  shipments: { trackingNumber: string; orderNumber: string; service: string; packages: number; weightGrams: number; destination: string }[]
  totals: { shipments: number; packages: number; weightGrams: number }
}
