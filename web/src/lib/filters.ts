/** The order list's filters, kept in the address bar so a view can be bookmarked, shared and saved. */
export const ORDER_STATUSES = ['pending', 'confirmed', 'on_hold', 'completed', 'cancelled'] as const
export const FULFILLMENT_STATUSES = ['unfulfilled', 'partially_allocated', 'allocated', 'backordered', 'partially_shipped', 'shipped', 'partially_delivered', 'delivered'] as const
export const PAYMENT_STATUSES = ['awaiting', 'authorized', 'paid', 'partially_refunded', 'refunded', 'voided'] as const
export const HOLD_CODES = ['payment', 'credit', 'address', 'customer', 'item', 'price', 'stock', 'fraud', 'manual'] as const

export interface OrderFilters {
  q?: string
  status?: (typeof ORDER_STATUSES)[number]
  fulfillmentStatus?: (typeof FULFILLMENT_STATUSES)[number]
  paymentStatus?: (typeof PAYMENT_STATUSES)[number]
  holdCode?: (typeof HOLD_CODES)[number]
  channel?: string
  sku?: string
  customer?: string
  /** YYYY-MM-DD, inclusive. */
  createdFrom?: string
  createdTo?: string
}

/** In the order the address bar shows them. */
export const FILTER_KEYS = ['q', 'status', 'fulfillmentStatus', 'paymentStatus', 'holdCode', 'channel', 'sku', 'customer', 'createdFrom', 'createdTo'] as const satisfies readonly (keyof OrderFilters)[]

const ENUMS: Partial<Record<keyof OrderFilters, readonly string[]>> = {
  status: ORDER_STATUSES,
  fulfillmentStatus: FULFILLMENT_STATUSES,
  paymentStatus: PAYMENT_STATUSES,
  holdCode: HOLD_CODES,
}
const DATE = /^\d{4}-\d{2}-\d{2}$/

/**
 * Reads filters from a query string, dropping what the API would refuse (an unknown status, a
 * malformed date), so a stale bookmark shows a wider list instead of an error.
 */
export function filtersFromSearch(search: URLSearchParams | string): OrderFilters {
  const params = typeof search === 'string' ? new URLSearchParams(search) : search
  const out: Record<string, string> = {}
  for (const key of FILTER_KEYS) {
    const value = params.get(key)?.trim()
    if (!value) continue
    const allowed = ENUMS[key]
    if (allowed && !allowed.includes(value)) continue
    if ((key === 'createdFrom' || key === 'createdTo') && !(DATE.test(value) && !Number.isNaN(Date.parse(value)))) continue
    out[key] = value.slice(0, 200)
  }
  return out as OrderFilters
}

/** The query string of a set of filters: empty ones left out, keys always in the same order. */
export function filtersToSearch(filters: OrderFilters): URLSearchParams {
  const params = new URLSearchParams()
  for (const key of FILTER_KEYS) {
    const value = filters[key]?.trim()
    if (value) params.set(key, value)
  }
  return params
}

/** The query for GET /v1/orders: the filters plus paging. */
export function ordersQuery(filters: OrderFilters, page: { limit: number; cursor?: string | null }): string {
  const params = filtersToSearch(filters)
  params.set('limit', String(page.limit))
  if (page.cursor) params.set('cursor', page.cursor)
  return params.toString()
}

export const sameFilters = (a: OrderFilters, b: OrderFilters) => filtersToSearch(a).toString() === filtersToSearch(b).toString()

export const activeFilterCount = (f: OrderFilters) => [...filtersToSearch(f).keys()].length

/** A saved view: a name for a set of filters, kept in this browser. */
export interface SavedView {
  name: string
  search: string
}

/** Adds or replaces (by name, ignoring case) a view; views stay sorted by name. */
export function saveView(views: SavedView[], name: string, filters: OrderFilters): SavedView[] {
  const clean = name.trim()
  if (!clean) return views
  const rest = views.filter((v) => v.name.toLowerCase() !== clean.toLowerCase())
  return [...rest, { name: clean, search: filtersToSearch(filters).toString() }].sort((a, b) => a.name.localeCompare(b.name))
}

/** Reads saved views from storage text, ignoring anything malformed. */
export function parseViews(text: string | null): SavedView[] {
  try {
    const parsed: unknown = JSON.parse(text ?? '[]')
    return Array.isArray(parsed) ? parsed.filter((v): v is SavedView => typeof v?.name === 'string' && typeof v?.search === 'string') : []
  } catch {
    return []
  }
}
