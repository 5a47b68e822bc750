import { mkdtempSync } from 'node:fs'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildApp } from '../../app.js'
import { connect, type Connection } from '../../db/connection.js'
import { startWorkers, type Workers } from '../../workers.js'
import { createTestApp, DIALECTS, type TestApp } from '../../../test/helpers.js'
import { orderBody, seedBasics, stock } from '../../../test/fixtures.js'
import type { WebhookEnvelope } from './envelope.js'
import { verify } from './signature.js'

type Clock = TestApp['clock']

/**
 * A real webhook receiver on a random port: it checks each signature with the endpoint's
 * secret(s), and keeps every message once (by webhook-id) in the order it first arrived.
 */
function receiver(clock: Clock) {
  const rx = {
    secrets: [] as string[],
    /** The status to answer a message with (default 200). */
    respond: (_e: WebhookEnvelope): number => 200,
    /** Hold the answer this long (ms), to provoke a timeout. */
    stall: 0,
    requests: 0,
    badSignatures: 0,
    received: new Map<string, WebhookEnvelope>(),
    arrivals: [] as WebhookEnvelope[],
    headers: [] as http.IncomingHttpHeaders[],
    port: 0,
    server: undefined as http.Server | undefined,
    async start(port = 0) {
      const server = http.createServer((req, res) => {
        const chunks: Buffer[] = []
        req.on('data', (c: Buffer) => chunks.push(c))
        req.on('end', () => {
          rx.requests++
          const body = Buffer.concat(chunks).toString('utf8')
          rx.headers.push(req.headers)
          if (!rx.secrets.some((s) => verify(s, req.headers, body, clock.now()))) {
            rx.badSignatures++
            res.writeHead(401).end()
            return
          }
          const envelope = JSON.parse(body) as WebhookEnvelope
          const status = rx.respond(envelope)
          const answer = () => res.writeHead(status, { 'content-type': 'text/plain' }).end(status < 300 ? 'ok' : 'not now')
          if (status >= 200 && status < 300 && !rx.received.has(envelope.id)) {
            rx.received.set(envelope.id, envelope)
            rx.arrivals.push(envelope)
          }
          if (rx.stall) setTimeout(answer, rx.stall)
          else answer()
        })
      })
      await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve))
      rx.server = server
      rx.port = (server.address() as AddressInfo).port
      return rx.port
    },
    async stop() {
      const server = rx.server
      rx.server = undefined
      if (!server) return
      server.closeAllConnections()
      await new Promise((resolve) => server.close(resolve))
    },
    /** Event ids per entity, in the order they arrived. */
    perEntity() {
      const m = new Map<string, string[]>()
      for (const e of rx.arrivals) m.set(e.data.entityId, [...(m.get(e.data.entityId) ?? []), e.id])
      return m
    },
  }
  return rx
}

async function until(what: string, done: () => boolean | Promise<boolean>, timeoutMs = 15_000) {
  const end = Date.now() + timeoutMs
  while (!(await done())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 20))
  }
}

const quietLog = (errors: unknown[] = []) => ({ info() {}, error: (obj: object, msg: string) => void errors.push({ ...obj, msg }) })

const retry = { schedule: [1000, 2000, 4000], windowMs: 60_000 }

function workersFor(t: { conn: Connection; app: TestApp['app']; clock: Clock }, opts: { autoStart?: boolean; timeoutMs?: number; errors?: unknown[] } = {}): Workers {
  return startWorkers({
    conn: t.conn,
    services: t.app.services,
    clock: t.clock,
    log: quietLog(opts.errors),
    webhooks: { allowPrivate: true, timeoutMs: opts.timeoutMs ?? 5000, retry, random: () => 0.5 },
    notifications: { smtpUrl: null, mailFrom: 'Shop <shop@example.com>', outboxDir: mkdtempSync(join(process.cwd(), '.tmp', 'outbox-')) },
    autoStart: opts.autoStart ?? false,
    pollMs: 10,
  })
}

/** The same database through a new connection, as a restarted process would open it. */
async function reopen(conn: Connection, dialect: string): Promise<Connection> {
  if (dialect === 'sqlite') return connect({ dialect: 'sqlite', file: conn.sqlite!.name })
  const { rows } = await sql<{ schema: string }>`select current_schema() as schema`.execute(conn.db)
  return connect({ dialect: 'postgres', url: process.env.ORDO_TEST_DATABASE_URL!, schema: rows[0].schema, poolSize: 5 })
}

describe.each(DIALECTS)('webhook delivery on %s', (dialect) => {
  let t: TestApp
  const cleanup: (() => Promise<unknown>)[] = []
  const placeOrder = async (over: Record<string, unknown> = {}) => {
    const r = await t.call('POST', '/v1/orders', { body: orderBody(over) })
    expect(r.statusCode).toBe(201)
    return r.json() as { id: string; number: string }
  }
  const endpoint = async (url: string, eventTypes: string[]) => {
    const r = await t.call('POST', '/v1/webhook-endpoints', { body: { url, eventTypes } })
    expect(r.statusCode).toBe(201)
    return r.json() as { id: string; secret: string }
  }
  const deliveries = async (endpointId: string, query = '') => (await t.call('GET', `/v1/webhook-endpoints/${endpointId}/deliveries?limit=500${query}`)).json().data as any[]

  beforeAll(async () => {
    t = await createTestApp(dialect)
    await seedBasics(t)
    await stock(t, 'TEE-BLK-M', 'BER', 500)
  })
  afterAll(async () => {
    for (const c of cleanup.reverse()) await c()
    await t.close()
  })

  it('holds back the later events of an order whose earlier event keeps failing, while other orders go on', async () => {
    const rx = receiver(t.clock)
    cleanup.push(() => rx.stop())
    const port = await rx.start()
    const { id: endpointId, secret } = await endpoint(`http://127.0.0.1:${port}/ordered`, ['order.*'])
    rx.secrets = [secret]
    const workers = workersFor(t)
    cleanup.push(() => workers.stop())

    const stuck = await placeOrder()
    const other = await placeOrder()
    rx.respond = (e) => (e.data.entityId === stuck.id && e.type === 'order.created' ? 503 : 200)
    await workers.tick()
    await t.call('POST', `/v1/orders/${stuck.id}/cancel`, { body: { reason: 'duplicate' } })
    t.clock.advance(5000)
    await workers.tick()

    expect(rx.perEntity().get(stuck.id)).toBeUndefined()
    expect(rx.perEntity().get(other.id)?.length).toBeGreaterThan(0)
    const log = await deliveries(endpointId)
    const created = log.find((d) => d.entityId === stuck.id && d.eventType === 'order.created')
    expect(created).toMatchObject({ status: 'pending', lastResponseStatus: 503, attemptCount: 2 })
    expect(created.attempts.map((a: { responseStatus: number }) => a.responseStatus)).toEqual([503, 503])
    expect(created.attempts[0].responseBody).toBe('not now')
    // Retries back off: the next one is after the 2nd step (2 s, drawn between 1 and 2 s).
    expect(Date.parse(created.nextAttemptAt) - t.clock.now().getTime()).toBe(1500)
    // Nothing later for that order was even tried.
    expect(log.filter((d) => d.entityId === stuck.id && d.eventType !== 'order.created').every((d) => d.attemptCount === 0)).toBe(true)

    rx.respond = () => 200
    t.clock.advance(60_000 - 5000 - 1)
    const events = await t.conn.db.selectFrom('events').select('id').where('entityId', '=', stuck.id).orderBy('seq').execute()
    // A freed queue drains within a few polls (on PostgreSQL a delivery can be claimed a poll after its predecessor landed).
    for (let i = 0; i < 5 && (rx.perEntity().get(stuck.id)?.length ?? 0) < events.length; i++) await workers.tick()
    expect(rx.perEntity().get(stuck.id)).toEqual(events.map((e) => e.id))
  })

  it('dead-letters what still fails after the retry window, and replays dead letters in order', async () => {
    const rx = receiver(t.clock)
    cleanup.push(() => rx.stop())
    const port = await rx.start()
    const { id: endpointId, secret } = await endpoint(`http://127.0.0.1:${port}/dead`, ['order.created', 'order.confirmed'])
    rx.secrets = [secret]
    rx.respond = () => 500
    const workers = workersFor(t)
    cleanup.push(() => workers.stop())
    const order = await placeOrder()
    for (let i = 0; i < 6; i++) {
      await workers.tick()
      t.clock.advance(20_000)
    }
    await workers.tick()
    const dead = await deliveries(endpointId, '&status=dead')
    expect(dead.map((d) => d.eventType).sort()).toEqual(['order.confirmed', 'order.created'])
    const created = dead.find((d) => d.eventType === 'order.created')
    expect(created.deadAt).not.toBeNull()
    expect(created.nextAttemptAt).toBeNull()
    // It was retried until the window (60 s in this test) had passed.
    expect(Date.parse(created.attempts.at(-1).attemptedAt) - Date.parse(created.attempts[0].attemptedAt)).toBeGreaterThanOrEqual(60_000)
    const all = (await t.call('GET', '/v1/webhook-deliveries?status=dead&limit=500')).json().data
    expect(all.map((d: { id: string }) => d.id)).toEqual(expect.arrayContaining(dead.map((d) => d.id)))

    rx.respond = () => 200
    const none = await t.call('POST', `/v1/webhook-endpoints/${endpointId}/replay`, { body: { status: 'dead', to: '2020-01-01T00:00:00Z' } })
    expect(none.json()).toEqual({ replayed: 0 })
    const replay = await t.call('POST', `/v1/webhook-endpoints/${endpointId}/replay`, { body: { status: 'dead' } })
    expect(replay.json()).toEqual({ replayed: 2 })
    await workers.tick()
    expect(rx.arrivals.filter((e) => e.data.entityId === order.id).map((e) => e.type)).toEqual(['order.created', 'order.confirmed'])
    expect((await deliveries(endpointId)).every((d) => d.status === 'delivered')).toBe(true)

    // A single delivery can be sent again by hand too; the receiver sees the same webhook-id.
    const again = await t.call('POST', `/v1/webhook-deliveries/${created.id}/retry`)
    expect(again.json()).toMatchObject({ status: 'pending' })
    const requests = rx.requests
    await workers.tick()
    expect(rx.requests).toBe(requests + 1)
    expect(rx.headers.at(-1)!['webhook-id']).toBe(created.eventId)
    expect((await t.call('GET', `/v1/webhook-deliveries/${created.id}`)).json()).toMatchObject({ status: 'delivered', attemptCount: created.attemptCount + 2 })
  })

  it('pauses an endpoint that answers 410 Gone; its deliveries wait until it is resumed', async () => {
    const rx = receiver(t.clock)
    cleanup.push(() => rx.stop())
    const port = await rx.start()
    const { id: endpointId, secret } = await endpoint(`http://127.0.0.1:${port}/gone`, ['order.created'])
    rx.secrets = [secret]
    rx.respond = () => 410
    const workers = workersFor(t)
    cleanup.push(() => workers.stop())
    await placeOrder()
    await workers.tick()
    const ep = (await t.call('GET', `/v1/webhook-endpoints/${endpointId}`)).json()
    expect(ep).toMatchObject({ active: false, disabledReason: expect.stringMatching(/410 Gone/) })
    expect((await deliveries(endpointId))[0]).toMatchObject({ status: 'dead', lastResponseStatus: 410 })

    rx.respond = () => 200
    await placeOrder()
    const requests = rx.requests
    await workers.tick()
    expect(rx.requests).toBe(requests)
    expect((await t.call('PATCH', `/v1/webhook-endpoints/${endpointId}`, { body: { active: true } })).json()).toMatchObject({ active: true, disabledReason: null })
    await workers.tick()
    expect(rx.requests).toBe(requests + 1)
  })

  it('sends a signed test event on demand, signed with both secrets while a rotated one is kept', async () => {
    const rx = receiver(t.clock)
    cleanup.push(() => rx.stop())
    const port = await rx.start()
    const { id, secret } = await endpoint(`http://127.0.0.1:${port}/test`, ['order.shipped'])
    rx.secrets = [secret]
    const r = await t.call('POST', `/v1/webhook-endpoints/${id}/test`)
    expect(r.statusCode).toBe(200)
    expect(r.json()).toMatchObject({ eventType: 'webhook.test', status: 'delivered', attemptCount: 1, attempts: [{ responseStatus: 200, error: null }] })
    expect(rx.arrivals.at(-1)).toMatchObject({ type: 'webhook.test', version: 1, data: { entity: 'webhook_endpoint', entityId: id } })
    expect(rx.headers.at(-1)).toMatchObject({ 'content-type': 'application/json', 'webhook-id': r.json().eventId, 'webhook-timestamp': String(Math.floor(t.clock.now().getTime() / 1000)) })

    const rotated = (await t.call('POST', `/v1/webhook-endpoints/${id}/rotate-secret`, { body: {} })).json()
    await t.call('POST', `/v1/webhook-endpoints/${id}/test`)
    const sigs = String(rx.headers.at(-1)!['webhook-signature']).split(' ')
    expect(sigs).toHaveLength(2)
    rx.secrets = [rotated.secret]
    await t.call('POST', `/v1/webhook-endpoints/${id}/test`)
    rx.secrets = [secret]
    await t.call('POST', `/v1/webhook-endpoints/${id}/test`)
    expect(rx.badSignatures).toBe(0)
    await t.call('POST', `/v1/webhook-endpoints/${id}/rotate-secret`, { body: { keepPreviousForSeconds: 0 } })
    const refused = await t.call('POST', `/v1/webhook-endpoints/${id}/test`)
    expect(refused.json()).toMatchObject({ status: 'pending', lastResponseStatus: 401 })
    expect(rx.badSignatures).toBe(1)
  })

  it('gives up on an answer that does not come within the timeout', async () => {
    const rx = receiver(t.clock)
    cleanup.push(() => rx.stop())
    const port = await rx.start()
    const { id, secret } = await endpoint(`http://127.0.0.1:${port}/slow`, ['order.created'])
    rx.secrets = [secret]
    rx.stall = 2000
    const workers = workersFor(t, { timeoutMs: 200 })
    cleanup.push(() => workers.stop())
    await placeOrder()
    await workers.tick()
    const [d] = await deliveries(id)
    expect(d).toMatchObject({ status: 'pending', lastResponseStatus: null, lastError: 'no answer within 200 ms' })
    expect(d.attempts[0].durationMs).toBeGreaterThanOrEqual(190)
    expect(d.attempts[0].durationMs).toBeLessThan(1500)
    rx.stall = 0
  })

  it('two processes dispatching from one database deliver each event once, in order', async () => {
    const rx = receiver(t.clock)
    cleanup.push(() => rx.stop())
    const port = await rx.start()
    const { secret } = await endpoint(`http://127.0.0.1:${port}/pair`, ['order.*'])
    rx.secrets = [secret]
    const conn = await reopen(t.conn, dialect)
    const app = await buildApp({ conn, clock: t.clock, logger: false })
    cleanup.push(() => conn.close(), () => app.close())
    const a = workersFor(t)
    const b = workersFor({ conn, app, clock: t.clock })
    cleanup.push(() => a.stop(), () => b.stop())
    const orders = await Promise.all(Array.from({ length: 8 }, () => placeOrder()))
    const requestsBefore = rx.requests
    const receivedBefore = rx.received.size
    await Promise.all([a.tick(), b.tick(), a.tick(), b.tick()])
    await Promise.all([a.tick(), b.tick()])
    const events = await t.conn.db.selectFrom('events').select(['id', 'entityId']).where('entityId', 'in', orders.map((o) => o.id)).orderBy('seq').execute()
    expect(rx.received.size - receivedBefore).toBe(events.length)
    expect(rx.requests - requestsBefore).toBe(events.length)
    for (const o of orders) expect(rx.perEntity().get(o.id)).toEqual(events.filter((e) => e.entityId === o.id).map((e) => e.id))
  })
})

describe.each(DIALECTS)('webhooks across a restart on %s', (dialect) => {
  let t: TestApp
  const cleanup: (() => Promise<unknown>)[] = []
  const placeOrder = async () => {
    const r = await t.call('POST', '/v1/orders', { body: orderBody() })
    expect(r.statusCode).toBe(201)
    return r.json() as { id: string; number: string }
  }
  const deliveries = async (endpointId: string, query = '') => (await t.call('GET', `/v1/webhook-endpoints/${endpointId}/deliveries?limit=500${query}`)).json().data as any[]

  beforeAll(async () => {
    t = await createTestApp(dialect)
    await seedBasics(t)
    await stock(t, 'TEE-BLK-M', 'BER', 500)
  })
  afterAll(async () => {
    for (const c of cleanup.reverse()) await c()
    await t.close()
  })

  it('delivers every order event once, in order per order, across a receiver outage and a restart of Ordo', async () => {
    const rx = receiver(t.clock)
    cleanup.push(() => rx.stop())
    const port = await rx.start()
    const { id: endpointId, secret } = (await t.call('POST', '/v1/webhook-endpoints', { body: { url: `http://127.0.0.1:${port}/hooks`, eventTypes: ['order.*'] } })).json()
    rx.secrets = [secret]
    const errors: unknown[] = []
    const first = workersFor(t, { errors })

    const before = [await placeOrder(), await placeOrder()]
    await first.tick()
    expect(rx.arrivals.filter((e) => e.type === 'order.created').map((e) => e.data.payload.number).sort()).toEqual(before.map((o) => o.number).sort())

    // The receiver goes down; orders keep coming and one is cancelled.
    await rx.stop()
    const during = [await placeOrder(), await placeOrder(), await placeOrder()]
    const cancel = await t.call('POST', `/v1/orders/${before[0].id}/cancel`, { body: { reason: 'customer changed their mind' } })
    expect(cancel.statusCode).toBe(200)
    await first.tick()
    const waiting = await deliveries(endpointId, '&status=pending')
    expect(waiting.length).toBeGreaterThan(0)
    expect(waiting[0].lastError).toMatch(/ECONNREFUSED/)
    expect(waiting[0].attempts[0]).toMatchObject({ responseStatus: null, error: expect.stringMatching(/ECONNREFUSED/) })
    // More orders arrive that the dispatcher has not even seen when Ordo stops.
    const unseen = [await placeOrder(), await placeOrder()]

    // Ordo stops (HTTP and workers), then starts again on the same database.
    await first.stop()
    await t.app.close()
    const conn = await reopen(t.conn, dialect)
    const app = await buildApp({ conn, clock: t.clock, logger: false })
    await app.ready()
    cleanup.push(() => conn.close(), () => app.close())
    const second = workersFor({ conn, app, clock: t.clock }, { autoStart: true, errors })
    cleanup.push(() => second.stop())
    const log = async () => (await app.inject({ method: 'GET', url: `/v1/webhook-endpoints/${endpointId}/deliveries?limit=500`, headers: { authorization: `Bearer ${t.key}` } })).json().data as any[]

    // The receiver comes back on the same port; the retries come due.
    await rx.start(port)
    t.clock.advance(10 * 60_000)
    const expected = await conn.db.selectFrom('events').select('id').where('type', 'like', 'order.%').execute()
    await until('every order event to arrive', () => rx.received.size >= expected.length)
    // Now every event has its seq (PostgreSQL stamps them after commit): the order to expect per order.
    const inOrder = await conn.db.selectFrom('events').select(['id', 'entityId']).where('type', 'like', 'order.%').orderBy('seq').execute()

    expect([...rx.received.keys()].sort()).toEqual(expected.map((e) => e.id).sort())
    for (const o of [...before, ...during, ...unseen]) {
      expect(rx.perEntity().get(o.id), o.number).toEqual(inOrder.filter((e) => e.entityId === o.id).map((e) => e.id))
    }
    expect(rx.arrivals.find((e) => e.type === 'order.cancelled')).toMatchObject({ data: { entityId: before[0].id, from: 'confirmed', to: 'cancelled', reason: 'customer changed their mind' } })
    expect(rx.badSignatures).toBe(0)
    await until('the log to show every delivery delivered', async () => (await log()).every((d) => d.status === 'delivered'))
    expect((await log()).length).toBe(expected.length)
    expect(errors).toEqual([])
  })

})
