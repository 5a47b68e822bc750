import type { Db } from '../../db/connection.js'
import type { Address } from '../../kernel/address.js'

/** One past order as the routing simulator replays it. */
export interface PastOrder {
  orderNumber: string
  channelId: string
  destination: Address
  lines: { productId: string; sku: string; quantity: number; weightGrams: number }[]
  createdAt: string
}

/** What routing asks of order management: past demand to simulate policies on. Implemented by orders. */
export interface DemandSource {
  /** The latest `limit` orders that were not cancelled, created within [createdFrom, createdTo] (ISO-8601 UTC timestamps), in any order. */
  pastOrders(db: Db, q: { createdFrom?: string; createdTo?: string; channelId?: string; limit: number }): Promise<PastOrder[]>
}
