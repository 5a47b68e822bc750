import type { Clock } from './kernel/clock.js'
import { createAuthService } from './modules/auth/index.js'
import { createChannelService } from './modules/channels/index.js'

/** The composition root: plain services built from factories, dependencies passed by hand. */
export function createServices(d: { clock: Clock; apiKeyCacheSeconds: number }) {
  const channels = createChannelService()
  const auth = createAuthService({ channels, cacheSeconds: d.apiKeyCacheSeconds })
  return { clock: d.clock, channels, auth }
}

export type Services = ReturnType<typeof createServices>
