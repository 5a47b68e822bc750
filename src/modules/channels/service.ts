import type { Selectable } from 'kysely'
import type { Db } from '../../db/connection.js'
import type { Trx } from '../../db/transaction.js'
import type { Ctx } from '../../kernel/context.js'
import { MASTER_DATA_TTL_MS, ttlCache } from '../../kernel/cache.js'
import { conflict, notFound } from '../../kernel/errors.js'
import { recordEvent } from '../../kernel/events.js'
import { newId } from '../../kernel/ids.js'
import { isUniqueViolation } from '../../kernel/idempotency.js'
import type { Channel, CreateChannelBody, UpdateChannelBody } from './schema.js'
import type { ChannelsTable } from './tables.js'

const toChannel = (r: Selectable<ChannelsTable>): Channel => ({
  id: r.id,
  code: r.code,
  name: r.name,
  type: r.type as Channel['type'],
  active: r.active === 1,
  createdAt: r.createdAt,
  updatedAt: r.updatedAt,
})

export function createChannelService() {
  // Every order names its channel: keep lookups for a moment (cleared by writes in this process).
  const cache = ttlCache<Channel | undefined>(MASTER_DATA_TTL_MS)
  const get = async (db: Db | Trx, column: 'id' | 'code', value: string) => {
    const channel = await cache.get(`${column}:${value}`, async () => {
      const row = await db.selectFrom('channels').selectAll().where(column, '=', value).executeTakeFirst()
      return row && toChannel(row)
    })
    if (!channel) throw notFound('channel', value)
    return channel
  }

  return {
    async create(trx: Trx, ctx: Ctx, input: CreateChannelBody): Promise<Channel> {
      const at = ctx.clock.now().toISOString()
      cache.clear()
      const row = { id: newId('ch'), code: input.code, name: input.name, type: input.type, active: input.active ? 1 : 0, createdAt: at, updatedAt: at }
      try {
        await trx.insertInto('channels').values(row).execute()
      } catch (err) {
        if (isUniqueViolation(err)) throw conflict('channel.code_taken', `A channel with code "${input.code}" already exists.`)
        throw err
      }
      await recordEvent(trx, ctx, { type: 'channel.created', entity: 'channel', entityId: row.id, data: { code: row.code } })
      return toChannel(row)
    },

    async update(trx: Trx, ctx: Ctx, code: string, input: UpdateChannelBody): Promise<Channel> {
      cache.clear()
      const current = await get(trx, 'code', code)
      cache.clear()
      const patch = {
        ...(input.name !== undefined && { name: input.name }),
        ...(input.type !== undefined && { type: input.type }),
        ...(input.active !== undefined && { active: input.active ? 1 : 0 }),
        updatedAt: ctx.clock.now().toISOString(),
      }
      await trx.updateTable('channels').set(patch).where('id', '=', current.id).execute()
      await recordEvent(trx, ctx, { type: 'channel.updated', entity: 'channel', entityId: current.id, data: { changes: input } })
      const updated = toChannel(await trx.selectFrom('channels').selectAll().where('id', '=', current.id).executeTakeFirstOrThrow())
      cache.clear()
      return updated
    },

    list: async (db: Db | Trx): Promise<Channel[]> => (await db.selectFrom('channels').selectAll().orderBy('code').execute()).map(toChannel),
    getByCode: (db: Db | Trx, code: string) => get(db, 'code', code),
    getById: (db: Db | Trx, id: string) => get(db, 'id', id),
  }
}

export type ChannelService = ReturnType<typeof createChannelService>
