import { describe, expect, it } from 'vitest'
import { activeFilterCount, filtersFromSearch, filtersToSearch, parseViews, saveView, withParams, type OrderFilters } from './filters'

describe('order filters ↔ query string', () => {
  it('round-trips every filter through the address bar', () => {
    const f: OrderFilters = {
      q: 'SO-10042',
      status: 'on_hold',
      fulfillmentStatus: 'backordered',
      paymentStatus: 'authorized',
      holdCode: 'payment',
      channel: 'web',
      sku: 'AP-TEE-GRY-M',
      customer: 'anna@example.com',
      createdFrom: '2026-11-01',
      createdTo: '2026-11-30',
    }
    const search = filtersToSearch(f).toString()
    expect(filtersFromSearch(search)).toEqual(f)
    expect(search).toBe(
      'q=SO-10042&status=on_hold&fulfillmentStatus=backordered&paymentStatus=authorized&holdCode=payment&channel=web&sku=AP-TEE-GRY-M&customer=anna%40example.com&createdFrom=2026-11-01&createdTo=2026-11-30',
    )
  })

  it('drops empty values and keeps a stable order whatever order they were set in', () => {
    expect(filtersToSearch({ channel: 'web', q: '  ', status: 'confirmed' }).toString()).toBe('status=confirmed&channel=web')
    expect(activeFilterCount({ channel: 'web', q: '' })).toBe(1)
  })

  it('ignores what the API would refuse: unknown statuses, bad dates, unknown keys', () => {
    expect(filtersFromSearch('status=shipped&paymentStatus=paid&createdFrom=2026-13-45&createdTo=yesterday&foo=bar&cursor=abc')).toEqual({ paymentStatus: 'paid' })
  })

  it('adds paging to a path without touching its filters, and drops empty parameters', () => {
    expect(withParams(`/v1/orders?${filtersToSearch({ status: 'pending' })}`, { limit: '50', cursor: null })).toBe('/v1/orders?status=pending&limit=50')
    expect(withParams('/v1/orders', { limit: '25', cursor: 'b3JkXzAx' })).toBe('/v1/orders?limit=25&cursor=b3JkXzAx')
    expect(withParams('/v1/orders?cursor=old&q=a%26b', { cursor: undefined })).toBe('/v1/orders?q=a%26b')
  })
})

describe('saved views', () => {
  it('saves by name, replaces a view of the same name, and keeps them sorted', () => {
    let views = saveView([], 'Payment holds', { status: 'on_hold', holdCode: 'payment' })
    views = saveView(views, 'Backorders', { fulfillmentStatus: 'backordered' })
    views = saveView(views, 'payment HOLDS', { holdCode: 'payment' })
    expect(views).toEqual([
      { name: 'Backorders', search: 'fulfillmentStatus=backordered' },
      { name: 'payment HOLDS', search: 'holdCode=payment' },
    ])
    expect(saveView(views, '   ', {})).toBe(views)
  })

  it('survives whatever is in storage', () => {
    expect(parseViews(null)).toEqual([])
    expect(parseViews('not json')).toEqual([])
    expect(parseViews('{"a":1}')).toEqual([])
    expect(parseViews('[{"name":"A","search":"q=1"},{"name":2},null]')).toEqual([{ name: 'A', search: 'q=1' }])
  })
})
