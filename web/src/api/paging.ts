import { keepPreviousData, useQuery } from '@tanstack/react-query'
import { useState } from 'react'
import { withParams } from '../lib/filters'
import { api } from './client'
import type { Page } from './types'

/**
 * One page of a cursor-paged list (`{data, nextCursor}`) and the cursors walked to reach it. Another
 * `path` (other filters) starts again at the first page. Spread `pager` into <CursorPager>; the
 * query key starts with `key`, so invalidating `key` reloads every page of it.
 */
export function useCursorPage<T, P extends Page<T> = Page<T>>(key: readonly unknown[], path: string, opts: { limit?: number; enabled?: boolean } = {}) {
  const [walk, setWalk] = useState<{ path: string; cursors: string[] }>({ path, cursors: [] })
  const cursors = walk.path === path ? walk.cursors : []
  const cursor = cursors.at(-1) ?? null
  const query = useQuery({
    queryKey: [...key, path, cursor],
    queryFn: ({ signal }) => api.get<P>(withParams(path, { limit: String(opts.limit ?? 50), cursor }), signal),
    placeholderData: keepPreviousData,
    enabled: opts.enabled,
  })
  const pager = {
    cursors,
    nextCursor: query.data?.nextCursor,
    onChange: (next: string[]) => setWalk({ path, cursors: next }),
    count: query.data?.data.length ?? 0,
    loading: query.isFetching,
  }
  return { query, pager }
}
