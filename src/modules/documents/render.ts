import type { LabelDoc, ManifestDoc, PackingSlipDoc, PicklistDoc } from './types.js'

// Placeholders until the renderers land; they are replaced, not kept.
const pending = (what: string) => Promise.reject(new Error(`${what} rendering is not built yet`))
export const renderPicklistPdf = (_d: PicklistDoc): Promise<Buffer> => pending('picklist')
export const renderPackingSlipPdf = (_d: PackingSlipDoc): Promise<Buffer> => pending('packing slip')
export const renderLabelPdf = (_d: LabelDoc): Promise<Buffer> => pending('label')
export const renderLabelZpl = (_d: LabelDoc): string => {
  throw new Error('label ZPL rendering is not built yet')
}
export const renderManifestPdf = (_d: ManifestDoc): Promise<Buffer> => pending('manifest')
