/**
 * Barcode scanning with a keyboard-wedge scanner: the scanner "types" the code, fast, and ends it
 * with Enter (some with Tab). The scan screens keep focus in one field and hand each key to a
 * reader, which returns a complete scan and says whether it came from a scanner or a person.
 */

/** What a scan field does with a code: the cleaned code and an optional quantity (`3*4006381333931`). */
export interface Scan {
  code: string
  quantity: number
  /** `scanner` when the keys came at a machine's pace, `keyboard` when a person typed them. */
  source: 'scanner' | 'keyboard'
}

// AIM symbology identifier some scanners prefix (]C1 = GS1-128, ]E0 = EAN-13, ]Q1 = QR, ]d2 = GS1 DataMatrix).
const AIM_PREFIX = /^\][A-Za-z][0-9A-Za-z]/

/** Strips an AIM prefix, control characters (GS, CR, LF) and spaces around the code. */
export function normalizeScan(raw: string): string {
  return raw
    .trim()
    .replace(AIM_PREFIX, '')
    .replace(/[\u0000-\u001f\u007f]/g, '')
    .trim()
}

/** Splits `3*CODE` (a person keying a quantity before scanning) into quantity and code. */
export function parseScan(raw: string, source: Scan['source'] = 'keyboard'): Scan | null {
  const text = normalizeScan(raw)
  const m = /^(\d{1,4})\s*[*xX]\s*(\S.*)$/.exec(text)
  const code = normalizeScan(m ? m[2] : text)
  const quantity = m ? Number(m[1]) : 1
  if (!code || quantity < 1) return null
  return { code, quantity, source }
}

/**
 * Collects keys as they arrive (KeyboardEvent.key and timeStamp) and returns a Scan when Enter or
 * Tab ends one. Keys that come more than `maxGapMs` apart mark the input as typed by a person.
 */
export function createWedgeReader(opts: { maxGapMs?: number } = {}) {
  const maxGapMs = opts.maxGapMs ?? 40
  let buffer = ''
  let last = -Infinity
  let slow = false
  return {
    /** Feeds one key; returns the finished scan on Enter/Tab, else null. */
    key(key: string, at: number): Scan | null {
      if (key === 'Enter' || key === 'Tab') {
        const scan = buffer ? parseScan(buffer, slow || buffer.length < 3 ? 'keyboard' : 'scanner') : null
        buffer = ''
        slow = false
        last = -Infinity
        return scan
      }
      if (key === 'Escape') {
        buffer = ''
        slow = false
        return null
      }
      if (key === 'Backspace') {
        buffer = buffer.slice(0, -1)
        slow = true
        return null
      }
      if (key.length !== 1) return null // Shift, arrows, F-keys
      if (buffer && at - last > maxGapMs) slow = true
      buffer += key
      last = at
      return null
    },
    get pending() {
      return buffer
    },
  }
}

/** One thing the picker may scan next: an item with its SKU and barcodes, and how many are still to pick. */
export interface ScanTarget {
  id: string
  sku: string
  barcodes: readonly string[]
  remaining: number
}

export type ScanCheck =
  | { ok: true; target: ScanTarget; quantity: number }
  | { ok: false; reason: 'unknown'; code: string }
  | { ok: false; reason: 'wrong_item'; code: string; expected: ScanTarget; scanned: ScanTarget }
  | { ok: false; reason: 'too_many'; code: string; target: ScanTarget; quantity: number }

/**
 * Checks a scan against what is to be picked. With `expected` (a walk sequence that wants one
 * item next) another known item is a wrong scan; without it any open item matches. Barcodes match
 * exactly, SKUs ignoring case.
 */
export function checkScan(scan: Scan, targets: readonly ScanTarget[], expected?: ScanTarget): ScanCheck {
  const code = scan.code
  const found =
    (expected && (expected.barcodes.includes(code) || expected.sku.toLowerCase() === code.toLowerCase()) ? expected : undefined) ??
    targets.find((t) => t.barcodes.includes(code) && t.remaining > 0) ??
    targets.find((t) => t.barcodes.includes(code)) ??
    targets.find((t) => t.sku.toLowerCase() === code.toLowerCase())
  if (!found) return { ok: false, reason: 'unknown', code }
  if (expected && found.id !== expected.id) return { ok: false, reason: 'wrong_item', code, expected, scanned: found }
  if (scan.quantity > found.remaining) return { ok: false, reason: 'too_many', code, target: found, quantity: scan.quantity }
  return { ok: true, target: found, quantity: scan.quantity }
}
