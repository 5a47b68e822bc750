import { formatMoney } from '../../kernel/money.js'
import type { Order } from '../orders/index.js'

/** The parts of an order an e-mail shows. */
export type OrderForMail = Pick<Order, 'id' | 'number' | 'channel' | 'status' | 'currency' | 'customer' | 'shippingAddress' | 'shippingMethod' | 'totals' | 'createdAt'> & {
  lines: Pick<Order['lines'][number], 'id' | 'sku' | 'name' | 'quantity' | 'cancelledQuantity' | 'unitPrice'>[]
}

/** The event an e-mail is about. */
export interface MailEvent {
  type: string
  entityId: string
  reason: string | null
  occurredAt: string
  data: Record<string, unknown>
}

/** Where links in e-mails point; the self-service pages replace them with signed links. */
export interface NotificationLinks {
  tracking(trackingNumber: string, order: OrderForMail): string
  feedback(order: OrderForMail): string
  /** The customer's own order page, when there is one. */
  status(order: OrderForMail): string | null
  /** A return's label as the customer may download it, when there is a page for it. */
  returnLabel(order: OrderForMail, returnId: string): string | null
}

export const defaultLinks = (publicUrl: string): NotificationLinks => ({
  tracking: (n) => `${publicUrl}/track/${encodeURIComponent(n)}`,
  feedback: (o) => `${publicUrl}/orders/${encodeURIComponent(o.id)}/feedback`,
  status: () => null,
  returnLabel: () => null,
})


const str = (v: unknown) => (typeof v === 'string' && v ? v : null)
const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : null)

/**
 * What a template sees (docs/notifications.md lists it): the order with amounts formatted, the
 * customer, the shipment an event is about with its tracking link, the backordered lines, the
 * return or refund, links, and the raw event.
 */
export function templateData(order: OrderForMail, event: MailEvent, links: NotificationLinks): Record<string, unknown> {
  const money = (amount: number) => formatMoney(amount, order.currency)
  const byLineId = new Map(order.lines.map((l) => [l.id, l]))
  const bySku = new Map(order.lines.map((l) => [l.sku, l]))
  const lines = order.lines
    .map((l) => ({ ...l, open: l.quantity - l.cancelledQuantity }))
    .filter((l) => l.open > 0)
    .map((l) => ({ sku: l.sku, name: l.name, quantity: l.open, unitPrice: money(l.unitPrice), amount: money(l.unitPrice * l.open) }))
  // Lines named in the event's payload (shipped, backordered, cancelled units), with their names.
  const eventLines = (Array.isArray(event.data.lines) ? event.data.lines : []).flatMap((u: Record<string, unknown>) => {
    const line = byLineId.get(String(u.lineId)) ?? bySku.get(String(u.sku))
    const quantity = num(u.quantity)
    return line && quantity ? [{ sku: line.sku, name: line.name, quantity }] : []
  })
  const trackingNumber = str(event.data.trackingNumber)
  const data = event.data
  return {
    order: {
      id: order.id,
      number: order.number,
      channel: order.channel,
      status: order.status,
      createdAt: order.createdAt,
      shippingMethod: order.shippingMethod,
      shippingAddress: order.shippingAddress,
      lines,
      totals: {
        subtotal: money(order.totals.subtotal),
        discount: money(order.totals.discount),
        hasDiscount: order.totals.discount > 0,
        tax: money(order.totals.tax),
        shipping: money(order.totals.shipping),
        total: money(order.totals.total),
      },
    },
    customer: { name: order.customer.name ?? order.customer.email, email: order.customer.email },
    lines,
    shipment:
      trackingNumber || event.type.startsWith('shipment.') || data.shipmentId
        ? {
            id: str(data.shipmentId) ?? (event.type.startsWith('shipment.') ? event.entityId : null),
            trackingNumber,
            trackingUrl: trackingNumber ? links.tracking(trackingNumber, order) : null,
            carrier: str(data.carrier),
            lines: eventLines,
          }
        : null,
    backordered: event.type === 'order.backordered' ? eventLines : [],
    return: event.type.startsWith('return.')
      ? { id: str(data.returnId) ?? event.entityId, number: str(data.number), labelUrl: str(data.labelUrl) ?? (data.label ? links.returnLabel(order, str(data.returnId) ?? event.entityId) : null) }
      : null,
    refund:
      event.type.startsWith('refund.') && num(data.amount) !== null
        ? { amount: formatMoney(num(data.amount)!, str(data.currency) ?? order.currency), reason: str(data.reason) }
        : null,
    feedbackUrl: links.feedback(order),
    statusUrl: links.status(order),
    event: { type: event.type, reason: event.reason, occurredAt: event.occurredAt },
  }
}

/** A made-up order for previews without an order id. */
export const SAMPLE_ORDER: OrderForMail = {
  id: 'ord_SAMPLE',
  number: 'SO-10042',
  channel: 'web',
  status: 'confirmed',
  currency: 'EUR',
  customer: { id: 'cus_SAMPLE', email: 'anna@example.com', name: 'Anna Schmidt', phone: null },
  shippingAddress: { name: 'Anna Schmidt', line1: 'Mönckebergstraße 7', city: 'Hamburg', postalCode: '20095', country: 'DE' },
  shippingMethod: 'standard',
  totals: { subtotal: 4898, discount: 0, tax: 931, shipping: 495, total: 6324 },
  createdAt: '2026-11-02T09:00:00.000Z',
  lines: [
    { id: 'oli_SAMPLE1', sku: 'TEE-BLK-M', name: 'T-shirt black M', quantity: 2, cancelledQuantity: 0, unitPrice: 1999 },
    { id: 'oli_SAMPLE2', sku: 'MUG-WHT', name: 'Mug white', quantity: 1, cancelledQuantity: 0, unitPrice: 900 },
  ],
}

/** Made-up event payloads for previews, per event type. */
export const sampleEventData = (type: string): Record<string, unknown> => {
  switch (type) {
    case 'order.backordered':
      return { lines: [{ sku: 'MUG-WHT', lineId: 'oli_SAMPLE2', quantity: 1 }] }
    case 'order.shipped':
    case 'order.delivered':
    case 'shipment.out_for_delivery':
      return { shipmentId: 'shp_SAMPLE', trackingNumber: 'RR123456785DE', lines: [{ sku: 'TEE-BLK-M', lineId: 'oli_SAMPLE1', quantity: 2 }] }
    case 'return.authorized':
      return { returnId: 'rma_SAMPLE', number: 'RMA-10007', labelUrl: 'https://example.com/labels/RMA-10007.pdf' }
    case 'refund.issued':
      return { amount: 1999, currency: 'EUR' }
    default:
      return {}
  }
}
