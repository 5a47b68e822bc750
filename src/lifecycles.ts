import type { Machine } from './kernel/machine.js'
import { orderMachine } from './modules/orders/index.js'
import { shipmentMachine } from './modules/shipping/index.js'
import { fulfillmentMachine, picklistMachine } from './modules/fulfillment/index.js'

/** Every lifecycle Ordo runs, published at GET /v1/lifecycles and validated in a test. */
export const LIFECYCLES: Machine<string, string, any>[] = [orderMachine, shipmentMachine, fulfillmentMachine, picklistMachine] as Machine<string, string, any>[]
