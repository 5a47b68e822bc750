// Public surface of the fulfillment module: picklists, picking and packing.
export * from './pick-wave.js'
export * from './box-suggest.js'
