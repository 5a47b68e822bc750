import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildApp } from '../src/app.js'
import { freshConnection } from './helpers.js'
import type { FastifyInstance } from 'fastify'
import type { Connection } from '../src/db/connection.js'

describe('HTTP edges', () => {
  let app: FastifyInstance
  let conn: Connection & { drop(): Promise<void> }
  beforeAll(async () => {
    conn = await freshConnection('sqlite')
    app = await buildApp({ conn, logger: false, rateLimitPerMinute: 3 })
  })
  afterAll(async () => {
    await app.close()
    await conn.drop()
  })

  it('answers with the request id it was given, or a new one', async () => {
    const given = await app.inject({ url: '/health', headers: { 'x-request-id': 'trace-123' } })
    expect(given.headers['x-request-id']).toBe('trace-123')
    const fresh = await app.inject({ url: '/health' })
    expect(fresh.headers['x-request-id']).toMatch(/^req_/)
  })

  it('rate-limits per key with 429 problem+json and Retry-After', async () => {
    const hit = () => app.inject({ url: '/v1/orders', headers: { authorization: 'Bearer ordo_x' } })
    for (let i = 0; i < 3; i++) expect((await hit()).statusCode).toBe(401)
    const limited = await hit()
    expect(limited.statusCode).toBe(429)
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0)
    expect(limited.json()).toMatchObject({ status: 429, code: 'request.rate_limited' })
  })
})
