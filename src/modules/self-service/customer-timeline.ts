/**
 * What a customer reads about their order: the internal timeline told in plain words, and what
 * happens next. Pure functions over data the service loaded. Only the events listed here are ever
 * shown, so a new internal event (a hold, a reroute, a stock movement) stays internal by default;
 * actors, reasons and notes are never read.
 */

/** A timeline row as the order module returns it (actor and reason are not looked at). */
export interface TimelineEvent {
  type: string
  to: string | null
  data: Record<string, unknown>
  occurredAt: string
}

export interface TimelineRefs {
  /** Shipment id → its carrier's name and tracking number. */
  shipments: Map<string, { carrier: string; trackingNumber: string }>
  /** Fulfilment order number (FO-…) → the city it was packed in. */
  packedIn: Map<string, string>
  /** Order line id → the product's name. */
  lineNames: Map<string, string>
  money(amount: number, currency: string): string
}

export interface Milestone {
  /** ISO time it happened (a carrier's scan time, not when it was recorded). */
  at: string
  title: string
  detail: string | null
}

const str = (v: unknown) => (typeof v === 'string' && v ? v : null)
const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : null)

function itemsOf(data: Record<string, unknown>, refs: TimelineRefs): string | null {
  const lines = Array.isArray(data.lines) ? (data.lines as Record<string, unknown>[]) : []
  const names = lines.flatMap((l) => {
    const name = refs.lineNames.get(String(l.lineId))
    const quantity = num(l.quantity)
    return name && quantity ? [`${quantity} × ${name}`] : []
  })
  return names.length ? names.join(', ') : null
}

/** The customer's timeline, oldest first. */
export function customerTimeline(events: TimelineEvent[], refs: TimelineRefs): Milestone[] {
  const severalParcels = refs.shipments.size > 1
  const parcel = (data: Record<string, unknown>) => {
    const n = str(data.trackingNumber)
    return severalParcels && n ? `Parcel ${n}` : null
  }
  const out: Milestone[] = []
  const add = (at: string, title: string, detail: string | null = null) => {
    // Re-allocations and repeated scans repeat events; the customer hears each news once.
    if (!out.some((m) => m.title === title && m.detail === detail)) out.push({ at, title, detail })
  }
  for (const e of events) {
    const d = e.data
    const scanned = str(d.occurredAt) ?? e.occurredAt
    const returnNo = str(d.number) ?? 'your return'
    switch (e.type) {
      case 'order.created':
        add(e.occurredAt, 'Order placed')
        break
      case 'order.confirmed':
        add(e.occurredAt, 'Order confirmed')
        break
      case 'order.released':
        if (e.to === 'confirmed') add(e.occurredAt, 'Order confirmed')
        break
      case 'order.backordered':
        add(e.occurredAt, 'Waiting for stock', itemsOf(d, refs))
        break
      case 'fulfillment.packed': {
        const city = refs.packedIn.get(String(d.number)) ?? null
        add(e.occurredAt, city ? `Packed in ${city}` : 'Packed')
        break
      }
      case 'order.shipped': {
        const s = refs.shipments.get(String(d.shipmentId))
        add(e.occurredAt, s ? `Shipped with ${s.carrier}, tracking ${s.trackingNumber}` : 'Shipped', itemsOf(d, refs))
        break
      }
      case 'shipment.out_for_delivery':
        add(scanned, 'Out for delivery', parcel(d))
        break
      case 'shipment.delivered':
        add(scanned, 'Delivered', parcel(d))
        break
      case 'shipment.exception':
        add(scanned, 'Delivery delayed: the carrier reported a problem', parcel(d))
        break
      case 'shipment.returned_to_sender':
        add(scanned, 'The carrier is bringing the parcel back to us', parcel(d))
        break
      case 'order.lines_cancelled':
        add(e.occurredAt, 'Some items were cancelled', itemsOf(d, refs))
        break
      case 'order.cancelled':
        add(e.occurredAt, 'Order cancelled')
        break
      case 'return.requested':
        add(e.occurredAt, `Return ${returnNo} requested`)
        break
      case 'return.authorized':
        add(e.occurredAt, `Return ${returnNo} accepted`)
        break
      case 'return.pickup_scheduled':
        add(e.occurredAt, `Pickup of return ${returnNo} booked`, str(d.date))
        break
      case 'return.received':
        add(e.occurredAt, `Return ${returnNo} arrived at our warehouse`)
        break
      case 'return.rejected':
        add(e.occurredAt, `Return ${returnNo} declined`)
        break
      case 'return.cancelled':
        add(e.occurredAt, `Return ${returnNo} cancelled`)
        break
      case 'return.resolved':
        add(e.occurredAt, `Return ${returnNo} completed`)
        break
      case 'order.refunded': {
        const amount = num(d.amount)
        const currency = str(d.currency)
        add(e.occurredAt, amount !== null && currency ? `Refund of ${refs.money(amount, currency)} issued` : 'Refund issued')
        break
      }
      case 'order.replacement_created':
      case 'order.exchange_created': {
        const kind = e.type === 'order.exchange_created' ? 'Exchange' : 'Replacement'
        const number = str((d.order as Record<string, unknown> | undefined)?.number)
        add(e.occurredAt, number ? `${kind} order ${number} placed` : `${kind} order placed`)
        break
      }
      case 'order.feedback_received':
        add(e.occurredAt, 'You rated this order', `${num(d.rating) ?? '?'} of 5`)
        break
    }
  }
  return out.map((m, i) => ({ m, i })).sort((a, b) => a.m.at.localeCompare(b.m.at) || a.i - b.i).map(({ m }) => m)
}

/** Tue 10 Nov: how a customer reads a delivery date (dates are calendar days, so no time zone shifts them). */
export const dayName = (isoDate: string) =>
  new Intl.DateTimeFormat('en-GB', { weekday: 'short', day: 'numeric', month: 'short', timeZone: 'UTC' }).format(new Date(`${isoDate.slice(0, 10)}T00:00:00Z`))

export interface NextStepInput {
  status: string
  fulfillmentStatus: string
  /** Shipments not cancelled. */
  shipments: { status: string; estimatedDeliveryDate: string | null }[]
  /** Some fulfilment order is packed and waits for its label. */
  packed: boolean
  hasFeedback: boolean
}

export interface NextStep {
  title: string
  detail: string | null
}

/** "What comes next", from the order's status and its parcels. */
export function nextStep(o: NextStepInput): NextStep {
  const moving = o.shipments.filter((s) => !['delivered', 'returned_to_sender'].includes(s.status))
  const expected = moving
    .map((s) => s.estimatedDeliveryDate)
    .filter((d): d is string => !!d)
    .sort()
    .at(-1)
  const onItsWay = (what: string) => `${what}${expected ? `, expected ${dayName(expected)}` : ''}.`
  if (o.status === 'cancelled') return { title: 'This order was cancelled.', detail: null }
  if (o.status === 'pending') return { title: 'We have received your order and will confirm it shortly.', detail: null }
  if (o.status === 'on_hold') return { title: 'We are reviewing your order.', detail: 'We will start packing it as soon as that is done.' }
  if (moving.some((s) => s.status === 'exception')) return { title: 'The carrier reported a problem with your parcel.', detail: 'We are looking into it and will be in touch.' }
  switch (o.fulfillmentStatus) {
    case 'delivered':
      return { title: 'Your order has been delivered. We hope you enjoy it.', detail: o.hasFeedback ? 'Thank you for your feedback.' : 'Tell us how we did: it takes a minute.' }
    case 'partially_delivered':
      return { title: 'Part of your order has arrived.', detail: onItsWay(moving.length ? 'The rest is on its way' : 'We are preparing the rest') }
    case 'shipped':
      if (moving.some((s) => s.status === 'out_for_delivery')) return { title: 'Your parcel is out for delivery and should arrive today.', detail: null }
      return { title: onItsWay('Your parcel is on its way'), detail: null }
    case 'partially_shipped':
      return { title: onItsWay('Part of your order is on its way'), detail: 'We are packing the rest.' }
    case 'backordered':
    case 'partially_allocated':
      return { title: 'Some items are waiting for stock.', detail: 'We will send them as soon as they arrive.' }
    default:
      return o.packed ? { title: 'Your order is packed and will be handed to the carrier soon.', detail: null } : { title: 'We are packing your order.', detail: null }
  }
}
