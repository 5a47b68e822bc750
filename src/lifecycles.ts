import type { Machine } from './kernel/machine.js'
import { orderMachine } from './modules/orders/index.js'
import { shipmentMachine } from './modules/shipping/index.js'
import { fulfillmentMachine, picklistMachine } from './modules/fulfillment/index.js'
import { returnMachine } from './modules/returns/index.js'

/** Every lifecycle Ordo runs, published at GET /v1/lifecycles and validated in a test. */
export const LIFECYCLES: Machine<string, string, any>[] = [orderMachine as Machine<string, string, any>, shipmentMachine as Machine<string, string, any>, fulfillmentMachine as Machine<string, string, any>, picklistMachine as Machine<string, string, any>, returnMachine as Machine<string, string, any>]
