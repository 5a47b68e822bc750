import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { AppError } from '../../kernel/errors.js'
import { code128, qrCode } from './barcode.js'
import { zplBlockText, zplCode128, zplText } from './zpl.js'

const START_B = [2, 1, 1, 2, 1, 4]
const START_C = [2, 1, 1, 2, 3, 2]
const STOP = [2, 3, 3, 1, 1, 1, 2]

/** The error a bad barcode value raises, for assertions. */
function failure(f: () => unknown) {
  try {
    f()
  } catch (e) {
    if (e instanceof AppError) return { status: e.status, code: e.code, errors: e.errors }
    throw e
  }
  throw new Error('expected an error')
}

describe('code128', () => {
  it('is made of 11-module symbols of three bars and three spaces, between a start and the 13-module stop', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)), minLength: 1, maxLength: 40 }), (value) => {
        const { widths, modules } = code128(value, 'x')
        expect(widths.slice(-7)).toEqual(STOP)
        expect((widths.length - 7) % 6).toBe(0)
        for (let i = 0; i < widths.length - 7; i += 6) expect(widths.slice(i, i + 6).reduce((a, b) => a + b, 0)).toBe(11)
        expect(widths.every((w) => w >= 1 && w <= 4)).toBe(true)
        expect(modules).toBe(widths.reduce((a, b) => a + b, 0))
        // start + at least one data symbol + check symbol
        expect(widths.length).toBeGreaterThanOrEqual(3 * 6 + 7)
      }),
    )
  })

  it('starts in subset B for text and packs digit runs in subset C', () => {
    const tracking = code128('RR123456785DE', 'trackingNumber')
    expect(tracking.widths.slice(0, 6)).toEqual(START_B)
    expect(code128('40063813', 'barcode').widths.slice(0, 6)).toEqual(START_C)
    expect(code128('40063813', 'barcode').modules).toBe(11 * (1 + 4 + 1) + 13) // start, four digit pairs, check, stop
  })

  it('encodes different values differently', () => {
    expect(code128('PL-10001', 'number').widths).not.toEqual(code128('PL-10002', 'number').widths)
  })

  it('refuses what a scanner could not read back, naming the field', () => {
    expect(failure(() => code128('', 'lines.3.barcode'))).toEqual({
      status: 422,
      code: 'documents.invalid_barcode',
      errors: [{ path: 'lines.3.barcode', message: 'is empty' }],
    })
    expect(failure(() => code128('Größe', 'lines.0.barcode')).errors?.[0]).toEqual({ path: 'lines.0.barcode', message: 'may hold printable ASCII characters only' })
    expect(failure(() => code128('A\nB', 'x')).code).toBe('documents.invalid_barcode')
    expect(failure(() => code128('9'.repeat(49), 'x')).errors?.[0].message).toMatch(/longer than 48/)
  })
})

describe('qrCode', () => {
  it('is a square QR symbol with its three finder patterns', () => {
    const { size, dark } = qrCode('RR123456785DE|DE|20095', 'trackingNumber')
    expect((size - 17) % 4).toBe(0) // 21, 25, 29 … modules: versions 1, 2, 3 …
    expect(dark).toHaveLength(size * size)
    const at = (r: number, c: number) => dark[r * size + c]
    for (const [r0, c0] of [[0, 0], [0, size - 7], [size - 7, 0]]) {
      for (let i = 0; i < 7; i++) {
        expect(at(r0, c0 + i) && at(r0 + 6, c0 + i) && at(r0 + i, c0) && at(r0 + i, c0 + 6)).toBe(true) // dark 7×7 ring
        if (i >= 1 && i <= 5) expect(at(r0 + 1, c0 + i)).toBe(false) // light ring inside it
      }
    }
  })

  it('refuses an empty value', () => {
    expect(failure(() => qrCode('', 'trackingNumber')).code).toBe('documents.invalid_barcode')
  })
})

describe('ZPL field data', () => {
  it('hex-escapes the characters that start commands, and the escape character itself', () => {
    expect(zplText('Müller ^XZ ~JA a_b')).toBe('Müller _5EXZ _7EJA a_5Fb')
    expect(zplText('line\r\nbreak')).toBe('line  break')
    expect(zplBlockText('C:\\new')).toBe('C:\\\\new') // in a ^FB block, \n… would be a line-break code
  })

  it('writes ^, > and ~ in Code 128 data as invocation codes of subset B', () => {
    expect(zplCode128('AB>1^2~3')).toEqual({ data: '>:AB>01><2>=3', symbols: 8 })
    expect(zplCode128('RR123456785DE')).toEqual({ data: '>:RR123456785DE', symbols: 13 })
  })
})
