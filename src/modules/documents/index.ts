// Public surface of the documents module: PDF and ZPL renderers over plain data (no database).
export * from './types.js'
export { renderPicklistPdf, renderPackingSlipPdf, renderLabelPdf, renderLabelZpl, renderManifestPdf } from './render.js'
