import { defineMachine } from '../../kernel/machine.js'

export const FULFILLMENT_STATUSES = ['open', 'picking', 'picked', 'packed', 'shipped', 'cancelled'] as const
export type FulfillmentOrderStatus = (typeof FULFILLMENT_STATUSES)[number]

/** What the fulfilment order guards look at. */
export interface FulfillmentSnapshot {
  held: boolean
  /** Picked units not yet in a package. */
  unpackedQty: number
  /** Packages not yet handed to a carrier. */
  unshippedPackages: number
}

type FulfillmentCommand = 'startPicking' | 'returnToQueue' | 'finishPicking' | 'packPart' | 'pack' | 'unpack' | 'shipPart' | 'ship' | 'unship' | 'settle' | 'cancel'

const somethingToPack = (f: FulfillmentSnapshot) => f.unpackedQty > 0 || 'fulfillment.nothing_to_pack'
const shippable = (f: FulfillmentSnapshot) => (f.held ? 'fulfillment.held' : f.unshippedPackages > 0 || 'fulfillment.nothing_to_ship')

export const fulfillmentMachine = defineMachine<FulfillmentOrderStatus, FulfillmentCommand, FulfillmentSnapshot>({
  entity: 'fulfillment',
  states: FULFILLMENT_STATUSES,
  initial: 'open',
  // `shipped` is not final: a shipment cancelled before the carrier took it brings the parcels back (`unship`).
  final: ['cancelled'],
  transitions: {
    startPicking: { from: ['open'], to: 'picking', guard: (f) => !f.held || 'fulfillment.held', description: 'Released to a picklist.' },
    returnToQueue: { from: ['picking'], to: 'open', description: 'Its picklist was cancelled before anything was picked.' },
    finishPicking: { from: ['picking'], to: 'picked', description: 'Every unit on the picklist was picked or reported short.' },
    packPart: { from: ['picked'], to: null, guard: somethingToPack, description: 'Some picked units go into packages.' },
    pack: { from: ['picked'], to: 'packed', guard: somethingToPack, description: 'The last picked units go into packages.' },
    unpack: { from: ['packed'], to: 'picked', description: 'The order changed after packing: unshipped packages are opened again.' },
    shipPart: { from: ['packed'], to: null, guard: shippable, description: 'Some packages leave in a shipment (a partial shipment).' },
    ship: { from: ['packed'], to: 'shipped', guard: shippable, description: 'The last packages leave: a label is bought and the shipment recorded.' },
    unship: { from: ['shipped', 'packed'], to: 'packed', description: 'A shipment was cancelled before handover: its packages are back.' },
    settle: { from: ['picked', 'packed'], to: 'shipped', description: 'What was still to ship went away; the units already shipped stand.' },
    cancel: { from: ['open', 'picking', 'picked', 'packed'], to: 'cancelled', description: 'The order no longer needs these units from this location.' },
  },
})

export const PICKLIST_STATUSES = ['open', 'in_progress', 'completed', 'cancelled'] as const
export type PicklistStatus = (typeof PICKLIST_STATUSES)[number]

export interface PicklistSnapshot {
  pickedQty: number
}

export const picklistMachine = defineMachine<PicklistStatus, 'scan' | 'complete' | 'cancel', PicklistSnapshot>({
  entity: 'picklist',
  states: PICKLIST_STATUSES,
  initial: 'open',
  final: ['completed', 'cancelled'],
  transitions: {
    scan: { from: ['open', 'in_progress'], to: 'in_progress', description: 'A scan or a short report: picking has begun.' },
    complete: { from: ['open', 'in_progress'], to: 'completed', description: 'The walk is done; units not picked go back to the queue.' },
    cancel: {
      from: ['open'],
      to: 'cancelled',
      guard: (p) => p.pickedQty === 0 || 'picklist.already_picking',
      description: 'Nothing was picked yet: its fulfilment orders go back to the queue.',
    },
  },
})
