import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { postWebhook } from './send.js'

describe('posting a webhook', () => {
  let server: http.Server
  let port = 0
  const hits: string[] = []
  beforeAll(async () => {
    server = http.createServer((req, res) => {
      hits.push(req.url!)
      req.resume()
      if (req.url === '/moved') return res.writeHead(301, { location: '/ok' }).end()
      if (req.url === '/busy') return res.writeHead(503, { 'retry-after': '120' }).end('busy')
      if (req.url === '/chatty') return res.writeHead(200).end('x'.repeat(5000))
      res.writeHead(204).end()
    })
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
    port = (server.address() as AddressInfo).port
  })
  afterAll(() => new Promise((r) => server.close(r)))

  const post = (path: string, host = '127.0.0.1', allowPrivate = true) => postWebhook(`http://${host}:${port}${path}`, { 'content-type': 'application/json' }, '{}', { timeoutMs: 2000, allowPrivate })

  it('takes a 2xx as delivered and keeps the first KiB of the answer', async () => {
    expect(await post('/ok')).toMatchObject({ status: 204, error: null, body: null })
    const chatty = await post('/chatty')
    expect(chatty.body).toHaveLength(1024)
  })

  it('does not follow redirects, and reads Retry-After', async () => {
    expect(await post('/moved')).toMatchObject({ status: 301, error: 'HTTP 301' })
    expect(hits.filter((h) => h === '/ok')).toHaveLength(1)
    expect(await post('/busy')).toMatchObject({ status: 503, error: 'HTTP 503', body: 'busy', retryAfterMs: 120_000 })
  })

  it('never connects to a private address unless allowed, whether written as an address or a name that resolves to one', async () => {
    const before = hits.length
    expect(await post('/ok', '127.0.0.1', false)).toMatchObject({ status: null, error: '127.0.0.1 is a private address' })
    expect(await post('/ok', 'localhost', false)).toMatchObject({ status: null, error: expect.stringMatching(/localhost resolves to a private address/) })
    expect(hits.length).toBe(before)
  })
})
