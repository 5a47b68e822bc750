import type { Machine } from './kernel/machine.js'
import { orderMachine } from './modules/orders/index.js'

/** Every lifecycle Ordo runs, published at GET /v1/lifecycles and validated in a test. */
export const LIFECYCLES: Machine<string, string, any>[] = [orderMachine as Machine<string, string, any>]
