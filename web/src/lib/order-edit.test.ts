import { describe, expect, it } from 'vitest'
import type { Order } from '../api/types'
import { editableLines, editBody, editOutcome } from './order-edit'

const line = (id: string, sku: string, quantity: number, cancelledQuantity = 0) => ({ id, sku, name: sku, quantity, cancelledQuantity }) as Order['lines'][number]
const order = {
  lines: [line('l1', 'TEE', 2), line('l2', 'MUG', 1, 1), line('l3', 'BOOK', 3, 1)],
  shippingAddress: { name: 'Anna', line1: 'Weg 1', city: 'Hamburg', postalCode: '20095', country: 'DE', latitude: 53.5, longitude: 10 },
  payment: { status: 'paid', amount: 100, method: 'card', reference: 'ch_1' },
  notes: 'Leave at the door',
} as unknown as Order
const unchanged = () => ({ lines: editableLines(order), address: { ...order.shippingAddress }, payment: { method: 'card', reference: 'ch_1' } })

describe('order edit body', () => {
  it('lists the quantities the customer still wants, leaving fully cancelled lines out', () => {
    expect(editableLines(order).map((l) => [l.id, l.quantity])).toEqual([
      ['l1', 2],
      ['l3', 2],
    ])
  })

  it('sends nothing that did not change', () => {
    expect(editBody(order, unchanged())).toEqual({})
  })

  it('sends the full new set of lines when one changes: existing by id, new by SKU', () => {
    const next = unchanged()
    next.lines[0].quantity = 5
    next.lines.push({ sku: ' HM-MUG ', quantity: 1 })
    expect(editBody(order, next)).toEqual({ lines: [{ id: 'l1', quantity: 5 }, { id: 'l3', quantity: 2 }, { sku: 'HM-MUG', quantity: 1 }] })
    const removed = unchanged()
    removed.lines.splice(1, 1)
    expect(editBody(order, removed)).toEqual({ lines: [{ id: 'l1', quantity: 2 }] })
  })

  it('sends the whole address when a field changes, dropping cleared fields', () => {
    const next = unchanged()
    next.address.postalCode = '20097'
    next.address.name = ''
    expect(editBody(order, next)).toEqual({ shippingAddress: { line1: 'Weg 1', city: 'Hamburg', postalCode: '20097', country: 'DE', latitude: 53.5, longitude: 10 } })
  })

  it('sends only the payment fields that changed', () => {
    const next = unchanged()
    next.payment.method = 'invoice'
    expect(editBody(order, next)).toEqual({ payment: { method: 'invoice' } })
  })

  it('sends the notes when they changed, and null when they were cleared', () => {
    expect(editBody(order, { ...unchanged(), notes: ' Leave at the door ' })).toEqual({})
    expect(editBody(order, { ...unchanged(), notes: 'Ring twice' })).toEqual({ notes: 'Ring twice' })
    expect(editBody(order, { ...unchanged(), notes: '  ' })).toEqual({ notes: null })
  })
})

describe('what an edit did', () => {
  const hold = (id: string, releasedAt: string | null = null) => ({ id, code: 'payment', detail: '', source: 'verification', createdBy: 'x', createdAt: '', releasedAt, releasedBy: null, releaseNote: null }) as const
  const at = (total: number, holds: ReturnType<typeof hold>[]) => ({ totals: { total }, holds }) as unknown as Order

  it('names the holds the re-verification placed and the ones it lifted, with the totals', () => {
    const before = at(4758, [hold('h1'), hold('h0', '2026-11-01')])
    const after = at(6757, [hold('h1', '2026-11-20'), hold('h0', '2026-11-01'), hold('h2')])
    const outcome = editOutcome(before, after)
    expect(outcome.placed.map((h) => h.id)).toEqual(['h2'])
    expect(outcome.lifted.map((h) => h.id)).toEqual(['h1'])
    expect(outcome.stillOpen).toBe(1)
    expect(outcome.total).toEqual({ before: 4758, after: 6757 })
  })

  it('reports nothing placed when the holds stayed as they were', () => {
    expect(editOutcome(at(1, [hold('h1')]), at(2, [hold('h1')]))).toMatchObject({ placed: [], lifted: [], stillOpen: 1 })
  })
})
