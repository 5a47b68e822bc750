import type { FastifyReply, FastifyRequest } from 'fastify'
import type { Clock } from './clock.js'
import type { Actor, Ctx } from './context.js'
import { AppError } from './errors.js'

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by the auth hook on every `/v1` request. */
    actor: Actor
  }
}

/** The service context of a request: who acts, the clock, the request id for the logs. */
export const ctxOf = (req: FastifyRequest, clock: Clock): Ctx => ({ actor: req.actor, clock, requestId: req.id })

export const etagOf = (version: number) => `"${version}"`

/**
 * The version an edit must match. `If-Match` carries the ETag the client last read; a stale one
 * is 412. Edits without it are refused with 428, so nobody overwrites a change they never saw.
 */
export function requireIfMatch(req: FastifyRequest): number {
  const header = req.headers['if-match']
  if (!header) {
    throw new AppError(428, 'request.if_match_required', 'Send the If-Match header with the ETag of the version you are editing.', [
      { path: 'If-Match', message: 'required' },
    ])
  }
  const m = /^(?:W\/)?"?(\d+)"?$/.exec(String(header).trim())
  if (!m) throw new AppError(400, 'request.invalid_if_match', 'If-Match must be an ETag this API returned, e.g. "3".', [{ path: 'If-Match', message: 'not an ETag' }])
  return Number(m[1])
}

/** If-Match when the client sent one (master-data edits accept blind writes too). */
export const optionalIfMatch = (req: FastifyRequest): number | undefined => (req.headers['if-match'] === undefined ? undefined : requireIfMatch(req))

export const versionMismatch = (current: number) =>
  new AppError(412, 'request.version_mismatch', `The resource changed since you read it (now at version ${current}); read it again and retry.`, undefined, {
    ETag: etagOf(current),
  })

export function sendCreated(reply: FastifyReply, body: unknown, location: string, replayed: boolean) {
  return reply.code(replayed ? 200 : 201).header('Location', location).send(body)
}

export const idempotencyKeyOf = (req: FastifyRequest): string | undefined => {
  const key = req.headers['idempotency-key']
  if (key === undefined) return undefined
  const value = String(key).trim()
  if (!value || value.length > 255) {
    throw new AppError(400, 'request.invalid_idempotency_key', 'Idempotency-Key must be 1–255 characters.', [{ path: 'Idempotency-Key', message: '1–255 characters' }])
  }
  return value
}
