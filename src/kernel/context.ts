import type { Clock } from './clock.js'
import type { Role } from './auth.js'

/** Who is acting. `channelId` is set for channel-bound keys, which see only their channel's orders. */
export interface Actor {
  kind: 'api_key' | 'user' | 'system'
  id: string
  name: string
  role: Role
  channelId?: string | null
}

/** What every service method gets beside the transaction: the actor, the clock and the request id. */
export interface Ctx {
  actor: Actor
  clock: Clock
  requestId?: string
}

export const systemActor: Actor = { kind: 'system', id: 'system', name: 'system', role: 'admin' }

/** How an actor is written into history rows: `api_key:web-shop`, `user:anna@example.com`, or a system actor's own name (`system`, `cli`, `customer:anna@example.com`). */
export const actorLabel = (a: Actor) => (a.kind === 'system' ? a.name : `${a.kind}:${a.name}`)
