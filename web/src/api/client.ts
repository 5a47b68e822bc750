import { ApiError, toProblem } from '../lib/problem'

/**
 * The console's only way to the server: the public /v1 API with the session cookie, like any
 * integration. Writes carry the session's CSRF token; every failure is an ApiError with the
 * server's problem+json.
 */
let csrfToken: string | null = null
export const setCsrfToken = (token: string | null) => {
  csrfToken = token
}

/** Called when the server says the session is gone (401), so the app can show the sign-in page. */
let onSignedOut: () => void = () => {}
export const whenSignedOut = (fn: () => void) => {
  onSignedOut = fn
}

export interface RequestOptions {
  body?: unknown
  headers?: Record<string, string>
  signal?: AbortSignal
}

export async function request<T>(method: string, path: string, opts: RequestOptions = {}): Promise<{ body: T; etag: string | null }> {
  const headers: Record<string, string> = { accept: 'application/json', ...opts.headers }
  if (opts.body !== undefined) headers['content-type'] = 'application/json'
  if (method !== 'GET' && method !== 'HEAD' && csrfToken) headers['x-csrf-token'] = csrfToken
  let res: Response
  try {
    res = await fetch(path, { method, headers, body: opts.body === undefined ? undefined : JSON.stringify(opts.body), credentials: 'same-origin', signal: opts.signal })
  } catch (err) {
    if ((err as Error).name === 'AbortError') throw err
    throw new ApiError(toProblem(0, null))
  }
  const text = await res.text()
  let body: unknown = null
  try {
    body = text ? JSON.parse(text) : null
  } catch {
    body = text
  }
  if (!res.ok) {
    const problem = toProblem(res.status, body, res.headers.get('x-request-id'))
    if (res.status === 401 && path !== '/v1/session') onSignedOut()
    throw new ApiError(problem)
  }
  return { body: body as T, etag: res.headers.get('etag') }
}

export const api = {
  get: async <T>(path: string, signal?: AbortSignal) => (await request<T>('GET', path, { signal })).body,
  post: async <T>(path: string, body?: unknown, headers?: Record<string, string>) => (await request<T>('POST', path, { body: body ?? {}, headers })).body,
  put: async <T>(path: string, body: unknown, headers?: Record<string, string>) => (await request<T>('PUT', path, { body, headers })).body,
  patch: async <T>(path: string, body: unknown, headers?: Record<string, string>) => (await request<T>('PATCH', path, { body, headers })).body,
  delete: async <T>(path: string) => (await request<T>('DELETE', path)).body,
}

/** Pages through a list endpoint (`{data, nextCursor}`) until the end or `max` rows. */
export async function fetchAll<T>(path: string, opts: { max?: number; limit?: number; signal?: AbortSignal } = {}): Promise<{ rows: T[]; complete: boolean }> {
  const max = opts.max ?? 5000
  const rows: T[] = []
  let cursor: string | null = null
  do {
    const sep = path.includes('?') ? '&' : '?'
    const page: { data: T[]; nextCursor: string | null } = await api.get(`${path}${sep}limit=${opts.limit ?? 200}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`, opts.signal)
    rows.push(...page.data)
    cursor = page.nextCursor
  } while (cursor && rows.length < max)
  return { rows, complete: !cursor }
}
