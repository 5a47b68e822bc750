import type { ConsumedEvent } from '../../kernel/event-consumer.js'

/** The body of every webhook (docs/webhooks.md): the event, its version and its payload. */
export interface WebhookEnvelope {
  id: string
  type: string
  /** The payload's schema version (`data.payload` changes shape only with a new version). */
  version: number
  occurredAt: string
  data: {
    entity: string
    entityId: string
    orderId?: string
    from?: string
    to?: string
    reason?: string
    actor: string
    payload: Record<string, unknown>
  }
}

export function toEnvelope(e: Pick<ConsumedEvent, 'id' | 'type' | 'entity' | 'entityId' | 'orderId' | 'from' | 'to' | 'reason' | 'actor' | 'data' | 'occurredAt'>): WebhookEnvelope {
  const { v, ...payload } = e.data
  return {
    id: e.id,
    type: e.type,
    version: typeof v === 'number' ? v : 1,
    occurredAt: e.occurredAt,
    data: {
      entity: e.entity,
      entityId: e.entityId,
      ...(e.orderId !== null && { orderId: e.orderId }),
      ...(e.from !== null && { from: e.from }),
      ...(e.to !== null && { to: e.to }),
      ...(e.reason !== null && { reason: e.reason }),
      actor: e.actor,
      payload,
    },
  }
}

/** Whether an endpoint subscribed to `patterns` (exact types, `prefix.*`, `*`) receives `type`. */
export const matchesEventType = (patterns: string[], type: string) =>
  patterns.some((p) => p === '*' || p === type || (p.endsWith('.*') && type.startsWith(p.slice(0, -1))))
