// Kysely types of the table the exceptions module owns (migration 2026-11-22T0015_exceptions).

/** The people's part of one queue item, keyed by the item's stable key; the item itself is derived. */
export interface ExceptionsTable {
  key: string
  type: string
  holdCode: string | null
  orderId: string | null
  /** Location and channel codes, for filtering resolved items. */
  location: string | null
  channel: string | null
  /** JSON of the item as last seen (shown once its condition has ended). */
  item: string
  /** A user's e-mail or id, or an API key's name. */
  assignee: string | null
  assignedAt: string | null
  assignedBy: string | null
  note: string | null
  resolvedAt: string | null
  resolvedBy: string | null
  resolutionNote: string | null
  /** The item's `since` when it was resolved: a newer one brings it back. */
  resolvedSince: string | null
  version: number
  createdAt: string
  updatedAt: string
}

export interface ExceptionsTables {
  exceptions: ExceptionsTable
}
