import { z } from 'zod'
import { PERMISSIONS, ROLES } from '../../kernel/auth.js'

/** People get every role but `channel`: a channel is an integration bound to one sales channel, so it uses an API key. */
export const USER_ROLES = ROLES.filter((r) => r !== 'channel') as Exclude<(typeof ROLES)[number], 'channel'>[]

const email = z.email().max(254).transform((e) => e.toLowerCase())
export const password = z.string().min(8, 'at least 8 characters').max(200)

export const userSchema = z
  .object({
    id: z.string(),
    email: z.string(),
    name: z.string().nullable(),
    role: z.enum(ROLES),
    active: z.boolean(),
    lastSignInAt: z.string().nullable(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: 'User' })

export const createUserBody = z.object({
  email,
  name: z.string().trim().min(1).max(200).optional(),
  role: z.enum(USER_ROLES),
  password,
})

/** No defaults: a PATCH changes only what it names. A new password or `active: false` signs the user out everywhere. */
export const updateUserBody = z.object({ name: z.string().trim().min(1).max(200).nullable(), role: z.enum(USER_ROLES), active: z.boolean(), password }).partial()

export const userListQuery = z.object({
  active: z.enum(['true', 'false']).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
  cursor: z.string().max(200).optional(),
})

export const signInBody = z.object({ email: z.string().trim().max(254).transform((e) => e.toLowerCase()), password: z.string().max(200) })

export const sessionSchema = z
  .object({
    user: userSchema,
    csrfToken: z.string().describe('Send it as `x-csrf-token` on every request that is not GET or HEAD.'),
    permissions: z.array(z.enum(PERMISSIONS)).describe("What the user's role may do, so a client can offer only those actions."),
    expiresAt: z.string().describe('Slides forward while the session is used.'),
  })
  .meta({ id: 'Session' })

export type User = z.infer<typeof userSchema>
export type CreateUserBody = z.infer<typeof createUserBody>
export type UpdateUserBody = z.infer<typeof updateUserBody>
export type UserListQuery = z.infer<typeof userListQuery>
export type SessionInfo = z.infer<typeof sessionSchema>
