import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { sql } from 'kysely'
import { z } from 'zod'
import type { Connection, Db } from './db/connection.js'
import type { Clock } from './kernel/clock.js'
import { publishedEvent, stampEvents } from './kernel/events.js'
import { decodeCursor, encodeCursor } from './kernel/pagination.js'
import { LIFECYCLES } from './lifecycles.js'

export const eventSchema = z
  .object({
    id: z.string(),
    seq: z.number().int(),
    type: z.string().describe('`<entity>.<past_tense>`, e.g. `order.confirmed`'),
    entity: z.string(),
    entityId: z.string(),
    orderId: z.string().nullable(),
    from: z.string().nullable(),
    to: z.string().nullable(),
    actor: z.string(),
    reason: z.string().nullable(),
    data: z.record(z.string(), z.unknown()).describe('Versioned payload; `v` is its schema version.'),
    requestId: z.string().nullable(),
    occurredAt: z.string(),
  })
  .meta({ id: 'Event' })

/** Health, readiness, the OpenAPI document, lifecycles and the event feed. */
export const systemRoutes =
  (d: { db: Db; clock: Clock; conn: Connection }): FastifyPluginAsyncZod =>
  async (app) => {
    app.get('/health', { schema: { hide: true } }, async () => ({ status: 'ok' }))

    app.get('/ready', { schema: { hide: true } }, async (_req, reply) => {
      try {
        await sql`select 1`.execute(d.db)
        return { status: 'ready', database: d.conn.dialect }
      } catch {
        return reply.code(503).send({ status: 'unavailable', database: d.conn.dialect })
      }
    })

    app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger())

    app.get('/v1/lifecycles', {
      config: { permission: 'catalog:read' },
      schema: { tags: ['system'], summary: 'The state machines of every lifecycle, as data' },
      handler: async () => ({ data: LIFECYCLES.map((m) => m.describe()) }),
    })

    app.get('/v1/events', {
      config: { permission: 'events:read' },
      schema: {
        tags: ['system'],
        summary: 'The event feed, in commit order: poll with ?after=<nextCursor>',
        querystring: z.object({
          after: z.string().max(100).optional().describe('The `nextCursor` of the previous call; omit to start at the beginning.'),
          limit: z.coerce.number().int().min(1).max(1000).default(100),
          type: z.string().max(100).optional().describe('Only events of this type, e.g. order.confirmed'),
          entity: z.string().max(100).optional(),
        }),
        response: { 200: z.object({ data: z.array(eventSchema), nextCursor: z.string().describe('Pass as `after` next time; unchanged when nothing new came.') }) },
      },
      handler: async (req) => {
        const q = req.query
        await stampEvents(d.db, d.conn.dialect)
        const after = q.after ? Number(decodeCursor(q.after)) : 0
        let query = d.db.selectFrom('events').selectAll().where('seq', '>', Number.isFinite(after) ? after : 0).orderBy('seq').limit(q.limit)
        if (q.type) query = query.where('type', '=', q.type)
        if (q.entity) query = query.where('entity', '=', q.entity)
        const rows = await query.execute()
        const last = rows.length ? rows[rows.length - 1].seq! : after
        return {
          data: rows.map(publishedEvent),
          nextCursor: encodeCursor(String(last)),
        }
      },
    })
  }
