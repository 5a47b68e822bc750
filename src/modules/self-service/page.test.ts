import { describe, expect, it } from 'vitest'
import { html, renderNotFound, renderStatusPage, type StatusPage } from './page.js'

const evil = '<script>alert(1)</script>"\'&'

const page = (over: Partial<StatusPage> = {}): StatusPage => ({
  shop: evil,
  base: '/o/abc.def',
  order: { number: 'SO-10042', placedAt: '2026-11-02T09:00:00.000Z', lines: [{ name: evil, sku: 'SKU"><img src=x>', quantity: 1, total: '€19.99' }], total: '€19.99', shipTo: 'Hamburg, DE' },
  next: { title: 'We are packing your order.', detail: null },
  timeline: [{ at: '2026-11-02T09:00:00.000Z', title: evil, detail: evil }],
  shipments: [{ carrier: evil, trackingNumber: 'OR1', status: 'in_transit', expected: '2026-11-10', deliveredAt: null, events: [{ at: '2026-11-03T06:00:00.000Z', status: 'in_transit', location: evil }] }],
  feedback: { state: 'open', given: { rating: 3, comment: evil }, editableUntil: '2026-12-02T09:00:00.000Z' },
  returns: { list: [{ number: 'RMA-1', status: 'requested', items: evil, inReview: true, labelUrl: null, sendTo: null }], form: { lines: [{ id: 'oli_"1', name: evil, returnable: 1 }], reasons: [{ code: 'x"', label: evil }], resolutions: ['refund', 'store_credit'], offerLabel: true, key: 'k' } },
  notice: { kind: 'error', section: 'returns', title: evil, lines: [evil] },
  ...over,
})

describe('the order page', () => {
  it('escapes every value, in text and in attributes', () => {
    const body = renderStatusPage(page())
    expect(body).not.toContain('<script>')
    expect(body).not.toContain('<img')
    expect(body).not.toContain('oli_"1')
    expect(body).toContain('&lt;script&gt;alert(1)&lt;/script&gt;&quot;&#39;&amp;')
    expect(body).toContain('name="qty:oli_&quot;1"')
  })

  it('keeps what html`` built, and nests without escaping twice', () => {
    expect(html`<p>${html`<b>${'a<b'}</b>`}</p>`.value).toBe('<p><b>a&lt;b</b></p>')
    expect(html`${['<', html`<i>`]}${null}${undefined}${false}${0}`.value).toBe('&lt;<i>0')
  })

  it('shows the feedback form only after delivery, and the given feedback once it can no longer change', () => {
    expect(renderStatusPage(page({ feedback: { state: 'not_yet' } }))).not.toContain('name="rating"')
    const closed = renderStatusPage(page({ feedback: { state: 'closed', given: { rating: 5, comment: null } } }))
    expect(closed).not.toContain('name="rating"')
    expect(closed).toContain('You rated this order <strong>5 of 5</strong> (Excellent).')
  })

  it('answers a bad link without a word about any order', () => {
    const body = renderNotFound()
    expect(body).toContain('This link does not work')
    expect(body).not.toMatch(/SO-|ord_/)
  })
})
