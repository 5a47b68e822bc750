import { z } from 'zod'
import { pageQuery } from '../../kernel/pagination.js'
import { TEMPLATE_EVENTS } from './templates.js'

export const NOTIFICATION_STATUSES = ['queued', 'sent', 'failed'] as const
export type NotificationStatus = (typeof NOTIFICATION_STATUSES)[number]

export const TEMPLATE_SOURCES = ['built-in', 'default', 'channel'] as const

export const templateParams = z.object({ event: z.enum(TEMPLATE_EVENTS).describe('The event the e-mail is sent for.') })

export const templateQuery = z.object({
  channel: z.string().trim().min(1).max(64).optional().describe("A sales channel's code: its own template, falling back to the default. Omitted: the default."),
})

const templateText = z.string().max(100_000)

export const putTemplateBody = z.object({
  subject: z.string().trim().min(1).max(500).describe('Placeholders like {{order.number}}; see docs/notifications.md.'),
  text: templateText.min(1).describe('The plain-text body.'),
  html: templateText.min(1).describe('The HTML body; every value is HTML-escaped.'),
  enabled: z.boolean().default(true).describe('false: this event sends no e-mail (for this channel).'),
})

export const templateSchema = z
  .object({
    event: z.enum(TEMPLATE_EVENTS),
    channel: z.string().nullable().describe('The channel this template is for; null: the default.'),
    source: z.enum(TEMPLATE_SOURCES).describe('Where it comes from: the channel\'s own, the edited default, or the one Ordo ships.'),
    subject: z.string(),
    text: z.string(),
    html: z.string(),
    enabled: z.boolean(),
    version: z.number().int().nullable().describe('Of the stored template (null for built-in); send it as If-Match to edit.'),
    updatedBy: z.string().nullable(),
    updatedAt: z.string().nullable(),
  })
  .meta({ id: 'NotificationTemplate' })

export const previewBody = z
  .object({
    orderId: z.string().max(100).optional().describe('Render for this order (id or number); omitted: a sample order.'),
    data: z.record(z.string(), z.unknown()).optional().describe("The event's payload, e.g. { trackingNumber }; omitted: sample values."),
    subject: z.string().max(500).optional().describe('A draft to render instead of the saved template.'),
    text: templateText.optional(),
    html: templateText.optional(),
  })
  .nullable()
  .transform((b) => b ?? {})

export const previewSchema = z
  .object({ to: z.string(), subject: z.string(), text: z.string(), html: z.string() })
  .meta({ id: 'NotificationPreview' })

export const notificationSchema = z
  .object({
    id: z.string(),
    orderId: z.string(),
    eventId: z.string(),
    template: z.string().describe('The template (event) it was rendered from.'),
    channel: z.string().describe('How it is sent: email.'),
    to: z.string(),
    subject: z.string(),
    status: z.enum(NOTIFICATION_STATUSES).describe('`queued`, `sent`, or `failed` (the last attempt failed; `nextAttemptAt` says whether another comes).'),
    attempts: z.number().int(),
    nextAttemptAt: z.string().nullable(),
    lastError: z.string().nullable(),
    sentAt: z.string().nullable(),
    messageId: z.string().nullable(),
    createdAt: z.string(),
  })
  .meta({ id: 'Notification' })

export const notificationDetailSchema = notificationSchema.extend({ text: z.string(), html: z.string() }).meta({ id: 'NotificationDetail' })

export const notificationListQuery = pageQuery.extend({ status: z.enum(NOTIFICATION_STATUSES).optional() })

export type PutTemplateBody = z.infer<typeof putTemplateBody>
export type NotificationTemplate = z.infer<typeof templateSchema>
export type PreviewBody = z.infer<typeof previewBody>
export type Preview = z.infer<typeof previewSchema>
export type Notification = z.infer<typeof notificationSchema>
export type NotificationDetail = z.infer<typeof notificationDetailSchema>
export type NotificationListQuery = z.infer<typeof notificationListQuery>
