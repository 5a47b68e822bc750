import { BOLD, type Column, FONT, GREY, Pdf, type PdfOptions, drawAddress, drawDocumentHeader, drawFields, drawTable, senderLines } from './pdf.js'
import { foldStrings, formatDate, formatWeight } from './text.js'
import type { ManifestDoc } from './types.js'

type Shipment = ManifestDoc['shipments'][number]

/** The end-of-day hand-over list for one carrier at one location, A4, signed by the driver and the shipper. */
export async function renderManifestPdf(input: ManifestDoc, options?: PdfOptions): Promise<Buffer> {
  const doc = foldStrings(input)
  const pdf = new Pdf(
    {
      size: 'A4',
      margin: 40,
      title: `Manifest ${doc.number}`,
      subject: `${doc.carrier.name} manifest for ${doc.location.code}, ${formatDate(doc.date)}`,
      date: { value: doc.date, field: 'date' },
      footer: `Manifest ${doc.number} · ${doc.carrier.name} · ${doc.location.code} · ${formatDate(doc.date)}`,
      continued: (p) => {
        p.doc.font(BOLD).fontSize(10).fillColor('black').text(`Manifest ${doc.number} (continued)`, p.left, p.y, { lineBreak: false })
        p.y += 18
      },
    },
    options,
  )
  const { doc: page } = pdf

  pdf.y += drawDocumentHeader(pdf, 'Carrier manifest', doc.number, 'number') + 8
  pdf.y += drawFields(pdf, [
    ['Carrier', `${doc.carrier.name} (${doc.carrier.code})`],
    ['Date', formatDate(doc.date)],
    ['Location', `${doc.location.code} · ${doc.location.name}`],
  ])
  pdf.y += 6
  pdf.y += drawAddress(page, 'Shipper', senderLines(doc.location.name, doc.location.address), pdf.left, pdf.y, pdf.width / 2, 8.5) + 12

  const columns: Column<Shipment>[] = [
    { header: '#', width: 24, cell: (_, i) => [{ text: String(i + 1), size: 8 }] },
    { header: 'Tracking number', width: 120, cell: (s) => [{ text: s.trackingNumber, bold: true, size: 9 }] },
    { header: 'Order', width: 70, cell: (s) => [{ text: s.orderNumber, size: 8.5 }] },
    { header: 'Service', width: 80, cell: (s) => [{ text: s.service, size: 8.5 }] },
    { header: 'Pkgs', width: 34, align: 'right', cell: (s) => [{ text: String(s.packages), size: 8.5 }] },
    { header: 'Weight', width: 56, align: 'right', cell: (s) => [{ text: formatWeight(s.weightGrams), size: 8.5 }] },
    { header: 'Destination', width: 131, cell: (s) => [{ text: s.destination, size: 8.5 }] },
  ]
  drawTable(pdf, columns, doc.shipments)

  // Totals and both signatures stay together: the page the driver signs shows what was handed over.
  pdf.ensure(150)
  pdf.y += 10
  pdf.y += drawFields(pdf, [
    ['Shipments', String(doc.totals.shipments)],
    ['Packages', String(doc.totals.packages)],
    ['Total weight', formatWeight(doc.totals.weightGrams)],
  ])
  pdf.y += 14
  page.font(FONT).fontSize(8).fillColor(GREY)
  page.text(`Received the ${doc.totals.packages} packages listed above in good order.`, pdf.left, pdf.y, { width: pdf.width })
  pdf.y += 26
  const half = pdf.width / 2
  for (const [i, who] of ['Driver (carrier)', 'Shipper'].entries()) {
    const x = pdf.left + i * half
    let y = pdf.y
    page.font(BOLD).fontSize(8).fillColor('black').text(who.toUpperCase(), x, y, { lineBreak: false })
    for (const label of ['Name', 'Signature', 'Date and time']) {
      y += 26
      page.moveTo(x, y).lineTo(x + half - 24, y).lineWidth(0.6).strokeColor('black').stroke()
      page.font(FONT).fontSize(7).fillColor(GREY).text(label, x, y + 2, { lineBreak: false })
    }
  }
  pdf.y += 90
  return pdf.finish()
}
