import { z } from 'zod'
import { pageQuery } from '../../kernel/pagination.js'

export const statusLinkSchema = z
  .object({
    url: z.string().describe("The customer's order page: anyone with the link sees this order (no login), until it expires."),
    expiresAt: z.string(),
  })
  .meta({ id: 'OrderStatusLink' })

export const feedbackSchema = z
  .object({
    id: z.string(),
    order: z.object({ id: z.string(), number: z.string() }),
    channel: z.string(),
    rating: z.number().int().min(1).max(5),
    comment: z.string().nullable(),
    givenBy: z.string().describe('`customer:<email>`'),
    editableUntil: z.string().describe('The customer may change it until then (30 days after giving it).'),
    version: z.number().int().describe('1 when given, +1 per change.'),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: 'OrderFeedback' })

const dateOrDateTime = z.iso.datetime({ offset: true }).or(z.iso.date())

export const feedbackListQuery = pageQuery.extend({
  rating: z.coerce.number().int().min(1).max(5).optional().describe('Only this rating.'),
  from: dateOrDateTime.optional().describe('Given on or after (a date counts from its start, UTC).'),
  to: dateOrDateTime.optional().describe('Given before the end of this date (or this instant).'),
  channel: z.string().max(64).optional().describe('Channel code.'),
})

export const feedbackPageSchema = z
  .object({
    data: z.array(feedbackSchema),
    nextCursor: z.string().nullable().describe('Pass as `cursor` for the next page; null on the last page.'),
    count: z.number().int().describe('Feedback matching the filters, over every page.'),
    averageRating: z.number().nullable().describe('Their average rating, to two decimals; null when there is none.'),
  })
  .meta({ id: 'FeedbackPage' })

/** What the customer sends from the page (a form, so every value arrives as text). */
export const feedbackForm = z.object({
  rating: z.coerce.number({ error: 'choose a rating' }).int('choose a rating from 1 to 5').min(1, 'choose a rating from 1 to 5').max(5, 'choose a rating from 1 to 5'),
  comment: z
    .string()
    .trim()
    .max(2000, 'at most 2,000 characters')
    .optional()
    .transform((c) => c || null),
})

export type Feedback = z.infer<typeof feedbackSchema>
export type FeedbackListQuery = z.infer<typeof feedbackListQuery>
export type FeedbackInput = z.output<typeof feedbackForm>
export type StatusLink = z.infer<typeof statusLinkSchema>
