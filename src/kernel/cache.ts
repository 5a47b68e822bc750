/**
 * A small per-process cache for master data read on every order (channels, locations, products).
 * Writes in this process clear it at once; other processes see a change within `ttlMs`. After a
 * clear it keeps nothing for `ttlMs`: a value read inside a transaction that then rolls back (a
 * record created and used in one group-commit batch) is never kept.
 */
export function ttlCache<V>(ttlMs: number, now: () => number = Date.now, maxEntries = 10_000) {
  const entries = new Map<string, { value: V; until: number }>()
  let quietUntil = 0
  const fresh = (key: string) => {
    const hit = entries.get(key)
    return hit && hit.until > now() ? hit : undefined
  }
  const keep = (key: string, value: V) => {
    const t = now()
    if (t < quietUntil) return
    if (entries.size >= maxEntries) entries.clear()
    entries.set(key, { value, until: t + ttlMs })
  }
  return {
    async get(key: string, load: () => Promise<V>): Promise<V> {
      const hit = fresh(key)
      if (hit) return hit.value
      const value = await load()
      keep(key, value)
      return value
    },
    /** The value kept for `key`, if any (for callers that load many keys in one query). */
    peek: (key: string): V | undefined => fresh(key)?.value,
    keep,
    clear: () => {
      entries.clear()
      quietUntil = now() + ttlMs
    },
  }
}

/** How long a process may keep master data another process changed (README: Configuration). */
export const MASTER_DATA_TTL_MS = 2_000
