export interface CustomersTable {
  id: string
  /** Stored lower-case: an inline customer on an order is matched by it. */
  email: string
  name: string | null
  phone: string | null
  /** JSON array of postal addresses. */
  addresses: string
  version: number
  createdAt: string
  updatedAt: string
}

export interface CustomerTables {
  customers: CustomersTable
}
