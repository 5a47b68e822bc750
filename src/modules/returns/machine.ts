import { defineMachine } from '../../kernel/machine.js'

export const RETURN_STATUSES = ['requested', 'authorized', 'pickup_scheduled', 'in_transit', 'received', 'inspected', 'resolved', 'rejected', 'cancelled'] as const
export type ReturnStatus = (typeof RETURN_STATUSES)[number]

/** What the return guards look at. */
export interface ReturnSnapshot {
  /** A return label was bought: a carrier can collect the parcel. */
  hasLabel: boolean
}

export type ReturnCommand = 'authorize' | 'reject' | 'schedulePickup' | 'markInTransit' | 'receive' | 'inspect' | 'resolve' | 'cancel'

/** Before the parcel is on its way the request can still be called off. */
const BEFORE_TRANSIT: readonly ReturnStatus[] = ['requested', 'authorized', 'pickup_scheduled']

export const returnMachine = defineMachine<ReturnStatus, ReturnCommand, ReturnSnapshot>({
  entity: 'return',
  states: RETURN_STATUSES,
  initial: 'requested',
  final: ['resolved', 'rejected', 'cancelled'],
  transitions: {
    authorize: { from: ['requested'], to: 'authorized', description: 'The policy or a person accepts it; a return label is bought when the merchant pays or the customer asks.' },
    reject: { from: ['requested'], to: 'rejected', description: 'A person refuses the request; the units can be asked back no more by it.' },
    schedulePickup: {
      from: ['authorized', 'pickup_scheduled'],
      to: 'pickup_scheduled',
      guard: (s) => s.hasLabel || 'return.label_required',
      description: 'The carrier collects the parcel on a date at an address (again to reschedule).',
    },
    markInTransit: { from: ['authorized', 'pickup_scheduled'], to: 'in_transit', description: 'The parcel is on its way back (first carrier scan, or the customer sent it).' },
    receive: { from: ['authorized', 'pickup_scheduled', 'in_transit'], to: 'received', description: 'The parcel arrived at a location; units not in it are withdrawn.' },
    inspect: { from: ['received'], to: 'inspected', description: 'Each unit gets a condition and a disposition; restocked units go back into available stock.' },
    resolve: { from: ['inspected'], to: 'resolved', description: 'Refund, replacement, exchange or store credit per line.' },
    cancel: { from: BEFORE_TRANSIT, to: 'cancelled', description: 'Called off before the parcel left; a bought label is voided.' },
  },
})
