import PDFDocument from 'pdfkit'
import { AppError, invalid } from '../../kernel/errors.js'
import { code128, qrCode } from './barcode.js'
import { BOLD, FONT, Pdf, type PdfOptions, drawCode128, drawQr } from './pdf.js'
import { addressLines, foldStrings, formatDate, formatWeight } from './text.js'
import type { LabelDoc } from './types.js'
import { zplBlockText, zplCode128, zplText } from './zpl.js'

/*
 * The 4×6 in shipping label is laid out once, in points on a 288×432 page, as a list of
 * elements; the PDF and the ZPL are two ways of drawing that list, so they cannot drift apart.
 * Text is fitted with Helvetica's widths: a thermal printer's font 0 is a condensed face, so
 * what fits in the PDF fits on the printer.
 */

const WIDTH = 288
const HEIGHT = 432
const M = 10
const DOTS_PER_POINT = 203 / 72

type Element =
  /** One line in a box `width` wide from `x`; `left` is where it starts at Helvetica's widths. */
  | { kind: 'text'; x: number; y: number; width: number; align: Align; left: number; size: number; bold: boolean; text: string; inverse: boolean }
  | { kind: 'box'; x: number; y: number; width: number; height: number }
  | { kind: 'code128'; x: number; y: number; width: number; height: number; value: string; field: string }
  | { kind: 'qr'; x: number; y: number; size: number; value: string; field: string }

type Align = 'left' | 'center' | 'right'
type Measure = (text: string, bold: boolean, size: number) => number

const measureWith =
  (doc: PDFKit.PDFDocument): Measure =>
  (text, bold, size) =>
    doc
      .font(bold ? BOLD : FONT)
      .fontSize(size)
      .widthOfString(text)

/** pdfkit parses a font's metrics anew for every document; ZPL needs only the widths, so one document serves all labels. */
let widths: Measure | undefined
const zplMeasure = () => (widths ??= measureWith(new PDFDocument({ autoFirstPage: false })))

/** What the QR code holds: tracking number, destination country and postal code, "|"-separated, in ASCII. */
export const labelQrData = (doc: LabelDoc) => [doc.trackingNumber, doc.to.country, doc.to.postalCode ?? ''].map((s) => s.replace(/[^\x20-\x7e]|\|/g, '')).join('|')

function layoutLabel(doc: LabelDoc, measure: Measure): Element[] {
  const out: Element[] = []
  /** One line of text at `x` within `width`: shrunk down to 75 % of `size` if it must be, then cut. */
  const text = (value: string, x: number, y: number, width: number, size: number, bold = false, align: Align = 'left', inverse = false) => {
    let s = size
    while (s > size * 0.75 && measure(value, bold, s) > width) s -= 0.5
    let t = value
    if (measure(t, bold, s) > width) {
      let n = t.length
      while (n > 0 && measure(`${t.slice(0, n)}...`, bold, s) > width) n--
      t = `${t.slice(0, n)}...`
    }
    const w = measure(t, bold, s)
    const left = align === 'left' ? x : align === 'center' ? x + (width - w) / 2 : x + width - w
    out.push({ kind: 'text', x, y, width, align, left, size: s, bold, text: t, inverse })
    return s * 1.15
  }
  const rule = (y: number, height = 1.5) => out.push({ kind: 'box', x: M, y, width: WIDTH - 2 * M, height })
  const inner = WIDTH - 2 * M

  // Sender (small, top left), carrier and service (top right).
  let y = M
  y += text('FROM', M, y, 150, 6, true)
  for (const line of addressLines(doc.from).slice(0, 6)) y += text(line, M, y, 160, 7.5)
  text(doc.carrier.name, 176, M, WIDTH - M - 176, 15, true, 'right')
  text(doc.service.name, 176, M + 20, WIDTH - M - 176, 9, false, 'right')
  rule(80)

  // Recipient, large.
  y = 86
  y += text('SHIP TO', M, y, inner, 7, true) + 2
  const to = addressLines(doc.to)
  to.forEach((line, i) => {
    const large = i === 0 || i === to.length - 2 // the name and the city line
    y += text(line, M, y, inner, large ? 14 : 12, large || i === to.length - 1)
  })
  rule(202)

  // Package facts left, the QR code right.
  const facts: [string, string][] = [
    ['WEIGHT', formatWeight(doc.weightGrams)],
    ['PACKAGE', `${doc.package.index} of ${doc.package.count}`],
    ['REFERENCE', doc.reference],
    ['SHIP DATE', formatDate(doc.shipDate)],
  ]
  facts.forEach(([label, value], i) => {
    const x = M + (i % 2) * 96
    const top = 210 + Math.floor(i / 2) * 34
    text(label, x, top, 88, 6.5, true)
    text(value, x, top + 9, 88, 12, true)
  })
  // 64 pt for 25 modules leaves the four-module quiet zone a QR code needs on every side.
  out.push({ kind: 'qr', x: 212, y: 214, size: 64, value: labelQrData(doc), field: 'trackingNumber' })
  rule(290)

  if (doc.requiresProof) {
    out.push({ kind: 'box', x: M, y: 296, width: inner, height: 22 })
    text('PROOF OF DELIVERY REQUIRED', M, 301, inner, 12, true, 'center', true)
  }

  // The tracking number, large, with its readable form under it.
  text(`TRACKING NUMBER · ${doc.carrier.code.toUpperCase()}`, M, 324, inner, 7, true)
  out.push({ kind: 'code128', x: M, y: 334, width: inner, height: 64, value: doc.trackingNumber, field: 'trackingNumber' })
  text(doc.trackingNumber, M, 402, inner, 15, true, 'center')
  return out
}

/** Draws one label on the current page of `page`. */
function drawLabel(page: PDFKit.PDFDocument, doc: LabelDoc) {
  for (const e of layoutLabel(doc, measureWith(page))) {
    if (e.kind === 'text') {
      page.font(e.bold ? BOLD : FONT).fontSize(e.size).fillColor(e.inverse ? 'white' : 'black')
      page.text(e.text, e.left, e.y, { lineBreak: false })
    } else if (e.kind === 'box') page.rect(e.x, e.y, e.width, e.height).fill('black')
    else if (e.kind === 'code128') drawCode128(page, e.value, e.field, e, 4)
    else drawQr(page, e.value, e.field, e.x, e.y, e.size)
  }
}

/** One 4×6 in label (288×432 pt) as a one-page PDF. */
export const renderLabelPdf = (input: LabelDoc, options?: PdfOptions): Promise<Buffer> => renderLabelsPdf([input], options)

/**
 * The labels of a shipment's packages as one PDF, one 4×6 in page each, in the order given, so
 * a thermal printer prints them in one job. A label that cannot be drawn is named by its place
 * (`0.trackingNumber`) when there are several.
 */
export async function renderLabelsPdf(inputs: LabelDoc[], options?: PdfOptions): Promise<Buffer> {
  if (!inputs.length) throw invalid('documents.no_labels', 'No label to print.', [{ path: '', message: 'at least one label' }])
  const docs = inputs.map((d) => foldStrings(d))
  const first = docs[0]
  const numbers = docs.map((d) => d.trackingNumber).join(', ')
  const pdf = new Pdf(
    {
      size: [WIDTH, HEIGHT],
      margin: 0,
      title: docs.length === 1 ? `Label ${first.trackingNumber}` : `Labels ${numbers}`,
      subject:
        docs.length === 1
          ? `${first.carrier.name} ${first.service.name} label for ${first.reference}, package ${first.package.index} of ${first.package.count}`
          : `${first.carrier.name} ${first.service.name} labels for ${first.reference}, ${docs.length} packages`,
      date: { value: first.shipDate, field: docs.length === 1 ? 'shipDate' : '0.shipDate' },
    },
    options,
  )
  docs.forEach((doc, i) => {
    if (i > 0) pdf.newPage()
    try {
      drawLabel(pdf.doc, doc)
    } catch (err) {
      // Several labels: say which one (the field paths are the label's own).
      if (docs.length > 1 && err instanceof AppError) throw new AppError(err.status, err.code, err.detail, err.errors?.map((e) => ({ ...e, path: `${i}.${e.path}` })))
      throw err
    }
  })
  return pdf.finish()
}

/** The same label in ZPL II for 203 dpi thermal printers (812×1218 dots), UTF-8 (^CI28). */
export function renderLabelZpl(input: LabelDoc): string {
  const doc = foldStrings(input)
  code128(doc.trackingNumber, 'trackingNumber') // the same checks and errors as the PDF
  const dots = (pt: number) => Math.round(pt * DOTS_PER_POINT)
  const out = ['^XA', '^CI28', `^PW${dots(WIDTH)}`, `^LL${dots(HEIGHT)}`, '^LH0,0']
  const measure = zplMeasure()
  for (const e of layoutLabel(doc, measure)) {
    const at = `^FO${dots(e.x)},${dots(e.y)}`
    if (e.kind === 'text') {
      const h = dots(e.size)
      // The printer's font is narrower than Helvetica: it centres and right-aligns in a one-line field block itself.
      const block = e.align === 'left' ? '' : `^FB${dots(e.width)},1,0,${e.align === 'center' ? 'C' : 'R'},0`
      const data = block ? zplBlockText(e.text) : zplText(e.text)
      out.push(`${at}^A0N,${h},${h}${block}${e.inverse ? '^FR' : ''}^FH^FD${data}^FS`)
    } else if (e.kind === 'box') {
      const [w, h] = [dots(e.width), dots(e.height)]
      out.push(`${at}^GB${w},${h},${Math.min(w, h)}^FS`)
    } else if (e.kind === 'code128') {
      const { data, symbols } = zplCode128(e.value)
      const modules = 11 * (symbols + 3) + 2 // start, data, check, stop (13 modules)
      const module = Math.max(1, Math.min(4, Math.floor(dots(e.width) / (modules + 20))))
      const x = dots(e.x) + Math.floor((dots(e.width) - modules * module) / 2)
      out.push(`^FO${x},${dots(e.y)}^BY${module},3,${dots(e.height)}^BCN,${dots(e.height)},N,N,N,N^FD${data}^FS`)
    } else {
      // ^BQ draws modules of `magnification` dots: as large as the symbol's module count allows.
      const magnification = Math.max(1, Math.min(10, Math.floor(dots(e.size) / qrCode(e.value, e.field).size)))
      out.push(`${at}^BQN,2,${magnification}^FH^FDQA,${zplText(e.value)}^FS`)
    }
  }
  out.push('^XZ')
  return `${out.join('\n')}\n`
}
