/** An RFC 9457 problem+json answer, as the Ordo API sends it. */
export interface Problem {
  type?: string
  title?: string
  status: number
  code: string
  detail: string
  errors?: { path: string; message: string; code?: string }[]
  requestId?: string
}

/** Thrown by the API client for every answer that is not 2xx. */
export class ApiError extends Error {
  constructor(readonly problem: Problem) {
    super(problem.detail)
    this.name = 'ApiError'
  }
  get status() {
    return this.problem.status
  }
  get code() {
    return this.problem.code
  }
}

/** The problem behind a failed query or mutation, or null (no error, or not the API's). */
export const problemOf = (error: unknown): Problem | null => (error instanceof ApiError ? error.problem : null)

/** Reads any error body into a Problem, also when a proxy answered with HTML or nothing. */
export function toProblem(status: number, body: unknown, requestId?: string | null): Problem {
  const b = (body && typeof body === 'object' ? body : {}) as Partial<Problem>
  return {
    ...b,
    status: typeof b.status === 'number' ? b.status : status,
    code: typeof b.code === 'string' ? b.code : status === 0 ? 'network' : `http.${status}`,
    detail: typeof b.detail === 'string' ? b.detail : status === 0 ? 'The server cannot be reached.' : `The server answered ${status}.`,
    errors: Array.isArray(b.errors) ? b.errors : undefined,
    requestId: b.requestId ?? requestId ?? undefined,
  }
}

/**
 * Splits a problem's field errors into those a form shows beside its fields and the rest, which
 * it shows above them. `prefix` strips the part of the path the form does not name (an address
 * form for `shippingAddress.*` knows its fields as `city`, `postalCode`). Several messages for
 * one field are joined.
 */
export function fieldErrors(problem: Problem | null | undefined, fields: readonly string[], prefix = ''): { byField: Record<string, string>; other: string[] } {
  const byField: Record<string, string> = {}
  const other: string[] = []
  for (const e of problem?.errors ?? []) {
    const path = prefix && e.path.startsWith(prefix) ? e.path.slice(prefix.length) : e.path
    const field = fields.find((f) => path === f || path.startsWith(`${f}.`))
    if (field && (!prefix || e.path.startsWith(prefix))) byField[field] = byField[field] ? `${byField[field]}; ${e.message}` : e.message
    else other.push(`${e.path}: ${e.message}`)
  }
  return { byField, other }
}

/** One line for a notification: the detail, and the request id support can look up. */
export const problemText = (p: Problem) => (p.requestId ? `${p.detail} (request ${p.requestId})` : p.detail)
