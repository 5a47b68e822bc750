import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { AppError } from './errors.js'
import { defineMachine, validateMachine } from './machine.js'
import { LIFECYCLES } from '../lifecycles.js'
import { orderMachine, ORDER_STATUSES, type OrderSnapshot } from '../modules/orders/machine.js'

describe('machine tables', () => {
  it('every published lifecycle is valid: known states, all reachable, a final state reachable from each', () => {
    expect(LIFECYCLES.length).toBeGreaterThan(0)
    for (const m of LIFECYCLES) expect(validateMachine(m), m.entity).toEqual([])
  })

  it('rejects broken tables at definition time', () => {
    const broken = { entity: 'thing', states: ['a', 'b', 'c'] as const, initial: 'a' as const, final: ['b'] as const }
    expect(validateMachine({ ...broken, transitions: { go: { from: ['a'], to: 'b' } } })).toEqual(['state "c" is unreachable from "a"', 'state "c" cannot reach a final state'])
    expect(() => defineMachine({ ...broken, transitions: { go: { from: ['a'], to: 'z' as 'b' } } })).toThrow(/unknown state "z"/)
    expect(validateMachine({ ...broken, transitions: { go: { from: ['a'], to: 'c' }, stop: { from: ['c'], to: 'b' }, back: { from: ['b'], to: 'a' } } })).toEqual(['back: leaves final state "b"'])
  })
})

describe('order lifecycle', () => {
  const snap = (o: Partial<OrderSnapshot> = {}): OrderSnapshot => ({ openHolds: 0, shippedQty: 0, deliveredQty: 0, openQty: 1, ...o })

  it('given a pending order without holds, confirm makes it confirmed', () => {
    expect(orderMachine.next('pending', 'confirm', snap())).toBe('confirmed')
  })
  it('given open holds, confirm and release are refused with the rule that refused them', () => {
    expect(() => orderMachine.next('pending', 'confirm', snap({ openHolds: 1 }))).toThrow(expect.objectContaining({ status: 409, code: 'order.has_open_holds' }))
    expect(orderMachine.allowed('on_hold', snap({ openHolds: 2 }))).not.toContain('release')
  })
  it('given a shipped unit, the order can no longer be cancelled or edited', () => {
    expect(() => orderMachine.next('confirmed', 'cancel', snap({ shippedQty: 1 }))).toThrow(expect.objectContaining({ code: 'order.already_shipped' }))
    expect(orderMachine.allowed('confirmed', snap({ shippedQty: 1 }))).not.toContain('edit')
  })
  it('given a final state, nothing is allowed and every command is an invalid transition (409)', () => {
    for (const s of ['cancelled', 'completed'] as const) {
      expect(orderMachine.allowed(s, snap())).toEqual([])
      expect(() => orderMachine.next(s, 'hold', snap())).toThrow(AppError)
    }
  })
  it('given everything still ordered is delivered, the order may complete; with units in transit it may not', () => {
    expect(orderMachine.next('confirmed', 'complete', snap({ openQty: 0, shippedQty: 2, deliveredQty: 2 }))).toBe('completed')
    expect(() => orderMachine.next('confirmed', 'complete', snap({ openQty: 0, shippedQty: 2, deliveredQty: 1 }))).toThrow(expect.objectContaining({ code: 'order.not_fully_delivered' }))
    expect(orderMachine.allowed('confirmed', snap({ shippedQty: 1, deliveredQty: 1 }))).not.toContain('deliver')
  })
  it('edit keeps the state it runs in', () => {
    expect(orderMachine.next('on_hold', 'edit', snap())).toBe('on_hold')
  })

  it('a random sequence of commands never leaves the table, and allowed() agrees with next()', () => {
    const commands = Object.keys(orderMachine.transitions) as (keyof typeof orderMachine.transitions)[]
    const arbSnap = fc.record({ openHolds: fc.integer({ min: 0, max: 2 }), shippedQty: fc.integer({ min: 0, max: 2 }), deliveredQty: fc.integer({ min: 0, max: 2 }), openQty: fc.integer({ min: 0, max: 2 }) })
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.constantFrom(...commands), arbSnap), { maxLength: 30 }), (steps) => {
        let state: (typeof ORDER_STATUSES)[number] = orderMachine.initial
        for (const [cmd, s] of steps) {
          const allowed = orderMachine.allowed(state, s).includes(cmd)
          let moved = true
          try {
            state = orderMachine.next(state, cmd, s)
          } catch (err) {
            moved = false
            expect(err).toBeInstanceOf(AppError)
            expect((err as AppError).status).toBe(409)
          }
          expect(moved).toBe(allowed)
          expect(ORDER_STATUSES).toContain(state)
        }
      }),
    )
  })
})
