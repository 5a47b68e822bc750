import { defineMachine } from '../../kernel/machine.js'

export const ORDER_STATUSES = ['pending', 'on_hold', 'confirmed', 'completed', 'cancelled'] as const
export type OrderStatus = (typeof ORDER_STATUSES)[number]

export const FULFILLMENT_STATUSES = [
  'unfulfilled',
  'partially_allocated',
  'allocated',
  'backordered',
  'partially_shipped',
  'shipped',
  'partially_delivered',
  'delivered',
] as const
export type FulfillmentStatus = (typeof FULFILLMENT_STATUSES)[number]

export const PAYMENT_STATUSES = ['awaiting', 'authorized', 'paid', 'partially_refunded', 'refunded', 'voided'] as const
export type PaymentStatus = (typeof PAYMENT_STATUSES)[number]

export const HOLD_CODES = ['payment', 'credit', 'address', 'customer', 'item', 'stock', 'fraud', 'price', 'manual'] as const
export type HoldCode = (typeof HOLD_CODES)[number]

/** What the order guards look at; the service loads it before asking the machine. */
export interface OrderSnapshot {
  openHolds: number
  shippedQty: number
  deliveredQty: number
  /** Units still to ship: ordered − cancelled − shipped. */
  openQty: number
}

type OrderCommand = 'confirm' | 'hold' | 'release' | 'edit' | 'cancelLines' | 'cancel' | 'reroute' | 'pick' | 'ship' | 'unship' | 'deliver' | 'complete'

export const orderMachine = defineMachine<OrderStatus, OrderCommand, OrderSnapshot>({
  entity: 'order',
  states: ORDER_STATUSES,
  initial: 'pending',
  final: ['completed', 'cancelled'],
  transitions: {
    confirm: {
      from: ['pending'],
      to: 'confirmed',
      guard: (o) => o.openHolds === 0 || 'order.has_open_holds',
      description: 'Verification passed: the order may be fulfilled.',
    },
    hold: { from: ['pending', 'confirmed', 'on_hold'], to: 'on_hold', description: 'Stop fulfilment until a person releases the hold.' },
    release: {
      from: ['on_hold'],
      to: 'confirmed',
      guard: (o) => o.openHolds === 0 || 'order.has_open_holds',
      description: 'The last open hold was released.',
    },
    edit: {
      from: ['pending', 'confirmed', 'on_hold'],
      to: null,
      guard: (o) => o.shippedQty === 0 || 'order.already_shipped',
      description: 'Change lines, quantities, addresses or payment method; re-verifies and re-reserves.',
    },
    cancelLines: {
      from: ['pending', 'confirmed', 'on_hold'],
      to: null,
      guard: (o) => o.openQty > 0 || 'order.nothing_to_cancel',
      description: 'Cancel some units that have not shipped.',
    },
    cancel: {
      from: ['pending', 'confirmed', 'on_hold'],
      to: 'cancelled',
      guard: (o) => o.shippedQty === 0 || 'order.already_shipped',
      description: 'Cancel the whole order and release its reservations.',
    },
    reroute: {
      from: ['pending', 'confirmed', 'on_hold'],
      to: null,
      guard: (o) => o.openQty > 0 || 'order.nothing_to_route',
      description: 'A location cannot ship some units: route them again by the same policy, else backorder them.',
    },
    pick: {
      // A hold placed while the picker is already in the aisle does not undo what was picked.
      from: ['confirmed', 'on_hold'],
      to: null,
      description: 'Units were picked in the warehouse.',
    },
    ship: {
      from: ['confirmed'],
      to: null,
      guard: (o) => o.openQty > 0 || 'order.nothing_to_ship',
      description: 'Units left in a shipment.',
    },
    unship: {
      from: ['confirmed'],
      to: null,
      guard: (o) => o.shippedQty > 0 || 'order.nothing_shipped',
      description: 'A shipment was cancelled before the carrier took it: its units are reserved again.',
    },
    deliver: {
      from: ['confirmed', 'on_hold'],
      to: null,
      guard: (o) => o.shippedQty > o.deliveredQty || 'order.nothing_in_transit',
      description: 'The carrier delivered units.',
    },
    complete: {
      from: ['confirmed'],
      to: 'completed',
      guard: (o) => (o.openQty === 0 && o.shippedQty > 0 && o.deliveredQty >= o.shippedQty) || 'order.not_fully_delivered',
      description: 'Everything still ordered was delivered: nothing is left to do.',
    },
  },
})
