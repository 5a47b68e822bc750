/**
 * The demo's warehouses at work. With the master data: carriers with their rate cards, shipping
 * methods, the box catalog, a routing policy for the marketplace and postal centroids. Then, on
 * the seed's timeline beside the orders, every day of the month: a morning pick wave per location,
 * packing by the box suggestion, labels bought by rate shopping, an end-of-day manifest per
 * carrier and location, and the carriers' scans until the door. The last hours are caught in mid
 * flow (a wave half scanned with a wrong scan and a short pick, orders picked, packed, labelled, a
 * label voided, parcels out for delivery and one exception), so every state shows in the console.
 *
 * The warehouses ship seven days a week and the carriers collect every evening, as the large
 * parcel networks do for online shops; they deliver on business days (the rate cards' dates).
 */
import type { Db } from '../db/connection.js'
import { inTransaction, type Trx } from '../db/transaction.js'
import type { fixedClock } from '../kernel/clock.js'
import type { Ctx } from '../kernel/context.js'
import type { FulfillmentOrder, Picklist } from '../modules/fulfillment/index.js'
import { routingPolicySchema } from '../modules/routing/index.js'
import type { Shipment, ShipmentStatus } from '../modules/shipping/index.js'
import type { Services } from '../services.js'
import { loadShippingSetup } from './carriers.js'
import { GERMAN_CITIES } from './data.js'
import { timeWarp, type DemoPlan } from './plan.js'
import { Random } from './random.js'

const MINUTE = 60_000
const HOUR = 60 * MINUTE
const DAY = 24 * HOUR

/** Marketplace orders never ship from the store (it keeps its shelf for walk-in and POS customers) and split at most once. */
const MARKETPLACE_POLICY = routingPolicySchema.parse({
  rankers: [
    { code: 'distance', weight: 3 },
    { code: 'cost', weight: 3 },
    { code: 'shipments', weight: 4 },
    { code: 'priority', weight: 1 },
  ],
  split: { allowed: true, maxShipments: 2 },
  locations: [{ type: 'store', channels: ['pos'], domesticOnly: true }],
})

/**
 * What the warehouses run on, dated with the master data (before the first order, so routing
 * already ranks by the carriers' costs): carriers, methods and boxes, the marketplace's routing
 * policy, and the postal centroids of the customers' cities (addresses without coordinates are
 * still routed by distance). What exists already is kept.
 */
export async function loadWarehouseSetup(trx: Trx, services: Services, ctx: Ctx): Promise<void> {
  await loadShippingSetup(trx, services, ctx)
  if (!(await services.routing.policies(trx)).channels.some((p) => p.channel === 'marketplace')) await services.routing.putPolicy(trx, ctx, 'marketplace', MARKETPLACE_POLICY)
  await services.routing.importCentroids(
    trx,
    ctx,
    GERMAN_CITIES.map((c) => ({ country: c.country, postalCode: c.postalCode, latitude: c.latitude, longitude: c.longitude })),
  )
}

export interface WarehouseTask {
  /** When, on the plan's timeline (see `timeWarp`). */
  v: number
  run(): Promise<void>
}

interface Deps {
  db: Db
  services: Services
  ctx: Ctx
  clock: ReturnType<typeof fixedClock>
  plan: DemoPlan
  seed: number
  /** The ids of the plan's orders by their index, filled in as they are created. */
  orderIds: ReadonlyMap<number, string>
}

const isoDate = (t: number) => new Date(t).toISOString().slice(0, 10)

/** Every row of a cursor-paged listing. */
async function allPages<T>(list: (cursor?: string) => Promise<{ data: T[]; nextCursor: string | null }>): Promise<T[]> {
  const all: T[] = []
  for (let cursor: string | undefined, first = true; first || cursor; first = false) {
    const page = await list(cursor)
    all.push(...page.data)
    cursor = page.nextCursor ?? undefined
  }
  return all
}
const byId = <T extends { id: string }>(a: T, b: T) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)

/**
 * The warehouses' work as tasks on the plan's timeline, to run in order with the orders: whole
 * days up to yesterday, then today's last hours.
 */
export function warehouseTasks(d: Deps): WarehouseTask[] {
  const { db, services, ctx, clock, plan } = d
  if (!plan.orders.length) return []
  const rng = new Random(d.seed * 7_919 + 17)
  const warp = timeWarp(plan.now)
  /** The timeline point of a wall-clock time (warp is monotone: bisect it). */
  const vAt = (t: number) => {
    let lo = -1
    let hi = 1
    for (let i = 0; i < 50; i++) {
      const mid = (lo + hi) / 2
      if (warp(mid).getTime() <= t) lo = mid
      else hi = mid
    }
    return lo
  }

  const now = plan.now.getTime()
  const today = Date.UTC(plan.now.getUTCFullYear(), plan.now.getUTCMonth(), plan.now.getUTCDate())
  // Today's last hours: long enough to show a day's work, never before midnight.
  const stageFrom = Math.max(now - 200 * MINUTE, today + 5 * MINUTE)
  const stageTo = now - MINUTE
  const stageAt = (share: number) => stageFrom + Math.round((stageTo - stageFrom) * share)
  // The newest orders wait for today's waves, so that today has work in every state: a dozen or
  // more, but at most 30 h of them, so yesterday's morning wave always has work too.
  const newest = plan.orders[Math.max(0, plan.orders.length - Math.max(12, Math.round(plan.orders.length * 0.06)))].at.getTime()
  const cutoff = new Date(Math.max(newest, now - 30 * HOUR)).toISOString()

  // Customer service acts on some orders after they arrive (cancellations, edits, holds): the
  // warehouse leaves those alone until it has.
  const followedUp = plan.orders.filter((o) => o.followUps.length).map((o) => ({ index: o.index, until: Math.max(...o.followUps.map((f) => f.at.getTime())) }))
  const settled = (f: FulfillmentOrder) => !followedUp.some((o) => o.until >= clock.now().getTime() && d.orderIds.get(o.index) === f.orderId)

  // Oldest first: the order things were released in.
  const fulfillmentOrders = async (status: FulfillmentOrder['status']) =>
    (await allPages((cursor) => services.fulfillment.list(db, { status, held: status === 'open' ? false : undefined, limit: 200, cursor }))).sort(byId)
  const shipments = async (status: ShipmentStatus) => (await allPages((cursor) => services.shipping.list(db, { status, limit: 200, cursor }))).sort(byId)
  /** Open, unheld fulfilment orders that customer service is done with, oldest first. */
  async function pickable(before: string): Promise<FulfillmentOrder[]> {
    return (await fulfillmentOrders('open')).filter((f) => f.createdAt < before && settled(f))
  }
  const groupByLocation = (fos: FulfillmentOrder[]) => {
    const m = new Map<string, FulfillmentOrder[]>()
    for (const f of fos) m.set(f.location, [...(m.get(f.location) ?? []), f])
    return m
  }

  /** A wave of exactly these fulfilment orders at one location; null when none of them can be picked from the bins. */
  async function wave(location: string, fos: FulfillmentOrder[]): Promise<Picklist | null> {
    try {
      return (await inTransaction(db, (trx) => services.fulfillment.createPicklist(trx, ctx, { location, fulfillmentOrders: fos.map((f) => f.id) }))).picklist
    } catch (err) {
      if ((err as { code?: string }).code === 'picklist.nothing_to_pick') return null
      throw err
    }
  }

  const bins = new Map<string, string[]>()
  /** A bin of the location that holds no line of this item on the picklist: scanning it is a wrong bin. */
  async function wrongBinFor(trx: Trx, pl: Picklist, line: Picklist['lines'][number]) {
    if (!bins.has(pl.location)) bins.set(pl.location, (await services.locations.listBins(trx, pl.location)).map((b) => b.code))
    const taken = new Set(pl.lines.filter((l) => l.sku === line.sku).map((l) => l.bin))
    const free = bins.get(pl.location)!.filter((b) => !taken.has(b))
    return free.length ? rng.pick(free) : null
  }

  /** Scans lines of a picklist in walk order, each in one go, a scan every `gapMs` or so; now and then the picker scans the wrong bin first. */
  async function scan(trx: Trx, pl: Picklist, lines: Picklist['lines'], gapMs: number) {
    for (const line of lines) {
      clock.advance(Math.round(gapMs * (0.6 + rng.float() * 0.8)))
      const bin = rng.chance(0.03) ? await wrongBinFor(trx, pl, line) : null
      if (bin) {
        const refused = await services.fulfillment.scan(trx, ctx, pl.id, { bin, barcode: line.barcode, quantity: line.remainingQuantity })
        if (refused.ok) throw new Error(`a scan of ${line.sku} in ${bin} was accepted on ${pl.number}`)
        clock.advance(Math.round(gapMs / 3))
      }
      const r = await services.fulfillment.scan(trx, ctx, pl.id, { ...(line.bin ? { bin: line.bin } : {}), barcode: line.barcode, quantity: line.remainingQuantity })
      if (!r.ok) throw r.error
    }
  }

  /** Packs fulfilment orders as the box suggestion says, one after another from `at`. */
  async function pack(fos: FulfillmentOrder[], at: number, gapMs: number) {
    const plans: { id: string; packages: { box: string; contents: { sku: string; quantity: number }[] }[] }[] = []
    for (const f of fos) {
      const s = await services.fulfillment.boxSuggestion(db, f.id)
      if (s.unfittable.length) throw new Error(`${f.number}: ${s.unfittable.map((u) => u.sku).join(', ')} fit no box of the catalog`)
      plans.push({ id: f.id, packages: s.packages.map((p) => ({ box: p.box, contents: p.items })) })
    }
    clock.set(new Date(at))
    await inTransaction(db, async (trx) => {
      for (const p of plans) {
        clock.advance(Math.round(gapMs * (0.6 + rng.float() * 0.8)))
        await services.fulfillment.pack(trx, ctx, p.id, { packages: p.packages })
      }
    })
  }

  /** Buys the default (rate-shopped) label for each, one after another from `at`. */
  async function ship(fos: FulfillmentOrder[], at: number, gapMs: number): Promise<Shipment[]> {
    clock.set(new Date(at))
    const out: Shipment[] = []
    for (const f of fos) {
      clock.advance(gapMs)
      out.push((await services.fulfillment.ship(db, ctx, f.id, {})).shipment)
    }
    return out
  }

  const track = (s: Shipment, body: Parameters<Services['shipping']['recordTrackingEvent']>[3]) => services.shipping.recordTrackingEvent(db, ctx, s.id, body)
  const originCity = async (s: Shipment) => (await services.locations.getByCode(db, s.origin.code)).address.city ?? s.origin.code

  /** Out for delivery on the delivery date's morning, at the depot of the destination. */
  const outForDelivery = (s: Shipment, at: number) => track(s, { status: 'out_for_delivery', occurredAt: new Date(at).toISOString(), location: `${s.destination.city ?? s.destination.country} delivery depot`, source: 'carrier' })

  // ---- a whole day ----

  function day(date: number): WarehouseTask[] {
    const at = (h: number, m = 0) => date + h * HOUR + m * MINUTE
    const dateText = isoDate(date)
    const shipped: Shipment[] = []
    const task = (t: number, run: () => Promise<void>): WarehouseTask => ({
      v: vAt(t),
      run: async () => {
        clock.set(new Date(t))
        await run()
      },
    })
    return [
      // The morning wave per location: everything released until now, picked by 9 o'clock.
      task(at(6, 30), async () => {
        const due = await pickable(cutoff < new Date(at(6, 30)).toISOString() ? cutoff : new Date(at(6, 30)).toISOString())
        for (const [location, fos] of groupByLocation(due)) {
          clock.set(new Date(at(6, 30)))
          const pl = await wave(location, fos)
          if (!pl) continue
          await inTransaction(db, (trx) => scan(trx, pl, pl.lines, Math.min(75_000, HOUR / pl.lines.length)))
        }
      }),
      // Drivers leave the depots with what is due today.
      task(at(7, 30), async () => {
        for (const s of await shipments('in_transit')) {
          if (s.estimatedDeliveryDate && s.estimatedDeliveryDate <= dateText) await outForDelivery(s, at(6, 45) + rng.int(0, 40) * MINUTE)
        }
      }),
      task(at(9, 30), async () => {
        for (const [, fos] of groupByLocation(await fulfillmentOrders('picked'))) await pack(fos, at(9, 30), 3 * MINUTE)
      }),
      task(at(12), async () => {
        for (const [, fos] of groupByLocation(await fulfillmentOrders('packed'))) shipped.push(...(await ship(fos, at(12), MINUTE)))
      }),
      // The parcels handed out since the morning.
      task(at(15), async () => {
        for (const s of await shipments('out_for_delivery')) {
          const occurredAt = new Date(at(9) + rng.int(0, 330) * MINUTE).toISOString()
          const proof = s.requiresProof
            ? rng.chance(0.7)
              ? { deliveryCode: (await services.shipping.deliveryCodeOf(db, s.id))! }
              : { identityCheck: { documentType: 'id_card' as const, name: s.destination.name ?? 'Recipient' } }
            : {}
          await track(s, { status: 'delivered', occurredAt, location: s.destination.city ?? undefined, source: 'driver', ...proof })
        }
      }),
      // Closing the day: one manifest per carrier and location; the labels wait for pickup.
      task(at(16, 30), async () => {
        const pairs = [...new Set(shipped.map((s) => `${s.origin.code}|${s.carrier.code}`))].sort()
        if (!pairs.length) return
        await inTransaction(db, async (trx) => {
          for (const p of pairs) {
            const [location, carrier] = p.split('|')
            clock.advance(2 * MINUTE)
            await services.shipping.createManifest(trx, ctx, { carrier, location, date: dateText })
          }
        })
      }),
      // Collected in the evening: the first scan at the carrier's hub.
      task(at(20), async () => {
        for (const s of await shipments('awaiting_pickup')) {
          await track(s, { status: 'in_transit', occurredAt: new Date(at(18) + rng.int(0, 110) * MINUTE).toISOString(), location: `${s.carrier.name} hub ${await originCity(s)}`, source: 'carrier' })
        }
      }),
    ]
  }

  // ---- today, caught in mid flow ----

  function todaysWork(): WarehouseTask[] {
    const todayText = isoDate(today)
    let walking: FulfillmentOrder[] = []
    const groups = { ship: new Set<string>(), pack: new Set<string>() }
    const task = (share: number, run: () => Promise<void>): WarehouseTask => ({
      v: vAt(stageAt(share)),
      run: async () => {
        clock.set(new Date(stageAt(share)))
        await run()
      },
    })
    /** The time between steps so that `steps` of them (a random 0.6–1.4 of it each, a wrong scan adding a third) end within the shares `from`–`to`. */
    const gap = (from: number, to: number, steps: number, most: number) => Math.min(most, Math.floor((stageAt(to) - stageAt(from)) / (2 * (steps + 1))))
    return [
      // The carriers' morning: what is due goes out for delivery (on a quiet day at least the next parcel due), and one parcel cannot be delivered.
      task(0, async () => {
        const moving = await shipments('in_transit')
        const due = moving.filter((s) => s.estimatedDeliveryDate && s.estimatedDeliveryDate <= todayText)
        const out = due.length ? due : [...moving].sort((a, b) => (a.estimatedDeliveryDate ?? '').localeCompare(b.estimatedDeliveryDate ?? '') || byId(a, b)).slice(0, 1)
        for (const s of out) {
          clock.advance(gap(0, 0.05, out.length + 1, MINUTE))
          await outForDelivery(s, clock.now().getTime())
        }
        const left = moving.filter((s) => !out.includes(s))
        const failed = left.at(-1) ?? (out.length > 1 ? out.at(-1) : undefined)
        if (failed) {
          clock.advance(gap(0, 0.05, out.length + 1, MINUTE))
          await track(failed, { status: 'exception', occurredAt: clock.now().toISOString(), location: `${failed.carrier.name} hub`, detail: 'Address incomplete: the house number is missing. The carrier holds the parcel and asks for the full address.', source: 'carrier' })
        }
      }),
      // Today's first wave takes what is waiting but the newest part of the busiest location, which
      // is walked on a second wave later; of the first, the older half ships, a quarter is packed.
      task(0.05, async () => {
        const pool = await pickable(clock.now().toISOString())
        const busiest = [...groupByLocation(pool)].sort((a, b) => b[1].length - a[1].length || a[0].localeCompare(b[0]))[0]?.[1] ?? []
        walking = busiest.slice(busiest.length - Math.max(1, Math.ceil(busiest.length * 0.6)))
        const first = pool.filter((f) => !walking.includes(f))
        const toShip = Math.ceil(first.length / 2)
        const toPack = Math.ceil((first.length - toShip) / 2)
        first.forEach((f, i) => {
          if (i < toShip) groups.ship.add(f.id)
          else if (i < toShip + toPack) groups.pack.add(f.id)
        })
        const waves: Picklist[] = []
        for (const [location, fos] of groupByLocation(first)) {
          const pl = await wave(location, fos)
          if (pl) waves.push(pl)
        }
        const every = gap(0.05, 0.3, waves.reduce((n, pl) => n + pl.lines.length, 0), 40_000)
        for (const pl of waves) await inTransaction(db, (trx) => scan(trx, pl, pl.lines, every))
      }),
      task(0.35, async () => {
        const fos = (await fulfillmentOrders('picked')).filter((f) => groups.ship.has(f.id) || groups.pack.has(f.id))
        for (const [, part] of groupByLocation(fos)) await pack(part, clock.now().getTime(), gap(0.35, 0.5, fos.length, 2 * MINUTE))
      }),
      task(0.55, async () => {
        const fos = (await fulfillmentOrders('packed')).filter((f) => groups.ship.has(f.id))
        const labels = await ship(fos, clock.now().getTime(), gap(0.55, 0.65, fos.length, MINUTE))
        // One label is voided before the carrier collects it: the parcel is back among the packed ones.
        if (labels.length) {
          clock.advance(gap(0.65, 0.7, 0, 5 * MINUTE))
          await services.shipping.cancel(db, ctx, labels[0].id, 'Wrong label stuck on the parcel at the dock: voided, a new one follows')
        }
      }),
      // The second wave is being walked now: one wrong item scanned, the first half picked, the next bin found short.
      task(0.75, async () => {
        const pl = walking.length ? await wave(walking[0].location, walking) : null
        if (!pl) return
        const every = gap(0.75, 0.98, pl.lines.length + 2, 40_000)
        const half = Math.ceil(pl.lines.length / 2)
        await inTransaction(db, async (trx) => {
          const onList = new Set(pl.lines.map((l) => l.sku))
          const other = (await services.catalog.list(trx, { limit: 50 })).data.find((p) => !onList.has(p.sku) && p.barcodes.length)
          if (other) {
            clock.advance(every)
            const r = await services.fulfillment.scan(trx, ctx, pl.id, { ...(pl.lines[0].bin ? { bin: pl.lines[0].bin } : {}), barcode: other.barcodes[0], quantity: 1 })
            if (r.ok) throw new Error(`${other.sku} was accepted on ${pl.number}`)
          }
          // With two lines or fewer, the short one would end the walk: the last line stays to pick.
          await scan(trx, pl, pl.lines.slice(0, pl.lines.length > 2 ? half : pl.lines.length - 1), every)
          const short = pl.lines[half]
          if (short && half + 1 < pl.lines.length) {
            clock.advance(every)
            await services.fulfillment.shortPick(trx, ctx, pl.id, { line: short.id, found: short.quantity - 1 })
          }
        })
      }),
    ]
  }

  const tasks: WarehouseTask[] = []
  const first = plan.orders[0].at.getTime()
  for (let date = Date.UTC(new Date(first).getUTCFullYear(), new Date(first).getUTCMonth(), new Date(first).getUTCDate()); date < today; date += DAY) tasks.push(...day(date))
  tasks.push(...todaysWork())
  return tasks
}

/** The locations each order ships from (or shipped from): its fulfilment orders', cancelled ones left out. */
export async function shipFromByOrder(db: Db, services: Services): Promise<Map<string, Set<string>>> {
  const out = new Map<string, Set<string>>()
  for (const f of await allPages((cursor) => services.fulfillment.list(db, { limit: 200, cursor }))) {
    if (f.status !== 'cancelled') out.set(f.orderId, (out.get(f.orderId) ?? new Set()).add(f.location))
  }
  return out
}

export interface FulfilmentSummary {
  carriers: number
  services: number
  boxes: number
  fulfillmentOrders: Record<string, number>
  picklists: Record<string, number>
  shipments: Record<string, number>
  manifests: number
}

/** Counts by state, read back through the services. */
export async function summarizeFulfilment(db: Db, services: Services): Promise<FulfilmentSummary> {
  const tally = <T>(rows: T[], key: (t: T) => string) => {
    const out: Record<string, number> = {}
    for (const x of rows) out[key(x)] = (out[key(x)] ?? 0) + 1
    return out
  }
  const carriers = await services.shipping.listCarriers(db)
  return {
    carriers: carriers.length,
    services: carriers.reduce((n, c) => n + c.services.length, 0),
    boxes: (await services.fulfillment.listPackaging(db, {})).length,
    fulfillmentOrders: tally(await allPages((cursor) => services.fulfillment.list(db, { limit: 200, cursor })), (f) => f.status),
    picklists: tally(await allPages((cursor) => services.fulfillment.listPicklists(db, { limit: 200, cursor })), (p) => p.status),
    shipments: tally(await allPages((cursor) => services.shipping.list(db, { limit: 200, cursor })), (s) => s.status),
    manifests: (await allPages((cursor) => services.shipping.listManifests(db, { limit: 200, cursor }))).length,
  }
}
