import { mkdtempSync, readdirSync, readFileSync } from 'node:fs'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import { SMTPServer } from 'smtp-server'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { inTransaction } from '../../db/transaction.js'
import { systemActor } from '../../kernel/context.js'
import { recordEvents, type NewEvent } from '../../kernel/events.js'
import { startWorkers, type Workers } from '../../workers.js'
import { createTestApp, DIALECTS, type TestApp } from '../../../test/helpers.js'
import { orderBody, seedBasics, stock } from '../../../test/fixtures.js'

interface Received {
  from: string
  to: string[]
  /** The message as sent, with quoted-printable undone so assertions can read it. */
  text: string
}

/** A real SMTP server on a random port that keeps what it accepts, and can refuse recipients. */
async function smtpServer() {
  const box = {
    messages: [] as Received[],
    refuse: false,
    server: undefined as SMTPServer | undefined,
    port: 0,
    async start() {
      const server = new SMTPServer({
        authOptional: true,
        disabledCommands: ['STARTTLS'],
        logger: false,
        onRcptTo(_address, _session, callback) {
          if (box.refuse) return callback(Object.assign(new Error('Mailbox unavailable: try later'), { responseCode: 450 }))
          callback()
        },
        onData(stream, session, callback) {
          const chunks: Buffer[] = []
          stream.on('data', (c: Buffer) => chunks.push(c))
          stream.on('end', () => {
            const raw = Buffer.concat(chunks).toString('utf8')
            box.messages.push({
              from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
              to: session.envelope.rcptTo.map((r) => r.address),
              text: decodeQuotedPrintable(raw),
            })
            callback()
          })
        },
      })
      await new Promise<void>((resolve) => server.listen(box.port, '127.0.0.1', resolve))
      box.server = server
      box.port = ((server as unknown as { server: { address(): AddressInfo } }).server.address() as AddressInfo).port
    },
    async stop() {
      const s = box.server
      box.server = undefined
      if (s) await new Promise<void>((resolve) => s.close(() => resolve()))
    },
    subjects: () => box.messages.map((m) => /^Subject: (.*)$/m.exec(m.text)?.[1]),
  }
  await box.start()
  return box
}

const decodeQuotedPrintable = (raw: string) =>
  Buffer.from(
    raw.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16))),
    'latin1',
  ).toString('utf8')

const SCHEDULE = [60_000, 120_000]

// Links in e-mails point here (read when the app's services are built).
process.env.ORDO_PUBLIC_URL = 'https://shop.example/'

describe.each(DIALECTS)('customer e-mails on %s', (dialect) => {
  let t: TestApp
  let smtp: Awaited<ReturnType<typeof smtpServer>>
  let workers: Workers
  const errors: unknown[] = []
  const startNotifier = () =>
    startWorkers({
      conn: t.conn,
      services: t.app.services,
      clock: t.clock,
      log: { info() {}, error: (obj, msg) => void errors.push({ ...obj, msg }) },
      webhooks: { allowPrivate: true, timeoutMs: 1000 },
      notifications: { smtpUrl: `smtp://127.0.0.1:${smtp.port}`, mailFrom: 'Example Shop <shop@example.com>', outboxDir: '/nonexistent', retrySchedule: SCHEDULE },
      autoStart: false,
    })
  const placeOrder = async (over: Record<string, unknown> = {}) => {
    const r = await t.call('POST', '/v1/orders', { body: orderBody(over) })
    expect(r.statusCode).toBe(201)
    return r.json()
  }
  const notificationsOf = async (orderId: string, key?: string) => (await t.call('GET', `/v1/orders/${orderId}/notifications`, { key })).json().data as any[]
  /** Events the fulfilment and shipping flows will write; recorded directly until those land. */
  const happen = (events: NewEvent[]) => inTransaction(t.conn.db, (trx) => recordEvents(trx, { actor: systemActor, clock: t.clock }, events))

  beforeAll(async () => {
    t = await createTestApp(dialect)
    await seedBasics(t)
    await stock(t, 'TEE-BLK-M', 'BER', 100)
    await stock(t, 'MUG-WHT', 'BER', 100)
    smtp = await smtpServer()
    workers = startNotifier()
  })
  afterAll(async () => {
    await workers.stop()
    await smtp.stop()
    await t.close()
  })

  it('sends the order confirmation with the lines and totals, and logs it on the order', async () => {
    const order = await placeOrder({ lines: [{ sku: 'TEE-BLK-M', quantity: 2 }, { sku: 'MUG-WHT', quantity: 1 }] })
    await workers.tick()
    expect(smtp.messages).toHaveLength(1)
    const [mail] = smtp.messages
    expect(mail.to).toEqual(['anna@example.com'])
    expect(mail.from).toBe('shop@example.com')
    expect(smtp.subjects()).toEqual([`Order ${order.number} confirmed`])
    expect(mail.text).toContain('2 × T-shirt black M (TEE-BLK-M)  €39.98')
    expect(mail.text).toContain('1 × Mug white (MUG-WHT)  €8.99')
    expect(mail.text).toContain(`Total: €${(order.totals.total / 100).toFixed(2)}`)
    expect(mail.text).toMatch(/Content-Type: text\/html/)

    const log = await notificationsOf(order.id)
    expect(log).toEqual([
      expect.objectContaining({ template: 'order.confirmed', channel: 'email', to: 'anna@example.com', status: 'sent', attempts: 1, lastError: null, subject: `Order ${order.number} confirmed` }),
    ])
    expect(mail.text).toContain(`Message-ID: ${log[0].messageId}`)
    const timeline = (await t.call('GET', `/v1/orders/${order.id}/events`)).json().data
    expect(timeline.map((e: { type: string }) => e.type)).toContain('notification.sent')
    // Nothing is sent twice: another round finds nothing to do.
    await workers.tick()
    expect(smtp.messages).toHaveLength(1)
  })

  it('tells the customer about a delay, a shipment with its tracking link, delivery with a feedback link, and a cancellation', async () => {
    smtp.messages.length = 0
    const waiting = await placeOrder({ lines: [{ sku: 'SCARCE-1', quantity: 1 }] })
    await workers.tick()
    expect(smtp.subjects().sort()).toEqual([`Order ${waiting.number} confirmed`, `Order ${waiting.number}: some items are delayed`].sort())
    expect(smtp.messages.find((m) => m.text.includes('delayed'))!.text).toContain('1 × Limited print (SCARCE-1)')

    smtp.messages.length = 0
    const order = await placeOrder()
    await happen([
      { type: 'order.shipped', entity: 'order', entityId: order.id, orderId: order.id, data: { shipmentId: 'shp_1', trackingNumber: 'RR000000001DE', lines: [{ sku: 'TEE-BLK-M', lineId: order.lines[0].id, quantity: 1 }] } },
      { type: 'shipment.out_for_delivery', entity: 'shipment', entityId: 'shp_1', orderId: order.id, from: 'in_transit', to: 'out_for_delivery', data: { trackingNumber: 'RR000000001DE' } },
      { type: 'order.delivered', entity: 'order', entityId: order.id, orderId: order.id, data: { shipmentId: 'shp_1', trackingNumber: 'RR000000001DE', lines: [] } },
    ])
    await workers.tick()
    const subjects = smtp.subjects()
    expect(subjects).toEqual(expect.arrayContaining([`Order ${order.number} has shipped`, `Order ${order.number} is out for delivery`, `Order ${order.number} was delivered`]))
    const shipped = smtp.messages.find((m) => m.text.includes('has shipped'))!
    // Links go to the customer's signed order page (self-service), which shows the parcel's tracking.
    const link = /Follow your parcel: (https:\/\/shop\.example\/o\/\S+)/.exec(shipped.text)![1]
    expect(shipped.text).toContain(`href="${link}"`)
    expect((await t.call('GET', new URL(link).pathname, { key: null })).body).toContain(`Order ${order.number}`)
    expect(shipped.text).toContain('1 × T-shirt black M (TEE-BLK-M)')
    expect(smtp.messages.find((m) => m.text.includes('out for delivery'))!.text).toContain(link)
    expect(smtp.messages.find((m) => m.text.includes('was delivered'))!.text).toContain(`${link}#feedback`)

    smtp.messages.length = 0
    expect((await t.call('POST', `/v1/orders/${waiting.id}/cancel`, { body: { reason: 'customer asked' } })).statusCode).toBe(200)
    await workers.tick()
    expect(smtp.subjects()).toEqual([`Order ${waiting.number} was cancelled`])
    expect((await notificationsOf(waiting.id)).map((n) => n.template).sort()).toEqual(['order.backordered', 'order.cancelled', 'order.confirmed'])
  })

  it('confirms a held order once, when it is released', async () => {
    smtp.messages.length = 0
    const held = await placeOrder({ payment: { status: 'pending', method: 'invoice' } })
    expect(held.status).toBe('on_hold')
    await workers.tick()
    expect(smtp.messages).toEqual([])
    const release = async () => {
      const o = (await t.call('GET', `/v1/orders/${held.id}`)).json()
      const hold = o.holds.find((h: { releasedAt: string | null }) => !h.releasedAt)
      expect((await t.call('POST', `/v1/orders/${held.id}/holds/${hold.id}/release`, { body: { note: 'paid' } })).json().status).toBe('confirmed')
    }
    await release()
    await workers.tick()

    expect(smtp.subjects()).toEqual([`Order ${held.number} confirmed`])
    await t.call('POST', `/v1/orders/${held.id}/holds`, { body: { code: 'manual', detail: 'check the address' } })
    await release()
    await workers.tick()
    expect(smtp.messages).toHaveLength(1)
  })

  it('records a refused message as failed with the error, retries it on schedule, and never sends it twice', async () => {
    smtp.messages.length = 0
    smtp.refuse = true
    const order = await placeOrder()
    await workers.tick()
    expect(smtp.messages).toEqual([])
    const [failed] = await notificationsOf(order.id)
    expect(failed).toMatchObject({ status: 'failed', attempts: 1, sentAt: null })
    expect(failed.lastError).toMatch(/450|Mailbox unavailable/)
    expect(failed.nextAttemptAt).toBe(new Date(t.clock.now().getTime() + SCHEDULE[0]).toISOString())
    const failedList = (await t.call('GET', '/v1/notifications?status=failed')).json().data
    expect(failedList.map((n: { id: string }) => n.id)).toContain(failed.id)

    // Not due yet: nothing happens. Then the server takes mail again and the retry goes out.
    smtp.refuse = false
    await workers.tick()
    expect(smtp.messages).toEqual([])
    t.clock.advance(SCHEDULE[0])
    // Ordo restarts in between: the queue is in the database.
    await workers.stop()
    workers = startNotifier()
    await workers.tick()
    expect(smtp.subjects()).toEqual([`Order ${order.number} confirmed`])
    const [sent] = await notificationsOf(order.id)
    expect(sent).toMatchObject({ id: failed.id, status: 'sent', attempts: 2, lastError: null })
    const again = await t.call('POST', `/v1/notifications/${sent.id}/retry`)
    expect(again.statusCode).toBe(409)
    expect(again.json().code).toBe('notification.already_sent')
    await workers.tick()
    expect(smtp.messages).toHaveLength(1)
  })

  it('stops retrying after the last step; a person can send it again', async () => {
    smtp.messages.length = 0
    await smtp.stop()
    const order = await placeOrder()
    for (const step of [...SCHEDULE, 0]) {
      await workers.tick()
      t.clock.advance(step)
    }
    const [given] = await notificationsOf(order.id)
    expect(given).toMatchObject({ status: 'failed', attempts: 3, nextAttemptAt: null })
    expect(given.lastError).toMatch(/ECONNREFUSED/)
    await smtp.start()
    await workers.tick()
    expect(smtp.messages).toEqual([])
    const retried = await t.call('POST', `/v1/notifications/${given.id}/retry`)
    expect(retried.json()).toMatchObject({ status: 'queued' })
    await workers.tick()
    expect(smtp.subjects()).toEqual([`Order ${order.number} confirmed`])
    expect((await t.call('GET', `/v1/notifications/${given.id}`)).json()).toMatchObject({ status: 'sent', attempts: 4, text: expect.stringContaining(order.number) })
  })

  it('sends a burst of e-mails once each when several processes send at the same time', async () => {
    const before = smtp.messages.length
    const orders = []
    for (let i = 0; i < 12; i++) orders.push(await placeOrder({ customer: { email: `burst${i}@example.com`, name: `Burst ${i}` } }))
    // Two more processes' notifiers on the same database, all three ticking at once.
    const others = [startNotifier(), startNotifier()]
    try {
      await Promise.all([workers.tick(), ...others.map((w) => w.tick())])
      await workers.tick()
    } finally {
      await Promise.all(others.map((w) => w.stop()))
    }
    const sent = smtp.messages.slice(before)
    expect(sent.map((m) => m.to[0]).sort()).toEqual(orders.map((_, i) => `burst${i}@example.com`).sort())
    for (const o of orders) {
      const [n] = await notificationsOf(o.id)
      expect(n).toMatchObject({ status: 'sent', attempts: 1 })
      const timeline = (await t.call('GET', `/v1/orders/${o.id}/events`)).json().data as { type: string }[]
      expect(timeline.filter((e) => e.type === 'notification.sent')).toHaveLength(1)
    }
  })

  it('sends while the event log still has more to read, so a steady stream of orders does not hold e-mails back', async () => {
    await workers.tick()
    const order = await placeOrder({ customer: { email: 'stream@example.com', name: 'Stream' } })
    // More events behind the confirmation than the notifier reads in one round.
    await happen(Array.from({ length: 1500 }, (_, i) => ({ type: 'stock.adjusted', entity: 'stock', entityId: `filler_${i}` })))
    const cursorAtSend: number[] = []
    const lastSeq = async () => Number((await t.conn.db.selectFrom('events').select((eb) => eb.fn.max('seq').as('m')).executeTakeFirstOrThrow()).m)
    const cursor = async () =>
      Number((await t.conn.db.withTables<{ eventCursors: { consumer: string; lastSeq: number } }>().selectFrom('eventCursors').select('lastSeq').where('consumer', '=', 'notifications').executeTakeFirstOrThrow()).lastSeq)
    const probing = startWorkers({
      conn: t.conn,
      services: t.app.services,
      clock: t.clock,
      log: { info() {}, error: (obj, msg) => void errors.push({ ...obj, msg }) },
      webhooks: { allowPrivate: true, timeoutMs: 1000 },
      notifications: {
        smtpUrl: null,
        mailFrom: 'Example Shop <shop@example.com>',
        outboxDir: '/nonexistent',
        mailer: {
          send: async (mail) => {
            cursorAtSend.push(await cursor())
            return { messageId: mail.messageId, detail: 'probe' }
          },
          close() {},
        },
      },
      autoStart: false,
    })
    try {
      await probing.tick()
    } finally {
      await probing.stop()
    }
    expect(cursorAtSend).toHaveLength(1)
    expect(cursorAtSend[0]).toBeLessThan(await lastSeq())
    expect(await cursor()).toBe(await lastSeq())
    expect((await notificationsOf(order.id))[0]).toMatchObject({ status: 'sent' })
  })

  it("uses a channel's own template, sends nothing for a disabled one, and shows a channel key only its channel's log", async () => {
    smtp.messages.length = 0
    const put = await t.call('PUT', '/v1/notification-templates/order.confirmed?channel=marketplace', {
      body: { subject: 'Marketplace order {{order.number}} is in', text: 'Thanks {{customer.name}}: {{#each order.lines}}{{name}} {{/each}}', html: '<p>{{order.number}}</p>' },
    })
    expect(put.statusCode).toBe(200)
    const mp = await placeOrder({ channel: 'marketplace' })
    const web = await placeOrder({ channel: 'web' })
    await workers.tick()
    expect(smtp.subjects().sort()).toEqual([`Marketplace order ${mp.number} is in`, `Order ${web.number} confirmed`].sort())
    expect(smtp.messages.find((m) => m.text.includes('Marketplace'))!.text).toContain('Thanks Anna Schmidt: T-shirt black M')

    await t.call('PUT', '/v1/notification-templates/order.confirmed?channel=marketplace', { body: { subject: 'x', text: 'x', html: 'x', enabled: false } })
    const quiet = await placeOrder({ channel: 'marketplace' })
    await workers.tick()
    expect(smtp.messages).toHaveLength(2)
    expect(await notificationsOf(quiet.id)).toEqual([])

    const webKey = await t.keyFor('channel', 'web')
    expect((await t.call('GET', `/v1/orders/${mp.id}/notifications`, { key: webKey })).statusCode).toBe(404)
    expect(await notificationsOf(web.id, webKey)).toHaveLength(1)
    expect((await t.call('GET', '/v1/notifications', { key: webKey })).statusCode).toBe(403)
    expect(errors).toEqual([])
  })
})

describe('e-mail without an SMTP server', () => {
  it('writes each message as an .eml file to the outbox folder', async () => {
    const t = await createTestApp('sqlite')
    const outboxDir = mkdtempSync(join(process.cwd(), '.tmp', 'outbox-'))
    const logged: unknown[] = []
    const workers = startWorkers({
      conn: t.conn,
      services: t.app.services,
      clock: t.clock,
      log: { info: (obj) => void logged.push(obj), error: (obj) => void logged.push(obj) },
      webhooks: { allowPrivate: true, timeoutMs: 1000 },
      notifications: { smtpUrl: null, mailFrom: 'Shop <shop@example.com>', outboxDir },
      autoStart: false,
    })
    try {
      await seedBasics(t)
      await stock(t, 'TEE-BLK-M', 'BER', 5)
      const order = (await t.call('POST', '/v1/orders', { body: orderBody() })).json()
      await workers.tick()
      const files = readdirSync(outboxDir)
      expect(files).toHaveLength(1)
      expect(files[0]).toMatch(/^ntf_.*\.eml$/)
      const eml = readFileSync(join(outboxDir, files[0]), 'utf8')
      expect(eml).toContain(`Subject: Order ${order.number} confirmed`)
      expect(eml).toContain('To: anna@example.com')
      expect(logged).toEqual([expect.objectContaining({ to: 'anna@example.com', file: join(outboxDir, files[0]) })])
      expect((await t.call('GET', `/v1/orders/${order.id}/notifications`)).json().data[0]).toMatchObject({ status: 'sent' })
    } finally {
      await workers.stop()
      await t.close()
    }
  })
})
