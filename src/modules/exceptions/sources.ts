import type { Db } from '../../db/connection.js'
import type { Trx } from '../../db/transaction.js'
import type { ChannelService } from '../channels/index.js'
import type { FulfillmentService } from '../fulfillment/index.js'
import type { LocationService } from '../locations/index.js'
import type { NotificationService } from '../notifications/index.js'
import type { OrderService } from '../orders/index.js'
import type { ReturnService } from '../returns/index.js'
import type { ShippingService } from '../shipping/index.js'
import type { WebhookService } from '../webhooks/index.js'
import type { QueueItem } from './queue.js'
import type { ExceptionType } from './schema.js'

/** What the queue reads, each module through its own service. */
export interface ExceptionSources {
  orders: Pick<OrderService, 'openHolds' | 'backorderedLines' | 'refs'>
  fulfillment: Pick<FulfillmentService, 'shortPicks'>
  shipping: Pick<ShippingService, 'needingAttention'>
  returns: Pick<ReturnService, 'awaitingAction'>
  notifications: Pick<NotificationService, 'undeliverable'>
  webhooks: Pick<WebhookService, 'deadLetters'>
  channels: Pick<ChannelService, 'list'>
  locations: Pick<LocationService, 'listAll'>
}

/**
 * Rows a source reads at most. Each source is one or two indexed queries; past the cap the
 * oldest (holds, backorders, shipments, returns) or newest (short picks, failed e-mails) are kept
 * and the type is reported in `counts.capped`.
 */
export const SOURCE_CAP = 500

const DAY = 86_400_000

/** An item before its codes are looked up: locations and channels by id, order numbers where the source lacks them. */
type Draft = Omit<QueueItem, 'location' | 'channel' | 'orderNumber'> & { locationId?: string | null; channelId?: string | null; orderNumber?: string | null }

interface Found {
  drafts: Draft[]
  capped: boolean
}

interface Read {
  db: Db | Trx
  now: Date
  /** A backorder is listed once it has waited this many days. */
  backorderDays: number
}

const iso = (t: string) => new Date(t).toISOString()
const capOf = <T>(rows: T[]) => ({ rows: rows.slice(0, SOURCE_CAP), capped: rows.length > SOURCE_CAP })
const sentence = (s: string) => s.charAt(0).toUpperCase() + s.slice(1) + (/[.!?]$/.test(s) ? '' : '.')

/** Hold codes that stop money or goods going to the wrong person: they come first. */
const URGENT_HOLDS = new Set(['fraud', 'payment', 'credit'])

interface Source {
  types: readonly ExceptionType[]
  find(d: ExceptionSources, r: Read): Promise<Found>
}

const holds: Source = {
  types: ['order_hold'],
  async find(d, { db }) {
    const { rows, capped } = capOf(await d.orders.openHolds(db, { limit: SOURCE_CAP + 1 }))
    return {
      capped,
      drafts: rows.map((h) => ({
        key: `order_hold:${h.id}`,
        type: 'order_hold',
        severity: URGENT_HOLDS.has(h.code) ? 'high' : 'normal',
        title: `${h.orderNumber} is on hold: ${h.code}`,
        detail: sentence(`${h.detail} (${h.source === 'manual' ? `placed by ${h.createdBy}` : 'found when the order was verified'})`),
        holdCode: h.code,
        entity: { type: 'order', id: h.orderId, number: h.orderNumber },
        orderId: h.orderId,
        orderNumber: h.orderNumber,
        channelId: h.channelId,
        since: iso(h.createdAt),
        link: `/v1/orders/${h.orderId}`,
      })),
    }
  },
}

const backorders: Source = {
  types: ['backorder'],
  async find(d, { db, now, backorderDays }) {
    const waitedSince = new Date(now.getTime() - backorderDays * DAY).toISOString()
    const { rows, capped } = capOf(await d.orders.backorderedLines(db, { placedBefore: waitedSince, limit: SOURCE_CAP + 1 }))
    const today = now.toISOString().slice(0, 10)
    return {
      capped,
      drafts: rows
        .filter((l) => l.since <= waitedSince)
        .map((l) => ({
          key: `backorder:${l.id}`,
          type: 'backorder',
          // Past the date promised to the customer, it is no longer only a wait.
          severity: l.promisedDeliveryDate && l.promisedDeliveryDate < today ? 'high' : 'normal',
          title: `${l.orderNumber}: ${l.backorderedQty} × ${l.sku} backordered`,
          detail: `${l.name} has waited for stock since ${l.since.slice(0, 10)}${l.promisedDeliveryDate ? `; delivery was promised by ${l.promisedDeliveryDate}` : ''}.`,
          holdCode: null,
          entity: { type: 'order', id: l.orderId, number: l.orderNumber },
          orderId: l.orderId,
          orderNumber: l.orderNumber,
          channelId: l.channelId,
          since: iso(l.since),
          link: `/v1/orders/${l.orderId}`,
        })),
    }
  },
}

const shortPicks: Source = {
  types: ['short_pick'],
  async find(d, { db }) {
    const { rows, capped } = capOf(await d.fulfillment.shortPicks(db, { limit: SOURCE_CAP + 1 }))
    return {
      capped,
      drafts: rows.map((s) => {
        // One order: it is that order's matter too (its timeline shows the resolution).
        const only = s.orders.length === 1 ? s.orders[0] : undefined
        const orders = s.orders.map((o) => o.orderNumber).join(', ')
        return {
          key: `short_pick:${s.id}`,
          type: 'short_pick',
          severity: 'normal',
          title: `${s.quantity} × ${s.sku} not found in ${s.binCode ? `bin ${s.binCode}` : 'its place'} (${s.picklistNumber})`,
          detail: `Reported by ${s.actor}${s.lot ? `, lot ${s.lot}` : ''}. The missing units were written off the books${orders ? `, and ${orders} routed again or backordered` : ''}: count the bin and find where the stock went.`,
          holdCode: null,
          entity: { type: 'picklist', id: s.picklistId, number: s.picklistNumber },
          orderId: only?.orderId ?? null,
          orderNumber: only?.orderNumber ?? null,
          channelId: only?.channelId ?? null,
          locationId: s.locationId,
          since: iso(s.createdAt),
          link: `/v1/picklists/${s.picklistId}`,
        }
      }),
    }
  },
}

const shipments: Source = {
  types: ['shipment_exception', 'shipment_late'],
  async find(d, { db, now }) {
    const today = now.toISOString().slice(0, 10)
    const { rows, capped } = capOf(await d.shipping.needingAttention(db, { today, limit: SOURCE_CAP + 1 }))
    return {
      capped,
      drafts: rows.map((s): Draft => {
        const base = { holdCode: null, entity: { type: 'shipment', id: s.id, number: s.number }, orderId: s.orderId, orderNumber: s.orderNumber, locationId: s.originLocationId, link: `/v1/shipments/${s.id}` }
        if (s.status === 'exception') {
          const scan = s.exception
          return {
            ...base,
            key: `shipment_exception:${s.id}`,
            type: 'shipment_exception',
            severity: 'high',
            title: `${s.number} (${s.orderNumber}): the carrier reports a delivery exception`,
            detail: `${scan?.detail ? sentence(scan.detail) : 'No detail given.'}${scan?.location ? ` At ${scan.location}.` : ''} Tracking ${s.trackingNumber}.`,
            since: iso(scan?.occurredAt ?? s.lastEventAt ?? s.updatedAt),
          }
        }
        const overdue = s.promisedBy! < today
        return {
          ...base,
          key: `shipment_late:${s.id}`,
          type: 'shipment_late',
          severity: overdue ? 'high' : 'normal',
          title: overdue ? `${s.number} (${s.orderNumber}) is past its promised date` : `${s.number} (${s.orderNumber}) will arrive after its promised date`,
          detail: `Promised by ${s.promisedBy}, estimated ${s.estimatedDeliveryDate ?? 'unknown'}, now ${s.status.replace(/_/g, ' ')}. Tracking ${s.trackingNumber}.`,
          // Late from the first moment after the promised day; at risk from the label on (the estimate came with it).
          since: overdue ? new Date(Date.parse(s.promisedBy!) + DAY).toISOString() : iso(s.createdAt),
        }
      }),
    }
  },
}

const returns: Source = {
  types: ['return_authorization', 'return_inspection'],
  async find(d, { db }) {
    const { rows, capped } = capOf(await d.returns.awaitingAction(db, { limit: SOURCE_CAP + 1 }))
    return {
      capped,
      drafts: rows.map((r): Draft => {
        const base = {
          severity: 'normal' as const,
          holdCode: null,
          entity: { type: 'return', id: r.id, number: r.number },
          orderId: r.orderId,
          orderNumber: r.orderNumber,
          channelId: r.channelId,
          locationId: r.locationId,
          link: `/v1/returns/${r.id}`,
        }
        return r.status === 'requested'
          ? {
              ...base,
              key: `return_authorization:${r.id}`,
              type: 'return_authorization',
              title: `${r.number} (${r.orderNumber}) waits for authorization`,
              detail: `${sentence(r.decision.detail)} Authorize or reject it.`,
              since: iso(r.createdAt),
            }
          : {
              ...base,
              key: `return_inspection:${r.id}`,
              type: 'return_inspection',
              title: `${r.number} (${r.orderNumber}) was received and waits for inspection`,
              detail: 'Inspect each unit (condition and disposition) so it can be restocked and the return resolved.',
              since: iso(r.receivedAt ?? r.createdAt),
            }
      }),
    }
  },
}

const notifications: Source = {
  types: ['notification_failed'],
  async find(d, { db }) {
    const { rows, capped } = capOf(await d.notifications.undeliverable(db, { limit: SOURCE_CAP + 1 }))
    return {
      capped,
      drafts: rows.map((n) => ({
        key: `notification_failed:${n.id}`,
        type: 'notification_failed',
        severity: 'low',
        title: `E-mail "${n.subject}" to ${n.recipient} was not delivered`,
        detail: `${n.attempts} attempt(s) failed, the last with: ${n.lastError ?? 'no error recorded'}. Check the address or the mail server, then retry it.`,
        holdCode: null,
        entity: { type: 'notification', id: n.id, number: null },
        orderId: n.orderId,
        since: iso(n.updatedAt),
        link: `/v1/notifications/${n.id}`,
      })),
    }
  },
}

const webhooks: Source = {
  types: ['webhook_dead'],
  async find(d, { db }) {
    // One item per endpoint (an outage kills many deliveries at once); at most one row per endpoint.
    const rows = await d.webhooks.deadLetters(db)
    return {
      capped: false,
      drafts: rows.map((w) => ({
        key: `webhook_dead:${w.endpointId}`,
        type: 'webhook_dead',
        severity: 'high',
        title: `${w.count} webhook deliver${w.count === 1 ? 'y' : 'ies'} to ${w.url} dead-lettered`,
        detail: `Retries ran out; the first died ${w.firstDeadAt}, the latest ${w.lastDeadAt}. Fix the receiver, then replay them (POST /v1/webhook-endpoints/${w.endpointId}/replay).`,
        holdCode: null,
        entity: { type: 'webhook_endpoint', id: w.endpointId, number: null },
        orderId: null,
        // The latest: a new dead letter brings an item a person resolved back.
        since: iso(w.lastDeadAt),
        link: `/v1/webhook-endpoints/${w.endpointId}/deliveries?status=dead`,
      })),
    }
  },
}

const SOURCES: Source[] = [holds, backorders, shortPicks, shipments, returns, notifications, webhooks]

/**
 * Everything that needs a person now, derived from each module's state (of the given types
 * only, when named), with location, channel and order numbers filled in: three more reads in
 * all (locations are cached), whatever the number of items.
 */
export async function findItems(d: ExceptionSources, r: Read, types?: ExceptionType[]): Promise<{ items: QueueItem[]; capped: ExceptionType[] }> {
  const sources = types ? SOURCES.filter((s) => s.types.some((t) => types.includes(t))) : SOURCES
  const found = await Promise.all(sources.map((s) => s.find(d, r)))
  const drafts = found.flatMap((f) => f.drafts).filter((x) => !types || types.includes(x.type))
  const missing = [...new Set(drafts.filter((x) => x.orderId && (!x.orderNumber || !x.channelId)).map((x) => x.orderId!))]
  const [locations, channels, orders] = await Promise.all([
    d.locations.listAll(r.db),
    drafts.length ? d.channels.list(r.db) : [],
    d.orders.refs(r.db, missing),
  ])
  const locationCode = new Map(locations.map((l) => [l.id, l.code]))
  const channelCode = new Map(channels.map((c) => [c.id, c.code]))
  const items = drafts.map(({ locationId, channelId, orderNumber, ...x }): QueueItem => {
    const ref = x.orderId ? orders.get(x.orderId) : undefined
    const channel = channelId ?? ref?.channelId
    return { ...x, orderNumber: orderNumber ?? ref?.number ?? null, location: locationId ? (locationCode.get(locationId) ?? null) : null, channel: channel ? (channelCode.get(channel) ?? null) : null }
  })
  return { items, capped: sources.filter((_, i) => found[i].capped).flatMap((s) => [...s.types]) }
}
