import type { Order } from '../api/types'

/** What the dashboard shows, computed from orders the API returned. */
export interface DashboardSummary {
  today: { orders: number; revenue: Money[] }
  byStatus: Record<string, number>
  byChannel: { channel: string; orders: number; revenue: Money[] }[]
  holds: { code: string; orders: number }[]
  backlog: { location: string; orders: number; units: number }[]
  late: Order[]
  days: { day: string; orders: number; revenue: number }[]
  /** The currency the daily revenue is in: the one most orders use. */
  currency: string | null
}

export interface Money {
  currency: string
  amount: number
}

const OPEN = new Set(['pending', 'confirmed', 'on_hold'])
const NOT_YET_SHIPPED = new Set(['unfulfilled', 'partially_allocated', 'allocated', 'backordered', 'partially_shipped'])

/** YYYY-MM-DD of an instant in a time zone (the browser's by default). */
export function dayIn(timeZone?: string) {
  const f = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' })
  return (d: Date | string) => f.format(typeof d === 'string' ? new Date(d) : d)
}

const add = (list: Money[], m: Money) => {
  const found = list.find((x) => x.currency === m.currency)
  if (found) found.amount += m.amount
  else list.push({ ...m })
  return list
}

/**
 * @param recent orders created in the last `days` days (any status)
 * @param open open orders (pending, confirmed, on hold), whenever created
 */
export function summarize(recent: Order[], open: Order[], now: Date, opts: { days?: number; timeZone?: string } = {}): DashboardSummary {
  const dayOf = dayIn(opts.timeZone)
  const today = dayOf(now)
  const span = opts.days ?? 30
  const counted = (o: Order) => o.status !== 'cancelled'

  const currencies = new Map<string, number>()
  for (const o of recent) currencies.set(o.currency, (currencies.get(o.currency) ?? 0) + 1)
  const currency = [...currencies.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))[0]?.[0] ?? null

  const days = new Map<string, { day: string; orders: number; revenue: number }>()
  for (let i = span - 1; i >= 0; i--) {
    const day = dayOf(new Date(now.getTime() - i * 86_400_000))
    days.set(day, { day, orders: 0, revenue: 0 })
  }

  const summary: DashboardSummary = { today: { orders: 0, revenue: [] }, byStatus: {}, byChannel: [], holds: [], backlog: [], late: [], days: [], currency }
  const channels = new Map<string, { channel: string; orders: number; revenue: Money[] }>()
  for (const o of recent) {
    summary.byStatus[o.status] = (summary.byStatus[o.status] ?? 0) + 1
    const ch = channels.get(o.channel) ?? { channel: o.channel, orders: 0, revenue: [] }
    channels.set(o.channel, ch)
    ch.orders++
    if (counted(o)) add(ch.revenue, { currency: o.currency, amount: o.totals.total })
    const day = days.get(dayOf(o.createdAt))
    if (day) {
      day.orders++
      if (counted(o) && o.currency === currency) day.revenue += o.totals.total
    }
    if (dayOf(o.createdAt) === today) {
      summary.today.orders++
      if (counted(o)) add(summary.today.revenue, { currency: o.currency, amount: o.totals.total })
    }
  }
  summary.byChannel = [...channels.values()].sort((a, b) => b.orders - a.orders || a.channel.localeCompare(b.channel))
  summary.days = [...days.values()]

  const holds = new Map<string, number>()
  const backlog = new Map<string, { location: string; orders: Set<string>; units: number }>()
  for (const o of open) {
    if (!OPEN.has(o.status)) continue
    for (const code of new Set(o.holds.filter((h) => !h.releasedAt).map((h) => h.code))) holds.set(code, (holds.get(code) ?? 0) + 1)
    for (const line of o.lines) {
      for (const a of line.allocations) {
        // Allocated units still to leave the building: what each warehouse has yet to ship.
        const b = backlog.get(a.location) ?? { location: a.location, orders: new Set<string>(), units: 0 }
        backlog.set(a.location, b)
        b.orders.add(o.id)
        b.units += a.quantity
      }
    }
    if (o.promisedDeliveryDate && o.promisedDeliveryDate.slice(0, 10) < today && NOT_YET_SHIPPED.has(o.fulfillmentStatus)) summary.late.push(o)
  }
  summary.holds = [...holds.entries()].map(([code, orders]) => ({ code, orders })).sort((a, b) => b.orders - a.orders || a.code.localeCompare(b.code))
  summary.backlog = [...backlog.values()].map((b) => ({ location: b.location, orders: b.orders.size, units: b.units })).sort((a, b) => b.units - a.units || a.location.localeCompare(b.location))
  summary.late.sort((a, b) => (a.promisedDeliveryDate ?? '').localeCompare(b.promisedDeliveryDate ?? ''))
  return summary
}
