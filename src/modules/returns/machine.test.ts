import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { validateMachine } from '../../kernel/machine.js'
import { RETURN_STATUSES, returnMachine, type ReturnStatus } from './machine.js'

describe('return lifecycle', () => {
  const labelled = { hasLabel: true }

  it('is a valid table', () => {
    expect(validateMachine(returnMachine)).toEqual([])
  })

  it('given a request, it is authorized, collected, carried, received, inspected and resolved', () => {
    let s: ReturnStatus = 'requested'
    for (const c of ['authorize', 'schedulePickup', 'markInTransit', 'receive', 'inspect', 'resolve'] as const) s = returnMachine.next(s, c, labelled)
    expect(s).toBe('resolved')
    expect(returnMachine.allowed(s, labelled)).toEqual([])
  })

  it('a pickup needs a label; a parcel the customer drops off is received straight from authorized', () => {
    expect(() => returnMachine.next('authorized', 'schedulePickup', { hasLabel: false })).toThrow(expect.objectContaining({ status: 409, code: 'return.label_required' }))
    expect(returnMachine.next('authorized', 'receive', { hasLabel: false })).toBe('received')
  })

  it('is cancelled only before the parcel left, and rejected only while requested', () => {
    for (const s of ['requested', 'authorized', 'pickup_scheduled'] as const) expect(returnMachine.next(s, 'cancel', labelled)).toBe('cancelled')
    expect(() => returnMachine.next('in_transit', 'cancel', labelled)).toThrow(expect.objectContaining({ code: 'return.invalid_transition' }))
    expect(() => returnMachine.next('authorized', 'reject', labelled)).toThrow(expect.objectContaining({ status: 409 }))
  })

  it('never leaves its states, and allowed() agrees with next()', () => {
    const commands = Object.keys(returnMachine.transitions) as (keyof typeof returnMachine.transitions)[]
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.constantFrom(...commands), fc.boolean()), { maxLength: 20 }), (steps) => {
        let s: ReturnStatus = returnMachine.initial
        for (const [c, hasLabel] of steps) {
          const allowed = returnMachine.allowed(s, { hasLabel }).includes(c)
          let moved = true
          try {
            s = returnMachine.next(s, c, { hasLabel })
          } catch {
            moved = false
          }
          expect(moved).toBe(allowed)
          expect(RETURN_STATUSES).toContain(s)
        }
      }),
    )
  })
})
