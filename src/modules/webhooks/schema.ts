import { z } from 'zod'
import { pageQuery } from '../../kernel/pagination.js'
import { secretKey } from './signature.js'

export const DELIVERY_STATUSES = ['pending', 'delivered', 'dead'] as const
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number]

const eventTypePattern = z
  .string()
  .trim()
  .max(100)
  .regex(/^(\*|[a-z][a-z0-9_]*(\.[a-z0-9_]+)*(\.\*)?)$/, 'an event type (order.shipped), a prefix (order.*) or * for every event')

const eventTypes = z
  .array(eventTypePattern)
  .min(1)
  .max(100)
  .describe('Event types to receive: exact (`order.shipped`), a prefix (`order.*`) or `*` for all. See docs/webhooks.md for the list.')

const url = z.string().trim().min(1).max(2000).describe('http(s) URL that receives a POST per event. No credentials in it; private addresses only when allowed (ORDO_WEBHOOKS_ALLOW_PRIVATE=1).')

const secret = z
  .string()
  .trim()
  .refine((s) => secretKey(s) !== undefined, 'a whsec_ secret: "whsec_" and the base64 of 24–64 random bytes')

export const createEndpointBody = z.object({
  url,
  description: z.string().trim().max(500).optional(),
  eventTypes,
  secret: secret.optional().describe('Your own signing secret; omitted: Ordo generates one and shows it once in the answer.'),
  active: z.boolean().default(true),
})

/** No defaults: a PATCH changes only what it names. */
export const updateEndpointBody = z
  .object({ url, description: z.string().trim().max(500).nullable(), eventTypes, active: z.boolean().describe('false pauses deliveries (they wait); true resumes them.') })
  .partial()
  .refine((b) => Object.keys(b).length > 0, { message: 'nothing to change', path: ['url'] })

export const rotateSecretBody = z
  .object({
    secret: secret.optional().describe('The new secret; omitted: Ordo generates one.'),
    keepPreviousForSeconds: z
      .number()
      .int()
      .min(0)
      .max(7 * 86400)
      .default(86400)
      .describe('How long the old secret still signs too (deliveries carry both signatures); 0 revokes it at once.'),
  })
  .nullable()
  .transform((b) => b ?? { keepPreviousForSeconds: 86400 })

export const endpointSchema = z
  .object({
    id: z.string(),
    url: z.string(),
    description: z.string().nullable(),
    eventTypes: z.array(z.string()),
    active: z.boolean(),
    disabledReason: z.string().nullable().describe('Why Ordo paused the endpoint itself (it answered 410 Gone).'),
    previousSecretExpiresAt: z.string().nullable().describe('Until then deliveries are signed with the previous secret too.'),
    version: z.number().int(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: 'WebhookEndpoint' })

export const endpointWithSecretSchema = endpointSchema
  .extend({ secret: z.string().describe('The signing secret: shown only in this answer. Verify `webhook-signature` with it.') })
  .meta({ id: 'WebhookEndpointWithSecret' })

export const attemptSchema = z
  .object({
    attemptedAt: z.string(),
    responseStatus: z.number().int().nullable(),
    durationMs: z.number().int(),
    error: z.string().nullable(),
    responseBody: z.string().nullable().describe('The first KiB of the answer.'),
  })
  .meta({ id: 'WebhookAttempt' })

export const deliverySchema = z
  .object({
    id: z.string(),
    endpointId: z.string(),
    eventId: z.string().describe('Sent as `webhook-id`: the same on every attempt, so receivers can drop duplicates.'),
    eventType: z.string(),
    entityId: z.string(),
    status: z.enum(DELIVERY_STATUSES).describe('`pending` (waiting or retrying), `delivered` (2xx), `dead` (retries exhausted; replay it)'),
    attemptCount: z.number().int(),
    nextAttemptAt: z.string().nullable(),
    lastResponseStatus: z.number().int().nullable(),
    lastError: z.string().nullable(),
    deliveredAt: z.string().nullable(),
    deadAt: z.string().nullable(),
    createdAt: z.string(),
    payload: z.record(z.string(), z.unknown()).describe('The body sent (see docs/webhooks.md for the envelope).'),
    attempts: z.array(attemptSchema).describe('Every attempt, oldest first.'),
  })
  .meta({ id: 'WebhookDelivery' })

export const deliveryListQuery = pageQuery.extend({
  status: z.enum(DELIVERY_STATUSES).optional(),
  eventType: z.string().max(100).optional(),
})

export const replayBody = z.object({
  status: z.literal('dead').describe('Replays dead letters (the only kind there is to replay).'),
  from: z.iso.datetime({ offset: true }).optional().describe('Deliveries created at or after this time.'),
  to: z.iso.datetime({ offset: true }).optional().describe('Deliveries created before this time.'),
})

export type CreateEndpointBody = z.infer<typeof createEndpointBody>
export type UpdateEndpointBody = z.infer<typeof updateEndpointBody>
export type RotateSecretBody = z.infer<typeof rotateSecretBody>
export type WebhookEndpoint = z.infer<typeof endpointSchema>
export type WebhookDelivery = z.infer<typeof deliverySchema>
export type DeliveryListQuery = z.infer<typeof deliveryListQuery>
export type ReplayBody = z.infer<typeof replayBody>
