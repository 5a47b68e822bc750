import type { Quote } from './rate-card.js'

/** Calendar dates are 'YYYY-MM-DD' strings, computed in UTC so no time zone shifts a day. */
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/
const DAY_MS = 86_400_000

function parseDate(date: string): number {
  const m = DATE.exec(date)
  if (!m) throw new RangeError(`expected a date as YYYY-MM-DD, got ${JSON.stringify(date)}`)
  const t = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]))
  if (new Date(t).toISOString().slice(0, 10) !== date) throw new RangeError(`not a calendar date: ${date}`)
  return t
}
const formatDate = (t: number) => new Date(t).toISOString().slice(0, 10)

/** Carriers neither pick up nor deliver on Saturday, Sunday or a listed holiday. */
export function isBusinessDay(date: string, holidays: ReadonlySet<string> = new Set()): boolean {
  const dow = new Date(parseDate(date)).getUTCDay()
  return dow !== 0 && dow !== 6 && !holidays.has(date)
}

/**
 * Delivery date for a ship date and transit days. A parcel handed over on a weekend or holiday
 * leaves on the next business day; transit days count business days only, and 0 means same day.
 */
export function deliveryDate(shipDate: string, transitDays: number, holidays: ReadonlySet<string> = new Set()): string {
  let t = parseDate(shipDate)
  while (!isBusinessDay(formatDate(t), holidays)) t += DAY_MS
  for (let left = transitDays; left > 0; ) {
    t += DAY_MS
    if (isBusinessDay(formatDate(t), holidays)) left--
  }
  return formatDate(t)
}

export interface ServiceQuote {
  /** The carrier service's code, e.g. "dhl.paket" or "table.standard". */
  service: string
  quote: Quote
}

export interface RateShopRequest {
  quotes: ServiceQuote[]
  shipDate: string
  promisedBy?: string
  holidays?: readonly string[]
}

export type RateOption =
  | {
      service: string
      available: true
      amount: number
      currency: string
      transitDays: number
      deliveryDate: string
      /** Null when the order has no promised date. */
      meetsPromise: boolean | null
      zone: string
    }
  | { service: string; available: false; reason: string; detail?: string }

export type DefaultRule =
  /** The cheapest service that arrives by the promised date. */
  | 'cheapest_meeting_promise'
  /** No promised date: the cheapest service. */
  | 'cheapest'
  /** A promised date no service can meet: the fastest, so the customer waits least. */
  | 'fastest_none_meet_promise'

export interface RateShopExplanation {
  rule: DefaultRule
  shipDate: string
  promisedBy: string | null
  chosen: string
  /** Services that could ship, cheapest first. */
  considered: string[]
  meetingPromise: string[]
  unavailable: { service: string; reason: string }[]
  /** Ties on the deciding criterion are broken by the other one, then by service code. */
  tieBreak: 'earlier_delivery' | 'lower_cost' | 'service_code' | null
}

export type RateShopResult =
  | { ok: true; options: RateOption[]; default: string; explanation: RateShopExplanation }
  | { ok: false; reason: 'no_service_available'; options: RateOption[] }
  | { ok: false; reason: 'mixed_currencies'; currencies: string[]; options: RateOption[] }

type Available = Extract<RateOption, { available: true }>

const byCost = (a: Available, b: Available) => a.amount - b.amount || a.deliveryDate.localeCompare(b.deliveryDate) || a.service.localeCompare(b.service)
const bySpeed = (a: Available, b: Available) => a.deliveryDate.localeCompare(b.deliveryDate) || a.amount - b.amount || a.service.localeCompare(b.service)

function tieBreakOf(sorted: Available[], primary: 'cost' | 'speed'): RateShopExplanation['tieBreak'] {
  const [a, b] = sorted
  if (!b) return null
  const sameFirst = primary === 'cost' ? a.amount === b.amount : a.deliveryDate === b.deliveryDate
  if (!sameFirst) return null
  const sameSecond = primary === 'cost' ? a.deliveryDate === b.deliveryDate : a.amount === b.amount
  return sameSecond ? 'service_code' : primary === 'cost' ? 'earlier_delivery' : 'lower_cost'
}

/**
 * Lists every service's cost and delivery date and picks the default: the cheapest that meets the
 * promised delivery date, else the fastest. Options keep the input order, so the console shows
 * the carriers as configured; `explanation.considered` gives the price order.
 */
export function rateShop({ quotes, shipDate, promisedBy, holidays = [] }: RateShopRequest): RateShopResult {
  const holidaySet = new Set(holidays)
  if (promisedBy !== undefined) parseDate(promisedBy)
  const options: RateOption[] = quotes.map(({ service, quote }) => {
    if (!quote.ok) return { service, available: false, reason: quote.reason, ...('detail' in quote ? { detail: quote.detail } : {}) }
    const delivery = deliveryDate(shipDate, quote.transitDays, holidaySet)
    return {
      service,
      available: true,
      amount: quote.amount,
      currency: quote.currency,
      transitDays: quote.transitDays,
      deliveryDate: delivery,
      meetsPromise: promisedBy === undefined ? null : delivery <= promisedBy,
      zone: quote.zone,
    }
  })
  const available = options.filter((o): o is Available => o.available)
  if (available.length === 0) return { ok: false, reason: 'no_service_available', options }
  // Prices in different currencies cannot be compared without an FX rate, which is not ours to pick.
  const currencies = [...new Set(available.map((o) => o.currency))]
  if (currencies.length > 1) return { ok: false, reason: 'mixed_currencies', currencies, options }

  const byPrice = [...available].sort(byCost)
  const meeting = byPrice.filter((o) => o.meetsPromise === true)
  let rule: DefaultRule
  let ranked: Available[]
  if (promisedBy === undefined) [rule, ranked] = ['cheapest', byPrice]
  else if (meeting.length > 0) [rule, ranked] = ['cheapest_meeting_promise', meeting]
  else [rule, ranked] = ['fastest_none_meet_promise', [...available].sort(bySpeed)]

  return {
    ok: true,
    options,
    default: ranked[0].service,
    explanation: {
      rule,
      shipDate,
      promisedBy: promisedBy ?? null,
      chosen: ranked[0].service,
      considered: byPrice.map((o) => o.service),
      meetingPromise: meeting.map((o) => o.service),
      unavailable: options.filter((o) => !o.available).map((o) => ({ service: o.service, reason: (o as { reason: string }).reason })),
      tieBreak: tieBreakOf(ranked, rule === 'fastest_none_meet_promise' ? 'speed' : 'cost'),
    },
  }
}
