import { describe, expect, it } from 'vitest'
import { formatMoney } from '../../kernel/money.js'
import { customerTimeline, nextStep, type TimelineEvent } from './customer-timeline.js'

const refs = {
  shipments: new Map([['shp_1', { carrier: 'Deutsche Post', trackingNumber: 'OR123456785DE' }]]),
  packedIn: new Map([['FO-10001', 'Berlin']]),
  lineNames: new Map([['oli_1', 'T-shirt black M'], ['oli_2', 'Mug white']]),
  money: formatMoney,
}
const at = (h: number) => `2026-11-0${2 + Math.floor(h / 24)}T${String(h % 24).padStart(2, '0')}:00:00.000Z`
const e = (type: string, h: number, data: Record<string, unknown> = {}, to: string | null = null): TimelineEvent => ({ type, to, data, occurredAt: at(h) })

describe("the customer's timeline", () => {
  it('tells the way to the door in plain words, at the times things happened', () => {
    const events = [
      e('order.created', 0, {}, 'on_hold'),
      e('order.held', 0, { holds: [{ code: 'fraud', detail: 'Card BIN mismatch' }] }, 'on_hold'),
      e('order.allocated', 0, { allocations: [{ location: 'BER', quantity: 2 }] }),
      e('order.released', 1, {}, 'confirmed'),
      e('fulfillment.picking_started', 2, { number: 'FO-10001' }),
      e('fulfillment.short_picked', 2, { number: 'FO-10001' }),
      e('fulfillment.packed', 3, { number: 'FO-10001' }),
      e('order.shipped', 4, { shipmentId: 'shp_1', lines: [{ lineId: 'oli_1', quantity: 2 }] }),
      // Recorded late, happened early: the carrier's scan time counts.
      e('shipment.out_for_delivery', 30, { occurredAt: at(26), location: 'Hamburg' }),
      e('shipment.delivered', 31, { occurredAt: at(29) }),
      e('order.delivered', 31, {}),
      e('order.completed', 31, {}, 'completed'),
      e('order.feedback_received', 40, { rating: 4, comment: 'fine' }),
    ]
    expect(customerTimeline(events, refs)).toEqual([
      { at: at(0), title: 'Order placed', detail: null },
      { at: at(1), title: 'Order confirmed', detail: null },
      { at: at(3), title: 'Packed in Berlin', detail: null },
      { at: at(4), title: 'Shipped with Deutsche Post, tracking OR123456785DE', detail: '2 × T-shirt black M' },
      { at: at(26), title: 'Out for delivery', detail: null },
      { at: at(29), title: 'Delivered', detail: null },
      { at: at(40), title: 'You rated this order', detail: '4 of 5' },
    ])
  })

  it('never shows what it does not know: holds, allocations, picking, reroutes, notes, e-mails', () => {
    const internal = ['order.held', 'order.hold_released', 'order.allocated', 'order.rerouted', 'order.edited', 'fulfillment.created', 'fulfillment.picked', 'fulfillment.short_picked', 'shipment.label_created', 'notification.retried', 'order.something_new']
    expect(customerTimeline(internal.map((type, i) => e(type, i, { detail: 'internal' })), refs)).toEqual([])
  })

  it('tells a backorder, a cancelled line, returns and a refund once each', () => {
    const events = [
      e('order.backordered', 0, { lines: [{ lineId: 'oli_2', quantity: 1 }] }),
      e('order.backordered', 1, { lines: [{ lineId: 'oli_2', quantity: 1 }] }),
      e('order.lines_cancelled', 2, { lines: [{ lineId: 'oli_2', quantity: 1 }] }),
      e('return.requested', 50, { number: 'RMA-10001' }, 'requested'),
      e('return.authorized', 51, { number: 'RMA-10001' }, 'authorized'),
      e('order.refunded', 60, { amount: 1999, currency: 'EUR' }),
      e('order.replacement_created', 61, { order: { id: 'ord_2', number: 'SO-10002' } }),
    ]
    expect(customerTimeline(events, refs).map((m) => [m.title, m.detail])).toEqual([
      ['Waiting for stock', '1 × Mug white'],
      ['Some items were cancelled', '1 × Mug white'],
      ['Return RMA-10001 requested', null],
      ['Return RMA-10001 accepted', null],
      ['Refund of €19.99 issued', null],
      ['Replacement order SO-10002 placed', null],
    ])
  })

  it('names the parcel when there are several', () => {
    const two = { ...refs, shipments: new Map([...refs.shipments, ['shp_2', { carrier: 'Own fleet', trackingNumber: 'PP000000045DE' }]]) }
    expect(customerTimeline([e('shipment.delivered', 5, { trackingNumber: 'PP000000045DE' })], two)).toEqual([{ at: at(5), title: 'Delivered', detail: 'Parcel PP000000045DE' }])
  })
})

describe('what comes next', () => {
  const base = { status: 'confirmed', fulfillmentStatus: 'allocated', shipments: [], packed: false, hasFeedback: false }
  it('follows the order from placing to the door', () => {
    expect(nextStep({ ...base, status: 'pending' }).title).toBe('We have received your order and will confirm it shortly.')
    expect(nextStep({ ...base, status: 'on_hold' })).toEqual({ title: 'We are reviewing your order.', detail: 'We will start packing it as soon as that is done.' })
    expect(nextStep(base).title).toBe('We are packing your order.')
    expect(nextStep({ ...base, packed: true }).title).toBe('Your order is packed and will be handed to the carrier soon.')
    expect(nextStep({ ...base, fulfillmentStatus: 'backordered' }).title).toBe('Some items are waiting for stock.')
    expect(nextStep({ ...base, fulfillmentStatus: 'shipped', shipments: [{ status: 'in_transit', estimatedDeliveryDate: '2026-11-10' }] }).title).toBe('Your parcel is on its way, expected Tue 10 Nov.')
    expect(nextStep({ ...base, fulfillmentStatus: 'shipped', shipments: [{ status: 'label_created', estimatedDeliveryDate: null }] }).title).toBe('Your parcel is on its way.')
    expect(nextStep({ ...base, fulfillmentStatus: 'shipped', shipments: [{ status: 'out_for_delivery', estimatedDeliveryDate: '2026-11-10' }] }).title).toBe('Your parcel is out for delivery and should arrive today.')
    expect(nextStep({ ...base, fulfillmentStatus: 'shipped', shipments: [{ status: 'exception', estimatedDeliveryDate: '2026-11-10' }] }).title).toBe('The carrier reported a problem with your parcel.')
    expect(
      nextStep({ ...base, fulfillmentStatus: 'partially_delivered', shipments: [{ status: 'delivered', estimatedDeliveryDate: '2026-11-05' }, { status: 'in_transit', estimatedDeliveryDate: '2026-11-12' }] }),
    ).toEqual({ title: 'Part of your order has arrived.', detail: 'The rest is on its way, expected Thu 12 Nov.' })
    expect(nextStep({ ...base, status: 'completed', fulfillmentStatus: 'delivered' })).toEqual({ title: 'Your order has been delivered. We hope you enjoy it.', detail: 'Tell us how we did: it takes a minute.' })
    expect(nextStep({ ...base, status: 'completed', fulfillmentStatus: 'delivered', hasFeedback: true }).detail).toBe('Thank you for your feedback.')
    expect(nextStep({ ...base, status: 'cancelled', fulfillmentStatus: 'unfulfilled' }).title).toBe('This order was cancelled.')
  })
})
