import { createHash } from 'node:crypto'
import type { Trx } from '../db/transaction.js'
import { AppError } from './errors.js'

export const hashRequest = (body: unknown) => createHash('sha256').update(JSON.stringify(body ?? null)).digest('base64url')

/**
 * Looks up an `Idempotency-Key` within its scope (the API key that sent it). Returns the id of
 * the resource the first request created, or undefined the first time. The same key with a
 * different body is a client bug and gets a 422 rather than a silent replay.
 */
export async function findIdempotent(trx: Trx, scope: string, key: string, requestHash: string, resourceType: string): Promise<string | undefined> {
  const row = await trx
    .selectFrom('idempotencyKeys')
    .select(['requestHash', 'resourceId', 'resourceType'])
    .where('scope', '=', scope)
    .where('key', '=', key)
    .executeTakeFirst()
  if (!row) return undefined
  if (row.requestHash !== requestHash || row.resourceType !== resourceType) {
    throw new AppError(422, 'request.idempotency_key_reused', 'This Idempotency-Key was already used with a different request body.', [
      { path: 'Idempotency-Key', message: 'already used for a different request' },
    ])
  }
  return row.resourceId
}

export async function saveIdempotent(trx: Trx, scope: string, key: string, requestHash: string, resourceType: string, resourceId: string, at: string): Promise<void> {
  await trx.insertInto('idempotencyKeys').values({ scope, key, requestHash, resourceType, resourceId, createdAt: at }).execute()
}

/** True for a unique-constraint violation on either database: a concurrent twin won the race. */
export function isUniqueViolation(err: unknown): boolean {
  const e = err as { code?: string }
  return e?.code === '23505' || e?.code === 'SQLITE_CONSTRAINT_UNIQUE' || e?.code === 'SQLITE_CONSTRAINT_PRIMARYKEY'
}
