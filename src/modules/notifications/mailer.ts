import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import nodemailer from 'nodemailer'

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
 */
export function createMailer(s: { smtpUrl: string | null; outboxDir: string }, log: MailerLog): Mailer {
  if (s.smtpUrl) {
    const transport = nodemailer.createTransport({ url: s.smtpUrl, connectionTimeout: 15_000, greetingTimeout: 15_000, socketTimeout: 60_000 })
    return {
      async send(mail) {
        const info = await transport.sendMail(mail)
        return { messageId: info.messageId, detail: info.response }
      },
      close: () => transport.close(),
    }
  }
  const transport = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'unix' })
  return {
    async send(mail) {
      const info = await transport.sendMail(mail)
      mkdirSync(s.outboxDir, { recursive: true })
      const file = join(s.outboxDir, `${mail.messageId.replace(/^<|@.*$/g, '')}.eml`)
      writeFileSync(file, info.message as Buffer)
      log.info({ to: mail.to, subject: mail.subject, file }, 'e-mail written to the outbox folder (no SMTP_URL set)')
      return { messageId: info.messageId, detail: file }
    },
    close: () => transport.close(),
  }
}
