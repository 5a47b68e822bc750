import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import type { Db } from '../../db/connection.js'
import type { Clock } from '../../kernel/clock.js'
import type { RoutingService } from './service.js'

export const routingRoutes =
  (_d: { db: Db; clock: Clock; routing: RoutingService }): FastifyPluginAsyncZod =>
  async () => {}
