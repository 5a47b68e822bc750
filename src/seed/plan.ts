/**
 * The demo data set as a plan: every product, customer, stock row and order, with the time each
 * thing happens, drawn from a seeded generator before anything touches the database. The same
 * seed and order count give the same plan, so the same data set, on every machine.
 */
import type { Address } from '../kernel/address.js'
import { APPAREL, APPAREL_COLOURS, APPAREL_SIZES, CATEGORIES, FOREIGN_CUSTOMERS, GERMAN_CITIES, GERMAN_FIRST_NAMES, GERMAN_LAST_NAMES, GERMAN_STREETS, LOCATIONS, type City, type TaxCodeName } from './data.js'
import { ean13 } from './ean.js'
import { Random } from './random.js'

const MINUTE = 60_000
const HOUR = 60 * MINUTE
const DAY = 24 * HOUR

/** Where a product is stocked: everywhere, only in the north or south, a few units somewhere, or nowhere yet. */
export type Profile = 'wide' | 'north' | 'south' | 'scarce' | 'none'

export interface ProductPlan {
  sku: string
  name: string
  category: string
  /** Category + base item: the variants of one item share it (a successor for a discontinued variant). */
  family: string
  price: number
  weightGrams: number
  dims: [number, number, number]
  taxCode: TaxCodeName
  fragile: boolean
  lotTracked: boolean
  shelfLifeMonths: number
  active: boolean
  barcodes: string[]
  popularity: number
  profile: Profile
}

export interface CustomerPlan {
  email: string
  name: string
  phone: string
  addresses: Address[]
  /** How often this customer orders, relative to others. */
  weight: number
}

export interface BinPlan {
  code: string
  zone: string
  pickSequence: number
}

export interface StockPut {
  sku: string
  location: string
  bin: string
  quantity: number
  lot?: string
  expiresOn?: string
}

export interface ReorderPlan {
  sku: string
  location: string
  reorderPoint: number
  reorderQuantity: number
}

export type Scenario =
  | 'plain'
  | 'split'
  | 'backorder'
  | 'backorder_cancel'
  | 'payment_pending'
  | 'payment_released'
  | 'payment_edited'
  | 'payment_failed_cancel'
  | 'price_held'
  | 'price_released'
  | 'address_held'
  | 'address_fixed'
  | 'fraud_held'
  | 'fraud_released'
  | 'fraud_cancelled'
  | 'item_held'
  | 'item_fixed'
  | 'cancelled'
  | 'partial_cancel'
  | 'edited'

/** Share of orders per scenario (the rest are plain), in the order they are handed out when orders are few. */
const SCENARIO_SHARES: [Scenario, number][] = [
  ['split', 0.06],
  ['backorder', 0.04],
  ['payment_pending', 0.04],
  ['cancelled', 0.06],
  ['partial_cancel', 0.05],
  ['edited', 0.04],
  ['price_held', 0.02],
  ['address_held', 0.02],
  ['fraud_held', 0.015],
  ['payment_released', 0.03],
  ['price_released', 0.02],
  ['address_fixed', 0.02],
  ['fraud_released', 0.01],
  ['payment_edited', 0.02],
  ['item_held', 0.01],
  ['item_fixed', 0.01],
  ['payment_failed_cancel', 0.015],
  ['fraud_cancelled', 0.01],
  ['backorder_cancel', 0.01],
]

export type ChannelCode = 'web' | 'marketplace' | 'pos'

export type FollowUp =
  | { kind: 'cancel'; reason: string }
  | { kind: 'cancel_part'; mode: 'line' | 'unit'; reason: string }
  | { kind: 'edit_quantity' }
  | { kind: 'edit_add'; sku: string; quantity: number }
  | { kind: 'edit_address'; address: Address }
  | { kind: 'fix_address'; address: Address }
  | { kind: 'mark_paid'; reference: string }
  | { kind: 'release'; code: 'payment' | 'price' | 'fraud'; note: string }
  | { kind: 'hold'; code: 'fraud'; detail: string }
  | { kind: 'replace_item'; drop: string; sku: string }

export interface OrderPlan {
  index: number
  /** When, as a point of the seed's own timeline (0 = 30 days ago, 1 = now); `at` is the wall-clock time. */
  v: number
  at: Date
  scenario: Scenario
  channel: ChannelCode
  customerEmail: string
  externalId: string
  shippingAddress: Address
  billingAddress?: Address
  lines: { sku: string; quantity: number; unitPrice?: number }[]
  shippingMethod: string
  shippingAmount: number
  payment: { status: 'authorized' | 'paid' | 'pending' | 'failed'; method: string; reference?: string }
  notes?: string
  promisedDeliveryDate?: string
  followUps: { v: number; at: Date; action: FollowUp }[]
}

export type StockEvent =
  | { kind: 'receipt'; v: number; at: Date; sku: string; location: string; bin: string; quantity: number; reason: string }
  | { kind: 'write_off'; v: number; at: Date; sku: string; location: string; bin: string; quantity: number; reason: string }
  | { kind: 'transfer'; v: number; at: Date; sku: string; from: string; to: string; fromBin: string; toBin: string; quantity: number; reason: string }

export interface DemoPlan {
  now: Date
  /** When the master data and the opening stock are dated. */
  setupAt: Date
  stockAt: Date
  bins: Map<string, BinPlan[]>
  products: ProductPlan[]
  customers: CustomerPlan[]
  stock: StockPut[]
  reorder: ReorderPlan[]
  stockEvents: StockEvent[]
  orders: OrderPlan[]
}

const translit = (s: string) =>
  s
    .toLowerCase()
    .replace(/ä/g, 'ae')
    .replace(/ö/g, 'oe')
    .replace(/ü/g, 'ue')
    .replace(/ß/g, 'ss')
    .replace(/ı/g, 'i')
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')

const isoDate = (d: Date) => d.toISOString().slice(0, 10)
const round4 = (x: number) => Math.round(x * 10_000) / 10_000
/** A psychological price: the nearest …9 cents below. */
const charmPrice = (cents: number) => Math.max(99, Math.round(cents / 10) * 10 - 1)

/** Bins of a location in walking order: zone by zone, aisles in a serpentine so the picker never walks back. */
export function binsOf(location: (typeof LOCATIONS)[number]): BinPlan[] {
  const bins: BinPlan[] = []
  let seq = 0
  for (const z of location.zones) {
    for (let aisle = 1; aisle <= z.aisles; aisle++) {
      const levels = Array.from({ length: z.levels }, (_, i) => i + 1)
      if (aisle % 2 === 0) levels.reverse()
      for (const level of levels) {
        seq += 10
        bins.push({ code: `${z.prefix}-${String(aisle).padStart(2, '0')}-${String(level).padStart(2, '0')}`, zone: z.zone, pickSequence: seq })
      }
    }
  }
  return bins
}

export function planDemo(opts: { seed: number; orders: number; now: Date; externalIdOffset?: number }): DemoPlan {
  const rng = new Random(opts.seed)
  const now = new Date(Math.floor(opts.now.getTime() / MINUTE) * MINUTE)
  const setupAt = new Date(now.getTime() - 45 * DAY)
  const stockAt = new Date(now.getTime() - 32 * DAY)

  const bins = new Map(LOCATIONS.map((l) => [l.code, binsOf(l)]))
  const products = planProducts(rng)
  const customers = planCustomers(rng)
  const { stock, reorder } = planStock(rng, products, bins, now, Math.max(1, opts.orders / 300))
  const warp = timeWarp(now)
  const stockEvents = planStockEvents(rng, products, stock, bins, warp)
  const orders = planOrders(rng, opts.orders, warp, products, customers, opts.externalIdOffset ?? 0)
  return { now, setupAt, stockAt, bins, products, customers, stock, reorder, stockEvents, orders }
}

/**
 * The catalog itself (SKUs, names, barcodes, which products are discontinued) is the same for
 * every seed, so a forced second run with another seed finds the products it knows; the seed
 * decides what sells and where it is stocked.
 */
function planProducts(rng: Random): ProductPlan[] {
  const catalogRng = new Random(20_261_121)
  const out: Omit<ProductPlan, 'barcodes' | 'popularity' | 'profile' | 'active'>[] = []
  for (const item of APPAREL) {
    const [c1, c2] = catalogRng.weightedDistinct(APPAREL_COLOURS, 2, () => 1)
    for (const [colourCode, colour] of [c1, c2]) {
      for (const size of APPAREL_SIZES) {
        out.push({
          sku: `AP-${item.code}-${colourCode}-${size}`,
          name: `${item.name}, ${colour}, ${size}`,
          category: 'Apparel',
          family: `AP-${item.code}`,
          price: item.price,
          weightGrams: item.weightGrams + (size === 'L' ? 20 : size === 'S' ? -20 : 0),
          dims: item.dims,
          taxCode: 'standard',
          fragile: false,
          lotTracked: false,
          shelfLifeMonths: 0,
        })
      }
    }
  }
  for (const cat of CATEGORIES) {
    for (const item of cat.items) {
      const variants = item.variants.length ? item.variants : [{ code: '', label: '' }]
      for (const v of variants) {
        out.push({
          sku: [cat.code, item.code, v.code].filter(Boolean).join('-'),
          name: v.label ? `${item.name}, ${v.label}` : item.name,
          category: cat.name,
          family: `${cat.code}-${item.code}`,
          price: ('price' in v && v.price) || item.price,
          weightGrams: ('weightGrams' in v && v.weightGrams) || item.weightGrams,
          dims: item.dims,
          taxCode: item.taxCode ?? 'standard',
          fragile: !!item.fragile,
          lotTracked: !!item.lotTracked,
          shelfLifeMonths: item.shelfLifeMonths ?? 0,
        })
      }
    }
  }

  // Barcodes: EAN-13 under two GS1 Germany company prefixes; books carry their ISBN-13 (an EAN-13 too).
  let isbn = 0
  const products: ProductPlan[] = out.map((p, i) => {
    const barcodes: string[] = []
    if (p.category === 'Books') barcodes.push(ean13(`978346${String(100_000 + ++isbn * 37).padStart(6, '0')}`))
    else barcodes.push(ean13(`4067890${String(i + 1).padStart(5, '0')}`))
    if (p.category !== 'Books' && catalogRng.chance(0.3)) barcodes.push(ean13(`4251234${String(i + 1).padStart(5, '0')}`))
    return { ...p, barcodes, active: true, popularity: 0, profile: 'wide' }
  })

  // Popularity follows a long tail: a few bestsellers, many slow movers.
  rng.shuffle(products.map((_, i) => i)).forEach((productIndex, rank) => {
    products[productIndex].popularity = 1 / Math.pow(rank + 1, 0.85)
  })

  // A handful of discontinued products, stocking profiles for the rest.
  const plainGoods = products.filter((p) => !p.lotTracked && p.category !== 'Books' && p.category !== 'Food & drink')
  for (const p of catalogRng.shuffle(plainGoods).slice(0, 5)) p.active = false
  const eligible = rng.shuffle(plainGoods.filter((p) => p.active))
  const assign = (profile: Profile, n: number, offset: number) => eligible.slice(offset, offset + n).forEach((p) => (p.profile = profile))
  assign('none', 5, 0)
  assign('scarce', 10, 5)
  assign('north', 10, 15)
  assign('south', 10, 25)
  // The scarce ones sell a little better than their stock allows: they run out and backorder.
  for (const p of products) if (p.profile === 'scarce') p.popularity = Math.max(p.popularity, 0.04)
  return products
}

function planCustomers(rng: Random): CustomerPlan[] {
  const customers: CustomerPlan[] = []
  const emails = new Set<string>()
  const domains = ['example.com', 'example.org', 'example.net']
  const uniqueEmail = (first: string, last: string) => {
    const base = `${translit(first)}.${translit(last)}`
    let email = `${base}@${rng.pick(domains)}`
    for (let n = 2; emails.has(email); n++) email = `${base}${n}@${rng.pick(domains)}`
    emails.add(email)
    return email
  }
  const jitter = (c: City) => ({ latitude: round4(c.latitude + (rng.float() - 0.5) * 0.04), longitude: round4(c.longitude + (rng.float() - 0.5) * 0.06) })
  const houseNumber = () => `${rng.int(1, 140)}${rng.chance(0.1) ? rng.pick(['a', 'b', 'c']) : ''}`
  const germanAddress = (name: string, phone: string, company?: string): Address => {
    const city = rng.pick(GERMAN_CITIES)
    return {
      name,
      ...(company ? { company } : {}),
      line1: `${rng.pick(GERMAN_STREETS)} ${houseNumber()}`,
      ...(rng.chance(0.12) ? { line2: rng.pick(['Hinterhaus, 3. OG', '2. OG links', 'Aufgang B', 'c/o Hausverwaltung']) } : {}),
      postalCode: city.postalCode,
      city: city.city,
      country: 'DE',
      phone,
      ...(rng.chance(0.9) ? jitter(city) : {}),
    }
  }

  for (let i = 0; i < 49; i++) {
    const first = rng.pick(GERMAN_FIRST_NAMES)
    const last = rng.pick(GERMAN_LAST_NAMES)
    const name = `${first} ${last}`
    const phone = `+49 ${rng.pick(['151', '160', '170', '176'])} ${rng.digits(8)}`
    const addresses = [germanAddress(name, phone)]
    if (rng.chance(0.25)) {
      const company = rng.pick(['Werkstatt Nord GmbH', 'Bäckerei Sonnenschein', 'Kanzlei Brandt & Partner', 'Studio Lichtblick', 'Praxis am Park', 'Grünwerk eG'])
      addresses.push(germanAddress(name, phone, company))
    }
    customers.push({ email: uniqueEmail(first, last), name, phone, addresses, weight: 0.3 + rng.float() * 2.7 })
  }
  for (const f of FOREIGN_CUSTOMERS) {
    const name = `${f.first} ${f.last}`
    customers.push({
      email: uniqueEmail(f.first, f.last),
      name,
      phone: f.phone,
      addresses: [
        {
          name,
          line1: f.line1,
          postalCode: f.city.postalCode,
          city: f.city.city,
          ...(f.city.region ? { region: f.city.region } : {}),
          country: f.city.country,
          phone: f.phone,
          ...jitter(f.city),
        },
      ],
      weight: 0.2 + rng.float() * 0.8,
    })
  }
  return customers
}

/** The zone a product is put away in: fragile goods in C (or the back room), heavy ones in B, the rest in A. */
function zoneFor(p: ProductPlan, location: string): string {
  if (location === 'CGN-STORE') return 'FLOOR'
  if (p.fragile && location !== 'HAM') return 'C'
  if (p.weightGrams > 2000 || p.fragile) return 'B'
  return 'A'
}

/** Opening stock: a few times each product's expected month of demand (`scale` grows it with the order count). */
function planStock(rng: Random, products: ProductPlan[], bins: Map<string, BinPlan[]>, now: Date, scale: number) {
  const stock: StockPut[] = []
  const reorder: ReorderPlan[] = []
  const binIn = (location: string, zone: string) => rng.pick(bins.get(location)!.filter((b) => b.zone === zone)).code
  const overflowZone = (location: string) => (location === 'CGN-STORE' ? 'BACK' : 'B')

  const put = (p: ProductPlan, location: string, quantity: number) => {
    if (quantity <= 0) return
    const primary = binIn(location, zoneFor(p, location))
    if (p.lotTracked) {
      // One or two lots; the older one close to its expiry date (first-expiry-first-out picks it first).
      const lots = quantity >= 6 && rng.chance(0.7) ? 2 : 1
      const first = lots === 2 ? Math.ceil(quantity * (0.2 + rng.float() * 0.3)) : quantity
      const parts = lots === 2 ? [first, quantity - first] : [quantity]
      parts.forEach((qty, i) => {
        const produced = new Date(now.getTime() - (i === 0 && lots === 2 ? p.shelfLifeMonths * 30 - rng.int(20, 50) : rng.int(20, 90)) * DAY)
        const expires = new Date(produced.getTime() + p.shelfLifeMonths * 30 * DAY)
        const lot = `L${isoDate(produced).slice(2, 7).replace('-', '')}-${rng.digits(3)}`
        stock.push({ sku: p.sku, location, bin: primary, quantity: qty, lot, expiresOn: isoDate(expires) })
      })
      return
    }
    if (quantity >= 12 && rng.chance(0.2)) {
      const front = Math.ceil(quantity * 0.6)
      stock.push({ sku: p.sku, location, bin: primary, quantity: front })
      stock.push({ sku: p.sku, location, bin: binIn(location, overflowZone(location)), quantity: quantity - front })
    } else {
      stock.push({ sku: p.sku, location, bin: primary, quantity })
    }
  }

  for (const p of products) {
    const warehouseQty = () => Math.round((16 + 160 * p.popularity) * scale * (0.5 + rng.float()))
    if (!p.active) {
      if (rng.chance(0.6)) put(p, 'BER', rng.int(1, 6))
      continue
    }
    switch (p.profile) {
      case 'none':
        reorder.push({ sku: p.sku, location: 'BER', reorderPoint: 10, reorderQuantity: 40 })
        reorder.push({ sku: p.sku, location: 'HAM', reorderPoint: 5, reorderQuantity: 20 })
        break
      case 'scarce': {
        const home = rng.weighted(['BER', 'HAM', 'MUC'], (l) => (l === 'BER' ? 2 : 1))
        put(p, home, rng.int(1, 3))
        reorder.push({ sku: p.sku, location: home, reorderPoint: 5, reorderQuantity: 25 })
        if (rng.chance(0.3)) put(p, rng.pick(['BER', 'HAM', 'MUC'].filter((l) => l !== home)), rng.int(1, 2))
        break
      }
      case 'north':
        put(p, 'HAM', Math.max(Math.round(rng.int(25, 60) * scale), 2 * warehouseQty()))
        if (rng.chance(0.4)) put(p, 'CGN-STORE', rng.int(2, 5))
        break
      case 'south':
        put(p, 'MUC', Math.max(Math.round(rng.int(25, 60) * scale), 2 * warehouseQty()))
        break
      case 'wide': {
        const presence: Record<string, number> =
          p.category === 'Books'
            ? { BER: 1, HAM: 1, MUC: 0, 'CGN-STORE': 0.5 }
            : p.category === 'Food & drink'
              ? { BER: 1, HAM: 0.4, MUC: 1, 'CGN-STORE': 0.5 }
              : { BER: 0.92, HAM: 0.8, MUC: 0.75, 'CGN-STORE': 0.4 }
        const where = Object.keys(presence).filter((l) => rng.chance(presence[l]))
        if (!where.some((l) => l !== 'CGN-STORE')) where.unshift('BER')
        for (const l of where) {
          const qty = l === 'CGN-STORE' ? rng.int(2, 8) : warehouseQty()
          put(p, l, qty)
          if (l !== 'CGN-STORE' && rng.chance(0.3)) {
            reorder.push({ sku: p.sku, location: l, reorderPoint: Math.max(5, Math.round(qty * (0.2 + rng.float() * 0.25))), reorderQuantity: Math.max(10, Math.round((qty * 1.2) / 10) * 10) })
          }
        }
        break
      }
    }
  }
  // A few rows already below their reorder point: purchasing has something to do on day one.
  const rows = new Map<string, number>()
  for (const s of stock) if (s.location !== 'CGN-STORE') rows.set(`${s.sku}|${s.location}`, (rows.get(`${s.sku}|${s.location}`) ?? 0) + s.quantity)
  const withPoint = new Set(reorder.map((r) => `${r.sku}|${r.location}`))
  const candidates = [...rows].filter(([k]) => !withPoint.has(k))
  for (const [k, qty] of rng.shuffle(candidates).slice(0, 8)) {
    const [sku, location] = k.split('|')
    reorder.push({ sku, location, reorderPoint: qty + rng.int(2, 10), reorderQuantity: Math.max(20, Math.round((qty * 2) / 10) * 10) })
  }
  return { stock, reorder }
}

/** Busier in the day and evening (UTC+1), quiet at night: relative weights per UTC hour. */
const HOUR_WEIGHT = [0.15, 0.08, 0.05, 0.04, 0.05, 0.15, 0.35, 0.55, 0.7, 0.8, 0.85, 0.9, 0.95, 0.9, 0.85, 0.85, 0.9, 1, 1, 1, 0.95, 0.75, 0.5, 0.3]

/**
 * Maps the seed's own timeline (v: 0 = 30 days ago, 1 = ten minutes ago) onto wall-clock time,
 * spending more of it in busy hours. The map is monotone, so the order in which things happen,
 * and with it every allocation, is the same whenever the seed runs; only the clock times move.
 * Points before 0 lie evenly before the window.
 */
export function timeWarp(now: Date): (v: number) => Date {
  const end = now.getTime() - 10 * MINUTE
  const start = end - 30 * DAY
  const hours = 30 * 24
  const cumulative = [0]
  for (let i = 0; i < hours; i++) cumulative.push(cumulative[i] + HOUR_WEIGHT[new Date(start + i * HOUR).getUTCHours()])
  const total = cumulative[hours]
  return (v) => {
    if (v <= 0) return new Date(Math.floor((start + v * 30 * DAY) / 1000) * 1000)
    const target = Math.min(1, v) * total
    let lo = 0
    let hi = hours - 1
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1
      if (cumulative[mid] <= target) lo = mid
      else hi = mid - 1
    }
    const frac = Math.min(1, (target - cumulative[lo]) / (cumulative[lo + 1] - cumulative[lo]))
    return new Date(Math.floor((start + (lo + frac) * HOUR) / 1000) * 1000)
  }
}

/** A point of the timeline some minutes after `v` (in the timeline's average minutes), never past its end. */
const later = (v: number, minutes: number) => Math.min(1, v + Math.max(1, minutes) / (30 * 24 * 60))

function planStockEvents(rng: Random, products: ProductPlan[], stock: StockPut[], bins: Map<string, BinPlan[]>, warp: (v: number) => Date): StockEvent[] {
  const events: StockEvent[] = []
  const bySku = new Map(products.map((p) => [p.sku, p]))
  const at = (daysBackFrom: number, daysBackTo: number) => {
    const v = 1 - (daysBackFrom - rng.float() * (daysBackFrom - daysBackTo)) / 30
    return { v, at: warp(v) }
  }
  const plainPuts = stock.filter((s) => !s.lot && bySku.get(s.sku)!.profile === 'wide' && s.location !== 'CGN-STORE')
  const used = new Set<StockPut>()

  // Goods receipts: the scarce bestsellers come back in small quantities (filling the oldest backorders), plus routine deliveries.
  for (const p of products.filter((x) => x.profile === 'scarce')) {
    const home = stock.find((s) => s.sku === p.sku)!
    events.push({ kind: 'receipt', ...at(12, 2), sku: p.sku, location: home.location, bin: home.bin, quantity: rng.int(2, 6), reason: `Goods receipt PO-${rng.int(4100, 4999)}: supplier delivery` })
  }
  for (const s of rng.shuffle(plainPuts).slice(0, 6)) {
    used.add(s)
    events.push({ kind: 'receipt', ...at(25, 2), sku: s.sku, location: s.location, bin: s.bin, quantity: rng.int(2, 6) * 10, reason: `Goods receipt PO-${rng.int(4100, 4999)}: replenishment` })
  }
  // Damage found in the first days after the opening count.
  for (const s of rng.shuffle(plainPuts.filter((x) => x.quantity >= 20 && !used.has(x))).slice(0, 5)) {
    used.add(s)
    events.push({ kind: 'write_off', ...at(31, 29), sku: s.sku, location: s.location, bin: s.bin, quantity: rng.int(1, 2), reason: rng.pick(['Damaged during handling', 'Packaging crushed in transit', 'Found defective at inspection']) })
  }
  // The Cologne store is topped up from Berlin.
  const floor = bins.get('CGN-STORE')!.filter((b) => b.zone === 'FLOOR')
  for (const s of rng.shuffle(plainPuts.filter((x) => x.location === 'BER' && x.quantity >= 30 && !used.has(x) && !bySku.get(x.sku)!.fragile)).slice(0, 4)) {
    used.add(s)
    events.push({ kind: 'transfer', ...at(25, 15), sku: s.sku, from: 'BER', to: 'CGN-STORE', fromBin: s.bin, toBin: rng.pick(floor).code, quantity: rng.int(4, 8), reason: 'Store replenishment' })
  }
  return events
}

function planOrders(rng: Random, n: number, warp: (v: number) => Date, products: ProductPlan[], customers: CustomerPlan[], offset: number): OrderPlan[] {
  // When: the last 30 days, a little busier lately (the warp adds the time of day).
  const times: number[] = []
  for (let i = 0; i < n; i++) times.push(Math.min(1 - 1e-6, rng.chance(0.4) ? Math.sqrt(rng.float()) : rng.float()))
  times.sort((a, b) => a - b)

  const scenarios: Scenario[] = []
  for (const [s, share] of SCENARIO_SHARES) for (let i = 0; i < Math.max(1, Math.round(n * share)); i++) scenarios.push(s)
  const assigned = rng.shuffle([...scenarios.slice(0, n), ...Array<Scenario>(Math.max(0, n - scenarios.length)).fill('plain')])

  const active = products.filter((p) => p.active)
  const orderable = active.filter((p) => p.profile !== 'none')
  const byProfile = (profile: Profile) => active.filter((p) => p.profile === profile)
  const north = byProfile('north')
  const south = byProfile('south')
  const none = byProfile('none')
  const inactive = products.filter((p) => !p.active)
  const highValue = active.filter((p) => p.category === 'Electronics accessories' && p.price >= 4999 && p.profile === 'wide')
  const cologneArea = customers.filter((c) => ['Köln', 'Bonn', 'Düsseldorf', 'Aachen', 'Essen', 'Bochum', 'Dortmund', 'Wuppertal'].includes(c.addresses[0].city ?? ''))
  const german = customers.filter((c) => c.addresses[0].country === 'DE')

  const quantityFor = (p: ProductPlan) => {
    if (p.category === 'Food & drink' || p.category === 'Books') return rng.weighted([1, 2, 3, 4], (q) => [60, 25, 10, 5][q - 1])
    return rng.weighted([1, 2, 3, 5], (q) => ({ 1: 80, 2: 15, 3: 4, 5: 1 } as Record<number, number>)[q])
  }
  const pickLines = (count: number, pool: ProductPlan[] = orderable, exclude: ProductPlan[] = []) =>
    rng.weightedDistinct(pool.filter((p) => !exclude.includes(p)), count, (p) => p.popularity).map((p) => ({ sku: p.sku, quantity: quantityFor(p) }))
  const after = (v: number, minMinutes: number, maxMinutes: number) => {
    const f = later(v, rng.int(minMinutes, maxMinutes))
    return { v: f, at: warp(f) }
  }
  const bySku = new Map(products.map((p) => [p.sku, p]))

  return times.map((v, index): OrderPlan => {
    const at = warp(v)
    const scenario = assigned[index]
    const channel: ChannelCode = scenario.startsWith('payment') || scenario.startsWith('fraud')
      ? 'web'
      : scenario.startsWith('price') || scenario.startsWith('item')
        ? 'marketplace'
        : scenario === 'plain' || scenario === 'edited' || scenario === 'split' || scenario === 'backorder'
          ? rng.weighted<ChannelCode>(['web', 'marketplace', 'pos'], (c) => ({ web: 55, marketplace: 33, pos: 12 })[c])
          : rng.weighted<ChannelCode>(['web', 'marketplace'], (c) => (c === 'web' ? 60 : 40))
    const customer = channel === 'pos' && cologneArea.length ? rng.weighted(cologneArea, (c) => c.weight) : rng.weighted(scenario.startsWith('fraud') ? german : customers, (c) => c.weight)
    const home = customer.addresses[0]
    const shippingAddress = customer.addresses.length > 1 && rng.chance(0.2) ? customer.addresses[1] : home
    const abroad = shippingAddress.country !== 'DE'

    let lines: OrderPlan['lines']
    switch (scenario) {
      case 'split': {
        const [n1] = pickLines(1, north)
        const [s1] = pickLines(1, south)
        lines = [{ ...n1, quantity: 1 }, { ...s1, quantity: 1 }, ...(rng.chance(0.5) ? pickLines(1, orderable, [...north, ...south]) : [])]
        break
      }
      case 'backorder':
        lines = [{ sku: rng.pick(none).sku, quantity: 1 }, ...(rng.chance(0.5) ? pickLines(1) : [])]
        break
      case 'backorder_cancel':
        lines = [{ sku: rng.pick(none).sku, quantity: rng.int(1, 2) }]
        break
      case 'fraud_held':
      case 'fraud_released':
      case 'fraud_cancelled':
        lines = pickLines(rng.int(2, 3), highValue).map((l) => ({ ...l, quantity: rng.int(1, 2) }))
        break
      case 'item_held':
      case 'item_fixed':
        lines = [{ sku: rng.pick(inactive).sku, quantity: 1 }, ...pickLines(1)]
        break
      case 'partial_cancel':
        lines = pickLines(rng.int(2, 3))
        break
      default: {
        const count = channel === 'pos' ? rng.weighted([1, 2], (c) => (c === 1 ? 70 : 30)) : rng.weighted([1, 2, 3, 4, 5], (c) => [48, 28, 14, 6, 4][c - 1])
        lines = pickLines(count)
      }
    }
    if (scenario === 'price_held' || scenario === 'price_released') {
      const p = bySku.get(lines[0].sku)!
      lines[0] = { ...lines[0], unitPrice: charmPrice(p.price * (0.85 + rng.float() * 0.1)) }
    }

    const net = lines.reduce((s, l) => s + (l.unitPrice ?? bySku.get(l.sku)!.price) * l.quantity, 0)
    const express = channel === 'web' && !abroad && rng.chance(0.1)
    // Codes of the demo's shipping methods (see carriers.ts); the carrier is chosen by rate shopping when the parcel ships.
    const shippingMethod = abroad ? 'international' : express ? 'express' : 'standard'
    const shippingAmount = channel !== 'web' ? 0 : abroad ? 1490 : express ? 1290 : net >= 5000 ? 0 : 495

    let payment: OrderPlan['payment']
    if (scenario === 'payment_pending' || scenario === 'payment_edited') payment = { status: 'pending', method: 'bank_transfer' }
    else if (scenario === 'payment_released') payment = { status: 'pending', method: 'invoice' }
    else if (scenario === 'payment_failed_cancel') payment = { status: 'failed', method: 'card', reference: `pi_${rng.token(24)}` }
    else if (channel === 'marketplace') payment = { status: 'paid', method: 'marketplace', reference: `MKT-PAY-${rng.digits(10)}` }
    else if (channel === 'pos') payment = rng.chance(0.8) ? { status: 'paid', method: 'card_present', reference: `TRM-CGN-01-${rng.digits(6)}` } : { status: 'paid', method: 'cash' }
    else {
      const method = scenario.startsWith('fraud') ? 'card' : rng.weighted(['card', 'paypal', 'klarna'], (m) => ({ card: 45, paypal: 38, klarna: 17 } as Record<string, number>)[m])
      payment =
        method === 'paypal'
          ? { status: 'paid', method, reference: `PAYID-${rng.token(24).toUpperCase()}` }
          : method === 'klarna'
            ? { status: 'authorized', method, reference: `klarna_${rng.token(20)}` }
            : { status: 'authorized', method, reference: `pi_${rng.token(24)}` }
    }

    const seq = offset + index + 1
    const externalId =
      channel === 'web' ? `WEB-${100_000 + seq}` : channel === 'marketplace' ? `MKT-${String(4_180_000 + seq * 7).padStart(8, '0')}` : `CGN-POS-${String(seq).padStart(6, '0')}`

    let orderAddress = shippingAddress
    if (scenario === 'address_held' || scenario === 'address_fixed') {
      const { line1: _street, ...withoutStreet } = shippingAddress
      orderAddress =
        shippingAddress.country === 'DE' && rng.chance(0.6)
          ? { ...shippingAddress, postalCode: shippingAddress.postalCode!.slice(1) } // a digit lost on the way
          : withoutStreet // the street line missing
    }
    const billingAddress = scenario.startsWith('fraud')
      ? (() => {
          const f = rng.pick(FOREIGN_CUSTOMERS.filter((x) => x.city.country === 'GB' || x.city.country === 'US' || x.city.country === 'NL'))
          return { name: customer.name, line1: f.line1, postalCode: f.city.postalCode, city: f.city.city, ...(f.city.region ? { region: f.city.region } : {}), country: f.city.country }
        })()
      : undefined

    const followUps: OrderPlan['followUps'] = []
    const cancelReasons = ['Customer changed their mind', 'Ordered twice by mistake', 'Found a better price elsewhere', 'Delivery time too long for the customer', 'Customer asked to cancel by phone']
    switch (scenario) {
      case 'backorder_cancel':
        followUps.push({ ...after(v, 2 * 24 * 60, 6 * 24 * 60), action: { kind: 'cancel', reason: 'Customer did not want to wait for the backorder' } })
        break
      case 'payment_released':
        followUps.push({ ...after(v, 60, 24 * 60), action: { kind: 'release', code: 'payment', note: 'Known customer: purchase on invoice approved by credit control' } })
        break
      case 'payment_edited':
        followUps.push({ ...after(v, 6 * 60, 3 * 24 * 60), action: { kind: 'mark_paid', reference: `SEPA-${rng.digits(12)}` } })
        break
      case 'payment_failed_cancel':
        followUps.push({ ...after(v, 60, 4 * 60), action: { kind: 'cancel', reason: 'Payment failed and the customer did not retry' } })
        break
      case 'price_released':
        followUps.push({ ...after(v, 30, 8 * 60), action: { kind: 'release', code: 'price', note: 'Marketplace promotion price accepted' } })
        break
      case 'address_fixed':
        followUps.push({ ...after(v, 30, 6 * 60), action: { kind: 'fix_address', address: shippingAddress } })
        break
      case 'fraud_held':
      case 'fraud_released':
      case 'fraud_cancelled': {
        const score = rng.int(78, 96)
        const hold = after(v, 3, 40)
        followUps.push({ ...hold, action: { kind: 'hold', code: 'fraud', detail: `Risk score ${score}/100: billing country ${billingAddress!.country} differs from shipping country, high-value electronics, first order` } })
        if (scenario === 'fraud_released') followUps.push({ ...after(hold.v, 2 * 60, 24 * 60), action: { kind: 'release', code: 'fraud', note: 'Verified with the customer by phone' } })
        if (scenario === 'fraud_cancelled') followUps.push({ ...after(hold.v, 2 * 60, 24 * 60), action: { kind: 'cancel', reason: 'Fraud confirmed: the card holder did not place this order' } })
        break
      }
      case 'item_fixed': {
        const dropped = bySku.get(lines[0].sku)!
        const successor = active.find((p) => p.family === dropped.family && p.profile !== 'none') ?? rng.weighted(orderable.filter((p) => p.category === dropped.category), (p) => p.popularity)
        followUps.push({ ...after(v, 60, 6 * 60), action: { kind: 'replace_item', drop: dropped.sku, sku: successor.sku } })
        break
      }
      case 'cancelled':
        followUps.push({ ...after(v, 10, 2 * 24 * 60), action: { kind: 'cancel', reason: rng.pick(cancelReasons) } })
        break
      case 'partial_cancel':
        followUps.push({
          ...after(v, 60, 24 * 60),
          action: { kind: 'cancel_part', mode: lines.some((l) => l.quantity >= 2) && rng.chance(0.5) ? 'unit' : 'line', reason: rng.pick(['Customer removed an item', 'Item damaged in stock: customer accepted a partial delivery', 'Customer no longer needs one of the items']) },
        })
        break
      case 'edited': {
        const mode = customer.addresses.length > 1 && rng.chance(0.4) ? 'address' : rng.chance(0.5) ? 'quantity' : 'add'
        const t = after(v, 10, 5 * 60)
        if (mode === 'address') followUps.push({ ...t, action: { kind: 'edit_address', address: customer.addresses.find((a) => a !== shippingAddress)! } })
        else if (mode === 'quantity') followUps.push({ ...t, action: { kind: 'edit_quantity' } })
        else {
          const [extra] = pickLines(1, orderable, lines.map((l) => bySku.get(l.sku)!))
          followUps.push({ ...t, action: { kind: 'edit_add', sku: extra.sku, quantity: extra.quantity } })
        }
        break
      }
    }

    return {
      index,
      v,
      at,
      scenario,
      channel,
      customerEmail: customer.email,
      externalId,
      shippingAddress: orderAddress,
      ...(billingAddress ? { billingAddress } : {}),
      lines,
      shippingMethod,
      shippingAmount,
      payment,
      ...(rng.chance(0.05) && channel === 'web' ? { notes: rng.pick(['Bitte beim Nachbarn abgeben.', 'Please gift-wrap, it is a present.', 'Deliver after 5 pm if possible.']) } : {}),
      ...(express ? { promisedDeliveryDate: isoDate(new Date(at.getTime() + (at.getUTCHours() < 14 ? 1 : 2) * DAY)) } : {}),
      followUps,
    }
  })
}
