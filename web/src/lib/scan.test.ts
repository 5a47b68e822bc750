import { describe, expect, it } from 'vitest'
import { checkScan, createWedgeReader, normalizeScan, parseScan, type ScanTarget } from './scan'

/** Types a string into the reader one key every `gap` ms, then the suffix key. */
function type(reader: ReturnType<typeof createWedgeReader>, text: string, gap: number, suffix = 'Enter', start = 1000) {
  let t = start
  for (const ch of text) reader.key(ch, (t += gap))
  return reader.key(suffix, t + gap)
}

describe('scan input', () => {
  it('reads a scanner burst ended by Enter or Tab as one scanner scan', () => {
    const r = createWedgeReader()
    expect(type(r, '4006381333931', 8)).toEqual({ code: '4006381333931', quantity: 1, source: 'scanner' })
    expect(type(r, 'AP-TEE-GRY-M', 5, 'Tab')).toEqual({ code: 'AP-TEE-GRY-M', quantity: 1, source: 'scanner' })
    expect(r.pending).toBe('')
  })

  it('tells a person typing from a scanner by the pace, and honours corrections', () => {
    const r = createWedgeReader()
    expect(type(r, '4006381333931', 120)?.source).toBe('keyboard')
    r.key('X', 0)
    r.key('Backspace', 5)
    expect(type(r, '12345', 5, 'Enter', 10)).toEqual({ code: '12345', quantity: 1, source: 'keyboard' })
    r.key('9', 0)
    r.key('Escape', 1)
    expect(r.key('Enter', 2)).toBeNull()
  })

  it('ignores modifier keys and an empty Enter', () => {
    const r = createWedgeReader()
    expect(r.key('Enter', 0)).toBeNull()
    r.key('Shift', 1)
    r.key('A', 2)
    r.key('Shift', 3)
    r.key('1', 4)
    expect(r.key('Enter', 5)).toEqual({ code: 'A1', quantity: 1, source: 'keyboard' })
  })

  it('cleans symbology prefixes, control characters and spaces, and reads a keyed quantity', () => {
    expect(normalizeScan(']E04006381333931\r\n')).toBe('4006381333931')
    expect(normalizeScan(' ]C1\u001d0104006381333931 ')).toBe('0104006381333931')
    expect(parseScan('3*4006381333931')).toEqual({ code: '4006381333931', quantity: 3, source: 'keyboard' })
    expect(parseScan('2 x AP-TEE')).toEqual({ code: 'AP-TEE', quantity: 2, source: 'keyboard' })
    expect(parseScan('0*ABC')).toBeNull()
    expect(parseScan('  ')).toBeNull()
  })
})

describe('checking a scan against the pick', () => {
  const tee: ScanTarget = { id: 'l1', sku: 'AP-TEE-GRY-M', barcodes: ['4006381333931'], remaining: 2 }
  const mug: ScanTarget = { id: 'l2', sku: 'HM-MUG-SAG', barcodes: ['4006381333948', '012345678905'], remaining: 1 }
  const done: ScanTarget = { id: 'l3', sku: 'BK-OMS', barcodes: ['9780000000001'], remaining: 0 }
  const scan = (code: string, quantity = 1) => ({ code, quantity, source: 'scanner' as const })

  it('matches by barcode or by SKU ignoring case', () => {
    expect(checkScan(scan('012345678905'), [tee, mug])).toMatchObject({ ok: true, target: mug, quantity: 1 })
    expect(checkScan(scan('ap-tee-gry-m'), [tee, mug])).toMatchObject({ ok: true, target: tee })
  })

  it('refuses an unknown code, another item than the one expected next, and more than is left', () => {
    expect(checkScan(scan('999'), [tee, mug])).toEqual({ ok: false, reason: 'unknown', code: '999' })
    expect(checkScan(scan('4006381333948'), [tee, mug], tee)).toMatchObject({ ok: false, reason: 'wrong_item', expected: tee, scanned: mug })
    expect(checkScan(scan('4006381333931', 3), [tee, mug], tee)).toMatchObject({ ok: false, reason: 'too_many', target: tee, quantity: 3 })
    expect(checkScan(scan('9780000000001'), [tee, mug, done])).toMatchObject({ ok: false, reason: 'too_many', target: done })
  })

  it('prefers the open line when two lines share a barcode', () => {
    const again = { ...tee, id: 'l4', remaining: 0 }
    expect(checkScan(scan('4006381333931'), [again, tee])).toMatchObject({ ok: true, target: { id: 'l1' } })
  })
})
