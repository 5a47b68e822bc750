import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { decodeCursor } from '../../kernel/pagination.js'
import { countsOf, pageOf, statusOf, toView, type PeopleRow, type QueueItem } from './queue.js'
import { SEVERITIES } from './schema.js'
import { findItems, SOURCE_CAP, type ExceptionSources } from './sources.js'

const item = (over: Partial<QueueItem> = {}): QueueItem => ({
  key: 'order_hold:hold_1',
  type: 'order_hold',
  severity: 'high',
  title: 'SO-10001 is on hold: fraud',
  detail: 'Billing and shipping countries differ.',
  holdCode: 'fraud',
  entity: { type: 'order', id: 'ord_1', number: 'SO-10001' },
  orderId: 'ord_1',
  orderNumber: 'SO-10001',
  location: null,
  channel: 'web',
  since: '2026-11-02T09:00:00.000Z',
  link: '/v1/orders/ord_1',
  ...over,
})

const row = (over: Partial<PeopleRow> = {}): PeopleRow => ({
  key: 'order_hold:hold_1',
  type: 'order_hold',
  holdCode: 'fraud',
  orderId: 'ord_1',
  location: null,
  channel: 'web',
  item: JSON.stringify(item()),
  assignee: 'sam@example.com',
  assignedAt: '2026-11-02T10:00:00.000Z',
  assignedBy: 'user:lee@example.com',
  note: null,
  resolvedAt: null,
  resolvedBy: null,
  resolutionNote: null,
  resolvedSince: null,
  version: 1,
  createdAt: '2026-11-02T10:00:00.000Z',
  updatedAt: '2026-11-02T10:00:00.000Z',
  ...over,
})

const resolved = row({ resolvedAt: '2026-11-03T08:00:00.000Z', resolvedBy: 'user:lee@example.com', resolutionNote: 'customer confirmed', resolvedSince: '2026-11-02T09:00:00.000Z' })

describe('where an item stands', () => {
  it('given a live condition nobody resolved, it is open; resolved with the same since, it stays resolved', () => {
    expect(statusOf(item(), undefined)).toBe('open')
    expect(statusOf(item(), row())).toBe('open')
    expect(statusOf(item(), resolved)).toBe('resolved')
  })

  it('given the condition came back with a newer since, it is open again and the old resolution is not shown', () => {
    const back = toView(item({ since: '2026-11-05T00:00:00.000Z' }), resolved)
    expect(back).toMatchObject({ status: 'open', resolvedAt: null, resolutionNote: null, assignee: 'sam@example.com', version: 1 })
  })

  it('given the condition ended, it is resolved if a person resolved it, else cleared, shown as last stored', () => {
    expect(toView(undefined, resolved)).toMatchObject({ status: 'resolved', title: 'SO-10001 is on hold: fraud', resolutionNote: 'customer confirmed' })
    expect(toView(undefined, row())).toMatchObject({ status: 'cleared', assignee: 'sam@example.com', resolvedAt: null })
  })

  it('given no people part yet, the view is version 0 and unassigned', () => {
    expect(toView(item(), undefined)).toMatchObject({ status: 'open', assignee: null, note: null, version: 0 })
  })
})

describe('counts', () => {
  it('adds up per type, per hold code for holds only, with weights for SQL groups, and lists capped types in type order', () => {
    const counts = countsOf(
      [
        { type: 'order_hold', holdCode: 'fraud' },
        { type: 'order_hold', holdCode: 'payment', n: 3 },
        { type: 'backorder', holdCode: null, n: 2 },
      ],
      ['webhook_dead', 'order_hold'],
    )
    expect(counts).toMatchObject({ byHoldCode: { fraud: 1, payment: 3 }, total: 6, capped: ['order_hold', 'webhook_dead'] })
    expect(counts.byType).toMatchObject({ order_hold: 4, backorder: 2, short_pick: 0, webhook_dead: 0 })
  })
})

describe('paging the open queue', () => {
  const items = fc.uniqueArray(
    fc.record({
      key: fc.stringMatching(/^[a-z_]{1,6}:[a-z0-9_]{1,8}$/),
      severity: fc.constantFrom(...SEVERITIES),
      since: fc.integer({ min: 1_700_000_000_000, max: 1_800_000_000_000 }).map((t) => new Date(t).toISOString()),
    }),
    { selector: (i) => i.key, maxLength: 40 },
  )

  type Item = { key: string; severity: (typeof SEVERITIES)[number]; since: string }
  // Keys tie-break in code-unit order, as the database and the cursor compare them (not the locale's).
  const binary = (x: string, y: string) => (x < y ? -1 : x > y ? 1 : 0)
  const order = (a: Item, b: Item) => SEVERITIES.indexOf(a.severity) - SEVERITIES.indexOf(b.severity) || binary(a.since, b.since) || binary(a.key, b.key)

  it('walks every item exactly once, high severity first, then oldest, whatever the page size', () => {
    fc.assert(
      fc.property(items, fc.integer({ min: 1, max: 7 }), (all, limit) => {
        const seen: string[] = []
        let cursor: string | null = null
        do {
          const p: { data: Item[]; nextCursor: string | null } = pageOf(all, limit, cursor === null ? undefined : decodeCursor(cursor))
          expect(p.data.length).toBeLessThanOrEqual(limit)
          seen.push(...p.data.map((i) => i.key))
          cursor = p.nextCursor
        } while (cursor)
        expect(seen).toEqual([...all].sort(order).map((i) => i.key))
      }),
    )
  })

  it('neither repeats nor skips items that stay when others leave the queue between pages', () => {
    fc.assert(
      fc.property(items, fc.integer({ min: 1, max: 5 }), fc.array(fc.boolean(), { maxLength: 40 }), (all, limit, leaves) => {
        const first = pageOf(all, limit)
        if (!first.nextCursor) return
        const remaining = all.filter((_, i) => !leaves[i])
        const second = pageOf(remaining, 1000, decodeCursor(first.nextCursor))
        const last = first.data.at(-1)!
        expect(second.data.map((i) => i.key)).toEqual(remaining.filter((i) => order(i, last) > 0).sort(order).map((i) => i.key))
      }),
    )
  })

  it('refuses a cursor it did not write', () => {
    expect(() => pageOf([], 10, 'nonsense')).toThrow(expect.objectContaining({ status: 400, code: 'request.invalid_cursor' }))
  })
})

describe('sources', () => {
  const hold = (i: number) => ({
    id: `hold_${String(i).padStart(4, '0')}`,
    code: 'address',
    detail: 'no house number',
    source: 'verification',
    createdBy: 'system',
    createdAt: new Date(Date.UTC(2026, 10, 1, 0, i)).toISOString(),
    orderId: `ord_${i}`,
    orderNumber: `SO-${10000 + i}`,
    channelId: 'chn_web',
  })
  const none = async () => []
  const sources = (holds: number): ExceptionSources => ({
    orders: { openHolds: async (_db, q) => Array.from({ length: Math.min(holds, q.limit) }, (_, i) => hold(i)), backorderedLines: none, refs: async () => new Map() },
    fulfillment: { shortPicks: none },
    shipping: { needingAttention: none },
    returns: { awaitingAction: none },
    notifications: { undeliverable: none },
    webhooks: { deadLetters: none },
    channels: { list: async () => [{ id: 'chn_web', code: 'web' }] as never },
    locations: { listAll: none },
  })
  const read = { db: {} as never, now: new Date('2026-11-10T00:00:00Z'), backorderDays: 3 }

  it('keeps at most SOURCE_CAP items of a source and says which types were capped', async () => {
    const over = await findItems(sources(SOURCE_CAP + 20), read)
    expect([over.items.length, over.capped]).toEqual([SOURCE_CAP, ['order_hold']])
    expect(over.items[0]).toMatchObject({ key: 'order_hold:hold_0000', channel: 'web', severity: 'normal', detail: 'No house number (found when the order was verified).' })
    const exact = await findItems(sources(SOURCE_CAP), read)
    expect([exact.items.length, exact.capped]).toEqual([SOURCE_CAP, []])
  })

  it('asks only the sources of the types named', async () => {
    const d = sources(3)
    let asked = 0
    d.fulfillment.shortPicks = async () => {
      asked++
      return []
    }
    expect((await findItems(d, read, ['order_hold'])).items).toHaveLength(3)
    expect(asked).toBe(0)
  })
})
