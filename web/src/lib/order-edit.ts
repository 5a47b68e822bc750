import type { Address, Order, OrderHold } from '../api/types'

/** One row of the line editor: an existing line (by id) or a new one (by SKU). */
export interface EditLine {
  id?: string
  sku: string
  name?: string
  /** Units the customer now wants (cancelled units are kept apart by the server). */
  quantity: number
}

export const wantedQuantity = (l: Order['lines'][number]) => l.quantity - l.cancelledQuantity

export const editableLines = (o: Order): EditLine[] => o.lines.filter((l) => wantedQuantity(l) > 0).map((l) => ({ id: l.id, sku: l.sku, name: l.name, quantity: wantedQuantity(l) }))

export const ADDRESS_FIELDS = ['name', 'company', 'line1', 'line2', 'postalCode', 'city', 'region', 'country', 'phone'] as const

/**
 * The PATCH body for what changed, and nothing else: the API re-verifies and re-reserves only
 * when asked to, and an unchanged section sent anyway could still trip a check.
 */
export function editBody(o: Order, next: { lines: EditLine[]; address: Address; payment: { method: string; reference: string }; notes?: string }) {
  const body: Record<string, unknown> = {}
  const before = editableLines(o)
  const linesChanged = before.length !== next.lines.length || next.lines.some((l, i) => l.id !== before[i]?.id || l.quantity !== before[i]?.quantity || (!l.id && l.sku !== before[i]?.sku))
  if (linesChanged) body.lines = next.lines.map((l) => (l.id ? { id: l.id, quantity: l.quantity } : { sku: l.sku.trim(), quantity: l.quantity }))
  const clean = Object.fromEntries(Object.entries(next.address).filter(([, v]) => v !== undefined && v !== ''))
  const was = Object.fromEntries(Object.entries(o.shippingAddress).filter(([, v]) => v !== undefined && v !== '' && v !== null))
  if (ADDRESS_FIELDS.some((f) => (clean[f] ?? '') !== (was[f] ?? ''))) body.shippingAddress = { ...was, ...clean, ...Object.fromEntries(ADDRESS_FIELDS.filter((f) => !(f in clean)).map((f) => [f, undefined])) }
  const payment: Record<string, string> = {}
  if ((next.payment.method || null) !== o.payment.method && next.payment.method) payment.method = next.payment.method
  if ((next.payment.reference || null) !== o.payment.reference && next.payment.reference) payment.reference = next.payment.reference
  if (Object.keys(payment).length) body.payment = payment
  if (next.notes !== undefined && next.notes.trim() !== (o.notes ?? '')) body.notes = next.notes.trim() || null
  return body
}

/** What an edit did, as the server answered it: the holds its re-verification placed or lifted, those still open, and the total before and after. */
export function editOutcome(before: Order, after: Order): { placed: OrderHold[]; lifted: OrderHold[]; stillOpen: number; total: { before: number; after: number } } {
  const openBefore = new Set(before.holds.filter((h) => !h.releasedAt).map((h) => h.id))
  const openAfter = new Set(after.holds.filter((h) => !h.releasedAt).map((h) => h.id))
  return {
    placed: after.holds.filter((h) => openAfter.has(h.id) && !openBefore.has(h.id)),
    lifted: after.holds.filter((h) => openBefore.has(h.id) && !openAfter.has(h.id)),
    stillOpen: openAfter.size,
    total: { before: before.totals.total, after: after.totals.total },
  }
}
