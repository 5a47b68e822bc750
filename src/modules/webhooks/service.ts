import type { Selectable } from 'kysely'
import type { Db } from '../../db/connection.js'
import type { Trx } from '../../db/transaction.js'
import { actorLabel, type Ctx } from '../../kernel/context.js'
import { invalid, notFound } from '../../kernel/errors.js'
import { recordEvent } from '../../kernel/events.js'
import { versionMismatch } from '../../kernel/http.js'
import { newId } from '../../kernel/ids.js'
import { findIdempotent, hashRequest, saveIdempotent } from '../../kernel/idempotency.js'
import { decodeCursor, toPage } from '../../kernel/pagination.js'
import { attemptDelivery, leaseUntil, newDelivery, type DeliverySettings } from './deliver.js'
import type { WebhookEnvelope } from './envelope.js'
import { DEFAULT_RETRY_POLICY, type RetryPolicy } from './retry-schedule.js'
import type {
  CreateEndpointBody,
  DeliveryListQuery,
  DeliveryStatus,
  ReplayBody,
  RotateSecretBody,
  UpdateEndpointBody,
  WebhookDelivery,
  WebhookEndpoint,
} from './schema.js'
import { generateSecret } from './signature.js'
import type { WebhookDeliveriesTable, WebhookEndpointsTable } from './tables.js'
import { endpointUrlProblem } from './url-policy.js'

type EndpointRow = Selectable<WebhookEndpointsTable>
type DeliveryRow = Selectable<WebhookDeliveriesTable>

const toEndpoint = (r: EndpointRow): WebhookEndpoint => ({
  id: r.id,
  url: r.url,
  description: r.description,
  eventTypes: JSON.parse(r.eventTypes),
  active: r.active === 1,
  disabledReason: r.disabledReason,
  previousSecretExpiresAt: r.previousSecret ? r.previousSecretExpiresAt : null,
  version: r.version,
  createdAt: r.createdAt,
  updatedAt: r.updatedAt,
})

/** Endpoints (who gets which events, signed with which secret) and the delivery log. */
export function createWebhookService(settings: { timeoutMs: number; allowPrivate: boolean; retry?: RetryPolicy; random?: () => number }) {
  const d: Omit<DeliverySettings, 'clock'> = { retry: DEFAULT_RETRY_POLICY, random: Math.random, ...settings }
  const checkUrl = (url: string) => {
    const problem = endpointUrlProblem(url, d.allowPrivate)
    if (problem) throw invalid('webhook.url_refused', `The URL ${problem}.`, [{ path: 'url', message: problem }])
  }

  const endpointRow = async (db: Db | Trx, id: string) => {
    const row = await db.selectFrom('webhookEndpoints').selectAll().where('id', '=', id).executeTakeFirst()
    if (!row) throw notFound('webhook_endpoint', id)
    return row
  }

  const withAttempts = async (db: Db | Trx, rows: DeliveryRow[]): Promise<WebhookDelivery[]> => {
    const attempts = rows.length
      ? await db.selectFrom('webhookAttempts').selectAll().where('deliveryId', 'in', rows.map((r) => r.id)).orderBy('id').execute()
      : []
    return rows.map((r) => ({
      id: r.id,
      endpointId: r.endpointId,
      eventId: r.eventId,
      eventType: r.eventType,
      entityId: r.entityId,
      status: r.status as DeliveryStatus,
      attemptCount: r.attempts,
      nextAttemptAt: r.nextAttemptAt,
      lastResponseStatus: r.lastResponseStatus,
      lastError: r.lastError,
      deliveredAt: r.deliveredAt,
      deadAt: r.deadAt,
      createdAt: r.createdAt,
      payload: JSON.parse(r.payload),
      attempts: attempts
        .filter((a) => a.deliveryId === r.id)
        .map((a) => ({ attemptedAt: a.attemptedAt, responseStatus: a.responseStatus, durationMs: a.durationMs, error: a.error, responseBody: a.responseBody })),
    }))
  }

  const getDelivery = async (db: Db | Trx, id: string): Promise<WebhookDelivery> => {
    const row = await db.selectFrom('webhookDeliveries').selectAll().where('id', '=', id).executeTakeFirst()
    if (!row) throw notFound('webhook_delivery', id)
    return (await withAttempts(db, [row]))[0]
  }

  return {
    /**
     * Subscribes a URL. With an `Idempotency-Key` a retried request gets the first answer again
     * (secret included: it is the same caller asking for the same thing) instead of a second endpoint.
     */
    async create(trx: Trx, ctx: Ctx, input: CreateEndpointBody, opts: { idempotencyKey?: string } = {}): Promise<{ endpoint: WebhookEndpoint & { secret: string }; replayed: boolean }> {
      const requestHash = opts.idempotencyKey ? hashRequest(input) : ''
      if (opts.idempotencyKey) {
        const existing = await findIdempotent(trx, ctx.actor.id, opts.idempotencyKey, requestHash, 'webhook_endpoint')
        if (existing) {
          const row = await endpointRow(trx, existing)
          return { endpoint: { ...toEndpoint(row), secret: row.secret }, replayed: true }
        }
      }
      checkUrl(input.url)
      const at = ctx.clock.now().toISOString()
      const secret = input.secret ?? generateSecret()
      const row: EndpointRow = {
        id: newId('whe'),
        url: input.url,
        description: input.description ?? null,
        eventTypes: JSON.stringify([...new Set(input.eventTypes)]),
        secret,
        previousSecret: null,
        previousSecretExpiresAt: null,
        active: input.active ? 1 : 0,
        disabledReason: null,
        version: 1,
        createdAt: at,
        updatedAt: at,
      }
      await trx.insertInto('webhookEndpoints').values(row).execute()
      await recordEvent(trx, ctx, { type: 'webhook_endpoint.created', entity: 'webhook_endpoint', entityId: row.id, data: { url: row.url, eventTypes: JSON.parse(row.eventTypes) } })
      if (opts.idempotencyKey) await saveIdempotent(trx, ctx.actor.id, opts.idempotencyKey, requestHash, 'webhook_endpoint', row.id, at)
      return { endpoint: { ...toEndpoint(row), secret }, replayed: false }
    },

    async list(db: Db | Trx): Promise<WebhookEndpoint[]> {
      return (await db.selectFrom('webhookEndpoints').selectAll().orderBy('id').execute()).map(toEndpoint)
    },

    get: async (db: Db | Trx, id: string): Promise<WebhookEndpoint> => toEndpoint(await endpointRow(db, id)),

    async update(trx: Trx, ctx: Ctx, id: string, input: UpdateEndpointBody, ifMatch?: number): Promise<WebhookEndpoint> {
      const current = await endpointRow(trx, id)
      if (ifMatch !== undefined && ifMatch !== current.version) throw versionMismatch(current.version)
      if (input.url !== undefined) checkUrl(input.url)
      const at = ctx.clock.now().toISOString()
      const updated = await trx
        .updateTable('webhookEndpoints')
        .set((eb) => ({
          ...(input.url !== undefined && { url: input.url }),
          ...(input.description !== undefined && { description: input.description }),
          ...(input.eventTypes !== undefined && { eventTypes: JSON.stringify([...new Set(input.eventTypes)]) }),
          // Turning an endpoint back on clears why Ordo had paused it.
          ...(input.active !== undefined && { active: input.active ? 1 : 0, ...(input.active && { disabledReason: null }) }),
          version: eb('version', '+', 1),
          updatedAt: at,
        }))
        .where('id', '=', id)
        .where('version', '=', current.version)
        .executeTakeFirst()
      if (Number(updated.numUpdatedRows) !== 1) throw versionMismatch((await endpointRow(trx, id)).version)
      const from = current.active ? 'active' : 'inactive'
      const to = input.active === undefined ? from : input.active ? 'active' : 'inactive'
      await recordEvent(trx, ctx, { type: 'webhook_endpoint.updated', entity: 'webhook_endpoint', entityId: id, from, to, data: { changes: Object.keys(input) } })
      return toEndpoint(await endpointRow(trx, id))
    },

    /** Removes the endpoint with its delivery log; nothing more is sent to it. */
    async remove(trx: Trx, ctx: Ctx, id: string): Promise<void> {
      const current = await endpointRow(trx, id)
      const deliveries = trx.selectFrom('webhookDeliveries').select('id').where('endpointId', '=', id)
      await trx.deleteFrom('webhookAttempts').where('deliveryId', 'in', deliveries).execute()
      await trx.deleteFrom('webhookDeliveries').where('endpointId', '=', id).execute()
      await trx.deleteFrom('webhookEndpoints').where('id', '=', id).execute()
      await recordEvent(trx, ctx, { type: 'webhook_endpoint.deleted', entity: 'webhook_endpoint', entityId: id, data: { url: current.url } })
    },

    /** A new signing secret, shown once; the old one keeps signing too for `keepPreviousForSeconds`. */
    async rotateSecret(trx: Trx, ctx: Ctx, id: string, input: RotateSecretBody): Promise<WebhookEndpoint & { secret: string }> {
      const current = await endpointRow(trx, id)
      const now = ctx.clock.now()
      const secret = input.secret ?? generateSecret()
      if (secret === current.secret) throw invalid('webhook.secret_unchanged', 'The new secret is the current one.', [{ path: 'secret', message: 'same as the current secret' }])
      const keep = input.keepPreviousForSeconds > 0
      await trx
        .updateTable('webhookEndpoints')
        .set((eb) => ({
          secret,
          previousSecret: keep ? current.secret : null,
          previousSecretExpiresAt: keep ? new Date(now.getTime() + input.keepPreviousForSeconds * 1000).toISOString() : null,
          version: eb('version', '+', 1),
          updatedAt: now.toISOString(),
        }))
        .where('id', '=', id)
        .execute()
      await recordEvent(trx, ctx, { type: 'webhook_endpoint.secret_rotated', entity: 'webhook_endpoint', entityId: id, data: { keepPreviousForSeconds: input.keepPreviousForSeconds } })
      return { ...toEndpoint(await endpointRow(trx, id)), secret }
    },

    /**
     * Sends a `webhook.test` event to the endpoint now and answers with the delivery and its
     * first attempt. A failed test is retried on the usual schedule, like any delivery.
     */
    async sendTest(db: Db, ctx: Ctx, id: string): Promise<WebhookDelivery> {
      const endpoint = await endpointRow(db, id)
      const now = ctx.clock.now()
      const at = now.toISOString()
      const eventId = newId('evt')
      const envelope: WebhookEnvelope = {
        id: eventId,
        type: 'webhook.test',
        version: 1,
        occurredAt: at,
        data: { entity: 'webhook_endpoint', entityId: endpoint.id, actor: actorLabel(ctx.actor), payload: { message: 'A test event sent from Ordo.' } },
      }
      // Inserted already claimed, so no dispatcher picks it up while this request sends it.
      const lease = leaseUntil(now, d.timeoutMs)
      const delivery = newDelivery({ endpointId: endpoint.id, eventId, eventType: envelope.type, entityId: endpoint.id, seq: null, payload: JSON.stringify(envelope) }, at, lease)
      await db.insertInto('webhookDeliveries').values(delivery).execute()
      await attemptDelivery(db, { ...d, clock: ctx.clock }, delivery.id, lease)
      return getDelivery(db, delivery.id)
    },

    /** Deliveries newest first, of one endpoint or of all; `status: 'dead'` lists the dead letters. */
    async listDeliveries(db: Db | Trx, q: DeliveryListQuery & { endpointId?: string }): Promise<{ data: WebhookDelivery[]; nextCursor: string | null }> {
      if (q.endpointId) await endpointRow(db, q.endpointId)
      const before = decodeCursor(q.cursor)
      let query = db.selectFrom('webhookDeliveries').selectAll().orderBy('id', 'desc').limit(q.limit + 1)
      if (q.endpointId) query = query.where('endpointId', '=', q.endpointId)
      if (q.status) query = query.where('status', '=', q.status)
      if (q.eventType) query = query.where('eventType', '=', q.eventType)
      if (before) query = query.where('id', '<', before)
      const page = toPage(await query.execute(), q.limit, (r) => r.id)
      return { data: await withAttempts(db, page.data), nextCursor: page.nextCursor }
    },

    getDelivery,

    /** Dead letters per endpoint: how many, and when the first and the latest died (the exception queue's read). */
    async deadLetters(db: Db | Trx) {
      return db
        .selectFrom('webhookDeliveries')
        .innerJoin('webhookEndpoints', 'webhookEndpoints.id', 'webhookDeliveries.endpointId')
        .select((eb) => [
          'webhookEndpoints.id as endpointId',
          'webhookEndpoints.url',
          eb.fn.countAll<number>().as('count'),
          eb.fn.min<string>('webhookDeliveries.deadAt').as('firstDeadAt'),
          eb.fn.max<string>('webhookDeliveries.deadAt').as('lastDeadAt'),
        ])
        .where('webhookDeliveries.status', '=', 'dead')
        .groupBy(['webhookEndpoints.id', 'webhookEndpoints.url'])
        .orderBy('webhookEndpoints.id')
        .execute()
    },

    /** Sends a delivery again as soon as a dispatcher gets to it, with a fresh retry window. */
    async retryDelivery(trx: Trx, ctx: Ctx, id: string): Promise<WebhookDelivery> {
      const current = await getDelivery(trx, id)
      const at = ctx.clock.now().toISOString()
      await trx
        .updateTable('webhookDeliveries')
        .set({ status: 'pending', nextAttemptAt: at, retrySince: null, deliveredAt: null, deadAt: null, updatedAt: at })
        .where('id', '=', id)
        .execute()
      await recordEvent(trx, ctx, { type: 'webhook_delivery.retried', entity: 'webhook_delivery', entityId: id, from: current.status, to: 'pending', data: { endpointId: current.endpointId, eventId: current.eventId } })
      return getDelivery(trx, id)
    },

    /** Puts an endpoint's dead letters (created in [from, to)) back in line, in their original order. */
    async replay(trx: Trx, ctx: Ctx, endpointId: string, input: ReplayBody): Promise<{ replayed: number }> {
      await endpointRow(trx, endpointId)
      if (input.from && input.to && input.from >= input.to) throw invalid('webhook.invalid_range', '`from` must be before `to`.', [{ path: 'to', message: 'must be after from' }])
      const at = ctx.clock.now().toISOString()
      let q = trx
        .updateTable('webhookDeliveries')
        .set({ status: 'pending', nextAttemptAt: at, retrySince: null, deadAt: null, updatedAt: at })
        .where('endpointId', '=', endpointId)
        .where('status', '=', input.status)
      if (input.from) q = q.where('createdAt', '>=', new Date(input.from).toISOString())
      if (input.to) q = q.where('createdAt', '<', new Date(input.to).toISOString())
      const replayed = Number((await q.executeTakeFirst()).numUpdatedRows)
      if (replayed > 0) {
        await recordEvent(trx, ctx, { type: 'webhook_endpoint.replayed', entity: 'webhook_endpoint', entityId: endpointId, data: { replayed, from: input.from ?? null, to: input.to ?? null } })
      }
      return { replayed }
    },
  }
}

export type WebhookService = ReturnType<typeof createWebhookService>
