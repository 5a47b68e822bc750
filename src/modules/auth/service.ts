import { createHash, randomBytes } from 'node:crypto'
import type { Db } from '../../db/connection.js'
import type { Trx } from '../../db/transaction.js'
import type { Actor, Ctx } from '../../kernel/context.js'
import { AppError, invalid, notFound } from '../../kernel/errors.js'
import { newId } from '../../kernel/ids.js'
import { ROLES, type Role } from '../../kernel/auth.js'
import { recordEvent } from '../../kernel/events.js'
import type { ChannelService } from '../channels/index.js'

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

export function createAuthService(d: { channels: ChannelService; cacheSeconds: number }) {
  // Authentication runs on every request: keep recent lookups (hits and misses) for a few seconds.
  const cache = new Map<string, { actor: Actor | null; until: number }>()

  async function toApiKey(trx: Trx | Db, row: { id: string; name: string; role: string; channelId: string | null; prefix: string; createdAt: string; revokedAt: string | null }): Promise<ApiKey> {
    const channel = row.channelId ? (await d.channels.getById(trx, row.channelId)).code : null
    return { id: row.id, name: row.name, role: row.role as Role, channel, prefix: row.prefix, createdAt: row.createdAt, revokedAt: row.revokedAt }
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
  }
}

export type AuthService = ReturnType<typeof createAuthService>

export const unauthorized = (detail: string) =>
  new AppError(401, 'auth.unauthorized', detail, undefined, { 'WWW-Authenticate': 'Bearer realm="ordo"' })
