import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import type { Db } from '../../db/connection.js'
import type { Clock } from '../../kernel/clock.js'
import type { ShippingService } from './service.js'

export const shippingRoutes =
  (_d: { db: Db; clock: Clock; shipping: ShippingService }): FastifyPluginAsyncZod =>
  async () => {}
