import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { validateMachine } from '../../kernel/machine.js'
import { COMMAND_OF, SHIPMENT_STATUSES, TRACKING_STATUSES, shipmentMachine, type ShipmentStatus } from './machine.js'

describe('shipment lifecycle', () => {
  it('is a valid table with a command for every tracking status', () => {
    expect(validateMachine(shipmentMachine)).toEqual([])
    for (const s of TRACKING_STATUSES) expect(shipmentMachine.transitions[COMMAND_OF[s]].to).toBe(s)
  })

  it('given a label, the carrier takes it, it goes out, and it is delivered', () => {
    let s: ShipmentStatus = 'label_created'
    for (const c of ['awaitPickup', 'markInTransit', 'markOutForDelivery', 'markDelivered'] as const) s = shipmentMachine.next(s, c, null)
    expect(s).toBe('delivered')
    expect(shipmentMachine.allowed(s, null)).toEqual([])
  })

  it('cancels only before handover, and recovers from an exception', () => {
    expect(shipmentMachine.next('awaiting_pickup', 'cancel', null)).toBe('cancelled')
    expect(() => shipmentMachine.next('in_transit', 'cancel', null)).toThrow(expect.objectContaining({ status: 409, code: 'shipment.invalid_transition' }))
    expect(shipmentMachine.next('exception', 'markInTransit', null)).toBe('in_transit')
    expect(() => shipmentMachine.next('out_for_delivery', 'markInTransit', null)).toThrow(expect.objectContaining({ status: 409 }))
  })

  it('never leaves its states, and allowed() agrees with next()', () => {
    const commands = Object.keys(shipmentMachine.transitions) as (keyof typeof shipmentMachine.transitions)[]
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...commands), { maxLength: 20 }), (seq) => {
        let s: ShipmentStatus = shipmentMachine.initial
        for (const c of seq) {
          const allowed = shipmentMachine.allowed(s, null).includes(c)
          let moved = true
          try {
            s = shipmentMachine.next(s, c, null)
          } catch {
            moved = false
          }
          expect(moved).toBe(allowed)
          expect(SHIPMENT_STATUSES).toContain(s)
        }
      }),
    )
  })
})
