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
  /** A location code: orders with units still to ship from there. */
  location?: string
  sku?: string
  customer?: string
  /** YYYY-MM-DD, inclusive. */
  createdFrom?: string
  createdTo?: string
}

/** In the order the address bar shows them. */
export const FILTER_KEYS = ['q', 'status', 'fulfillmentStatus', 'paymentStatus', 'holdCode', 'channel', 'location', 'sku', 'customer', 'createdFrom', 'createdTo'] as const satisfies readonly (keyof OrderFilters)[]

const DATE = /^\d{4}-\d{2}-\d{2}$/
export const oneOf = (values: readonly string[]) => (v: string) => values.includes(v)
export const isDay = (v: string) => DATE.test(v) && !Number.isNaN(Date.parse(v))

/**
 * Reads `keys` from a query string, dropping what fails its check (an unknown status, a malformed
 * date), so a stale bookmark shows a wider list instead of an error.
 */
export function readParams<K extends string>(search: URLSearchParams | string, keys: readonly K[], checks: Partial<Record<K, (v: string) => boolean>> = {}): Partial<Record<K, string>> {
  const params = typeof search === 'string' ? new URLSearchParams(search) : search
  const out: Partial<Record<K, string>> = {}
  for (const key of keys) {
    const value = params.get(key)?.trim()
    if (!value || (checks[key] && !checks[key](value))) continue
    out[key] = value.slice(0, 200)
  }
  return out
}

/** The query string of `keys`: empty ones left out, keys always in the same order. */
export function writeParams<K extends string>(values: Partial<Record<K, string | undefined>>, keys: readonly K[]): URLSearchParams {
  const params = new URLSearchParams()
  for (const key of keys) {
    const value = values[key]?.trim()
    if (value) params.set(key, value)
  }
  return params
}

/** `path` with more query parameters set (or removed, when empty), whether or not it already has some. */
export function withParams(path: string, params: Record<string, string | null | undefined>): string {
  const [base, search = ''] = path.split('?')
  const q = new URLSearchParams(search)
  for (const [k, v] of Object.entries(params)) {
    if (v) q.set(k, v)
    else q.delete(k)
  }
  const s = q.toString()
  return s ? `${base}?${s}` : base
}

const CHECKS: Partial<Record<keyof OrderFilters, (v: string) => boolean>> = {
  status: oneOf(ORDER_STATUSES),
  fulfillmentStatus: oneOf(FULFILLMENT_STATUSES),
  paymentStatus: oneOf(PAYMENT_STATUSES),
  holdCode: oneOf(HOLD_CODES),
  createdFrom: isDay,
  createdTo: isDay,
}

/** The order list's filters from a query string (what the API would refuse is left out). */
export const filtersFromSearch = (search: URLSearchParams | string): OrderFilters => readParams(search, FILTER_KEYS, CHECKS) as OrderFilters

/** The query string of a set of filters: empty ones left out, keys always in the same order. */
export const filtersToSearch = (filters: OrderFilters): URLSearchParams => writeParams(filters, FILTER_KEYS)

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
