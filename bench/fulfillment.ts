/**
 * Pick-wave planning through the real service: 1,000 open fulfilment orders at one warehouse
 * (2–4 lines each over 300 SKUs, every fifth lot-tracked, stock spread over 400 bins) planned into
 * one picklist in one transaction, the way `POST /v1/picklists` runs it; the wave is cancelled
 * (its orders go back to the queue) and planned again, a few times, for a steadier figure.
 *
 *   npx tsx bench/fulfillment.ts [orders]        (SQLite; `npm run bench -- --only picklist` for both databases)
 *
 * Prints figures; asserts nothing.
 */
import { performance } from 'node:perf_hooks'
import { pathToFileURL } from 'node:url'
import type { Connection } from '../src/db/connection.js'
import { inTransaction } from '../src/db/transaction.js'
import { fixedClock } from '../src/kernel/clock.js'
import { systemActor, type Ctx } from '../src/kernel/context.js'
import type { CreateOrderBody } from '../src/modules/orders/index.js'
import { createServices } from '../src/services.js'
import { freshDatabase } from './db.js'

const SKUS = 300
const BINS = 400
const sku = (i: number) => `WAVE-${String(i).padStart(4, '0')}`
const bin = (i: number) => `${String.fromCharCode(65 + Math.floor(i / 40))}-${String(i % 40).padStart(2, '0')}`

export interface PicklistBench {
  orders: number
  fulfillmentOrders: number
  pickLines: number
  units: number
  /** Planning and writing the wave (one transaction), each time it was planned. */
  waveMs: number[]
  /** The median of `waveMs`. */
  ms: number
  fulfillmentOrdersPerSecond: number
  seedSeconds: number
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]

/** Seeds a fresh database through the services, plans the wave `waves` times, prints the figures and returns them. */
export async function benchPicklist(conn: Connection, opts: { orders?: number; waves?: number } = {}): Promise<PicklistBench> {
  const orderCount = opts.orders ?? 1000
  const seedStarted = performance.now()
  const clock = fixedClock('2026-11-02T08:00:00.000Z')
  const services = createServices({ clock, apiKeyCacheSeconds: 5 })
  const ctx: Ctx = { actor: { ...systemActor, name: 'bench' }, clock }
  await inTransaction(conn.db, async (trx) => {
    await services.channels.create(trx, ctx, { code: 'web', name: 'Web shop', type: 'web', active: true })
    await services.locations.create(trx, ctx, {
      code: 'BER',
      name: 'Berlin DC',
      type: 'warehouse',
      address: { name: 'Berlin DC', line1: 'Invalidenstraße 1', city: 'Berlin', postalCode: '10115', country: 'DE' },
      latitude: 52.532,
      longitude: 13.384,
      active: true,
      priority: 100,
    })
    // Bins are numbered against the walk, so the plan has to sort them.
    for (let b = 0; b < BINS; b++) await services.locations.createBin(trx, ctx, 'BER', { code: bin(b), zone: bin(b)[0], pickSequence: (BINS - b) * 10 })
    for (let i = 0; i < SKUS; i++) {
      const lotTracked = i % 5 === 0
      await services.catalog.create(trx, ctx, {
        sku: sku(i),
        name: `Wave item ${i}`,
        barcodes: [],
        weightGrams: 100 + (i % 40) * 25,
        lengthMm: 100 + (i % 7) * 20,
        widthMm: 80,
        heightMm: 40 + (i % 5) * 10,
        price: { amount: 990, currency: 'EUR' },
        taxCode: 'standard',
        active: true,
        lotTracked,
        fragile: i % 11 === 0,
        proofOnDelivery: false,
      })
      // Each item in two bins; lot-tracked ones in two lots with different expiry dates.
      for (const [k, b] of [(i * 7) % BINS, (i * 13 + 5) % BINS].entries()) {
        await services.inventory.adjust(trx, ctx, {
          sku: sku(i),
          location: 'BER',
          bin: bin(b),
          delta: 200,
          reason: 'bench stock',
          ...(lotTracked ? { lot: `L${k}`, expiresOn: k ? '2027-06-30' : '2027-01-31' } : {}),
        })
      }
    }
  })
  let seed = 7
  const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31)
  const bodies: CreateOrderBody[] = Array.from({ length: orderCount }, (_, n) => {
    const picks = new Set<number>()
    const lines = 2 + Math.floor(rand() * 3)
    while (picks.size < lines) picks.add(Math.floor(rand() * SKUS))
    return {
      channel: 'web',
      customer: { email: `wave${n % 200}@bench.example`, name: `Customer ${n % 200}` },
      shippingAddress: { name: `Customer ${n % 200}`, line1: 'Hauptstraße 1', city: 'Potsdam', postalCode: '14467', country: 'DE', latitude: 52.39, longitude: 13.06 },
      lines: [...picks].map((i) => ({ sku: sku(i), quantity: 1 + Math.floor(rand() * 2) })),
      shippingAmount: 0,
      payment: { status: 'paid', method: 'card' },
      promisedDeliveryDate: `2026-11-${String(4 + (n % 5)).padStart(2, '0')}`,
    } as CreateOrderBody
  })
  if (conn.dialect === 'sqlite') {
    for (let start = 0; start < orderCount; start += 100) {
      await inTransaction(conn.db, async (trx) => {
        for (const body of bodies.slice(start, start + 100)) await services.orders.create(trx, ctx, body)
      })
    }
  } else {
    // A round trip per statement: four orders at a time over the pool, each in its own transaction
    // (an order reserves its stock rows in a fixed order, so orders never deadlock; batches would).
    let next = 0
    await Promise.all(
      Array.from({ length: 4 }, async () => {
        while (next < bodies.length) {
          const body = bodies[next++]
          await inTransaction(conn.db, (trx) => services.orders.create(trx, ctx, body))
        }
      }),
    )
  }
  const open = await conn.db.selectFrom('fulfillmentOrders').select((eb) => eb.fn.countAll<number>().as('n')).where('status', '=', 'open').executeTakeFirstOrThrow()
  const seedSeconds = (performance.now() - seedStarted) / 1000

  const waveMs: number[] = []
  let planned = { lines: 0, units: 0 }
  for (let i = 0; i < (opts.waves ?? 5); i++) {
    const started = performance.now()
    const { picklist } = await inTransaction(conn.db, (trx) => services.fulfillment.createPicklist(trx, ctx, { location: 'BER', maxOrders: orderCount }))
    waveMs.push(performance.now() - started)
    planned = { lines: picklist.lines.length, units: picklist.progress.units }
    await inTransaction(conn.db, (trx) => services.fulfillment.cancelPicklist(trx, ctx, picklist.id))
  }
  const ms = median(waveMs)
  const fulfillmentOrders = Number(open.n)
  const r: PicklistBench = { orders: orderCount, fulfillmentOrders, pickLines: planned.lines, units: planned.units, waveMs, ms, fulfillmentOrdersPerSecond: fulfillmentOrders / (ms / 1000), seedSeconds }
  const name = conn.dialect === 'sqlite' ? 'SQLite' : 'PostgreSQL'
  console.log(
    `pick wave (${name}): ${r.fulfillmentOrders} open fulfilment orders → ${r.pickLines} pick lines, ${r.units} units, planned and written in ${ms.toFixed(0)} ms ` +
      `(median of ${waveMs.length}: ${waveMs.map((x) => x.toFixed(0)).join(', ')} ms), ${Math.round(r.fulfillmentOrdersPerSecond).toLocaleString('en-US')} fulfilment orders/s; seeded in ${seedSeconds.toFixed(1)} s`,
  )
  return r
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const prepared = await freshDatabase('sqlite', { pgUrl: '', poolSize: 1 })
  try {
    await benchPicklist(prepared.conn, { orders: Number(process.argv[2] ?? 1000) })
  } finally {
    await prepared.cleanup()
  }
}
