/**
 * Bench data: one channel, three warehouses with coordinates, a catalog with plenty of stock
 * everywhere (so no order is backordered), API keys, and pre-built order bodies. Everything is
 * written through the services, exactly as the API would write it.
 */
import type { Connection } from '../src/db/connection.js'
import { inTransaction, type Trx } from '../src/db/transaction.js'
import { systemClock } from '../src/kernel/clock.js'
import { systemActor, type Actor, type Ctx } from '../src/kernel/context.js'
import type { CreateOrderBody } from '../src/modules/orders/index.js'
import type { Services } from '../src/services.js'

export const PRODUCTS = 1_000
export const CUSTOMERS = 500
const STOCK_PER_LOCATION = 100_000_000

const seedCtx: Ctx = { actor: { ...systemActor, name: 'bench' }, clock: systemClock }

export const WAREHOUSES = [
  { code: 'BER', name: 'Berlin DC', city: 'Berlin', postalCode: '10115', line1: 'Invalidenstraße 1', latitude: 52.532, longitude: 13.384 },
  { code: 'MUC', name: 'Munich DC', city: 'München', postalCode: '80331', line1: 'Marienplatz 1', latitude: 48.137, longitude: 11.575 },
  { code: 'HAM', name: 'Hamburg DC', city: 'Hamburg', postalCode: '20095', line1: 'Mönckebergstraße 7', latitude: 53.551, longitude: 10.0 },
]

/** Ship-to addresses spread over Germany, so distance-ranked allocation uses every warehouse. */
const DESTINATIONS = [
  { city: 'Köln', postalCode: '50667', latitude: 50.938, longitude: 6.96 },
  { city: 'Leipzig', postalCode: '04109', latitude: 51.34, longitude: 12.375 },
  { city: 'Stuttgart', postalCode: '70173', latitude: 48.775, longitude: 9.182 },
  { city: 'Bremen', postalCode: '28195', latitude: 53.079, longitude: 8.801 },
  { city: 'Dresden', postalCode: '01067', latitude: 51.05, longitude: 13.738 },
  { city: 'Nürnberg', postalCode: '90402', latitude: 49.452, longitude: 11.077 },
]

export const skuOf = (i: number) => `BENCH-${String(i).padStart(5, '0')}`

export interface Seeded {
  /** One admin key per client (see README: the per-key rate limit would otherwise cap one key). */
  keys: string[]
  /** The actor the floor runs as (the first key's). */
  actor: Actor
}

async function chunked<T>(items: T[], parallel: number, fn: (part: T[]) => Promise<void>) {
  const size = Math.ceil(items.length / parallel)
  const parts: T[][] = []
  for (let i = 0; i < items.length; i += size) parts.push(items.slice(i, i + size))
  await Promise.all(parts.map(fn))
}

/** The `web` channel and the three warehouses (each with one bin `A-01` when `bins`). */
export async function createChannelAndWarehouses(trx: Trx, services: Services, ctx: Ctx, opts: { bins?: boolean } = {}) {
  await services.channels.create(trx, ctx, { code: 'web', name: 'Web shop', type: 'web', active: true })
  for (const [i, w] of WAREHOUSES.entries()) {
    await services.locations.create(trx, ctx, {
      code: w.code,
      name: w.name,
      type: 'warehouse',
      address: { name: w.name, line1: w.line1, city: w.city, postalCode: w.postalCode, country: 'DE' },
      latitude: w.latitude,
      longitude: w.longitude,
      active: true,
      priority: 100 + i,
    })
    if (opts.bins) await services.locations.createBin(trx, ctx, w.code, { code: 'A-01', zone: 'A', pickSequence: 10 })
  }
}

export async function seed(conn: Connection, services: Services, keyCount: number): Promise<Seeded> {
  const db = conn.db
  await inTransaction(db, async (trx) => {
    await createChannelAndWarehouses(trx, services, seedCtx)
  })
  const indexes = Array.from({ length: PRODUCTS }, (_, i) => i)
  // PostgreSQL: a few transactions in parallel over the pool; SQLite serialises them anyway.
  const parallel = conn.dialect === 'postgres' ? 8 : 1
  await chunked(indexes, parallel, (part) =>
    inTransaction(db, async (trx) => {
      for (const i of part) {
        await services.catalog.create(trx, seedCtx, {
          sku: skuOf(i),
          name: `Bench product ${i}`,
          barcodes: [],
          weightGrams: 250 + (i % 50) * 10,
          lengthMm: 200,
          widthMm: 150,
          heightMm: 50 + (i % 10) * 10,
          price: { amount: 499 + (i % 97) * 100, currency: 'EUR' },
          taxCode: i % 10 === 0 ? 'reduced' : 'standard',
          active: true,
          lotTracked: false,
          fragile: false,
          proofOnDelivery: false,
        })
      }
    }),
  )
  await chunked(indexes, parallel, (part) =>
    inTransaction(db, async (trx) => {
      for (const i of part) {
        for (const w of WAREHOUSES) {
          await services.inventory.adjust(trx, seedCtx, { sku: skuOf(i), location: w.code, delta: STOCK_PER_LOCATION, reason: 'bench stock' })
        }
      }
    }),
  )
  const keys: string[] = []
  let actor: Actor | undefined
  await inTransaction(db, async (trx) => {
    for (let i = 0; i < keyCount; i++) {
      const k = await services.auth.createKey(trx, seedCtx, { name: `bench-${i}`, role: 'admin' })
      keys.push(k.key)
      actor ??= { kind: 'api_key', id: k.id, name: k.name, role: k.role }
    }
  })
  return { keys, actor: actor! }
}

/** A deterministic pseudo-random sequence, so every run (and the API and its floor) sends the same orders. */
function rng(seedValue: number) {
  let s = seedValue >>> 0
  return () => {
    s = (s + 0x6d2b79f5) >>> 0
    let t = s
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/**
 * `count` valid, paid orders of `lines` distinct SKUs each, as the service takes them (zod's
 * defaults already applied, so the same objects serve the floor and, as JSON, the API).
 */
export function orderBodies(count: number, lines: number, seedValue = 42): CreateOrderBody[] {
  const rand = rng(seedValue + lines)
  const bodies: CreateOrderBody[] = []
  for (let n = 0; n < count; n++) {
    const c = Math.floor(rand() * CUSTOMERS)
    const dest = DESTINATIONS[Math.floor(rand() * DESTINATIONS.length)]
    const skus = new Set<number>()
    while (skus.size < lines) skus.add(Math.floor(rand() * PRODUCTS))
    bodies.push({
      channel: 'web',
      customer: { email: `customer${c}@bench.example`, name: `Customer ${c}` },
      shippingAddress: {
        name: `Customer ${c}`,
        line1: `Hauptstraße ${1 + (c % 200)}`,
        city: dest.city,
        postalCode: dest.postalCode,
        country: 'DE',
        latitude: dest.latitude,
        longitude: dest.longitude,
      },
      lines: [...skus].map((i) => ({ sku: skuOf(i), quantity: 1 + Math.floor(rand() * 3) })),
      shippingAmount: 495,
      shippingMethod: 'standard',
      payment: { status: 'paid', method: 'card' },
    })
  }
  return bodies
}
