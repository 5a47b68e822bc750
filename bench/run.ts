/**
 * `npm run bench`: Ordo's hot paths, in sections that each can be run alone (`--only`) or left out
 * (`--skip`). Prints figures and a summary table of all of them; asserts nothing.
 *
 * - intake: POST /v1/orders over HTTP on loopback (the server in its own process, N concurrent
 *   keep-alive connections driven by wrk, or by node:http clients) against the floor (the same
 *   service call in-process: no HTTP, no zod), on SQLite and, when one answers, PostgreSQL;
 * - routing: 100,000 orders routed in memory by the policy strategy (bench/routing.ts);
 * - picklist: a pick wave of 1,000 fulfilment orders planned and written (bench/fulfillment.ts), per database;
 * - rates: rate shopping for packed fulfilment orders in-process and over HTTP (bench/rates.ts), per database.
 *
 *   npm run bench -- --db sqlite --seconds 5 --clients 32 --lines 1,5 [--only intake,rates] [--client wrk|node] [--cpu-prof]
 *
 * See bench/README.md.
 */
import { mkdirSync, readdirSync, rmSync } from 'node:fs'
import os from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import type { Dialect } from '../src/db/connection.js'
import { inTransaction } from '../src/db/transaction.js'
import { systemClock } from '../src/kernel/clock.js'
import type { Ctx } from '../src/kernel/context.js'
import type { EventCursorsTable } from '../src/kernel/event-consumer.js'
import { stampEvents } from '../src/kernel/events.js'
import { createServices } from '../src/services.js'
import { freshDatabase, pgProblem, type Prepared } from './db.js'
import { benchPicklist, type PicklistBench } from './fulfillment.js'
import { httpSender, ownCpuMicros, processCpuMicros, runClosedLoop, type RunResult } from './load.js'
import { benchRates, describeRates, type RatesBench } from './rates.js'
import { benchRouting, type RoutingBenchResult } from './routing.js'
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

const SECTIONS = ['intake', 'routing', 'picklist', 'rates'] as const
type Section = (typeof SECTIONS)[number]

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
      'no-workers-run': { type: 'boolean', default: false },
      only: { type: 'string', default: process.env.ORDO_BENCH_ONLY ?? SECTIONS.join(',') },
      skip: { type: 'string', default: '' },
      'routing-orders': { type: 'string', default: '100000' },
      'wave-orders': { type: 'string', default: '1000' },
      'rate-orders': { type: 'string', default: '300' },
      'rate-clients': { type: 'string', default: '4' },
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
  --no-floor | --no-http skip one side (intake and rates)
  --no-workers-run       skip the intake run with the server's background work on (customer e-mails)
  --only intake,routing,picklist,rates   sections to run (env ORDO_BENCH_ONLY; default all)
  --skip routing,…       sections to leave out
  --routing-orders N     orders routed in memory (default 100000)
  --wave-orders N        orders on the pick wave (default 1000)
  --rate-orders N        packed fulfilment orders rate-shopped round-robin (default 300)
  --rate-clients N       calls in flight for rates, in-process and over HTTP (default 4)
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
const sectionList = (name: string, v: string) =>
  v
    .split(',')
    .map((x) => x.trim())
    .filter(Boolean)
    .map((x) => (SECTIONS.includes(x as Section) ? (x as Section) : usageError(`--${name}: expected some of ${SECTIONS.join(', ')}, got "${x}"`)))
const skipped = new Set(sectionList('skip', args.skip))
const sections = new Set(sectionList('only', args.only).filter((x) => !skipped.has(x)))
const routingOrders = Math.floor(num('routing-orders', args['routing-orders'], 1))
const waveOrders = Math.floor(num('wave-orders', args['wave-orders'], 1))
const rateOrders = Math.floor(num('rate-orders', args['rate-orders'], 1))
const rateClients = Math.floor(num('rate-clients', args['rate-clients'], 1))
const pgUrl = process.env.ORDO_BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test'
const poolSize = Number(process.env.ORDO_DB_POOL_SIZE ?? 10)

const warmupMs = (first: boolean) => (warmup + (first ? firstWarmup : 0)) * 1000
const measureMs = seconds * 1000

interface Row {
  db: Dialect
  lines: number
  /** The API process alone (ORDO_WORKERS=off), as the floor: the order's own work. */
  api?: RunResult
  floor?: RunResult
  /** The same with the process's background work on: every order's confirmation e-mail built and sent as orders come in. */
  withWorkers?: RunResult & { emailsSent: number; ordersTaken: number }
}
const rows: Row[] = []
const notes: string[] = []

const log = (msg: string) => console.log(`[bench] ${msg}`)
const fmt = (n: number | undefined, digits = 0) => (n === undefined || Number.isNaN(n) ? '–' : n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits }))

/** A fresh database, or null (with a note) when PostgreSQL does not answer. */
async function prepare(dialect: Dialect): Promise<Prepared | null> {
  if (dialect === 'postgres') {
    const problem = await pgProblem(pgUrl)
    if (problem) {
      const note = `PostgreSQL skipped: ${pgUrl.replace(/\/\/[^@/]*@/, '//…@')} does not answer (${problem}). Set ORDO_BENCH_DATABASE_URL.`
      if (!notes.includes(note)) notes.push(note)
      log(note)
      return null
    }
  }
  return freshDatabase(dialect, { pgUrl, poolSize })
}

/** Runs `fn` on a fresh database, which is dropped afterwards (and on Ctrl-C). */
async function withDatabase(dialect: Dialect, fn: (prepared: Prepared) => Promise<void>) {
  const prepared = await prepare(dialect)
  if (!prepared) return
  pending.add(prepared.cleanup)
  try {
    await fn(prepared)
  } finally {
    pending.delete(prepared.cleanup)
    await prepared.cleanup()
  }
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

async function benchIntake(dialect: Dialect) {
  const t0 = Date.now()
  await withDatabase(dialect, async (prepared) => {
    const { conn } = prepared
    const services = createServices({ clock: systemClock, apiKeyCacheSeconds: 5 })
    const { keys, actor } = await seed(conn, services, clients)
    log(`${dialect}: seeded ${PRODUCTS} products × 3 locations, ${clients} API keys in ${((Date.now() - t0) / 1000).toFixed(1)} s`)

    const bodies = new Map(lineCounts.map((n) => [n, orderBodies(4_000, n)]))

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
      // First the API process alone for every line count, as the floor measures the order's own
      // work; then, once, with the background work a process runs by default (the confirmation
      // e-mail of every order), to show what sending them as orders come in costs.
      const runs: { workers: 'off' | 'on'; lines: number[] }[] = [{ workers: 'off', lines: lineCounts }]
      if (!args['no-workers-run']) runs.push({ workers: 'on', lines: lineCounts.slice(0, 1) })
      for (const run of runs) await httpRuns(dialect, prepared, keys, bodies, run)
    }
  })
}

async function httpRuns(dialect: Dialect, prepared: Prepared, keys: string[], bodies: Map<number, ReturnType<typeof orderBodies>>, run: { workers: 'off' | 'on'; lines: number[] }) {
  const profDir = args['cpu-prof'] && run.workers === 'off' ? join(args['prof-dir'], dialect) : undefined
  if (profDir) mkdirSync(profDir, { recursive: true })
  if (profDir) for (const f of readdirSync(profDir)) if (f.endsWith('.cpuprofile')) rmSync(join(profDir, f))
  const outbox = join(ROOT, '.tmp', 'bench-outbox')
  rmSync(outbox, { recursive: true, force: true })
  // The orders of the runs before had no e-mail sent: start the consumers at the end of the log, so
  // the run measures e-mails keeping pace with new orders, not a backlog being worked off.
  if (run.workers === 'on') await consumersAtEndOfLog(prepared, dialect)
  const server = await startServer({
    databaseUrl: prepared.serverUrl,
    env: { ORDO_DB_POOL_SIZE: String(poolSize), ORDO_OUTBOX_DIR: outbox, ORDO_WORKERS: run.workers },
    cpuProfDir: profDir,
  })
  const label = run.workers === 'on' ? 'HTTP with background work' : 'HTTP'
  log(`${dialect}: server (background work ${run.workers}) pid ${server.pid} on port ${server.port}, ready after ${server.readySeconds.toFixed(1)} s`)
  pending.add(server.stop)
  try {
    for (const [i, lines] of run.lines.entries()) {
      const json = bodies.get(lines)!.map((b) => JSON.stringify(b))
      const sender = httpSender({ port: server.port, path: '/v1/orders', clients, keys, bodies: json })
      const counts = () => Promise.all([countRows(prepared, 'orders'), countRows(prepared, 'notifications', 'sent')])
      const [ordersBefore, sentBefore] = await counts()
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
      log(`${dialect} ${label} (${client}), ${lines} line(s): ${describe(r)}; the load generator used ${fmt(generatorMs, 2)} CPU ms/request`)
      sanity(`${dialect} ${label} ${lines}-line`, r)
      let row = rows.find((x) => x.db === dialect && x.lines === lines)
      if (!row) rows.push((row = { db: dialect, lines }))
      if (run.workers === 'off') row.api = r
      else {
        const [ordersAfter, sentAfter] = await counts()
        row.withWorkers = { ...r, ordersTaken: ordersAfter - ordersBefore, emailsSent: sentAfter - sentBefore }
        log(`${dialect}: ${fmt(sentAfter - sentBefore)} confirmation e-mails sent while ${fmt(ordersAfter - ordersBefore)} orders came in (warm-up included; the rest were sent after the run)`)
      }
    }
  } finally {
    pending.delete(server.stop)
    await server.stop()
    if (profDir) log(`${dialect}: server CPU profile written to ${profDir} (summarise without start-up and first warm-up: npx tsx bench/profile-summary.ts ${profDir} --skip ${Math.ceil(server.readySeconds + warmup + firstWarmup)})`)
  }
}

async function consumersAtEndOfLog(prepared: Prepared, dialect: Dialect) {
  const db = prepared.conn.db
  while ((await stampEvents(db, dialect)) > 0);
  const last = Number((await db.selectFrom('events').select((eb) => eb.fn.max('seq').as('last')).executeTakeFirst())?.last ?? 0)
  const cursors = db.withTables<{ eventCursors: EventCursorsTable }>()
  const at = new Date().toISOString()
  for (const consumer of ['notifications', 'webhooks']) {
    await cursors
      .insertInto('eventCursors')
      .values({ consumer, lastSeq: last, updatedAt: at })
      .onConflict((oc) => oc.column('consumer').doUpdateSet({ lastSeq: last, updatedAt: at }))
      .execute()
  }
}

/** Rows of a table (with `status`, those in it), read through the bench's own connection. */
async function countRows(prepared: Prepared, table: 'orders' | 'notifications', status?: string): Promise<number> {
  let q = prepared.conn.db.selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n'))
  if (status) q = q.where('status', '=', status)
  return Number((await q.executeTakeFirstOrThrow()).n)
}

const routingResults: RoutingBenchResult[] = []
const picklistResults: { db: Dialect; r: PicklistBench }[] = []
const ratesResults: { db: Dialect; r: RatesBench }[] = []
const dbName = (d: Dialect) => (d === 'sqlite' ? 'SQLite' : 'PostgreSQL')

async function benchPicklists(dialect: Dialect) {
  await withDatabase(dialect, async (prepared) => {
    picklistResults.push({ db: dialect, r: await benchPicklist(prepared.conn, { orders: waveOrders }) })
  })
}

async function benchRateShopping(dialect: Dialect) {
  await withDatabase(dialect, async (prepared) => {
    let stop: (() => Promise<void>) | undefined
    const r = await benchRates(prepared, {
      fulfillments: rateOrders,
      clients: rateClients,
      warmupMs: warmup * 1000,
      firstWarmupMs: firstWarmup * 1000,
      measureMs: seconds * 1000,
      floor: !args['no-floor'],
      http: !args['no-http'],
      onServer: (server) => {
        if (stop) pending.delete(stop)
        stop = server?.stop
        if (stop) pending.add(stop)
      },
    })
    for (const l of describeRates(r, dbName(dialect))) log(l)
    for (const [what, x] of [['in-process', r.floor], ['HTTP', r.api]] as const) if (x?.firstError) notes.push(`rates ${dbName(dialect)} ${what}: ${x.errors} error(s); the first: ${x.firstError}`)
    ratesResults.push({ db: dialect, r })
  })
}

function table(): string {
  const head = ['database', 'lines/order', 'clients', 'orders/s', 'p50 ms', 'p99 ms', 'errors', 'CPU ms/order', 'floor orders/s', 'floor CPU ms/order', 'API % of floor', 'with e-mails: orders/s', 'p99 ms', 'e-mails sent']
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
    fmt(r.withWorkers?.ordersPerSecond),
    fmt(r.withWorkers?.p99, 1),
    r.withWorkers ? `${fmt(r.withWorkers.emailsSent)} / ${fmt(r.withWorkers.ordersTaken)} orders` : '–',
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

/** Every figure of the run, one row per measured run. */
function summary(): string {
  const head = ['section', 'database', 'what', 'throughput', 'p50 ms', 'p99 ms', 'CPU ms/op', 'note']
  const body: string[][] = []
  for (const r of rows) {
    for (const [side, x] of [['HTTP', r.api], ['floor', r.floor], ['e-mails', r.withWorkers]] as const) {
      if (!x) continue
      const what =
        side === 'HTTP'
          ? `POST /v1/orders, ${r.lines} line(s), ${clients} clients`
          : side === 'floor'
            ? `orders.create in-process, ${r.lines} line(s)`
            : `POST /v1/orders with e-mails, ${r.lines} line(s)`
      const note = [x.errors ? `${x.errors} error(s)` : '', r.withWorkers && side === 'e-mails' ? `${fmt(r.withWorkers.emailsSent)} e-mails for ${fmt(r.withWorkers.ordersTaken)} orders` : ''].filter(Boolean).join('; ')
      body.push(['intake', dbName(r.db), what, `${fmt(x.ordersPerSecond)} orders/s`, fmt(x.p50, 1), fmt(x.p99, 1), fmt(x.cpuMsPerOrder, 2), note])
    }
  }
  for (const r of routingResults) {
    const note = `split ${(100 * r.splitRate).toFixed(1)} %, backordered ${(100 * r.backorderRate).toFixed(1)} %, ${r.shipmentsPerOrder.toFixed(2)} shipments/order`
    body.push(['routing', 'in memory', `${fmt(r.orders)} orders, 50 locations, 10,000 SKUs`, `${fmt(r.ordersPerSecond)} orders/s`, '–', '–', fmt(r.cpuMicrosPerOrder / 1000, 3), note])
  }
  for (const { db, r } of picklistResults) {
    const note = `ms per wave: median ${fmt(r.ms)} of ${r.waveMs.length} (${fmt(Math.min(...r.waveMs))}–${fmt(Math.max(...r.waveMs))}); ${fmt(r.pickLines)} pick lines, ${fmt(r.units)} units`
    body.push(['picklist', dbName(db), `a wave of ${fmt(r.fulfillmentOrders)} fulfilment orders`, `${fmt(r.fulfillmentOrdersPerSecond)} FOs/s`, '–', '–', '–', note])
  }
  for (const { db, r } of ratesResults) {
    for (const [side, x] of [['HTTP', r.api], ['floor', r.floor]] as const) {
      if (!x) continue
      const what = side === 'HTTP' ? `POST /v1/fulfillments/{id}/rates, ${rateClients} clients` : `fulfillment.rates in-process, ${rateClients} clients`
      const note = `${r.fulfillments} packed orders, 6 services${x.errors ? `; ${x.errors} error(s)` : ''}`
      body.push(['rates', dbName(db), what, `${fmt(x.ordersPerSecond)} calls/s`, fmt(x.p50, 2), fmt(x.p99, 2), fmt(x.cpuMsPerOrder, 2), note])
    }
  }
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)))
  const line = (cells: string[]) => cells.map((c, i) => (i < 3 || i === 7 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ').trimEnd()
  return [line(head), widths.map((w) => '-'.repeat(w)).join('  '), ...body.map(line)].join('\n')
}

const started = Date.now()
const cpus = os.cpus()
const machine = `${cpus.length} × ${cpus[0]?.model.trim() ?? 'unknown CPU'}, ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB, ${os.platform()} ${os.release()}, node ${process.version}`
log(`machine: ${machine}`)
log(`sections: ${[...sections].join(', ') || 'none'}; databases: ${databases.join(', ')}; ${warmup} s warm-up (+${firstWarmup} s for a process's first run) + ${seconds} s measured per run; pool ${poolSize}`)
if (sections.has('intake')) log(`intake: ${lineCounts.join(' and ')} line(s)/order; ${clients} clients (HTTP load: ${client}${client === 'wrk' ? `, ${WRK_THREADS} thread` : ''})`)

let failed = false
/** One section's run; a failure is noted and the next one runs. */
async function run(name: string, fn: () => Promise<void>) {
  try {
    await fn()
  } catch (err) {
    failed = true
    notes.push(`${name}: the run failed: ${(err as Error).stack ?? err}`)
    log(notes[notes.length - 1])
  }
}

if (sections.has('intake')) for (const dialect of databases) await run(`intake ${dialect}`, () => benchIntake(dialect))
if (sections.has('routing')) await run('routing', async () => void routingResults.push(await benchRouting({ orders: routingOrders })))
if (sections.has('picklist')) for (const dialect of databases) await run(`picklist ${dialect}`, () => benchPicklists(dialect))
if (sections.has('rates')) for (const dialect of databases) await run(`rates ${dialect}`, () => benchRateShopping(dialect))

if (rows.length) {
  console.log(`
Ordo order intake: POST /v1/orders over HTTP on loopback vs the floor (orders.create in-process, no HTTP, no zod)
machine: ${machine}
each run: ${warmup} s warm-up (the first in a process +${firstWarmup} s), ${seconds} s measured, ${clients} requests in flight (HTTP load: ${client}); ${PRODUCTS} products × 3 warehouses, ${CUSTOMERS} returning customers, paid orders, no backorders
HTTP: an API process (ORDO_WORKERS=off), as the floor; "with e-mails": the default process, which also builds and sends every order's confirmation e-mail (outbox folder) as orders come in
`)
  console.log(table())
  const t = targets()
  console.log(`\ntargets (2-core machine): ≥ ${fmt(TARGETS.ordersPerSecond.sqlite)} orders/s on SQLite, ≥ ${fmt(TARGETS.ordersPerSecond.postgres)} on PostgreSQL, p99 ≤ ${TARGETS.p99Ms} ms, API ≥ ${100 * TARGETS.shareOfFloor} % of floor`)
  console.log(t.length ? t.join('\n') : '  (no 1-line HTTP run to judge)')
}
console.log(`\nSummary (machine: ${machine}; CPU ms/op: of the server for HTTP runs, of the bench process otherwise)\n`)
console.log(summary())
if (notes.length) console.log(`\nnotes:\n${notes.map((n) => `  - ${n}`).join('\n')}`)
console.log(`\ntotal ${((Date.now() - started) / 1000).toFixed(0)} s`)
if (failed) process.exitCode = 1
