import { z } from 'zod'
import { page, pageQuery } from '../../kernel/pagination.js'
import { HOLD_CODES } from '../orders/index.js'

/** What can need a person; an item's key is `<type>:<id of what it is about>`. */
export const EXCEPTION_TYPES = [
  'order_hold',
  'backorder',
  'short_pick',
  'shipment_exception',
  'shipment_late',
  'return_authorization',
  'return_inspection',
  'notification_failed',
  'webhook_dead',
] as const
export type ExceptionType = (typeof EXCEPTION_TYPES)[number]

/** The queue lists `high` first, then `normal`, then `low`; oldest first within each. */
export const SEVERITIES = ['high', 'normal', 'low'] as const
export type Severity = (typeof SEVERITIES)[number]

export const EXCEPTION_STATUSES = ['open', 'resolved', 'cleared'] as const
export type ExceptionStatus = (typeof EXCEPTION_STATUSES)[number]

export const exceptionKey = z
  .string()
  .min(3)
  .max(200)
  .regex(/^[a-z_]+:[\w.\-]+$/, '<type>:<id>, as the queue lists it')
  .describe('The item\'s stable key, e.g. `order_hold:hold_01…`.')

const nullableText = z.string().nullable()

export const exceptionSchema = z
  .object({
    key: z.string().describe('Stable: `<type>:<id>` of what it is about (the hold, the order line, the shipment, …).'),
    type: z.enum(EXCEPTION_TYPES),
    severity: z.enum(SEVERITIES),
    status: z
      .enum(EXCEPTION_STATUSES)
      .describe('`open`: needs a person. `resolved`: a person resolved it (it comes back if its condition returns with a newer `since`). `cleared`: its condition ended by itself.'),
    title: z.string(),
    detail: z.string(),
    holdCode: nullableText.describe('The hold code of an `order_hold` item.'),
    entity: z.object({ type: z.string(), id: z.string(), number: nullableText }).describe('What the item is about.'),
    orderId: nullableText,
    orderNumber: nullableText,
    location: nullableText.describe('Location code, where the item happens at one.'),
    channel: nullableText.describe('Sales channel code, where the item belongs to an order.'),
    since: z.string().describe('When the condition began (for dead letters: when the latest one died).'),
    link: z.string().describe('API path of what the item is about.'),
    assignee: nullableText,
    assignedAt: nullableText,
    assignedBy: nullableText,
    note: nullableText.describe('The assignee\'s working note.'),
    resolvedAt: nullableText,
    resolvedBy: nullableText,
    resolutionNote: nullableText,
    version: z.number().int().describe('0 until someone assigns or resolves it; send it as If-Match (the ETag).'),
  })
  .meta({ id: 'Exception' })

const flag = z
  .enum(['true', 'false'])
  .transform((v) => v === 'true')
  .optional()

export const exceptionListQuery = pageQuery.extend({
  status: z.enum(['open', 'resolved']).default('open').describe('`open` (default): the queue. `resolved`: what people resolved, latest first.'),
  type: z.enum(EXCEPTION_TYPES).optional(),
  holdCode: z.enum(HOLD_CODES).optional().describe('`order_hold` items with this hold code.'),
  assignee: z.string().trim().min(1).max(200).optional(),
  assigned: flag.describe('`false`: items nobody has taken yet.'),
  location: z.string().max(64).optional().describe('Location code.'),
  channel: z.string().max(64).optional().describe('Sales channel code.'),
  olderThanDays: z.coerce.number().int().min(0).max(3650).optional().describe('Items whose condition began at least this many days ago.'),
  backorderDays: z.coerce
    .number()
    .int()
    .min(0)
    .max(365)
    .optional()
    .describe('A backorder is listed once it has waited this many days (default: ORDO_BACKORDER_ALERT_DAYS, 3).'),
})

const countsSchema = z.object({
  byType: z.record(z.enum(EXCEPTION_TYPES), z.number().int()),
  byHoldCode: z.record(z.string(), z.number().int()),
  total: z.number().int(),
  capped: z
    .array(z.enum(EXCEPTION_TYPES))
    .describe('Types whose source reached its cap (500 rows a source): more of them exist than are listed and counted.'),
})

export const exceptionListSchema = page(exceptionSchema)
  .extend({ counts: countsSchema.describe('Per type under every filter but `type` and `holdCode`, so each type shows its count; total is their sum.') })
  .meta({ id: 'ExceptionList' })

export const assignBody = z.object({
  assignee: z.string().trim().min(1).max(200).nullable().describe('A user\'s e-mail, or a name; null hands the item back to the queue.'),
  note: z.string().trim().max(2000).optional().describe('A working note (kept until changed).'),
})

export const resolveBody = z.object({ note: z.string().trim().min(1).max(2000).describe('What was done about it.') })

export const reopenBody = z.object({ note: z.string().trim().max(2000).optional().describe('Why it needs a person again.') }).optional()

export type Exception = z.infer<typeof exceptionSchema>
export type ExceptionList = z.infer<typeof exceptionListSchema>
export type ExceptionListQuery = z.infer<typeof exceptionListQuery>
export type AssignBody = z.infer<typeof assignBody>
export type ResolveBody = z.infer<typeof resolveBody>
export type ReopenBody = z.infer<typeof reopenBody>
