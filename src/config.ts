import { resolve } from 'node:path'
import { z } from 'zod'

/** Where the data lives: an SQLite file (the embedded default) or a PostgreSQL server. */
export type DatabaseConfig =
  | { dialect: 'sqlite'; file: string }
  | { dialect: 'postgres'; url: string; schema?: string; poolSize: number }

export interface Config {
  database: DatabaseConfig
  port: number
  host: string
  logLevel: string
  /** Seconds an API key lookup stays cached in a process (revocation takes effect within it). */
  apiKeyCacheSeconds: number
  /** Run the background workers (webhook deliveries, customer e-mails) in this process; off for API-only processes. */
  workers: boolean
  webhooks: WebhookSettings
  notifications: NotificationSettings
}

export interface WebhookSettings {
  /** Let endpoints point at localhost and private networks (off by default: SSRF); on under tests. */
  allowPrivate: boolean
  /** How long one delivery may take, connection to last byte. */
  timeoutMs: number
}

export interface NotificationSettings {
  /** `smtp://user:pass@host:587` (or smtps://); unset: messages are written to `outboxDir` as .eml files. */
  smtpUrl: string | null
  /** The From address of customer e-mails. */
  mailFrom: string
  outboxDir: string
  /** Where customers reach Ordo's public pages (tracking, feedback), without a trailing slash. */
  publicUrl: string
}

const env = z.object({
  DATABASE_URL: z.string().default('sqlite:./data/ordo.db'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().default('127.0.0.1'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  ORDO_DB_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(10),
  ORDO_API_KEY_CACHE_SECONDS: z.coerce.number().min(0).default(5),
  ORDO_WORKERS: z.enum(['on', 'off']).default('on'),
})

const webhookEnv = z.object({
  ORDO_WEBHOOKS_ALLOW_PRIVATE: z.enum(['0', '1']).optional(),
  ORDO_WEBHOOK_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(15_000),
})

const notificationEnv = z.object({
  SMTP_URL: z.string().regex(/^smtps?:\/\//, 'smtp://user:pass@host:587 or smtps://…').optional(),
  ORDO_MAIL_FROM: z.string().min(3).default('Ordo <orders@localhost>'),
  ORDO_OUTBOX_DIR: z.string().min(1).default('./data/outbox'),
  ORDO_PUBLIC_URL: z.url().default('http://127.0.0.1:3000'),
})

const parseEnv = <T extends z.ZodType>(schema: T, source: Record<string, string | undefined>): z.infer<T> => {
  const parsed = schema.safeParse(source)
  if (parsed.success) return parsed.data
  const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`)
  throw new Error(`Invalid configuration:\n${lines.join('\n')}`)
}

/** Webhook settings from the environment (the services read them without the rest of the config). */
export function webhookSettings(source: Record<string, string | undefined> = process.env): WebhookSettings {
  const e = parseEnv(webhookEnv, source)
  const underTest = source.NODE_ENV === 'test' || !!source.VITEST
  return { allowPrivate: e.ORDO_WEBHOOKS_ALLOW_PRIVATE === undefined ? underTest : e.ORDO_WEBHOOKS_ALLOW_PRIVATE === '1', timeoutMs: e.ORDO_WEBHOOK_TIMEOUT_MS }
}

/** E-mail settings from the environment. */
export function notificationSettings(source: Record<string, string | undefined> = process.env): NotificationSettings {
  const e = parseEnv(notificationEnv, source)
  return { smtpUrl: e.SMTP_URL ?? null, mailFrom: e.ORDO_MAIL_FROM, outboxDir: resolve(e.ORDO_OUTBOX_DIR), publicUrl: e.ORDO_PUBLIC_URL.replace(/\/+$/, '') }
}

export function parseDatabaseUrl(url: string, poolSize = 10): DatabaseConfig {
  if (url.startsWith('postgres://') || url.startsWith('postgresql://')) {
    return { dialect: 'postgres', url, poolSize }
  }
  if (url.startsWith('sqlite:')) {
    const file = url.slice('sqlite:'.length).replace(/^\/\/(?=\/)/, '')
    if (!file) throw new Error('DATABASE_URL: sqlite: needs a file path, e.g. sqlite:./data/ordo.db')
    return { dialect: 'sqlite', file: file === ':memory:' ? file : resolve(file) }
  }
  throw new Error(`DATABASE_URL: expected sqlite:<file> or postgres://…, got "${url}"`)
}

/** Reads the environment (flags override it in the CLI) into a typed config. */
export function loadConfig(overrides: Partial<Record<keyof z.input<typeof env>, string>> = {}): Config {
  const parsed = env.safeParse({ ...process.env, ...stripUndefined(overrides) })
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`)
    throw new Error(`Invalid configuration:\n${lines.join('\n')}`)
  }
  const e = parsed.data
  return {
    database: parseDatabaseUrl(e.DATABASE_URL, e.ORDO_DB_POOL_SIZE),
    port: e.PORT,
    host: e.HOST,
    logLevel: e.LOG_LEVEL,
    apiKeyCacheSeconds: e.ORDO_API_KEY_CACHE_SECONDS,
    workers: e.ORDO_WORKERS === 'on',
    webhooks: webhookSettings(),
    notifications: notificationSettings(),
  }
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>
}
