import { describe, expect, it } from 'vitest'
import { formatMoney } from '../../kernel/money.js'
import { defaultLinks, SAMPLE_ORDER, sampleEventData, templateData } from './context.js'
import { renderSubject, renderTemplate } from './render.js'
import { BUILT_IN_TEMPLATES, TEMPLATE_EVENTS, templateFor } from './templates.js'

const links = defaultLinks('https://shop.example')
const dataFor = (type: string) => templateData(SAMPLE_ORDER, { type, entityId: 'x', reason: null, occurredAt: '2026-11-02T09:00:00.000Z', data: sampleEventData(type) }, links)

describe('built-in e-mails', () => {
  it('formats minor units with the currency', () => {
    expect(formatMoney(6324, 'EUR')).toBe('€63.24')
    expect(formatMoney(500, 'JPY')).toBe('¥500')
    expect(formatMoney(1234567, 'KWD')).toBe('KWD\u00a01,234.567')
    expect(formatMoney(0, 'USD')).toBe('$0.00')
  })

  it('every event has a subject with the order number and bodies with no placeholder left', () => {
    for (const event of TEMPLATE_EVENTS) {
      const t = BUILT_IN_TEMPLATES[event]
      const data = dataFor(event)
      expect(renderSubject(t.subject, data), event).toContain('SO-10042')
      for (const body of [renderTemplate(t.text, data, 'text'), renderTemplate(t.html, data, 'html')]) {
        expect(body, event).toContain('SO-10042')
        expect(body, event).toContain('Hello Anna Schmidt')
        expect(body, event).not.toMatch(/\{\{|\}\}|undefined|null|NaN/)
      }
    }
  })

  it('the confirmation lists the lines and the totals in the order currency', () => {
    const text = renderTemplate(BUILT_IN_TEMPLATES['order.confirmed'].text, dataFor('order.confirmed'), 'text')
    expect(text).toContain('2 × T-shirt black M (TEE-BLK-M)  €39.98')
    expect(text).toContain('1 × Mug white (MUG-WHT)  €9.00')
    expect(text).toContain('Total: €63.24')
    expect(text).toContain('20095 Hamburg')
    expect(text).not.toContain('Discount')
  })

  it('shipped and out-for-delivery carry the tracking link; delivered the feedback link; backorder the late lines', () => {
    expect(renderTemplate(BUILT_IN_TEMPLATES['order.shipped'].text, dataFor('order.shipped'), 'text')).toContain('https://shop.example/track/RR123456785DE')
    expect(renderTemplate(BUILT_IN_TEMPLATES['order.shipped'].html, dataFor('order.shipped'), 'html')).toContain('href="https://shop.example/track/RR123456785DE"')
    expect(renderTemplate(BUILT_IN_TEMPLATES['shipment.out_for_delivery'].text, dataFor('shipment.out_for_delivery'), 'text')).toContain('/track/RR123456785DE')
    expect(renderTemplate(BUILT_IN_TEMPLATES['order.delivered'].text, dataFor('order.delivered'), 'text')).toContain('https://shop.example/orders/ord_SAMPLE/feedback')
    const late = renderTemplate(BUILT_IN_TEMPLATES['order.backordered'].text, dataFor('order.backordered'), 'text')
    expect(late).toContain('1 × Mug white (MUG-WHT)')
    expect(late).not.toContain('T-shirt')
    expect(renderTemplate(BUILT_IN_TEMPLATES['refund.issued'].text, dataFor('refund.issued'), 'text')).toContain('refunded €19.99')
    expect(renderTemplate(BUILT_IN_TEMPLATES['return.authorized'].text, dataFor('return.authorized'), 'text')).toContain('RMA-10007')
  })

  it('maps events to templates; a held order released to confirmed gets the confirmation', () => {
    expect(templateFor({ type: 'order.shipped', to: null })).toBe('order.shipped')
    expect(templateFor({ type: 'order.released', to: 'confirmed' })).toBe('order.confirmed')
    expect(templateFor({ type: 'order.released', to: 'pending' })).toBeUndefined()
    expect(templateFor({ type: 'order.created', to: 'pending' })).toBeUndefined()
    expect(templateFor({ type: 'refund.succeeded', to: 'succeeded' })).toBe('refund.issued')
    expect(templateFor({ type: 'refund.failed', to: 'failed' })).toBeUndefined()
  })
})
