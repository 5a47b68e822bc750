import { createRequire } from 'node:module'
import { Worker } from 'node:worker_threads'

const require = createRequire(import.meta.url)

export interface OutgoingMail {
  /** Stable per notification, so a re-sent message is recognisably the same one. */
  messageId: string
  from: string
  to: string
  subject: string
  text: string
  html: string
}

export interface Mailer {
  /** Hands the message over; resolves with where it went (the server's answer or the file). */
  send(mail: OutgoingMail): Promise<{ messageId: string; detail: string }>
  close(): void
}

export interface MailerLog {
  info(obj: object, msg: string): void
}

/**
 * SMTP through nodemailer when `smtpUrl` is set (smtp://user:pass@host:587, smtps://…). Without
 * it, each message is written as an .eml file into `outboxDir` and logged, so a fresh install
 * shows what it would have sent.
 *
 * The messages are built and handed over in a worker thread: encoding a message (MIME, quoted-
 * printable HTML and text) costs more CPU than taking the order it confirms (measured ~1.5 ms per
 * e-mail), and on the serving thread it would slow every request down. The thread starts with the
 * first message, keeps the process alive only while messages are in flight, and is started anew
 * should it die (the messages in flight then fail and are retried on the notifier's schedule).
 */
export function createMailer(s: { smtpUrl: string | null; outboxDir: string }, log: MailerLog): Mailer {
  let current: MailThread | undefined
  const thread = () => {
    if (current && !current.dead) return current
    const t: MailThread = {
      worker: new Worker(MAIL_THREAD, { eval: true, workerData: { settings: s, nodemailer: require.resolve('nodemailer') } }),
      pending: new Map(),
      dead: false,
    }
    const fail = (err: Error) => {
      t.dead = true
      for (const p of t.pending.values()) p.reject(err)
      t.pending.clear()
    }
    t.worker.on('message', (m: { id: number; messageId?: string; detail?: string; error?: string }) => {
      const p = t.pending.get(m.id)
      if (!p) return
      t.pending.delete(m.id)
      if (!t.pending.size) t.worker.unref()
      if (m.error !== undefined) return p.reject(new Error(m.error))
      if (!s.smtpUrl) log.info({ to: p.mail.to, subject: p.mail.subject, file: m.detail }, 'e-mail written to the outbox folder (no SMTP_URL set)')
      p.resolve({ messageId: m.messageId ?? p.mail.messageId, detail: m.detail ?? '' })
    })
    t.worker.on('error', fail)
    t.worker.on('exit', (code) => fail(new Error(`the mail thread stopped (exit code ${code})`)))
    t.worker.unref()
    current = t
    return t
  }
  let nextId = 0
  return {
    send(mail) {
      const t = thread()
      const id = nextId++
      return new Promise((resolve, reject) => {
        t.pending.set(id, { mail, resolve, reject })
        t.worker.ref()
        t.worker.postMessage({ id, mail })
      })
    },
    close() {
      if (current && !current.dead) current.worker.postMessage({ close: true })
      current = undefined
    },
  }
}

interface MailThread {
  worker: Worker
  pending: Map<number, { mail: OutgoingMail; resolve(r: { messageId: string; detail: string }): void; reject(err: Error): void }>
  dead: boolean
}

// Plain CommonJS, so the thread runs the same whether Ordo runs from TypeScript or from the build.
const MAIL_THREAD = `
const { parentPort, workerData } = require('node:worker_threads')
const { mkdirSync, writeFileSync } = require('node:fs')
const { join } = require('node:path')
const nodemailer = require(workerData.nodemailer)
const s = workerData.settings
// Pooled SMTP: the notifier hands over a batch at a time, sent over a few kept-open connections
// instead of one new connection (and TLS handshake) per message.
const transport = s.smtpUrl
  ? nodemailer.createTransport({ url: s.smtpUrl, pool: true, maxConnections: 4, connectionTimeout: 15000, greetingTimeout: 15000, socketTimeout: 60000 })
  : nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'unix' })
parentPort.on('message', async (m) => {
  if (m.close) {
    transport.close()
    parentPort.close()
    return
  }
  try {
    const info = await transport.sendMail(m.mail)
    let detail = info.response
    if (!s.smtpUrl) {
      mkdirSync(s.outboxDir, { recursive: true })
      detail = join(s.outboxDir, m.mail.messageId.replace(/^<|@.*$/g, '') + '.eml')
      writeFileSync(detail, info.message)
    }
    parentPort.postMessage({ id: m.id, messageId: info.messageId, detail })
  } catch (err) {
    parentPort.postMessage({ id: m.id, error: String((err && err.message) || err) })
  }
})
`
