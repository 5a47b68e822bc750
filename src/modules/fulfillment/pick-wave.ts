/**
 * Pick-wave planning: which open fulfillment orders go on the next cart, which bin and lot each
 * unit comes from, and the picklist the picker walks once. Pure: the service loads the orders and
 * the bin stock of one location and persists the result.
 */

export interface WaveLine {
  lineId: string
  sku: string
  quantity: number
  /** Lot-tracked items leave first-expiry-first-out (FEFO). */
  lotTracked: boolean
  /** Volume of one unit, for a cart measured in litres. */
  unitLitres?: number
}

export interface WaveFulfillmentOrder {
  id: string
  /** Lower number is picked first. */
  priority: number
  /** ISO-8601 date or timestamp (one format per call: compared as text); none sorts last. */
  promisedDate?: string | null
  lines: WaveLine[]
}

/** Units of one sku in one bin, of one lot (or none), that may be picked now. */
export interface BinStock {
  sku: string
  bin: string
  lot: string | null
  /** ISO-8601 date; null means it does not expire (picked after every dated lot). */
  expiresOn: string | null
  onHand: number
  /** Position of the bin on the pick path: the picker walks in ascending order. */
  pickSequence: number
}

export interface PickWaveInput {
  fulfillmentOrders: WaveFulfillmentOrder[]
  stock: BinStock[]
  maxOrders?: number
  /** Units the cart holds; counts the units that will actually be picked, not the shortfall. */
  cartCapacityUnits?: number
  /** Volume the cart holds, counted like the units: what will actually be picked. */
  cartCapacityLitres?: number
  /** When given, lots that expired before this date (same format as `expiresOn`) are not picked. */
  today?: string
}

/** One stop on the pick path: take `quantity` of `sku` (lot) from `bin`, split per fulfillment order. */
export interface PickLine {
  sku: string
  bin: string
  lot: string | null
  expiresOn: string | null
  pickSequence: number
  quantity: number
  /** Where the units go on the cart (put-to-order), in wave order. */
  orders: { fulfillmentOrderId: string; lineId: string; quantity: number }[]
}

export interface LinePick {
  fulfillmentOrderId: string
  lineId: string
  sku: string
  requested: number
  picked: number
  short: number
}

/** Units no bin holds: the service leaves such an order for a later wave (its units wait in staging to be put away). */
export interface Shortfall {
  fulfillmentOrderId: string
  lineId: string
  sku: string
  quantity: number
}

export type DeferReason = 'max_orders' | 'cart_full' | 'exceeds_cart_capacity'

export interface DeferredOrder {
  fulfillmentOrderId: string
  reason: DeferReason
}

export interface PickWave {
  /** The fulfillment orders on this wave, in release order. */
  fulfillmentOrderIds: string[]
  /** Sorted by pick sequence, so the picker walks the aisles once. */
  pickLines: PickLine[]
  /** Every line of every order on the wave: picked + short = requested. */
  lines: LinePick[]
  shortfalls: Shortfall[]
  /** Open orders left for a later wave, and why. */
  deferred: DeferredOrder[]
}

/** Release order: priority, then the earliest promise (orders without one last), then id for a stable tie-break. */
export function compareForRelease(a: WaveFulfillmentOrder, b: WaveFulfillmentOrder): number {
  if (a.priority !== b.priority) return a.priority - b.priority
  const pa = a.promisedDate ?? null
  const pb = b.promisedDate ?? null
  if (pa !== pb) {
    if (pa === null) return 1
    if (pb === null) return -1
    return pa < pb ? -1 : 1
  }
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0
}

interface Bucket extends BinStock {
  key: string
}

const bucketKey = (sku: string, bin: string, lot: string | null) => JSON.stringify([sku, bin, lot])
const text = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0)
const nullableLast = (a: string | null, b: string | null) => (a === b ? 0 : a === null ? 1 : b === null ? -1 : text(a, b))

/** Walk order: bin sequence, then bin, sku, earliest expiry, lot, so equal sequences stay deterministic. */
type PathStop = Pick<BinStock, 'sku' | 'bin' | 'lot' | 'expiresOn' | 'pickSequence'>
function byPickPath(a: PathStop, b: PathStop): number {
  return a.pickSequence - b.pickSequence || text(a.bin, b.bin) || text(a.sku, b.sku) || nullableLast(a.expiresOn, b.expiresOn) || nullableLast(a.lot, b.lot)
}

/** FEFO: the earliest expiry first (undated last); the shortest walk breaks ties. */
function byFirstExpiry(a: BinStock, b: BinStock): number {
  return nullableLast(a.expiresOn, b.expiresOn) || byPickPath(a, b)
}

export function planPickWave(input: PickWaveInput): PickWave {
  const { maxOrders, cartCapacityUnits, cartCapacityLitres, today } = input

  // One bucket per sku × bin × lot; duplicate rows add up.
  const buckets = new Map<string, Bucket>()
  for (const s of input.stock) {
    if (today !== undefined && s.expiresOn !== null && s.expiresOn < today) continue // expired stock is quarantined, not picked
    const key = bucketKey(s.sku, s.bin, s.lot)
    const units = Math.max(0, Math.trunc(s.onHand))
    const found = buckets.get(key)
    if (found) found.onHand += units
    else buckets.set(key, { ...s, onHand: units, key })
  }
  const bySku = new Map<string, { path: Bucket[]; fefo: Bucket[] }>()
  for (const b of buckets.values()) {
    const e = bySku.get(b.sku) ?? { path: [], fefo: [] }
    e.path.push(b)
    e.fefo.push(b)
    bySku.set(b.sku, e)
  }
  for (const e of bySku.values()) {
    e.path.sort(byPickPath)
    e.fefo.sort(byFirstExpiry)
  }
  const remaining = new Map<string, number>([...buckets].map(([k, b]) => [k, b.onHand]))

  type Draw = { key: string; fulfillmentOrderId: string; lineId: string; quantity: number }

  /** Draws for one order against what is left, without taking them yet: the cart may not hold it. */
  function allocate(order: WaveFulfillmentOrder) {
    const taken = new Map<string, number>()
    const draws: Draw[] = []
    const lines: LinePick[] = []
    let litres = 0
    for (const line of order.lines) {
      const requested = Math.max(0, Math.trunc(line.quantity))
      let open = requested
      const candidates = bySku.get(line.sku)
      for (const b of (line.lotTracked ? candidates?.fefo : candidates?.path) ?? []) {
        if (open === 0) break
        const left = (remaining.get(b.key) ?? 0) - (taken.get(b.key) ?? 0)
        if (left <= 0) continue
        const qty = Math.min(left, open)
        taken.set(b.key, (taken.get(b.key) ?? 0) + qty)
        draws.push({ key: b.key, fulfillmentOrderId: order.id, lineId: line.lineId, quantity: qty })
        litres += qty * (line.unitLitres ?? 0)
        open -= qty
      }
      lines.push({ fulfillmentOrderId: order.id, lineId: line.lineId, sku: line.sku, requested, picked: requested - open, short: open })
    }
    return { draws, lines, units: draws.reduce((s, d) => s + d.quantity, 0), litres }
  }

  const wave: PickWave = { fulfillmentOrderIds: [], pickLines: [], lines: [], shortfalls: [], deferred: [] }
  const draws: Draw[] = []
  let cartUnits = 0
  let cartLitres = 0
  let blocked: DeferReason | null = null

  for (const order of [...input.fulfillmentOrders].sort(compareForRelease)) {
    if (blocked) {
      wave.deferred.push({ fulfillmentOrderId: order.id, reason: blocked })
      continue
    }
    if (maxOrders !== undefined && wave.fulfillmentOrderIds.length >= maxOrders) {
      blocked = 'max_orders'
      wave.deferred.push({ fulfillmentOrderId: order.id, reason: blocked })
      continue
    }
    const plan = allocate(order)
    const overUnits = cartCapacityUnits !== undefined && cartUnits + plan.units > cartCapacityUnits
    const overLitres = cartCapacityLitres !== undefined && cartLitres + plan.litres > cartCapacityLitres
    if (overUnits || overLitres) {
      if ((cartCapacityUnits !== undefined && plan.units > cartCapacityUnits) || (cartCapacityLitres !== undefined && plan.litres > cartCapacityLitres)) {
        // Never fits any cart: skip it (it goes on a wave of its own) rather than block every wave behind it.
        wave.deferred.push({ fulfillmentOrderId: order.id, reason: 'exceeds_cart_capacity' })
        continue
      }
      // Stop, don't skip ahead: a lower-priority order would take stock the next wave owes this one.
      blocked = 'cart_full'
      wave.deferred.push({ fulfillmentOrderId: order.id, reason: blocked })
      continue
    }
    for (const d of plan.draws) remaining.set(d.key, (remaining.get(d.key) ?? 0) - d.quantity)
    draws.push(...plan.draws)
    cartUnits += plan.units
    cartLitres += plan.litres
    wave.fulfillmentOrderIds.push(order.id)
    wave.lines.push(...plan.lines)
    for (const l of plan.lines) if (l.short > 0) wave.shortfalls.push({ fulfillmentOrderId: l.fulfillmentOrderId, lineId: l.lineId, sku: l.sku, quantity: l.short })
  }

  // One pick line per sku × bin × lot; per-order quantities stay in wave order.
  const lines = new Map<string, PickLine>()
  for (const d of draws) {
    const b = buckets.get(d.key)!
    const line = lines.get(d.key) ?? { sku: b.sku, bin: b.bin, lot: b.lot, expiresOn: b.expiresOn, pickSequence: b.pickSequence, quantity: 0, orders: [] }
    line.quantity += d.quantity
    const last = line.orders.at(-1)
    if (last && last.fulfillmentOrderId === d.fulfillmentOrderId && last.lineId === d.lineId) last.quantity += d.quantity
    else line.orders.push({ fulfillmentOrderId: d.fulfillmentOrderId, lineId: d.lineId, quantity: d.quantity })
    lines.set(d.key, line)
  }
  wave.pickLines = [...lines.values()].sort(byPickPath)
  return wave
}
