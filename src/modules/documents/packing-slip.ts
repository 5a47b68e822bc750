import { BOLD, type Column, Pdf, type PdfOptions, blocksHeight, drawAddress, drawBlocks, drawCode128, drawDocumentHeader, drawFields, drawSectionTitle, drawTable, senderLines } from './pdf.js'
import { addressLines, foldStrings, formatDate, formatWeight } from './text.js'
import type { PackingSlipDoc } from './types.js'

/** Goes into the parcel, A4: who sends what to whom, in which boxes, and how to pack it. */
export async function renderPackingSlipPdf(input: PackingSlipDoc, options?: PdfOptions): Promise<Buffer> {
  const doc = foldStrings(input)
  const pdf = new Pdf(
    {
      size: 'A4',
      margin: 40,
      title: `Packing slip ${doc.fulfillmentNumber}`,
      subject: `Packing slip for order ${doc.orderNumber}`,
      date: { value: doc.orderDate, field: 'orderDate' },
      footer: `Packing slip ${doc.fulfillmentNumber} · order ${doc.orderNumber}`,
    },
    options,
  )
  const { doc: page } = pdf

  pdf.y += drawDocumentHeader(pdf, 'Packing slip', doc.orderNumber, 'orderNumber') + 8
  const half = pdf.width / 2
  const from = drawAddress(page, 'Ship from', senderLines(doc.from.name, doc.from.address), pdf.left, pdf.y, half - 12, 8.5)
  const to = drawAddress(page, 'Ship to', addressLines(doc.shipTo), pdf.left + half, pdf.y, half - 12, 11)
  pdf.y += Math.max(from, to) + 12

  const codeWidth = 160
  const fieldsHeight = drawFields(
    pdf,
    [
      ['Order', doc.orderNumber],
      ['Order date', formatDate(doc.orderDate)],
      ['Fulfilment', doc.fulfillmentNumber],
    ],
    pdf.width - codeWidth,
  )
  // The fulfilment number is what the packing station scans to call this shipment up.
  drawCode128(page, doc.fulfillmentNumber, 'fulfillmentNumber', { x: pdf.right - codeWidth, y: pdf.y + 2, width: codeWidth, height: 22 })
  pdf.y += Math.max(fieldsHeight, 26) + 12

  if (doc.instructions.length > 0) {
    const blocks = [
      { text: 'PACKING INSTRUCTIONS', bold: true, size: 9 },
      ...doc.instructions.map((text) => ({ text: `•  ${text}`, bold: true, size: 10 })),
    ]
    const height = blocksHeight(page, blocks, pdf.width - 16)
    pdf.ensure(height + 12)
    page.rect(pdf.left, pdf.y, pdf.width, height + 12).lineWidth(1.5).fillAndStroke('#FFF3C4', '#C98A00')
    drawBlocks(page, blocks, pdf.left + 8, pdf.y + 6, pdf.width - 16)
    pdf.y += height + 24
  }

  drawSectionTitle(pdf, 'Items')
  const lines: Column<PackingSlipDoc['lines'][number]>[] = [
    { header: 'Packed', width: 40, align: 'center', cell: () => [{ checkbox: 10 }] },
    { header: 'SKU', width: 120, cell: (l) => [{ text: l.sku, bold: true, size: 9 }] },
    { header: 'Item', width: 300, cell: (l) => [{ text: l.name, size: 9 }] },
    { header: 'Qty', width: 50, align: 'right', cell: (l) => [{ text: String(l.quantity), bold: true, size: 10 }] },
  ]
  drawTable(pdf, lines, doc.lines)
  pdf.ensure(20)
  page.font(BOLD).fontSize(9).fillColor('black')
  page.text(`${doc.lines.reduce((s, l) => s + l.quantity, 0)} units`, pdf.left, pdf.y + 4, { width: pdf.width, align: 'right' })
  pdf.y += 24

  if (doc.packages.length > 0) {
    drawSectionTitle(pdf, 'Packages')
    const count = doc.packages.length
    const packages: Column<PackingSlipDoc['packages'][number]>[] = [
      { header: 'Package', width: 70, cell: (p) => [{ text: `${p.index} of ${count}`, bold: true, size: 9 }] },
      { header: 'Box', width: 90, cell: (p) => [{ text: p.boxCode ?? '—', size: 9 }] },
      { header: 'Weight', width: 70, align: 'right', cell: (p) => [{ text: formatWeight(p.weightGrams), size: 9 }] },
      { header: 'Contents', width: 280, cell: (p) => [{ text: p.contents.map((c) => `${c.sku} × ${c.quantity}`).join(', ') || '—', size: 8.5 }] },
    ]
    drawTable(pdf, packages, doc.packages)
    pdf.y += 12
  }

  if (doc.notes) {
    drawSectionTitle(pdf, 'Notes')
    const notes = [{ text: doc.notes, size: 9 }]
    pdf.ensure(blocksHeight(page, notes, pdf.width))
    pdf.y += drawBlocks(page, notes, pdf.left, pdf.y + 2, pdf.width) + 4
  }
  return pdf.finish()
}
