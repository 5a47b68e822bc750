import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { FastifyInstance } from 'fastify'
import { buildApp } from '../src/app.js'
import { freshConnection } from './helpers.js'

describe('the console served by ordo serve', () => {
  let app: FastifyInstance
  let drop: () => Promise<void>
  const html = { accept: 'text/html,application/xhtml+xml,*/*;q=0.8' }

  beforeAll(async () => {
    // A stand-in for web/dist, so the test does not depend on a build.
    const dir = mkdtempSync(join(process.cwd(), '.tmp', 'console-'))
    mkdirSync(join(dir, 'assets'))
    writeFileSync(join(dir, 'index.html'), '<!doctype html><div id="root"></div><script src="/assets/app-1a2b.js"></script>')
    writeFileSync(join(dir, 'assets', 'app-1a2b.js'), 'console.log("ordo")')
    const conn = await freshConnection('sqlite')
    drop = conn.drop
    app = await buildApp({ conn, logger: false, consoleDir: dir })
  })
  afterAll(async () => {
    await app.close()
    await drop()
  })

  it('serves the page at / and at every client route, never cached', async () => {
    for (const url of ['/', '/orders/SO-10042', '/inventory/ledger?sku=AP-TEE', '/sign-in?next=%2Forders']) {
      const r = await app.inject({ url, headers: html })
      expect(r.statusCode, url).toBe(200)
      expect(r.headers['content-type']).toContain('text/html')
      expect(r.body).toContain('<div id="root">')
      expect(r.headers['cache-control']).toBe('no-cache')
      expect(r.headers['content-security-policy']).toContain("default-src 'self'")
    }
  })

  it('serves hashed assets for a year, and a missing asset is a 404', async () => {
    const js = await app.inject({ url: '/assets/app-1a2b.js' })
    expect(js.statusCode).toBe(200)
    expect(js.headers['cache-control']).toContain('immutable')
    expect((await app.inject({ url: '/assets/gone-9z.js', headers: html })).statusCode).toBe(404)
  })

  it('keeps the API and its docs out of the fallback: unknown API paths stay problem+json 404s', async () => {
    for (const url of ['/v1/nope', '/v1', '/health/x', '/openapi.json/x', '/ready/x']) {
      const r = await app.inject({ url, headers: html })
      expect(r.statusCode, url).toBe(404)
      expect(r.headers['content-type']).toContain('application/problem+json')
    }
    expect((await app.inject({ url: '/health' })).json()).toMatchObject({ status: 'ok' })
    expect((await app.inject({ url: '/v1/orders', headers: html })).statusCode).toBe(401)
    expect((await app.inject({ url: '/docs/', headers: html })).body).toContain('swagger')
    // A script or a POST never gets the page.
    expect((await app.inject({ url: '/orders' })).statusCode).toBe(404)
    expect((await app.inject({ method: 'POST', url: '/orders', headers: html })).statusCode).toBe(404)
  })
})
