import type { ExceptionItem } from '../api/types'
import { HOLD_CODES, oneOf, readParams, withParams, writeParams } from './filters'

/** The queue's item types, in the order the tabs show them, with what a person calls them. */
export const EXCEPTION_TYPES = [
  ['order_hold', 'Holds'],
  ['backorder', 'Backorders'],
  ['short_pick', 'Short picks'],
  ['shipment_exception', 'Delivery problems'],
  ['shipment_late', 'Late shipments'],
  ['return_authorization', 'Returns to authorize'],
  ['return_inspection', 'Returns to inspect'],
  ['notification_failed', 'Failed e-mails'],
  ['webhook_dead', 'Dead webhooks'],
] as const
export type ExceptionType = (typeof EXCEPTION_TYPES)[number][0]
const TYPES = EXCEPTION_TYPES.map(([t]) => t)
export const typeLabel = (type: string) => EXCEPTION_TYPES.find(([t]) => t === type)?.[1] ?? type

/**
 * The queue's filters as the address bar keeps them. `who` is `me`, `nobody` or a name: the
 * bookmark "my items" stays right whoever opens it.
 */
export interface ExceptionFilters {
  status?: 'resolved'
  type?: ExceptionType
  holdCode?: (typeof HOLD_CODES)[number]
  who?: string
  location?: string
  channel?: string
  olderThanDays?: string
}
const KEYS = ['status', 'type', 'holdCode', 'who', 'location', 'channel', 'olderThanDays'] as const satisfies readonly (keyof ExceptionFilters)[]
const CHECKS = { status: oneOf(['resolved']), type: oneOf(TYPES), holdCode: oneOf(HOLD_CODES), olderThanDays: (v: string) => /^\d{1,4}$/.test(v) }

export const exceptionFiltersFromSearch = (search: URLSearchParams | string) => readParams(search, KEYS, CHECKS) as ExceptionFilters
export const exceptionFiltersToSearch = (f: ExceptionFilters) => writeParams(f, KEYS)

/** GET /v1/exceptions for these filters, as `me` (the signed-in user's e-mail) sees them. */
export function exceptionsPath(f: ExceptionFilters, me: string): string {
  const who = f.who === 'me' ? { assignee: me } : f.who === 'nobody' ? { assigned: 'false' } : { assignee: f.who }
  return withParams('/v1/exceptions', { status: f.status, type: f.type, holdCode: f.type === 'order_hold' || !f.type ? f.holdCode : undefined, ...who, location: f.location, channel: f.channel, olderThanDays: f.olderThanDays })
}

/** Where in the console a person deals with what the item is about. */
export function consoleLink(item: Pick<ExceptionItem, 'type' | 'entity' | 'orderNumber' | 'link'>): string | null {
  const id = encodeURIComponent(item.entity.id)
  switch (item.entity.type) {
    case 'order':
      return `/orders/${encodeURIComponent(item.entity.number ?? item.entity.id)}`
    case 'shipment':
      return `/shipments/${id}`
    case 'return':
      return `/returns/${id}`
    case 'picklist':
      return `/warehouse/picklists/${id}`
    case 'webhook_endpoint':
      return `/settings/webhooks?endpoint=${id}&status=dead`
  }
  // An e-mail is retried from its order; anything else opens its order if it has one.
  return item.orderNumber ? `/orders/${encodeURIComponent(item.orderNumber)}` : null
}

/** The tabs: every type with its count, and "All" first with the total. */
export function typeTabs(counts: { byType: Record<string, number>; total: number } | undefined): { value: string; label: string; count: number | null }[] {
  return [{ value: 'all', label: 'All', count: counts?.total ?? null }, ...EXCEPTION_TYPES.map(([value, label]) => ({ value, label, count: counts ? (counts.byType[value] ?? 0) : null }))]
}
