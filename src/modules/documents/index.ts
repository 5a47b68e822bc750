// Public surface of the documents module: PDF and ZPL renderers over plain data (no database).
export * from './types.js'
export { printAddress } from './address.js'
export type { PdfOptions } from './pdf.js'
export { renderPicklistPdf } from './picklist.js'
export { renderPackingSlipPdf } from './packing-slip.js'
export { renderLabelPdf, renderLabelsPdf, renderLabelZpl } from './label.js'
export { renderManifestPdf } from './manifest.js'
