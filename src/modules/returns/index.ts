export type { ReturnableOrder, ReturnsOrderPort } from './ports.js'
