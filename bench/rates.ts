/**
 * Rate shopping per fulfilment order. The carriers, services and rate cards of the demo
 * (src/seed/carriers.ts: 3 carriers, 6 services, distance and country zones, weight breaks, fuel,
 * home-delivery and island surcharges), three warehouses, and packed fulfilment orders driven there
 * through the real services: orders to German and European addresses (a few businesses, a few
 * islands, standard, express and international shipping), a pick wave per warehouse, every line
 * scanned, packed as the box suggestion says. Then every service is priced for their parcels,
 * round-robin over the orders: `services.fulfillment.rates` in-process, and
 * `POST /v1/fulfillments/{id}/rates` over HTTP against `ordo serve` in its own process.
 *
 *   npx tsx bench/rates.ts [--fulfillments 300] [--clients 4] [--seconds 5]     (SQLite)
 *
 * Prints figures; asserts nothing.
 */
import http from 'node:http'
import { performance } from 'node:perf_hooks'
import { parseArgs } from 'node:util'
import { pathToFileURL } from 'node:url'
import { inTransaction } from '../src/db/transaction.js'
import { systemClock } from '../src/kernel/clock.js'
import { systemActor, type Ctx } from '../src/kernel/context.js'
import type { CreateOrderBody } from '../src/modules/orders/index.js'
import { loadShippingSetup } from '../src/seed/carriers.js'
import { FOREIGN_CUSTOMERS, GERMAN_CITIES, type City } from '../src/seed/data.js'
import { Random } from '../src/seed/random.js'
import { createServices, type Services } from '../src/services.js'
import { freshDatabase, type Prepared } from './db.js'
import { httpSender, ownCpuMicros, processCpuMicros, runClosedLoop, type RunResult } from './load.js'
import { createChannelAndWarehouses, WAREHOUSES } from './seed.js'
import { startServer, type ServerProcess } from './server.js'

const PRODUCTS = 120
const sku = (i: number) => `RATE-${String(i).padStart(4, '0')}`

export interface RatesSeeded {
  /** The packed fulfilment orders. */
  ids: string[]
  packages: number
  keys: string[]
  ctx: Ctx
  services: Services
  seconds: number
}

/** Packed fulfilment orders through the real services, and an admin key per client. */
export async function seedRates(prepared: Prepared, opts: { fulfillments: number; keys: number }): Promise<RatesSeeded> {
  const started = performance.now()
  const db = prepared.conn.db
  const services = createServices({ clock: systemClock, apiKeyCacheSeconds: 5 })
  const ctx: Ctx = { actor: { ...systemActor, name: 'bench' }, clock: systemClock }
  const rnd = new Random(11)
  await inTransaction(db, async (trx) => {
    await createChannelAndWarehouses(trx, services, ctx, { bins: true })
    await loadShippingSetup(trx, services, ctx)
    // From a 120 g phone case to a 6 kg cast-iron pan, so parcels fall into every weight break.
    for (let i = 0; i < PRODUCTS; i++) {
      await services.catalog.create(trx, ctx, {
        sku: sku(i),
        name: `Rated item ${i}`,
        barcodes: [],
        weightGrams: Math.round(120 * Math.pow(50, i / (PRODUCTS - 1))),
        lengthMm: 120 + (i % 8) * 40,
        widthMm: 90 + (i % 5) * 30,
        heightMm: 30 + (i % 6) * 25,
        price: { amount: 990 + (i % 30) * 250, currency: 'EUR' },
        taxCode: 'standard',
        active: true,
        lotTracked: false,
        fragile: i % 9 === 0,
        proofOnDelivery: false,
      })
      for (const w of WAREHOUSES) await services.inventory.adjust(trx, ctx, { sku: sku(i), location: w.code, bin: 'A-01', delta: 1_000_000, reason: 'bench stock' })
    }
  })

  // Three in four parcels stay in Germany (some to businesses, a few to the North Sea islands), the rest go abroad.
  const islands: City[] = [{ city: 'Westerland', postalCode: '25980', country: 'DE', latitude: 54.907, longitude: 8.31 }, { city: 'Norderney', postalCode: '26548', country: 'DE', latitude: 53.707, longitude: 7.147 }]
  const bodies: CreateOrderBody[] = Array.from({ length: opts.fulfillments }, (_, n) => {
    const abroad = rnd.chance(0.25)
    const place = abroad ? rnd.pick(FOREIGN_CUSTOMERS).city : rnd.chance(0.03) ? rnd.pick(islands) : rnd.pick(GERMAN_CITIES)
    const items = new Set<number>()
    const lines = rnd.int(1, 3)
    while (items.size < lines) items.add(rnd.int(0, PRODUCTS - 1))
    return {
      channel: 'web',
      customer: { email: `rates${n % 150}@bench.example`, name: `Customer ${n % 150}` },
      shippingAddress: {
        name: `Customer ${n % 150}`,
        ...(rnd.chance(0.15) ? { company: 'Werkstatt Nord GmbH' } : {}),
        line1: `Hauptstraße ${1 + (n % 90)}`,
        city: place.city,
        postalCode: place.postalCode,
        ...(place.region ? { region: place.region } : {}),
        country: place.country,
        latitude: place.latitude,
        longitude: place.longitude,
      },
      lines: [...items].map((i) => ({ sku: sku(i), quantity: rnd.int(1, 2) })),
      shippingMethod: abroad ? 'international' : rnd.chance(0.15) ? 'express' : 'standard',
      payment: { status: 'paid', method: 'card' },
    } as CreateOrderBody
  })
  for (let i = 0; i < bodies.length; i += 100) {
    await inTransaction(db, async (trx) => {
      for (const body of bodies.slice(i, i + 100)) await services.orders.create(trx, ctx, body)
    })
  }

  // A wave per warehouse, every line scanned, then each order packed as suggested.
  const ids: string[] = []
  let packages = 0
  for (const w of WAREHOUSES) {
    const picklist = await inTransaction(db, async (trx) => {
      const { picklist } = await services.fulfillment.createPicklist(trx, ctx, { location: w.code })
      for (const line of picklist.lines) {
        const r = await services.fulfillment.scan(trx, ctx, picklist.id, { bin: line.bin ?? undefined, barcode: line.barcode, quantity: line.quantity })
        if (!r.ok) throw r.error
      }
      return picklist
    }).catch((err: { code?: string }) => (err.code === 'picklist.nothing_to_pick' ? null : Promise.reject(err)))
    if (!picklist) continue
    const plans: { id: string; packages: { box: string; contents: { sku: string; quantity: number }[] }[] }[] = []
    for (const f of picklist.fulfillmentOrders) {
      const s = await services.fulfillment.boxSuggestion(db, f.id)
      plans.push({ id: f.id, packages: s.packages.map((p) => ({ box: p.box, contents: p.items })) })
      packages += s.packages.length
    }
    await inTransaction(db, async (trx) => {
      for (const p of plans) await services.fulfillment.pack(trx, ctx, p.id, { packages: p.packages })
    })
    ids.push(...plans.map((p) => p.id))
  }

  const keys: string[] = []
  await inTransaction(db, async (trx) => {
    for (let i = 0; i < opts.keys; i++) keys.push((await services.auth.createKey(trx, ctx, { name: `bench-rates-${i}`, role: 'admin' })).key)
  })
  return { ids, packages, keys, ctx, services, seconds: (performance.now() - started) / 1000 }
}

export interface RatesBench {
  fulfillments: number
  packages: number
  seedSeconds: number
  floor?: RunResult
  api?: RunResult
  /** What the first HTTP answer chose, as a check that the data prices (e.g. "hermes.paket"). */
  firstDefault?: string | null
}

export interface RatesOptions {
  fulfillments: number
  clients: number
  warmupMs: number
  /** Extra warm-up of the server process's first run (JIT). */
  firstWarmupMs: number
  measureMs: number
  floor: boolean
  http: boolean
  /** Called with the server while it runs, so an interrupted bench can stop it. */
  onServer?: (server: ServerProcess | undefined) => void
}

const post = (port: number, path: string, key: string) =>
  new Promise<{ status: number; body: string }>((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, path, method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' } }, (res) => {
      const chunks: Buffer[] = []
      res.on('data', (c: Buffer) => chunks.push(c))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }))
    })
    req.on('error', reject)
    req.end('{}')
  })

/** Seeds the prepared database, then times rates in-process (with `floor`) and over HTTP (with `http`). */
export async function benchRates(prepared: Prepared, o: RatesOptions): Promise<RatesBench> {
  const seeded = await seedRates(prepared, { fulfillments: o.fulfillments, keys: o.clients })
  const { ids, services, ctx } = seeded
  const db = prepared.conn.db
  const floor = o.floor
    ? await runClosedLoop({
        clients: o.clients,
        warmupMs: o.warmupMs,
        measureMs: o.measureMs,
        cpuMicros: ownCpuMicros,
        send: async (n) => {
          // From a macrotask, as a request runs in a server (see run.ts).
          await new Promise((r) => setImmediate(r))
          await services.fulfillment.rates(db, ctx, ids[n % ids.length])
          return { ok: true }
        },
      })
    : undefined
  const result: RatesBench = { fulfillments: ids.length, packages: seeded.packages, seedSeconds: seeded.seconds, floor }
  if (!o.http) return result

  const server = await startServer({ databaseUrl: prepared.serverUrl })
  o.onServer?.(server)
  try {
    const paths = ids.map((id) => `/v1/fulfillments/${id}/rates`)
    const probe = await post(server.port, paths[0], seeded.keys[0])
    if (probe.status !== 200) throw new Error(`POST ${paths[0]} → ${probe.status} ${probe.body.slice(0, 500)}`)
    result.firstDefault = (JSON.parse(probe.body) as { default: string | null }).default
    const sender = httpSender({ port: server.port, path: paths[0], paths, status: 200, clients: o.clients, keys: seeded.keys, bodies: ['{}'] })
    try {
      result.api = await runClosedLoop({ clients: o.clients, warmupMs: o.warmupMs + o.firstWarmupMs, measureMs: o.measureMs, send: sender.send, cpuMicros: processCpuMicros(server.pid) })
    } finally {
      sender.close()
    }
  } finally {
    o.onServer?.(undefined)
    await server.stop()
  }
  return result
}

export function describeRates(r: RatesBench, database: string): string[] {
  const line = (what: string, x: RunResult) =>
    `rates (${database}, ${what}): ${Math.round(x.ordersPerSecond).toLocaleString('en-US')} calls/s, p50 ${x.p50.toFixed(2)} ms, p99 ${x.p99.toFixed(2)} ms${x.cpuMsPerOrder === undefined ? '' : `, ${x.cpuMsPerOrder.toFixed(2)} CPU ms/call`}, ${x.errors} error(s)${x.firstError ? `; the first: ${x.firstError}` : ''}`
  return [
    `rates (${database}): ${r.fulfillments} packed fulfilment orders (${r.packages} parcels), 6 services each, seeded in ${r.seedSeconds.toFixed(1)} s`,
    ...(r.floor ? [line('in-process', r.floor)] : []),
    ...(r.api ? [line('HTTP', r.api)] : []),
  ]
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const { values } = parseArgs({ options: { fulfillments: { type: 'string', default: '300' }, clients: { type: 'string', default: '4' }, seconds: { type: 'string', default: '5' } } })
  const prepared = await freshDatabase('sqlite', { pgUrl: '', poolSize: 1 })
  try {
    const r = await benchRates(prepared, { fulfillments: Number(values.fulfillments), clients: Number(values.clients), warmupMs: 2000, firstWarmupMs: 3000, measureMs: Number(values.seconds) * 1000, floor: true, http: true })
    for (const l of describeRates(r, 'SQLite')) console.log(l)
  } finally {
    await prepared.cleanup()
  }
}
