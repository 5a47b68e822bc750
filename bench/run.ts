/**
 * `npm run bench`: order intake over HTTP on loopback (the server in its own process, N
 * concurrent keep-alive connections driven by wrk, or by node:http clients) against the floor
 * (the same service call in-process: no HTTP, no zod), on SQLite and, when one answers,
 * PostgreSQL. Prints figures; asserts nothing.
 *
 *   npm run bench -- --db sqlite --seconds 5 --clients 32 --lines 1,5 [--client wrk|node] [--cpu-prof]
 *
 * See bench/README.md.
 */
import { mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs'
import os from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import pg from 'pg'
import { sql } from 'kysely'
import { connect, type Connection, type Dialect } from '../src/db/connection.js'
import { migrateToLatest } from '../src/db/migrations.js'
import { inTransaction } from '../src/db/transaction.js'
import { systemClock } from '../src/kernel/clock.js'
import type { Ctx } from '../src/kernel/context.js'
import { createServices } from '../src/services.js'
import { httpSender, ownCpuMicros, processCpuMicros, runClosedLoop, type RunResult } from './load.js'
import { orderBodies, seed, PRODUCTS, CUSTOMERS } from './seed.js'
import { ROOT, startServer } from './server.js'
import { runWrk, wrkAvailable } from './wrk.js'

function usageError(message: string): never {
  console.error(`bench: ${message} (see --help)`)
  process.exit(2)
}

const TARGETS = {
  ordersPerSecond: { sqlite: 2_000, postgres: 1_000 } as Record<Dialect, number>,
  p99Ms: 25,
  shareOfFloor: 0.5,
}

const parseOptions = () =>
  parseArgs({
    options: {
      db: { type: 'string', default: process.env.ORDO_BENCH_DB ?? 'sqlite,postgres' },
      seconds: { type: 'string', default: process.env.ORDO_BENCH_SECONDS ?? '6' },
      warmup: { type: 'string', default: process.env.ORDO_BENCH_WARMUP ?? '2' },
      'first-warmup': { type: 'string', default: process.env.ORDO_BENCH_FIRST_WARMUP ?? '5' },
      clients: { type: 'string', default: process.env.ORDO_BENCH_CLIENTS ?? '32' },
      lines: { type: 'string', default: process.env.ORDO_BENCH_LINES ?? '1,5' },
      client: { type: 'string', default: process.env.ORDO_BENCH_CLIENT },
      'cpu-prof': { type: 'boolean', default: false },
      'prof-dir': { type: 'string', default: join(ROOT, '.tmp', 'bench-prof') },
      'no-floor': { type: 'boolean', default: false },
      'no-http': { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  })
let args: ReturnType<typeof parseOptions>['values']
try {
  args = parseOptions().values
} catch (err) {
  usageError((err as Error).message)
}

if (args.help) {
  console.log(`npm run bench -- [options]
  --db sqlite,postgres   databases to measure (env ORDO_BENCH_DB)
  --seconds N            measured seconds per run, after the warm-up (env ORDO_BENCH_SECONDS, default 6)
  --warmup N             warm-up seconds per run (env ORDO_BENCH_WARMUP, default 2)
  --first-warmup N       extra warm-up of the first run in each process (JIT; env ORDO_BENCH_FIRST_WARMUP, default 5)
  --clients N            concurrent clients / requests in flight (env ORDO_BENCH_CLIENTS, default 32)
  --lines 1,5            lines per order, one run each (env ORDO_BENCH_LINES)
  --client wrk|node      HTTP load generator (env ORDO_BENCH_CLIENT; default wrk when it is on PATH, else node)
  --cpu-prof             run the server with node --cpu-prof; profiles go to --prof-dir (default .tmp/bench-prof)
  --no-floor | --no-http skip one side
PostgreSQL: ORDO_BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/test); a fresh schema, dropped afterwards.
Pool size: ORDO_DB_POOL_SIZE (default 10), used by the server and the floor alike.`)
  process.exit(0)
}

const num = (name: string, v: string, min: number) => {
  const n = Number(v)
  if (!Number.isFinite(n) || n < min) usageError(`--${name} must be a number ≥ ${min}, got "${v}"`)
  return n
}
const seconds = num('seconds', args.seconds, 0.5)
const warmup = num('warmup', args.warmup, 0)
// A cold process (the server just started) runs its first seconds 2-3× slower while V8 optimises.
const firstWarmup = num('first-warmup', args['first-warmup'], 0)
const clients = Math.floor(num('clients', args.clients, 1))
const lineCounts = args.lines.split(',').map((s) => Math.floor(num('lines', s.trim(), 1)))
const databases = args.db.split(',').map((s) => s.trim()) as Dialect[]
// wrk (C) costs the machine far less per request than the node:http clients (~0.6 CPU ms each on
// 2 cores), so on a small machine it leaves the server more of the CPU; node is the fallback.
const haveWrk = wrkAvailable()
const client = args.client ?? (haveWrk ? 'wrk' : 'node')
if (client !== 'wrk' && client !== 'node') usageError(`--client: expected wrk or node, got "${client}"`)
if (client === 'wrk' && !haveWrk) usageError('--client wrk: no wrk on PATH (apt-get install wrk)')
/** wrk threads: one keeps up with the server on a 2-core machine and leaves the other core to it. */
const WRK_THREADS = 1
for (const d of databases) if (d !== 'sqlite' && d !== 'postgres') usageError(`--db: expected sqlite and/or postgres, got "${d}"`)
const pgUrl = process.env.ORDO_BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test'
const poolSize = Number(process.env.ORDO_DB_POOL_SIZE ?? 10)

interface Row {
  db: Dialect
  lines: number
  api?: RunResult
  floor?: RunResult
}
const rows: Row[] = []
const notes: string[] = []

const log = (msg: string) => console.log(`[bench] ${msg}`)
const fmt = (n: number | undefined, digits = 0) => (n === undefined || Number.isNaN(n) ? '–' : n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits }))

/** A URL whose connections use `schema`: libpq's `options` parameter, which pg reads from the URL too. */
function withSearchPath(url: string, schema: string) {
  const u = new URL(url)
  u.searchParams.set('options', `-c search_path=${schema}`)
  return u.toString()
}

async function pgAnswers(url: string): Promise<string | null> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 })
  try {
    await client.connect()
    await client.query('select 1')
    return null
  } catch (err) {
    return (err as Error).message
  } finally {
    await client.end().catch(() => {})
  }
}

async function showSearchPath(url: string): Promise<string> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 })
  await client.connect()
  try {
    return (await client.query<{ search_path: string }>('show search_path')).rows[0].search_path
  } finally {
    await client.end()
  }
}

interface Prepared {
  conn: Connection
  serverUrl: string
  cleanup(): Promise<void>
}

async function prepare(dialect: Dialect): Promise<Prepared | null> {
  if (dialect === 'sqlite') {
    const dir = mkdtempSync(join(os.tmpdir(), 'ordo-bench-'))
    const file = join(dir, 'ordo.db')
    const conn = connect({ dialect: 'sqlite', file })
    await migrateToLatest(conn.db)
    return {
      conn,
      serverUrl: `sqlite:${file}`,
      cleanup: async () => {
        await conn.close()
        rmSync(dir, { recursive: true, force: true })
      },
    }
  }
  const problem = await pgAnswers(pgUrl)
  if (problem) {
    notes.push(`PostgreSQL skipped: ${pgUrl.replace(/\/\/[^@/]*@/, '//…@')} does not answer (${problem}). Set ORDO_BENCH_DATABASE_URL.`)
    log(notes[notes.length - 1])
    return null
  }
  const schema = `bench_${Date.now().toString(36)}_${process.pid}`
  const admin = connect({ dialect: 'postgres', url: pgUrl, poolSize: 1 })
  await sql`create schema ${sql.id(schema)}`.execute(admin.db)
  await admin.close()
  const drop = async () => {
    const a = connect({ dialect: 'postgres', url: pgUrl, poolSize: 1 })
    await sql`drop schema if exists ${sql.id(schema)} cascade`.execute(a.db)
    await a.close()
  }
  const serverUrl = withSearchPath(pgUrl, schema)
  // The server gets the schema through the URL only: make sure it lands there and not in public.
  const seen = await showSearchPath(serverUrl)
  if (seen !== schema) {
    await drop()
    throw new Error(`PostgreSQL: a URL with options=-c search_path=${schema} gave search_path "${seen}"`)
  }
  const conn = connect({ dialect: 'postgres', url: pgUrl, schema, poolSize })
  const cleanup = async () => {
    await conn.close()
    await drop()
  }
  try {
    await migrateToLatest(conn.db)
  } catch (err) {
    await cleanup()
    throw err
  }
  return { conn, serverUrl, cleanup }
}

function describe(r: RunResult) {
  return `${fmt(r.ordersPerSecond)} orders/s, p50 ${fmt(r.p50, 1)} ms, p99 ${fmt(r.p99, 1)} ms, ${fmt(r.cpuMsPerOrder, 2)} CPU ms/order, ${r.errors} error(s)`
}

function sanity(label: string, r: RunResult) {
  if (r.firstError) notes.push(`${label}: ${r.errors} error(s); the first: ${r.firstError}`)
  const o = r.firstOrder
  if (o && (o.status !== 'confirmed' || o.fulfillmentStatus !== 'allocated')) {
    notes.push(`${label}: the first order is ${o.status}/${o.fulfillmentStatus}, expected confirmed/allocated (is the bench data still valid?)`)
  }
}

/** Cleanups still to run; Ctrl-C runs them too, so no schema or temp file is left behind. */
const pending = new Set<() => Promise<void>>()
let interrupted = false
process.on('SIGINT', () => {
  // Ctrl-C reaches tsx's parent process too, which relays it: the second one must not cut the cleanup short.
  if (interrupted) return
  interrupted = true
  log('interrupted: cleaning up')
  // Newest first: the server stops before its database is dropped.
  void (async () => {
    for (const f of [...pending].reverse()) await f().catch(() => {})
    process.exit(130)
  })()
})

async function benchDatabase(dialect: Dialect) {
  const t0 = Date.now()
  const prepared = await prepare(dialect)
  if (!prepared) return
  const { conn } = prepared
  pending.add(prepared.cleanup)
  try {
    const services = createServices({ clock: systemClock, apiKeyCacheSeconds: 5 })
    const { keys, actor } = await seed(conn, services, clients)
    log(`${dialect}: seeded ${PRODUCTS} products × 3 locations, ${clients} API keys in ${((Date.now() - t0) / 1000).toFixed(1)} s`)

    const bodies = new Map(lineCounts.map((n) => [n, orderBodies(4_000, n)]))
    const warmupMs = (first: boolean) => (warmup + (first ? firstWarmup : 0)) * 1000
    const measureMs = seconds * 1000

    // The floor first, with no server running (its event sequencer would compete for the database).
    if (!args['no-floor']) {
      const ctx: Ctx = { actor, clock: systemClock }
      for (const [i, lines] of lineCounts.entries()) {
        const list = bodies.get(lines)!
        const r = await runClosedLoop({
          clients,
          warmupMs: warmupMs(i === 0),
          measureMs,
          cpuMicros: ownCpuMicros,
          send: async (n) => {
            // Start each order from a macrotask, as a server does: with SQLite (synchronous) the loop would
            // otherwise run on microtasks only and starve timers and signals (Ctrl-C) for the whole run.
            await new Promise((r) => setImmediate(r))
            const { order } = await inTransaction(conn.db, (trx) => services.orders.create(trx, { ...ctx, requestId: `bench-${n}` }, list[n % list.length]))
            return { ok: true, order }
          },
        })
        log(`${dialect} floor, ${lines} line(s): ${describe(r)}`)
        sanity(`${dialect} floor ${lines}-line`, r)
        rows.push({ db: dialect, lines, floor: r })
      }
    }

    if (!args['no-http']) {
      const profDir = args['cpu-prof'] ? join(args['prof-dir'], dialect) : undefined
      if (profDir) mkdirSync(profDir, { recursive: true })
      if (profDir) for (const f of readdirSync(profDir)) if (f.endsWith('.cpuprofile')) rmSync(join(profDir, f))
      const server = await startServer({ databaseUrl: prepared.serverUrl, env: { ORDO_DB_POOL_SIZE: String(poolSize) }, cpuProfDir: profDir })
      log(`${dialect}: server pid ${server.pid} on port ${server.port}, ready after ${server.readySeconds.toFixed(1)} s`)
      pending.add(server.stop)
      try {
        for (const [i, lines] of lineCounts.entries()) {
          const json = bodies.get(lines)!.map((b) => JSON.stringify(b))
          const sender = httpSender({ port: server.port, path: '/v1/orders', clients, keys, bodies: json })
          let r: RunResult
          let generatorMs: number
          if (client === 'wrk') {
            // wrk cannot parse the answer: one order through node:http first, for the sanity check.
            const probe = await sender.send(json.length - 1, 0).catch((err: Error) => ({ ok: false, detail: err.message, order: undefined }))
            sender.close()
            const w = await runWrk({
              port: server.port,
              path: '/v1/orders',
              keys,
              bodies: json,
              connections: clients,
              threads: WRK_THREADS,
              warmupMs: warmupMs(i === 0),
              measureMs,
              cpuMicros: processCpuMicros(server.pid),
            })
            r = { ...w, firstOrder: probe.order, ...(probe.ok ? {} : { errors: w.errors + 1, firstError: probe.detail }) }
            generatorMs = w.generatorCpuMsPerRequest
          } else {
            const generatorFrom = ownCpuMicros()
            r = await runClosedLoop({ clients, warmupMs: warmupMs(i === 0), measureMs, send: sender.send, cpuMicros: processCpuMicros(server.pid) })
            generatorMs = (ownCpuMicros() - generatorFrom) / 1000 / Math.max(1, r.sent)
            sender.close()
          }
          log(`${dialect} HTTP (${client}), ${lines} line(s): ${describe(r)}; the load generator used ${fmt(generatorMs, 2)} CPU ms/request`)
          sanity(`${dialect} HTTP ${lines}-line`, r)
          const row = rows.find((x) => x.db === dialect && x.lines === lines)
          if (row) row.api = r
          else rows.push({ db: dialect, lines, api: r })
        }
      } finally {
        pending.delete(server.stop)
        await server.stop()
        if (profDir) log(`${dialect}: server CPU profile written to ${profDir} (summarise without start-up and first warm-up: npx tsx bench/profile-summary.ts ${profDir} --skip ${Math.ceil(server.readySeconds + warmup + firstWarmup)})`)
      }
    }
  } finally {
    pending.delete(prepared.cleanup)
    await prepared.cleanup()
  }
}

function table(): string {
  const head = ['database', 'lines/order', 'clients', 'orders/s', 'p50 ms', 'p99 ms', 'errors', 'CPU ms/order', 'floor orders/s', 'floor CPU ms/order', 'API % of floor']
  const body = rows.map((r) => [
    r.db === 'sqlite' ? 'SQLite' : 'PostgreSQL',
    String(r.lines),
    String(clients),
    fmt(r.api?.ordersPerSecond),
    fmt(r.api?.p50, 1),
    fmt(r.api?.p99, 1),
    r.api ? String(r.api.errors) : '–',
    fmt(r.api?.cpuMsPerOrder, 2),
    fmt(r.floor?.ordersPerSecond),
    fmt(r.floor?.cpuMsPerOrder, 2),
    r.api && r.floor ? `${fmt((100 * r.api.ordersPerSecond) / r.floor.ordersPerSecond)} %` : '–',
  ])
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)))
  const line = (cells: string[]) => cells.map((c, i) => (i < 2 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ')
  return [line(head), widths.map((w) => '-'.repeat(w)).join('  '), ...body.map(line)].join('\n')
}

function targets(): string[] {
  const out: string[] = []
  const mark = (ok: boolean) => (ok ? 'met' : 'NOT met')
  for (const r of rows) {
    if (r.lines !== 1 || !r.api) continue
    const name = r.db === 'sqlite' ? 'SQLite' : 'PostgreSQL'
    const want = TARGETS.ordersPerSecond[r.db]
    const parts = [
      `${fmt(r.api.ordersPerSecond)} orders/s ≥ ${fmt(want)}: ${mark(r.api.ordersPerSecond >= want)}`,
      `p99 ${fmt(r.api.p99, 1)} ms ≤ ${TARGETS.p99Ms} ms: ${mark(r.api.p99 <= TARGETS.p99Ms)}`,
    ]
    if (r.floor) {
      const share = r.api.ordersPerSecond / r.floor.ordersPerSecond
      parts.push(`${fmt(100 * share)} % of floor ≥ ${100 * TARGETS.shareOfFloor} %: ${mark(share >= TARGETS.shareOfFloor)}`)
    }
    if (r.api.errors) parts.push(`${r.api.errors} error(s): NOT clean`)
    out.push(`  ${name}, 1-line orders, ${clients} clients: ${parts.join('; ')}`)
  }
  return out
}

const started = Date.now()
const cpus = os.cpus()
const machine = `${cpus.length} × ${cpus[0]?.model.trim() ?? 'unknown CPU'}, ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB, ${os.platform()} ${os.release()}, node ${process.version}`
log(`machine: ${machine}`)
log(`runs: ${databases.join(', ')}; ${lineCounts.join(' and ')} line(s)/order; ${clients} clients (HTTP load: ${client}${client === 'wrk' ? `, ${WRK_THREADS} thread` : ''}); ${warmup} s warm-up (+${firstWarmup} s for a process's first run) + ${seconds} s measured each; pool ${poolSize}`)

let failed = false
for (const dialect of databases) {
  try {
    await benchDatabase(dialect)
  } catch (err) {
    failed = true
    notes.push(`${dialect}: the run failed: ${(err as Error).stack ?? err}`)
    log(notes[notes.length - 1])
  }
}

console.log(`
Ordo order intake: POST /v1/orders over HTTP on loopback vs the floor (orders.create in-process, no HTTP, no zod)
machine: ${machine}
each run: ${warmup} s warm-up (the first in a process +${firstWarmup} s), ${seconds} s measured, ${clients} requests in flight (HTTP load: ${client}); ${PRODUCTS} products × 3 warehouses, ${CUSTOMERS} returning customers, paid orders, no backorders
`)
console.log(table())
const t = targets()
console.log(`\ntargets (2-core machine): ≥ ${fmt(TARGETS.ordersPerSecond.sqlite)} orders/s on SQLite, ≥ ${fmt(TARGETS.ordersPerSecond.postgres)} on PostgreSQL, p99 ≤ ${TARGETS.p99Ms} ms, API ≥ ${100 * TARGETS.shareOfFloor} % of floor`)
console.log(t.length ? t.join('\n') : '  (no 1-line HTTP run to judge)')
if (notes.length) console.log(`\nnotes:\n${notes.map((n) => `  - ${n}`).join('\n')}`)
console.log(`\ntotal ${((Date.now() - started) / 1000).toFixed(0)} s`)
if (failed) process.exitCode = 1
