import { z } from 'zod'

export const CHANNEL_TYPES = ['web', 'marketplace', 'app', 'pos', 'phone', 'email', 'edi', 'wholesale', 'social'] as const

export const channelCode = z.string().trim().min(1).max(64).regex(/^[A-Za-z0-9][\w.\-]*$/, 'letters, digits, ".", "_" or "-"')

export const createChannelBody = z.object({
  code: channelCode.describe('Unique; orders name their channel by it.'),
  name: z.string().trim().min(1).max(200),
  type: z.enum(CHANNEL_TYPES),
  active: z.boolean().default(true),
})

/** No defaults here: a PATCH changes only the fields it names (zod's .partial() would keep `active`'s default). */
export const updateChannelBody = z.object({ name: z.string().trim().min(1).max(200), type: z.enum(CHANNEL_TYPES), active: z.boolean() }).partial()

export const channelSchema = z
  .object({
    id: z.string(),
    code: z.string(),
    name: z.string(),
    type: z.enum(CHANNEL_TYPES),
    active: z.boolean(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: 'Channel' })

export type CreateChannelBody = z.infer<typeof createChannelBody>
export type UpdateChannelBody = z.infer<typeof updateChannelBody>
export type Channel = z.infer<typeof channelSchema>
