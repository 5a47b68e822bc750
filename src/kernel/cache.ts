/**
 * A small per-process cache for master data read on every order (channels, locations). Writes in
 * this process clear it at once; other processes see a change within `ttlMs`.
 */
export function ttlCache<V>(ttlMs: number, now: () => number = Date.now) {
  const entries = new Map<string, { value: V; until: number }>()
  return {
    async get(key: string, load: () => Promise<V>): Promise<V> {
      const hit = entries.get(key)
      const t = now()
      if (hit && hit.until > t) return hit.value
      const value = await load()
      if (entries.size > 10_000) entries.clear()
      entries.set(key, { value, until: t + ttlMs })
      return value
    },
    clear: () => entries.clear(),
  }
}

/** How long a process may keep master data another process changed (README: Configuration). */
export const MASTER_DATA_TTL_MS = 2_000
