import { BOLD, type Block, type Column, FONT, GREY, Pdf, type PdfOptions, drawDocumentHeader, drawFields, drawTable } from './pdf.js'
import { foldStrings, formatDateTime } from './text.js'
import type { PicklistDoc } from './types.js'

type Line = PicklistDoc['lines'][number]

/** The picker's sheet, A4 portrait: one row per pick in walk order, with what to scan at the bin and on the item. */
export async function renderPicklistPdf(input: PicklistDoc, options?: PdfOptions): Promise<Buffer> {
  const doc = foldStrings(input)
  const where = `${doc.location.code} · ${doc.location.name}`
  const pdf = new Pdf(
    {
      size: 'A4',
      margin: 36,
      title: `Picklist ${doc.number}`,
      subject: `Picklist ${doc.number} for ${where}`,
      date: { value: doc.createdAt, field: 'createdAt' },
      footer: `Picklist ${doc.number} · ${where}`,
      continued: (p) => {
        p.doc.font(BOLD).fontSize(10).fillColor('black').text(`Picklist ${doc.number} · ${where} (continued)`, p.left, p.y, { lineBreak: false })
        p.y += 18
      },
    },
    options,
  )

  pdf.y += drawDocumentHeader(pdf, 'Picklist', doc.number, 'number') + 6
  const fields: [string, string][] = [
    ['Location', where],
    ['Created', formatDateTime(doc.createdAt)],
  ]
  if (doc.assignee) fields.push(['Assignee / cart', doc.assignee])
  pdf.y += drawFields(pdf, fields) + 6
  const waves = doc.fulfillmentOrders.map((f) => `${f.number} (${f.orderNumber})`).join(' · ')
  pdf.doc.font(BOLD).fontSize(7).fillColor(GREY).text(`FULFILMENT ORDERS (${doc.fulfillmentOrders.length})`, pdf.left, pdf.y)
  pdf.doc.font(FONT).fontSize(8.5).fillColor('black').text(waves || '—', pdf.left, pdf.doc.y + 1, { width: pdf.width })
  pdf.y = pdf.doc.y + 10

  const columns: Column<Line>[] = [
    { header: '#', width: 20, cell: (l) => [{ text: String(l.seq), bold: true, size: 9 }] },
    {
      header: 'Bin',
      width: 98,
      cell: (l, i): Block[] =>
        l.binCode ? [{ text: l.binCode, bold: true, size: 9.5 }, { code128: l.binCode, field: `lines.${i}.binCode`, height: 15 }] : [{ text: '—', size: 9 }],
    },
    { header: 'Zone', width: 32, cell: (l) => [{ text: l.zone ?? '—', size: 8 }] },
    {
      header: 'Item',
      width: 100,
      cell: (l) => [
        { text: l.sku, bold: true, size: 8.5 },
        { text: l.name, size: 7.5 },
      ],
    },
    {
      header: 'Scan',
      width: 104,
      cell: (l, i) => [
        { code128: l.barcode, field: `lines.${i}.barcode`, height: 17 },
        { text: l.barcode, size: 6.5, align: 'center' },
      ],
    },
    {
      header: 'Lot / expiry',
      width: 66,
      cell: (l) => [
        { text: l.lot ?? '—', size: 7.5 },
        ...(l.expiresOn ? [{ text: `exp. ${l.expiresOn}`, size: 7.5 }] : []),
      ],
    },
    { header: 'Qty', width: 30, align: 'right', cell: (l) => [{ text: String(l.quantity), bold: true, size: 13 }] },
    {
      header: 'Orders',
      width: 52,
      cell: (l) => l.orders.map((o) => ({ text: `${o.number} × ${o.quantity}`, size: 7 })),
    },
    { header: 'Done', width: 30, align: 'center', cell: () => [{ checkbox: 11 }] },
  ]
  drawTable(pdf, columns, doc.lines)

  const units = doc.lines.reduce((s, l) => s + l.quantity, 0)
  pdf.ensure(40)
  pdf.y += 8
  pdf.y += drawFields(pdf, [
    ['Lines', String(doc.lines.length)],
    ['Units', String(units)],
    ['Orders', String(doc.fulfillmentOrders.length)],
  ])
  return pdf.finish()
}
