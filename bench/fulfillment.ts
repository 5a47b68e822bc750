/**
 * Pick-wave planning through the real service on SQLite: 1,000 open fulfilment orders at one
 * warehouse (2–4 lines each over 300 SKUs, every fifth lot-tracked, stock spread over 400 bins)
 * planned into one picklist in one transaction, the way `POST /v1/picklists` runs it.
 *
 *   npx tsx bench/fulfillment.ts [orders]
 *
 * Prints figures; asserts nothing.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import os from 'node:os'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import { pathToFileURL } from 'node:url'
import { connect } from '../src/db/connection.js'
import { migrateToLatest } from '../src/db/migrations.js'
import { inTransaction } from '../src/db/transaction.js'
import { fixedClock } from '../src/kernel/clock.js'
import { systemActor, type Ctx } from '../src/kernel/context.js'
import type { CreateOrderBody } from '../src/modules/orders/index.js'
import { createServices } from '../src/services.js'

const SKUS = 300
const BINS = 400
const sku = (i: number) => `WAVE-${String(i).padStart(4, '0')}`
const bin = (i: number) => `${String.fromCharCode(65 + Math.floor(i / 40))}-${String(i % 40).padStart(2, '0')}`

export interface PicklistBench {
  orders: number
  fulfillmentOrders: number
  pickLines: number
  units: number
  /** Planning and writing the wave (one transaction). */
  ms: number
}

/** Seeds a fresh SQLite database, plans the wave, prints the figures and returns them. */
export async function benchPicklist(orderCount = 1000): Promise<PicklistBench> {
  const dir = mkdtempSync(join(os.tmpdir(), 'ordo-bench-wave-'))
  const conn = connect({ dialect: 'sqlite', file: join(dir, 'ordo.db') })
  try {
    await migrateToLatest(conn.db)
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
    for (let start = 0; start < orderCount; start += 100) {
      await inTransaction(conn.db, async (trx) => {
        for (let n = start; n < Math.min(orderCount, start + 100); n++) {
          const picks = new Set<number>()
          const lines = 2 + Math.floor(rand() * 3)
          while (picks.size < lines) picks.add(Math.floor(rand() * SKUS))
          const body: CreateOrderBody = {
            channel: 'web',
            customer: { email: `wave${n % 200}@bench.example`, name: `Customer ${n % 200}` },
            shippingAddress: { name: `Customer ${n % 200}`, line1: 'Hauptstraße 1', city: 'Potsdam', postalCode: '14467', country: 'DE', latitude: 52.39, longitude: 13.06 },
            lines: [...picks].map((i) => ({ sku: sku(i), quantity: 1 + Math.floor(rand() * 2) })),
            shippingAmount: 0,
            payment: { status: 'paid', method: 'card' },
            promisedDeliveryDate: `2026-11-${String(4 + (n % 5)).padStart(2, '0')}`,
          } as CreateOrderBody
          await services.orders.create(trx, ctx, body)
        }
      })
    }
    const open = await conn.db.selectFrom('fulfillmentOrders').select((eb) => eb.fn.countAll<number>().as('n')).where('status', '=', 'open').executeTakeFirstOrThrow()
    const started = performance.now()
    const { picklist } = await inTransaction(conn.db, (trx) => services.fulfillment.createPicklist(trx, ctx, { location: 'BER', maxOrders: orderCount }))
    const r = { orders: orderCount, fulfillmentOrders: Number(open.n), pickLines: picklist.lines.length, units: picklist.progress.units, ms: performance.now() - started }
    console.log(`pick wave (SQLite): ${r.fulfillmentOrders} open fulfilment orders → ${r.pickLines} pick lines, ${r.units} units, planned and written in ${r.ms.toFixed(0)} ms`)
    return r
  } finally {
    await conn.close()
    rmSync(dir, { recursive: true, force: true })
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await benchPicklist(Number(process.argv[2] ?? 1000))
