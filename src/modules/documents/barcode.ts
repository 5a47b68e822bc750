import bwipjs from 'bwip-js'
import { invalid } from '../../kernel/errors.js'

/*
 * Barcodes are encoded by bwip-js and drawn as vector shapes, not embedded as PNGs: bars stay sharp
 * at any printer resolution, and encoding alone costs about a tenth of a millisecond where a PNG
 * costs two — a 1,000-line picklist carries 2,000 barcodes.
 */

/** Code 128 as bar and space widths in modules, starting with a bar (start, data, check and stop symbols). */
export interface Code128 {
  widths: number[]
  modules: number
}

/** A 2-D symbol as a square of modules, row by row; true is dark. */
export interface Matrix {
  size: number
  dark: boolean[]
}

/** Scanners expect about 10 light modules either side of a linear barcode. */
export const QUIET_ZONE = 10

/** Longer than this and a Code 128 no longer fits any document's column or a 4-inch label. */
const MAX_LENGTH = 48

const invalidBarcode = (value: string, path: string, message: string) =>
  invalid('documents.invalid_barcode', `Cannot print ${JSON.stringify(value)} as a barcode: it ${message}.`, [{ path, message }])

/** The Code 128 of `value` (printable ASCII, which every scanner reads back unchanged); `path` names the field in errors. */
export function code128(value: string, path: string): Code128 {
  if (value === '') throw invalidBarcode(value, path, 'is empty')
  if (!/^[\x20-\x7e]+$/.test(value)) throw invalidBarcode(value, path, 'may hold printable ASCII characters only')
  if (value.length > MAX_LENGTH) throw invalidBarcode(value, path, `is longer than ${MAX_LENGTH} characters`)
  const [symbol] = bwipjs.raw({ bcid: 'code128', text: value })
  if (!('sbs' in symbol)) throw new Error('bwip-js returned no bar widths for Code 128')
  return { widths: symbol.sbs, modules: symbol.sbs.reduce((a, b) => a + b, 0) }
}

/** A QR code of `value` at error-correction level Q (a quarter of the symbol may be torn or smudged). */
export function qrCode(value: string, path: string): Matrix {
  if (value === '') throw invalidBarcode(value, path, 'is empty')
  try {
    const [symbol] = bwipjs.raw('qrcode', value, 'eclevel=Q')
    if (!('pixs' in symbol)) throw new Error('bwip-js returned no modules for a QR code')
    return { size: symbol.pixx, dark: symbol.pixs.map((p) => p === 1) }
  } catch (e) {
    throw invalidBarcode(value, path, `cannot be encoded (${e instanceof Error ? e.message : String(e)})`)
  }
}
