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
}

const env = z.object({
  DATABASE_URL: z.string().default('sqlite:./data/ordo.db'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().default('127.0.0.1'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  ORDO_DB_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(10),
  ORDO_API_KEY_CACHE_SECONDS: z.coerce.number().min(0).default(5),
})

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
  }
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>
}
