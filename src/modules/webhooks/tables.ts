// Kysely types of the tables the webhooks module owns (migration 2026-11-22T0012_webhooks).

export interface WebhookEndpointsTable {
  id: string
  url: string
  description: string | null
  /** JSON array of event types and prefixes (`order.*`, `*`). */
  eventTypes: string
  secret: string
  previousSecret: string | null
  previousSecretExpiresAt: string | null
  active: number
  disabledReason: string | null
  version: number
  createdAt: string
  updatedAt: string
}

export interface WebhookDeliveriesTable {
  id: string
  endpointId: string
  eventId: string
  eventType: string
  entityId: string
  seq: number | null
  /** The JSON body sent on every attempt. */
  payload: string
  status: string
  attempts: number
  nextAttemptAt: string | null
  lockedUntil: string | null
  lastResponseStatus: number | null
  lastError: string | null
  /** The first attempt of this round of retries; null until it happens. */
  retrySince: string | null
  deliveredAt: string | null
  deadAt: string | null
  createdAt: string
  updatedAt: string
}

export interface WebhookAttemptsTable {
  id: string
  deliveryId: string
  attemptedAt: string
  responseStatus: number | null
  durationMs: number
  error: string | null
  responseBody: string | null
}

export interface WebhooksTables {
  webhookEndpoints: WebhookEndpointsTable
  webhookDeliveries: WebhookDeliveriesTable
  webhookAttempts: WebhookAttemptsTable
}
