import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { AppError } from '../../kernel/errors.js'
import { code128 } from './barcode.js'
import { renderLabelPdf, renderLabelsPdf, renderLabelZpl, renderManifestPdf, renderPackingSlipPdf, renderPicklistPdf } from './index.js'
import { labelQrData } from './label.js'
import type { LabelDoc, ManifestDoc, PackingSlipDoc, PicklistDoc, PrintAddress } from './types.js'

const warehouse: PrintAddress = { name: 'Ordo Lager Berlin', company: 'Ordo GmbH', line1: 'Lagerstraße 12', city: 'Berlin', postalCode: '10115', country: 'DE' }
const anna: PrintAddress = { name: 'Anna Schmidt', line1: 'Mönckebergstraße 7', city: 'Hamburg', postalCode: '20095', country: 'DE' }

const picklist = (lines: number): PicklistDoc => ({
  number: 'PL-10007',
  location: { code: 'BER', name: 'Berlin' },
  createdAt: '2026-11-22T08:15:00.000Z',
  assignee: 'Cart 7',
  lines: Array.from({ length: lines }, (_, i) => ({
    seq: i + 1,
    binCode: i % 5 === 4 ? null : `A-${String(i).padStart(3, '0')}`,
    zone: 'A',
    sku: `SKU-${String(i).padStart(4, '0')}`,
    name: i === 0 ? 'Größe M „Grün“' : `Item ${i}`,
    barcode: String(4006381333931 + i),
    lot: i % 2 ? `L${i}` : null,
    expiresOn: i % 2 ? '2027-03-31' : null,
    quantity: 1 + (i % 3),
    orders: [{ number: `SO-${10000 + i}`, quantity: 1 + (i % 3) }],
  })),
  fulfillmentOrders: [{ number: 'FO-10100', orderNumber: 'SO-10000' }],
})

const packingSlip: PackingSlipDoc = {
  fulfillmentNumber: 'FO-10100',
  orderNumber: 'SO-10042',
  orderDate: '2026-11-21T17:42:00.000Z',
  from: { name: 'Ordo GmbH', address: warehouse },
  shipTo: anna,
  lines: [
    { sku: 'AP-TEE-GRY-M', name: 'T-Shirt grau, M', quantity: 2 },
    { sku: 'HM-VASE-GLS', name: 'Glasvase', quantity: 1 },
  ],
  packages: [{ index: 1, boxCode: 'BOX-M', weightGrams: 1850, contents: [{ sku: 'AP-TEE-GRY-M', quantity: 2 }, { sku: 'HM-VASE-GLS', quantity: 1 }] }],
  instructions: ['HM-VASE-GLS is fragile: two layers of bubble wrap'],
  notes: 'Bitte nicht knicken. Доставка до 10:00',
}

const label = (over: Partial<LabelDoc> = {}): LabelDoc => ({
  trackingNumber: 'RR123456785DE',
  carrier: { code: 'dhl', name: 'DHL Paket' },
  service: { code: 'standard', name: 'Paket Standard' },
  from: warehouse,
  to: anna,
  weightGrams: 1250,
  package: { index: 1, count: 2 },
  reference: 'SO-10042',
  shipDate: '2026-11-22',
  ...over,
})

const manifest = (shipments: number): ManifestDoc => ({
  number: 'MF-10003',
  carrier: { code: 'dhl', name: 'DHL Paket' },
  location: { code: 'BER', name: 'Ordo Lager Berlin', address: warehouse },
  date: '2026-11-22T17:00:00.000Z',
  shipments: Array.from({ length: shipments }, (_, i) => ({
    trackingNumber: `RR${String(12345670 + i)}5DE`,
    orderNumber: `SO-${10042 + i}`,
    service: 'Paket Standard',
    packages: 1,
    weightGrams: 1000,
    destination: '80331 München, DE',
  })),
  totals: { shipments, packages: shipments, weightGrams: shipments * 1000 },
})

/** Windows-1252 at 0x80–0x9F (Node 20's TextDecoder reads these bytes as Latin-1). */
const CP1252_80 = '€\u0081‚ƒ„…†‡ˆ‰Š‹Œ\u008dŽ\u008f\u0090‘’“”•–—˜™š›œ\u009džŸ'
const winAnsiByte = (b: number) => (b >= 0x80 && b < 0xa0 ? CP1252_80[b - 0x80] : String.fromCharCode(b))

/** The text lines of an uncompressed pdfkit file: each TJ operator's hex strings, decoded from WinAnsi. */
function pdfText(pdf: Buffer): string[] {
  return [...pdf.toString('latin1').matchAll(/\[([^\]]*)\] TJ/g)].map((m) =>
    [...m[1].matchAll(/<([0-9a-f]*)>/g)].map((h) => [...Buffer.from(h[1], 'hex')].map(winAnsiByte).join('')).join(''),
  )
}

const pages = (pdf: Buffer) => (pdf.toString('latin1').match(/\/Type \/Page(?!s)/g) ?? []).length

function expectPdf(pdf: Buffer) {
  expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-')
  expect(pdf.subarray(-8).toString('latin1')).toMatch(/%%EOF\s*$/)
}

async function rejection(p: Promise<unknown>) {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  )
  if (!(e instanceof AppError)) throw new Error(`expected an AppError, got ${String(e)}`)
  return { status: e.status, code: e.code, errors: e.errors }
}

describe('picklist PDF', () => {
  it('is one A4 page for a short list, with number, walk order, check boxes and totals', async () => {
    const pdf = await renderPicklistPdf(picklist(5), { compress: false })
    expectPdf(pdf)
    expect(pages(pdf)).toBe(1)
    expect(pdf.toString('latin1')).toContain('/MediaBox [0 0 595.28 841.89]')
    const text = pdfText(pdf)
    expect(text).toContain('PL-10007')
    expect(text).toContain('Größe M „Grün“')
    const skus = ['SKU-0000', 'SKU-0001', 'SKU-0002', 'SKU-0003', 'SKU-0004'].map((s) => text.indexOf(s))
    expect(skus.every((at, i) => at >= 0 && (i === 0 || at > skus[i - 1]))).toBe(true)
    expect(text).toContain('A-003')
    expect(text).toContain('exp. 2027-03-31')
    // totals: 5 lines, 1+2+3+1+2 units
    const totals = text.slice(text.lastIndexOf('LINES'))
    expect(totals).toEqual(['LINES', '5', 'UNITS', '9', 'ORDERS', '1', 'Picklist PL-10007 · BER · Berlin', 'Page 1 of 1'])
  })

  it('breaks 300 lines over several pages, repeating the table header and numbering "page n of m"', async () => {
    const pdf = await renderPicklistPdf(picklist(300), { compress: false })
    expectPdf(pdf)
    const n = pages(pdf)
    expect(n).toBeGreaterThan(5)
    const text = pdfText(pdf)
    expect(text.filter((t) => t === 'SCAN')).toHaveLength(n)
    expect(text.filter((t) => t === 'Picklist PL-10007 · BER · Berlin (continued)')).toHaveLength(n - 1)
    expect(text.filter((t) => /^Page \d+ of \d+$/.test(t))).toEqual(Array.from({ length: n }, (_, i) => `Page ${i + 1} of ${n}`))
    expect(text).toContain('SKU-0299')
  })

  it('draws a Code 128 for the picklist number, each bin and each item', async () => {
    const pdf = (await renderPicklistPdf(picklist(5), { compress: false })).toString('latin1')
    const bars = (value: string) => (code128(value, 'x').widths.length + 1) / 2
    const barsOfHeight = (h: number) => pdf.match(new RegExp(`[\\d.]+ [\\d.]+ [\\d.]+ ${h} re\\n`, 'g'))?.length
    expect(barsOfHeight(34)).toBe(bars('PL-10007'))
    expect(barsOfHeight(15)).toBe(['A-000', 'A-001', 'A-002', 'A-003'].reduce((s, b) => s + bars(b), 0)) // line 5 has no bin
    expect(barsOfHeight(17)).toBe([0, 1, 2, 3, 4].reduce((s, i) => s + bars(String(4006381333931 + i)), 0))
  })

  it('names the line whose barcode cannot be printed', async () => {
    const doc = picklist(3)
    doc.lines[1].barcode = ''
    expect(await rejection(renderPicklistPdf(doc))).toEqual({ status: 422, code: 'documents.invalid_barcode', errors: [{ path: 'lines.1.barcode', message: 'is empty' }] })
  })
})

describe('packing slip PDF', () => {
  it('shows both addresses, the numbers, the lines and the packing instructions, umlauts intact', async () => {
    const pdf = await renderPackingSlipPdf(packingSlip, { compress: false })
    expectPdf(pdf)
    expect(pages(pdf)).toBe(1)
    const text = pdfText(pdf)
    for (const t of ['PACKING SLIP', 'SO-10042', 'FO-10100', 'Mönckebergstraße 7', '20095 Hamburg', 'Lagerstraße 12', 'PACKING INSTRUCTIONS', 'AP-TEE-GRY-M', '3 units', '1.85 kg']) {
      expect(text, t).toContain(t)
    }
    expect(text).toContain('•  HM-VASE-GLS is fragile: two layers of bubble wrap')
    expect(text).toContain('Bitte nicht knicken. Dostavka do 10:00') // transliterated, not garbled
    expect(text.filter((t) => t === 'Ordo GmbH')).toHaveLength(1) // the sender's name once, though its address repeats it
  })
})

describe('shipping label PDF', () => {
  it('is exactly one 4×6 in page with addresses, package facts and the tracking number', async () => {
    const pdf = await renderLabelPdf(label(), { compress: false })
    expectPdf(pdf)
    expect(pages(pdf)).toBe(1)
    expect(pdf.toString('latin1')).toContain('/MediaBox [0 0 288 432]')
    const text = pdfText(pdf)
    for (const t of ['DHL Paket', 'Paket Standard', 'Anna Schmidt', 'Mönckebergstraße 7', '20095 Hamburg', 'GERMANY', '1.25 kg', '1 of 2', 'SO-10042', '2026-11-22', 'RR123456785DE']) {
      expect(text, t).toContain(t)
    }
    expect(text).not.toContain('PROOF OF DELIVERY REQUIRED')
    expect(pdfText(await renderLabelPdf(label({ requiresProof: true }), { compress: false }))).toContain('PROOF OF DELIVERY REQUIRED')
  })

  it('draws the tracking barcode bar for bar, with its quiet zones', async () => {
    const pdf = (await renderLabelPdf(label(), { compress: false })).toString('latin1')
    // the barcode's bars are the 64-point-high rectangles
    const bars = [...pdf.matchAll(/([\d.]+) ([\d.]+) ([\d.]+) 64 re/g)].map((m) => ({ x: Number(m[1]), w: Number(m[3]) })).sort((a, b) => a.x - b.x)
    const { widths, modules } = code128('RR123456785DE', 'x')
    const module = Math.min(4, 268 / (modules + 20))
    const drawn = bars.flatMap((b, i) => (i + 1 < bars.length ? [b.w, bars[i + 1].x - b.x - b.w] : [b.w])).map((w) => Math.round(w / module))
    expect(drawn).toEqual(widths)
    expect(bars[0].x - 10).toBeGreaterThanOrEqual(10 * module - 0.01)
    expect(288 - 10 - (bars.at(-1)!.x + bars.at(-1)!.w)).toBeGreaterThanOrEqual(10 * module - 0.01)
  })

  it('sets title, author and the ship date as creation date, so the same label gives the same bytes', async () => {
    const pdf = await renderLabelPdf(label())
    const raw = pdf.toString('latin1')
    const info = (key: string) => {
      const ref = new RegExp(`/${key} (\\d+) 0 R`).exec(raw)![1]
      return new RegExp(`\\n${ref} 0 obj\\n(.*)\\nendobj`).exec(raw)![1]
    }
    expect(info('Author')).toBe('(Ordo)')
    expect(info('Title')).toBe('(Label RR123456785DE)')
    expect(info('CreationDate')).toBe('(D:20261122000000Z)')
    expect((await renderLabelPdf(label())).equals(pdf)).toBe(true)
  })

  it('refuses a label without a tracking number or with an unreadable date', async () => {
    expect(await rejection(renderLabelPdf(label({ trackingNumber: '' })))).toMatchObject({ code: 'documents.invalid_barcode', errors: [{ path: 'trackingNumber' }] })
    expect(await rejection(renderLabelPdf(label({ shipDate: 'tomorrow' })))).toMatchObject({ status: 422, code: 'documents.invalid_date', errors: [{ path: 'shipDate' }] })
  })
})

describe('labels of a multi-package shipment', () => {
  const parcels = [label({ package: { index: 1, count: 3 } }), label({ trackingNumber: 'RR123456799DE', weightGrams: 800, package: { index: 2, count: 3 } }), label({ trackingNumber: 'RR123456802DE', weightGrams: 4100, package: { index: 3, count: 3 } })]

  it('puts each package on its own 4×6 in page, in package order, drawn as its single label', async () => {
    const pdf = await renderLabelsPdf(parcels, { compress: false })
    expectPdf(pdf)
    expect(pages(pdf)).toBe(3)
    expect(pdf.toString('latin1').match(/\/MediaBox \[0 0 288 432\]/g)).toHaveLength(3)
    const singles = await Promise.all(parcels.map((p) => renderLabelPdf(p, { compress: false })))
    expect(pdfText(pdf)).toEqual(singles.flatMap(pdfText))
    expect(pdfText(pdf).filter((t) => /^\d of 3$/.test(t))).toEqual(['1 of 3', '2 of 3', '3 of 3'])
  })

  it('is the same file as the single label for one package', async () => {
    expect((await renderLabelsPdf([label()])).equals(await renderLabelPdf(label()))).toBe(true)
  })

  it('names the label that cannot be printed, and refuses an empty list', async () => {
    expect(await rejection(renderLabelsPdf([parcels[0], label({ trackingNumber: '' })]))).toMatchObject({ status: 422, code: 'documents.invalid_barcode', errors: [{ path: '1.trackingNumber' }] })
    expect(await rejection(renderLabelsPdf([]))).toMatchObject({ status: 422, code: 'documents.no_labels' })
  })
})

describe('manifest PDF', () => {
  it('lists every shipment with totals and both signature lines after the last one', async () => {
    const pdf = await renderManifestPdf(manifest(60), { compress: false })
    expectPdf(pdf)
    const n = pages(pdf)
    expect(n).toBeGreaterThan(1)
    const text = pdfText(pdf)
    for (let i = 0; i < 60; i++) expect(text).toContain(`RR${12345670 + i}5DE`)
    expect(text).toContain('DHL Paket (dhl)')
    expect(text).toContain('60.00 kg')
    const last = text.lastIndexOf(`RR${12345670 + 59}5DE`)
    expect(text.indexOf('DRIVER (CARRIER)')).toBeGreaterThan(last)
    expect(text.indexOf('SHIPPER', last)).toBeGreaterThan(last)
    expect(text.at(-1)).toBe(`Page ${n} of ${n}`)
  })
})

/** The one-field-per-line grammar renderLabelZpl writes; user text may appear only where `[^^~]*` stands. */
const ZPL_LINE = [
  /^\^(XA|XZ|CI28|PW812|LL1218|LH0,0)$/,
  /^\^FO\d+,\d+\^A0N,\d+,\d+(\^FB\d+,1,0,[CR],0)?(\^FR)?\^FH\^FD[^^~]*\^FS$/,
  /^\^FO\d+,\d+\^GB\d+,\d+,\d+\^FS$/,
  /^\^FO\d+,\d+\^BY[1-4],3,\d+\^BCN,\d+,N,N,N,N\^FD>:[^^~]*\^FS$/,
  /^\^FO\d+,\d+\^BQN,2,\d+\^FH\^FDQA,[^^~]*\^FS$/,
]

/** Undoes ^FH hex escapes. */
const unhex = (s: string) => s.replace(/_([0-9A-F]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16)))

describe('shipping label ZPL', () => {
  it('is one 4×6 in label at 203 dpi in UTF-8, with the tracking number as Code 128 and a QR code', () => {
    const zpl = renderLabelZpl(label())
    expect(zpl.startsWith('^XA\n^CI28\n^PW812\n^LL1218\n')).toBe(true)
    expect(zpl.trimEnd().endsWith('^XZ')).toBe(true)
    expect(zpl).toMatch(/\^BCN,\d+,N,N,N,N\^FD>:RR123456785DE\^FS/)
    expect(zpl).toContain(`^FDQA,${labelQrData(label())}^FS`)
    expect(labelQrData(label())).toBe('RR123456785DE|DE|20095')
    expect(zpl).toContain('^FDMönckebergstraße 7^FS')
    expect(zpl).toMatch(/\^FO28,\d+\^A0N,\d+,\d+\^FB756,1,0,C,0\^FH\^FDRR123456785DE\^FS/) // readable, centred under the bars
    expect(zpl).not.toContain('PROOF OF DELIVERY')
    expect(renderLabelZpl(label({ requiresProof: true }))).toMatch(/\^GB756,62,62\^FS\n\^FO28,\d+\^A0N,\d+,\d+\^FB756,1,0,C,0\^FR\^FH\^FDPROOF OF DELIVERY REQUIRED\^FS/)
    for (const line of zpl.trimEnd().split('\n')) expect(ZPL_LINE.some((re) => re.test(line)), line).toBe(true)
  })

  it('keeps every field and the barcode inside the 812×1218 dots', () => {
    const zpl = renderLabelZpl(label({ to: { ...anna, name: 'Maximilian Alexander Freiherr von und zu Hohenzollern-Sigmaringen' } }))
    for (const [, x, y] of zpl.matchAll(/\^FO(\d+),(\d+)/g)) {
      expect(Number(x)).toBeLessThan(812)
      expect(Number(y)).toBeLessThan(1218)
    }
    const [, x, module] = /\^FO(\d+),\d+\^BY(\d)/.exec(zpl)!.map(Number)
    expect(x + (11 * (13 + 3) + 2) * module).toBeLessThanOrEqual(812 - 28)
  })

  it('prints user text with ^, ~ and _ exactly, through hex escapes', () => {
    const zpl = renderLabelZpl(label({ reference: 'a^b~c_d' }))
    const field = /\^FD(a[^^]*d)\^FS/.exec(zpl)![1]
    expect(field).toBe('a_5Eb_7Ec_5Fd')
    expect(unhex(field)).toBe('a^b~c_d')
  })

  it('lets no user text inject a printer command', () => {
    const text = fc.string({ unit: 'binary', maxLength: 40 })
    const address = fc.record({ name: text, company: text, line1: text, line2: text, city: text, region: text, postalCode: text, country: text, phone: text })
    const printableAscii = fc.string({ unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)), minLength: 1, maxLength: 30 })
    fc.assert(
      fc.property(address, address, text, text, text, printableAscii, fc.boolean(), (from, to, carrier, service, reference, trackingNumber, requiresProof) => {
        const zpl = renderLabelZpl(label({ from, to, carrier: { code: carrier, name: carrier }, service: { code: service, name: service }, reference, trackingNumber, requiresProof }))
        expect(zpl).not.toContain('~')
        const lines = zpl.trimEnd().split('\n')
        expect(lines[0]).toBe('^XA')
        expect(lines.at(-1)).toBe('^XZ')
        for (const line of lines) expect(ZPL_LINE.some((re) => re.test(line)), line).toBe(true)
        expect(lines.filter((l) => l === '^XA' || l === '^XZ')).toHaveLength(2)
      }),
    )
  })

  it('refuses a tracking number no scanner could read back', () => {
    expect(() => renderLabelZpl(label({ trackingNumber: '' }))).toThrow(AppError)
    expect(() => renderLabelZpl(label({ trackingNumber: 'RR12345678€DE' }))).toThrow(/printable ASCII/)
  })
})
