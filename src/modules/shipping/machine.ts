import { defineMachine } from '../../kernel/machine.js'

export const SHIPMENT_STATUSES = [
  'label_created',
  'awaiting_pickup',
  'in_transit',
  'out_for_delivery',
  'delivered',
  'exception',
  'returned_to_sender',
  'cancelled',
] as const
export type ShipmentStatus = (typeof SHIPMENT_STATUSES)[number]

/** What a carrier or driver may report (`label_created` is ours, `cancelled` is a command). */
export const TRACKING_STATUSES = ['awaiting_pickup', 'in_transit', 'out_for_delivery', 'delivered', 'exception', 'returned_to_sender'] as const
export type TrackingStatus = (typeof TRACKING_STATUSES)[number]

export type ShipmentCommand = 'awaitPickup' | 'markInTransit' | 'markOutForDelivery' | 'markDelivered' | 'reportException' | 'returnToSender' | 'cancel'

/** The command a tracking status stands for. */
export const COMMAND_OF: Record<TrackingStatus, ShipmentCommand> = {
  awaiting_pickup: 'awaitPickup',
  in_transit: 'markInTransit',
  out_for_delivery: 'markOutForDelivery',
  delivered: 'markDelivered',
  exception: 'reportException',
  returned_to_sender: 'returnToSender',
}

/** Before handover the label can still be voided; after it the parcel is the carrier's. */
export const BEFORE_HANDOVER: readonly ShipmentStatus[] = ['label_created', 'awaiting_pickup']

// No guards: proof at the door is input checked by the service (a 422 naming the field), not a state rule.
export const shipmentMachine = defineMachine<ShipmentStatus, ShipmentCommand, null>({
  entity: 'shipment',
  states: SHIPMENT_STATUSES,
  initial: 'label_created',
  final: ['delivered', 'returned_to_sender', 'cancelled'],
  transitions: {
    awaitPickup: { from: ['label_created'], to: 'awaiting_pickup', description: 'On the end-of-day manifest: waiting for the carrier to collect it.' },
    markInTransit: {
      from: ['label_created', 'awaiting_pickup', 'exception'],
      to: 'in_transit',
      description: 'The carrier has it (first scan), or it moves on after an exception.',
    },
    markOutForDelivery: { from: ['in_transit', 'exception'], to: 'out_for_delivery', description: 'On the delivery vehicle.' },
    markDelivered: {
      from: ['in_transit', 'out_for_delivery', 'exception'],
      to: 'delivered',
      description: 'Handed to the recipient; needs a delivery code or an identity check when an item asks for proof.',
    },
    reportException: {
      from: ['awaiting_pickup', 'in_transit', 'out_for_delivery'],
      to: 'exception',
      description: 'Delivery failed or was delayed (address problem, nobody home, damage).',
    },
    returnToSender: { from: ['in_transit', 'out_for_delivery', 'exception'], to: 'returned_to_sender', description: 'The carrier brings it back.' },
    cancel: { from: BEFORE_HANDOVER, to: 'cancelled', description: 'Void the label before the carrier has the parcel.' },
  },
})
