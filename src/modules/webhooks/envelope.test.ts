import { describe, expect, it } from 'vitest'
import { matchesEventType, toEnvelope } from './envelope.js'

describe('webhook envelope and subscriptions', () => {
  it('matches exact types, prefixes and *', () => {
    expect(matchesEventType(['order.shipped'], 'order.shipped')).toBe(true)
    expect(matchesEventType(['order.shipped'], 'order.shipped_late')).toBe(false)
    expect(matchesEventType(['order.*'], 'order.confirmed')).toBe(true)
    expect(matchesEventType(['order.*'], 'orders.confirmed')).toBe(false)
    expect(matchesEventType(['order.*'], 'shipment.delivered')).toBe(false)
    expect(matchesEventType(['shipment.*', 'order.cancelled'], 'order.cancelled')).toBe(true)
    expect(matchesEventType(['*'], 'anything.at_all')).toBe(true)
  })

  it('wraps an event as { id, type, version, occurredAt, data } and leaves out what it does not have', () => {
    const base = { id: 'evt_1', type: 'order.confirmed', entity: 'order', entityId: 'ord_1', actor: 'api_key:shop', occurredAt: '2026-11-02T09:00:00.000Z' }
    expect(toEnvelope({ ...base, orderId: 'ord_1', from: 'pending', to: 'confirmed', reason: 'verification passed', data: { v: 2, number: 'SO-1' } })).toEqual({
      id: 'evt_1',
      type: 'order.confirmed',
      version: 2,
      occurredAt: '2026-11-02T09:00:00.000Z',
      data: { entity: 'order', entityId: 'ord_1', orderId: 'ord_1', from: 'pending', to: 'confirmed', reason: 'verification passed', actor: 'api_key:shop', payload: { number: 'SO-1' } },
    })
    expect(toEnvelope({ ...base, orderId: null, from: null, to: null, reason: null, data: {} }).data).toEqual({ entity: 'order', entityId: 'ord_1', actor: 'api_key:shop', payload: {} })
  })
})
