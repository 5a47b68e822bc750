import PDFDocument from 'pdfkit'
import { invalid } from '../../kernel/errors.js'
import { QUIET_ZONE, code128, qrCode } from './barcode.js'
import { addressLines } from './text.js'
import type { PrintAddress } from './types.js'

/*
 * What the PDF documents share: the page set-up, a layout cursor with page breaks, text blocks,
 * vector barcodes, address blocks and tables whose header repeats on every page. Text handed to
 * these helpers is already folded to WinAnsi (see text.ts); pdfkit's standard fonts print nothing else.
 */

export interface PdfOptions {
  /** Deflate page contents (the default); off, the text can be read straight from the bytes. */
  compress?: boolean
}

export interface PdfSetup {
  size: 'A4' | [number, number]
  margin: number
  title: string
  subject: string
  /** The document's own date: it becomes the PDF's CreationDate, so equal input gives equal bytes. */
  date: { value: string; field: string }
  /** Left part of the footer on every page; the right part is "Page n of m". No footer without it. */
  footer?: string
  /** Draws the running header on every page after the first. */
  continued?: (pdf: Pdf) => void
}

export interface Box {
  x: number
  y: number
  width: number
  height: number
}

export const FONT = 'Helvetica'
export const BOLD = 'Helvetica-Bold'
export const GREY = '#555555'
const RULE = '#999999'

/** A document being laid out top to bottom; `y` is where the next thing goes. */
export class Pdf {
  readonly doc: PDFKit.PDFDocument
  readonly left: number
  readonly right: number
  readonly top: number
  readonly bottom: number
  y: number
  private readonly done: Promise<Buffer>

  constructor(
    private readonly setup: PdfSetup,
    options: PdfOptions = {},
  ) {
    const created = new Date(setup.date.value)
    if (Number.isNaN(created.getTime())) {
      throw invalid('documents.invalid_date', `${JSON.stringify(setup.date.value)} is not a date.`, [
        { path: setup.date.field, message: 'must be an ISO-8601 date or timestamp' },
      ])
    }
    // Margins stay 0 for pdfkit, which would otherwise start pages of its own; the layout keeps its own.
    this.doc = new PDFDocument({
      size: setup.size,
      margin: 0,
      bufferPages: true,
      compress: options.compress ?? true,
      info: { Title: setup.title, Subject: setup.subject, Author: 'Ordo', Creator: 'Ordo', CreationDate: created },
    })
    const chunks: Buffer[] = []
    this.done = new Promise((resolve, reject) => {
      this.doc.on('data', (c: Buffer) => chunks.push(c))
      this.doc.on('end', () => resolve(Buffer.concat(chunks)))
      this.doc.on('error', reject)
    })
    this.left = setup.margin
    this.right = this.doc.page.width - setup.margin
    this.top = setup.margin
    this.bottom = this.doc.page.height - setup.margin - (setup.footer === undefined ? 0 : 14)
    this.y = this.top
  }

  get width() {
    return this.right - this.left
  }

  newPage() {
    this.doc.addPage({ size: this.setup.size, margin: 0 })
    this.y = this.top
    this.setup.continued?.(this)
  }

  /** Starts a new page unless `height` more points fit on this one. */
  ensure(height: number) {
    if (this.y + height > this.bottom && this.y > this.top) this.newPage()
  }

  /** Writes the footers and returns the finished file. */
  async finish(): Promise<Buffer> {
    const { footer } = this.setup
    if (footer !== undefined) {
      const { count } = this.doc.bufferedPageRange()
      const y = this.doc.page.height - this.setup.margin - 8
      for (let i = 0; i < count; i++) {
        this.doc.switchToPage(i)
        this.doc.font(FONT).fontSize(7.5).fillColor(GREY)
        this.doc.text(footer, this.left, y, { width: this.width / 2, lineBreak: false })
        this.doc.text(`Page ${i + 1} of ${count}`, this.left + this.width / 2, y, { width: this.width / 2, align: 'right', lineBreak: false })
      }
    }
    this.doc.end()
    return this.done
  }
}

/** One piece of a cell or a header, stacked top to bottom. */
export type Block =
  | { text: string; bold?: boolean; size?: number; color?: string; align?: 'left' | 'center' | 'right' }
  | { code128: string; field: string; height: number }
  | { checkbox: number }

const GAP = 1.5

function textStyle(doc: PDFKit.PDFDocument, b: { bold?: boolean; size?: number; color?: string }) {
  doc.font(b.bold ? BOLD : FONT).fontSize(b.size ?? 8).fillColor(b.color ?? 'black')
}

/** The width of text that fits on one line, else undefined: one line is placed directly, without pdfkit's line wrapper, which costs ten times more. */
function oneLine(doc: PDFKit.PDFDocument, text: string, width: number): number | undefined {
  const w = text.includes('\n') ? Infinity : doc.widthOfString(text)
  return w <= width ? w : undefined
}

function blockHeight(doc: PDFKit.PDFDocument, b: Block, width: number): number {
  if ('code128' in b) return b.height
  if ('checkbox' in b) return b.checkbox
  textStyle(doc, b)
  return oneLine(doc, b.text, width) === undefined ? doc.heightOfString(b.text, { width }) : doc.currentLineHeight(true)
}

/** Height of blocks stacked in a column `width` wide. */
export function blocksHeight(doc: PDFKit.PDFDocument, blocks: Block[], width: number): number {
  return blocks.reduce((h, b, i) => h + blockHeight(doc, b, width) + (i > 0 ? GAP : 0), 0)
}

/** Draws blocks from `y` down in a column; returns the height used. */
export function drawBlocks(doc: PDFKit.PDFDocument, blocks: Block[], x: number, y: number, width: number, align: 'left' | 'center' | 'right' = 'left'): number {
  let at = y
  for (const b of blocks) {
    if (at > y) at += GAP
    if ('code128' in b) {
      drawCode128(doc, b.code128, b.field, { x, y: at, width, height: b.height })
      at += b.height
    } else if ('checkbox' in b) {
      doc.lineWidth(0.8).strokeColor('black').rect(x + (width - b.checkbox) / 2, at, b.checkbox, b.checkbox).stroke()
      at += b.checkbox
    } else {
      textStyle(doc, b)
      const a = b.align ?? align
      const w = oneLine(doc, b.text, width)
      if (w !== undefined) {
        const free = width - w
        doc.text(b.text, x + (a === 'left' ? 0 : a === 'center' ? free / 2 : free), at, { lineBreak: false })
        at += doc.currentLineHeight(true)
      } else {
        doc.text(b.text, x, at, { width, align: a })
        at = doc.y // pdfkit leaves the cursor under the text it wrapped
      }
    }
  }
  return at - y
}

/** A Code 128 of `value` centred in `box`, with its quiet zones inside the box, bars at most `maxModule` wide. */
export function drawCode128(doc: PDFKit.PDFDocument, value: string, field: string, box: Box, maxModule = 1.2) {
  const symbol = code128(value, field)
  const module = Math.min(maxModule, box.width / (symbol.modules + 2 * QUIET_ZONE))
  let x = box.x + (box.width - symbol.modules * module) / 2
  symbol.widths.forEach((w, i) => {
    if (i % 2 === 0) doc.rect(x, box.y, w * module, box.height)
    x += w * module
  })
  doc.fill('black')
}

/** A QR code of `value` filling a square of `size` points at (x, y), dark runs of a row drawn as one rectangle. */
export function drawQr(doc: PDFKit.PDFDocument, value: string, field: string, x: number, y: number, size: number) {
  const m = qrCode(value, field)
  const module = size / m.size
  for (let row = 0; row < m.size; row++) {
    for (let col = 0; col < m.size; ) {
      if (!m.dark[row * m.size + col]) {
        col++
        continue
      }
      const start = col
      while (col < m.size && m.dark[row * m.size + col]) col++
      doc.rect(x + start * module, y + row * module, (col - start) * module, module)
    }
  }
  doc.fill('black')
}

/** "SHIP TO" over the address lines, the first line bold; returns the height used. */
export function drawAddress(doc: PDFKit.PDFDocument, title: string, lines: string[], x: number, y: number, width: number, size = 9): number {
  return drawBlocks(doc, [{ text: title.toUpperCase(), bold: true, size: 7, color: GREY }, ...lines.map((text, i) => ({ text, bold: i === 0, size }))], x, y, width)
}

/** Lines of a sender: its trading name, then the address without repeating that name. */
export function senderLines(name: string, address: PrintAddress): string[] {
  return [name, ...addressLines(address).filter((line) => line !== name)]
}

/** Label-over-value pairs side by side from the left margin across `across` points; returns the height used. */
export function drawFields(pdf: Pdf, fields: [label: string, value: string][], across = pdf.width): number {
  const { y } = pdf
  const width = across / fields.length
  let height = 0
  fields.forEach(([label, value], i) => {
    const blocks: Block[] = [
      { text: label.toUpperCase(), bold: true, size: 7, color: GREY },
      { text: value, size: 9.5 },
    ]
    height = Math.max(height, drawBlocks(pdf.doc, blocks, pdf.left + i * width, y, width - 8))
  })
  return height
}

/** The title line of an A4 document: its kind big on the left, its number as Code 128 on the right; returns the height used. */
export function drawDocumentHeader(pdf: Pdf, kind: string, number: string, field: string): number {
  const { doc } = pdf
  const codeWidth = 190
  doc.font(BOLD).fontSize(20).fillColor('black').text(kind.toUpperCase(), pdf.left, pdf.y, { width: pdf.width - codeWidth, lineBreak: false })
  doc.font(BOLD).fontSize(13).text(number, pdf.left, pdf.y + 26, { width: pdf.width - codeWidth, lineBreak: false })
  drawCode128(doc, number, field, { x: pdf.right - codeWidth, y: pdf.y, width: codeWidth, height: 34 })
  doc.font(FONT).fontSize(8).text(number, pdf.right - codeWidth, pdf.y + 37, { width: codeWidth, align: 'center', lineBreak: false })
  return 50
}

/** A section title with a rule under it. */
export function drawSectionTitle(pdf: Pdf, title: string) {
  pdf.ensure(40)
  pdf.doc.font(BOLD).fontSize(10).fillColor('black').text(title, pdf.left, pdf.y, { width: pdf.width, lineBreak: false })
  pdf.y += 13
  pdf.doc.moveTo(pdf.left, pdf.y).lineTo(pdf.right, pdf.y).lineWidth(0.8).strokeColor('black').stroke()
  pdf.y += 3
}

export interface Column<R> {
  header: string
  /** Relative width: the columns share the page width in these proportions. */
  width: number
  align?: 'left' | 'center' | 'right'
  cell: (row: R, index: number) => Block[]
}

const PAD = 3

/** A table from `pdf.y` down; rows never split, and the header row repeats at the top of each new page. */
export function drawTable<R>(pdf: Pdf, columns: Column<R>[], rows: readonly R[]) {
  const { doc } = pdf
  const total = columns.reduce((s, c) => s + c.width, 0)
  const widths = columns.map((c) => (c.width / total) * pdf.width)
  const xs = widths.map((_, i) => pdf.left + widths.slice(0, i).reduce((a, b) => a + b, 0))
  const inner = (i: number) => widths[i] - 2 * PAD

  const rowHeight = (cells: Block[][]) => Math.max(...cells.map((b, i) => blocksHeight(doc, b, inner(i)))) + 2 * PAD
  const headerCells = columns.map((c): Block[] => [{ text: c.header.toUpperCase(), bold: true, size: 7, color: GREY }])
  const headerHeight = rowHeight(headerCells)
  const header = () => {
    doc.rect(pdf.left, pdf.y, pdf.width, headerHeight).fill('#EEEEEE')
    headerCells.forEach((b, i) => drawBlocks(doc, b, xs[i] + PAD, pdf.y + PAD, inner(i), columns[i].align))
    pdf.y += headerHeight
  }

  rows.forEach((row, r) => {
    const cells = columns.map((c) => c.cell(row, r))
    const height = rowHeight(cells)
    if (r === 0) {
      pdf.ensure(headerHeight + height) // never a header alone at the foot of a page
      header()
    } else if (pdf.y + height > pdf.bottom) {
      pdf.newPage()
      header()
    }
    cells.forEach((b, i) => drawBlocks(doc, b, xs[i] + PAD, pdf.y + PAD, inner(i), columns[i].align))
    pdf.y += height
    doc.moveTo(pdf.left, pdf.y).lineTo(pdf.right, pdf.y).lineWidth(0.4).strokeColor(RULE).stroke()
  })
  if (rows.length === 0) {
    pdf.ensure(headerHeight)
    header()
  }
}
