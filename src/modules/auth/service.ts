import { createHash, randomBytes, timingSafeEqual } from 'node:crypto'
import type { Selectable } from 'kysely'
import type { Db } from '../../db/connection.js'
import type { Trx } from '../../db/transaction.js'
import type { Actor, Ctx } from '../../kernel/context.js'
import { AppError, conflict, invalid, notFound } from '../../kernel/errors.js'
import { newId } from '../../kernel/ids.js'
import { ROLES, type Role } from '../../kernel/auth.js'
import { recordEvent } from '../../kernel/events.js'
import { isUniqueViolation } from '../../kernel/idempotency.js'
import { decodeCursor, toPage } from '../../kernel/pagination.js'
import type { ChannelService } from '../channels/index.js'
import { DUMMY_HASH, hashPassword, verifyPassword } from './password.js'
import type { CreateUserBody, SessionInfo, UpdateUserBody, User, UserListQuery } from './schema.js'
import type { UsersTable } from './tables.js'

export interface ApiKey {
  id: string
  name: string
  role: Role
  channel: string | null
  prefix: string
  createdAt: string
  revokedAt: string | null
}

const hashKey = (key: string) => createHash('sha256').update(key).digest('hex')

/** A console session lives 12 hours after its last use. */
export const SESSION_TTL_MS = 12 * 3600_000
// Sliding the expiry is a write: do it at most every few minutes per session, not on every read.
const SLIDE_EVERY_MS = 5 * 60_000

const toUser = (r: Selectable<UsersTable>): User => ({
  id: r.id,
  email: r.email,
  name: r.name,
  role: r.role as Role,
  active: r.active === 1,
  lastSignInAt: r.lastSignInAt,
  createdAt: r.createdAt,
  updatedAt: r.updatedAt,
})

/** The signed-in user behind a session cookie, with what the request needs to check CSRF. */
export interface UserSession extends Omit<SessionInfo, 'permissions'> {
  id: string
  actor: Actor
}

/** Constant-time comparison of a sent CSRF token with the session's. */
export const csrfMatches = (sent: string | undefined, expected: string) => {
  if (!sent) return false
  const a = Buffer.from(sent)
  const b = Buffer.from(expected)
  return a.length === b.length && timingSafeEqual(a, b)
}

export function createAuthService(d: { channels: ChannelService; cacheSeconds: number }) {
  // Authentication runs on every request: keep recent lookups (hits and misses) for a few seconds.
  const cache = new Map<string, { actor: Actor | null; until: number }>()

  async function toApiKey(trx: Trx | Db, row: { id: string; name: string; role: string; channelId: string | null; prefix: string; createdAt: string; revokedAt: string | null }): Promise<ApiKey> {
    const channel = row.channelId ? (await d.channels.getById(trx, row.channelId)).code : null
    return { id: row.id, name: row.name, role: row.role as Role, channel, prefix: row.prefix, createdAt: row.createdAt, revokedAt: row.revokedAt }
  }

  async function getUser(db: Db | Trx, idOrEmail: string): Promise<User> {
    const row = await db.selectFrom('users').selectAll().where((eb) => eb.or([eb('id', '=', idOrEmail), eb('email', '=', idOrEmail.toLowerCase())])).executeTakeFirst()
    if (!row) throw notFound('user', idOrEmail)
    return toUser(row)
  }

  return {
    /** Creates a key and returns it with its secret: the only time the secret is shown. */
    async createKey(trx: Trx, ctx: Ctx, input: { name: string; role: string; channel?: string | null }): Promise<ApiKey & { key: string }> {
      if (!(ROLES as readonly string[]).includes(input.role)) {
        throw invalid('auth.unknown_role', `Unknown role "${input.role}"; roles are ${ROLES.join(', ')}.`, [{ path: 'role', message: `one of ${ROLES.join(', ')}` }])
      }
      if (!input.name.trim()) throw invalid('auth.name_required', 'A key needs a name.', [{ path: 'name', message: 'required' }])
      let channelId: string | null = null
      if (input.role === 'channel') {
        if (!input.channel) throw invalid('auth.channel_required', 'A key with role "channel" must be bound to a channel.', [{ path: 'channel', message: 'required for role channel' }])
        channelId = (await d.channels.getByCode(trx, input.channel)).id
      } else if (input.channel) {
        throw invalid('auth.channel_not_allowed', 'Only keys with role "channel" are bound to a channel.', [{ path: 'channel', message: 'only for role channel' }])
      }
      const secret = randomBytes(24).toString('base64url')
      const prefix = secret.slice(0, 8)
      const key = `ordo_${prefix}${secret.slice(8)}`
      const row = { id: newId('key'), name: input.name.trim(), role: input.role, channelId, prefix: `ordo_${prefix}`, keyHash: hashKey(key), createdAt: ctx.clock.now().toISOString(), revokedAt: null }
      await trx.insertInto('apiKeys').values(row).execute()
      await recordEvent(trx, ctx, { type: 'api_key.created', entity: 'api_key', entityId: row.id, data: { name: row.name, role: row.role } })
      return { ...(await toApiKey(trx, row)), key }
    },

    async listKeys(db: Db | Trx): Promise<ApiKey[]> {
      const rows = await db.selectFrom('apiKeys').select(['id', 'name', 'role', 'channelId', 'prefix', 'createdAt', 'revokedAt']).orderBy('id').execute()
      return Promise.all(rows.map((r) => toApiKey(db, r)))
    },

    async revokeKey(trx: Trx, ctx: Ctx, idOrPrefix: string): Promise<ApiKey> {
      const row = await trx
        .selectFrom('apiKeys')
        .select(['id', 'name', 'role', 'channelId', 'prefix', 'createdAt', 'revokedAt'])
        .where((eb) => eb.or([eb('id', '=', idOrPrefix), eb('prefix', '=', idOrPrefix)]))
        .executeTakeFirst()
      if (!row) throw notFound('api_key', idOrPrefix)
      if (!row.revokedAt) {
        row.revokedAt = ctx.clock.now().toISOString()
        await trx.updateTable('apiKeys').set({ revokedAt: row.revokedAt }).where('id', '=', row.id).execute()
        await recordEvent(trx, ctx, { type: 'api_key.revoked', entity: 'api_key', entityId: row.id })
        cache.clear()
      }
      return toApiKey(trx, row)
    },

    /** The actor behind a bearer key, or null for an unknown or revoked key. */
    async authenticate(db: Db, key: string, now: number): Promise<Actor | null> {
      const hash = hashKey(key)
      const hit = cache.get(hash)
      if (hit && hit.until > now) return hit.actor
      const row = await db.selectFrom('apiKeys').select(['id', 'name', 'role', 'channelId']).where('keyHash', '=', hash).where('revokedAt', 'is', null).executeTakeFirst()
      const actor: Actor | null = row ? { kind: 'api_key', id: row.id, name: row.name, role: row.role as Role, channelId: row.channelId } : null
      if (cache.size > 10_000) cache.clear()
      cache.set(hash, { actor, until: now + d.cacheSeconds * 1000 })
      return actor
    },

    async createUser(trx: Trx, ctx: Ctx, input: CreateUserBody): Promise<User> {
      const at = ctx.clock.now().toISOString()
      const row = { id: newId('usr'), email: input.email, name: input.name ?? null, role: input.role, passwordHash: await hashPassword(input.password), active: 1, lastSignInAt: null, createdAt: at, updatedAt: at }
      try {
        await trx.insertInto('users').values(row).execute()
      } catch (err) {
        if (isUniqueViolation(err)) throw new AppError(409, 'user.email_taken', `A user with e-mail "${input.email}" already exists.`, [{ path: 'email', message: 'already taken' }])
        throw err
      }
      await recordEvent(trx, ctx, { type: 'user.created', entity: 'user', entityId: row.id, data: { email: row.email, role: row.role } })
      return toUser(row)
    },

    async listUsers(db: Db | Trx, query: UserListQuery): Promise<{ data: User[]; nextCursor: string | null }> {
      const after = decodeCursor(query.cursor)
      let q = db.selectFrom('users').selectAll().orderBy('id').limit(query.limit + 1)
      if (after) q = q.where('id', '>', after)
      if (query.active) q = q.where('active', '=', query.active === 'true' ? 1 : 0)
      return toPage((await q.execute()).map(toUser), query.limit, (u) => u.id)
    },

    getUser,

    /** Role, name, active and password. Disabling a user or setting a new password ends their sessions. */
    async updateUser(trx: Trx, ctx: Ctx, idOrEmail: string, input: UpdateUserBody): Promise<User> {
      const current = await getUser(trx, idOrEmail)
      const losesAdmin = current.role === 'admin' && current.active && ((input.role !== undefined && input.role !== 'admin') || input.active === false)
      if (losesAdmin) {
        const others = await trx.selectFrom('users').select((eb) => eb.fn.countAll<number>().as('n')).where('role', '=', 'admin').where('active', '=', 1).where('id', '<>', current.id).executeTakeFirstOrThrow()
        if (Number(others.n) === 0) throw conflict('user.last_admin', 'This is the last active admin: make someone else admin first, so the console is not locked out.')
      }
      const at = ctx.clock.now().toISOString()
      await trx
        .updateTable('users')
        .set({
          ...(input.name !== undefined && { name: input.name }),
          ...(input.role !== undefined && { role: input.role }),
          ...(input.active !== undefined && { active: input.active ? 1 : 0 }),
          ...(input.password !== undefined && { passwordHash: await hashPassword(input.password) }),
          updatedAt: at,
        })
        .where('id', '=', current.id)
        .execute()
      if (input.password !== undefined || input.active === false) {
        await trx.updateTable('sessions').set({ revokedAt: at }).where('userId', '=', current.id).where('revokedAt', 'is', null).execute()
      }
      const { password, ...changes } = input
      await recordEvent(trx, ctx, {
        type: 'user.updated',
        entity: 'user',
        entityId: current.id,
        from: input.active === undefined ? null : current.active ? 'active' : 'disabled',
        to: input.active === undefined ? null : input.active ? 'active' : 'disabled',
        data: { changes: { ...changes, ...(password !== undefined && { password: 'changed' }) } },
      })
      return getUser(trx, current.id)
    },

    /**
     * The user behind an e-mail and password, or a 401 with one message for every way it can fail
     * (unknown e-mail, wrong password, disabled user), so it tells an attacker nothing. Runs outside
     * a transaction: scrypt takes tens of milliseconds, which no writer should wait for.
     */
    async checkPassword(db: Db, email: string, password: string): Promise<User> {
      const row = await db.selectFrom('users').selectAll().where('email', '=', email.toLowerCase()).executeTakeFirst()
      const ok = await verifyPassword(password, row?.passwordHash ?? DUMMY_HASH)
      if (!row || !ok || row.active !== 1) throw new AppError(401, 'auth.invalid_credentials', 'The e-mail or password is wrong, or the account is disabled.')
      return toUser(row)
    },

    /** Starts a session; the token goes into the cookie and is shown nowhere else. */
    async openSession(trx: Trx, ctx: Ctx, userId: string): Promise<{ token: string; session: UserSession }> {
      const now = ctx.clock.now()
      const at = now.toISOString()
      const token = randomBytes(32).toString('base64url')
      const row = { id: newId('ses'), tokenHash: hashKey(token), userId, csrfToken: randomBytes(32).toString('base64url'), createdAt: at, expiresAt: new Date(now.getTime() + SESSION_TTL_MS).toISOString(), revokedAt: null }
      // The user's finished sessions are of no more use: sweep them as a new one starts.
      await trx.deleteFrom('sessions').where('userId', '=', userId).where((eb) => eb.or([eb('expiresAt', '<', at), eb('revokedAt', 'is not', null)])).execute()
      await trx.insertInto('sessions').values(row).execute()
      await trx.updateTable('users').set({ lastSignInAt: at }).where('id', '=', userId).execute()
      const user = await getUser(trx, userId)
      return { token, session: { id: row.id, user, csrfToken: row.csrfToken, expiresAt: row.expiresAt, actor: userActor(user) } }
    },

    /** The live session behind a cookie's token (its user active, not expired, not signed out), sliding its expiry; null otherwise. */
    async authenticateSession(db: Db, token: string, now: Date): Promise<UserSession | null> {
      const row = await db
        .selectFrom('sessions')
        .innerJoin('users', 'users.id', 'sessions.userId')
        .selectAll('users')
        .select(['sessions.id as sessionId', 'sessions.csrfToken', 'sessions.expiresAt'])
        .where('sessions.tokenHash', '=', hashKey(token))
        .where('sessions.revokedAt', 'is', null)
        .where('users.active', '=', 1)
        .executeTakeFirst()
      if (!row || row.expiresAt <= now.toISOString()) return null
      let expiresAt = row.expiresAt
      if (Date.parse(row.expiresAt) - now.getTime() < SESSION_TTL_MS - SLIDE_EVERY_MS) {
        expiresAt = new Date(now.getTime() + SESSION_TTL_MS).toISOString()
        await db.updateTable('sessions').set({ expiresAt }).where('id', '=', row.sessionId).execute()
      }
      const user = toUser(row)
      return { id: row.sessionId, user, csrfToken: row.csrfToken, expiresAt, actor: userActor(user) }
    },

    async closeSession(trx: Trx, ctx: Ctx, sessionId: string): Promise<void> {
      await trx.updateTable('sessions').set({ revokedAt: ctx.clock.now().toISOString() }).where('id', '=', sessionId).where('revokedAt', 'is', null).execute()
    },
  }
}

export type AuthService = ReturnType<typeof createAuthService>

/** Events and history name a person by e-mail: `user:anna@example.com`. */
const userActor = (u: User): Actor => ({ kind: 'user', id: u.id, name: u.email, role: u.role })

export const unauthorized = (detail: string) =>
  new AppError(401, 'auth.unauthorized', detail, undefined, { 'WWW-Authenticate': 'Bearer realm="ordo"' })
