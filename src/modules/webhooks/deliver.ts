import type { Db } from '../../db/connection.js'
import { inTransaction } from '../../db/transaction.js'
import type { Clock } from '../../kernel/clock.js'
import { systemActor } from '../../kernel/context.js'
import { recordEvent } from '../../kernel/events.js'
import { newId } from '../../kernel/ids.js'
import { nextAttemptAt, type RetryPolicy } from './retry-schedule.js'
import type { DeliveryStatus } from './schema.js'
import { postWebhook } from './send.js'
import { signatureHeader } from './signature.js'
import type { WebhookDeliveriesTable } from './tables.js'

export interface DeliverySettings {
  clock: Clock
  timeoutMs: number
  allowPrivate: boolean
  retry: RetryPolicy
  /** Jitter source, in [0, 1). */
  random: () => number
}

/** How long a claimed delivery stays reserved to its claimant: the request's timeout and a margin. */
/** A delivery waiting for its first attempt (due at once; `lockedUntil` when it is inserted already claimed). */
export const newDelivery = (
  d: Pick<WebhookDeliveriesTable, 'endpointId' | 'eventId' | 'eventType' | 'entityId' | 'seq' | 'payload'>,
  at: string,
  lockedUntil: string | null = null,
): WebhookDeliveriesTable => ({
  id: newId('whd'),
  ...d,
  status: 'pending',
  attempts: 0,
  nextAttemptAt: at,
  lockedUntil,
  lastResponseStatus: null,
  lastError: null,
  retrySince: null,
  deliveredAt: null,
  deadAt: null,
  createdAt: at,
  updatedAt: at,
})

export const leaseUntil = (now: Date, timeoutMs: number) => new Date(now.getTime() + timeoutMs + 30_000).toISOString()

/**
 * Sends one delivery its claimant holds (`lease` is the `locked_until` the claim set) and writes
 * the outcome: the attempt's log row, and the delivery delivered, scheduled again or dead. The
 * request runs outside any transaction. If the lease ran out meanwhile and another process took
 * the delivery over, only the log row is written: the newer claimant's outcome stands.
 */
export async function attemptDelivery(db: Db, s: DeliverySettings, id: string, lease: string): Promise<DeliveryStatus | undefined> {
  const row = await db
    .selectFrom('webhookDeliveries as w')
    .innerJoin('webhookEndpoints as e', 'e.id', 'w.endpointId')
    .select(['w.id', 'w.eventId', 'w.payload', 'w.attempts', 'w.retrySince', 'w.endpointId', 'e.url', 'e.secret', 'e.previousSecret', 'e.previousSecretExpiresAt'])
    .where('w.id', '=', id)
    .executeTakeFirst()
  if (!row) return undefined
  const now = s.clock.now()
  const timestamp = Math.floor(now.getTime() / 1000)
  const secrets = [row.secret, ...(row.previousSecret && row.previousSecretExpiresAt && row.previousSecretExpiresAt > now.toISOString() ? [row.previousSecret] : [])]
  const result = await postWebhook(
    row.url,
    {
      'content-type': 'application/json',
      'user-agent': 'Ordo-Webhooks/1',
      'webhook-id': row.eventId,
      'webhook-timestamp': String(timestamp),
      'webhook-signature': signatureHeader(secrets, row.eventId, timestamp, row.payload),
    },
    row.payload,
    { timeoutMs: s.timeoutMs, allowPrivate: s.allowPrivate },
  )
  const ok = result.status !== null && result.status >= 200 && result.status < 300
  // 410 Gone: the receiver wants no more (Standard Webhooks): pause the endpoint, keep the letter.
  const gone = result.status === 410
  const attempts = row.attempts + 1
  // The retry window starts at the first attempt, not when the delivery was queued: one that
  // waited behind an earlier delivery of its entity still gets its full share of retries.
  const since = row.retrySince ?? now.toISOString()
  const next = ok || gone ? null : nextAttemptAt(s.retry, attempts, new Date(since), now, s.random, result.retryAfterMs)
  const status: DeliveryStatus = ok ? 'delivered' : next ? 'pending' : 'dead'
  const at = now.toISOString()
  await inTransaction(db, async (trx) => {
    await trx
      .insertInto('webhookAttempts')
      .values({ id: newId('wha'), deliveryId: id, attemptedAt: at, responseStatus: result.status, durationMs: result.durationMs, error: result.error, responseBody: result.body })
      .execute()
    const updated = await trx
      .updateTable('webhookDeliveries')
      .set({
        status,
        attempts,
        retrySince: since,
        nextAttemptAt: next?.toISOString() ?? null,
        lockedUntil: null,
        lastResponseStatus: result.status,
        lastError: result.error,
        deliveredAt: ok ? at : null,
        deadAt: status === 'dead' ? at : null,
        updatedAt: at,
      })
      .where('id', '=', id)
      .where('lockedUntil', '=', lease)
      .executeTakeFirst()
    if (gone && Number(updated.numUpdatedRows) === 1) {
      const reason = `the endpoint answered 410 Gone at ${at}`
      const paused = await trx.updateTable('webhookEndpoints').set({ active: 0, disabledReason: reason, updatedAt: at }).where('id', '=', row.endpointId).where('active', '=', 1).executeTakeFirst()
      if (Number(paused.numUpdatedRows) === 1) {
        await recordEvent(trx, { actor: systemActor, clock: s.clock }, { type: 'webhook_endpoint.disabled', entity: 'webhook_endpoint', entityId: row.endpointId, from: 'active', to: 'inactive', reason })
      }
    }
  })
  return status
}
