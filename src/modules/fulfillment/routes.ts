import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import type { Db } from '../../db/connection.js'
import type { Clock } from '../../kernel/clock.js'
import type { FulfillmentService } from './service.js'

export const fulfillmentRoutes =
  (_d: { db: Db; clock: Clock; fulfillment: FulfillmentService }): FastifyPluginAsyncZod =>
  async () => {}
