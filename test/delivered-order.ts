import type { TestApp } from './helpers.js'

/**
 * Drives a placed order to `delivered` through the real APIs: each open fulfilment order is picked
 * (one picklist, every line scanned from its bin), packed in one custom box, shipped (the default
 * carrier service) and scanned in transit and delivered. Returns the shipments.
 */
export async function deliverOrder(t: TestApp, orderNumber: string): Promise<any[]> {
  const ok = async (method: string, url: string, body?: unknown) => {
    const r = await t.call(method, url, body === undefined ? {} : { body })
    if (r.statusCode >= 300) throw new Error(`${method} ${url} → ${r.statusCode} ${r.body}`)
    return r.json()
  }
  const shipments = []
  const fos = (await ok('GET', `/v1/fulfillments?order=${orderNumber}`)).data.filter((f: any) => f.status === 'open')
  if (!fos.length) throw new Error(`${orderNumber} has no open fulfilment order (is it allocated?)`)
  for (const fo of fos) {
    const picklist = await ok('POST', '/v1/picklists', { location: fo.location, fulfillmentOrders: [fo.number] })
    for (const line of picklist.lines) await ok('POST', `/v1/picklists/${picklist.id}/scans`, { ...(line.bin ? { bin: line.bin } : {}), barcode: line.sku, quantity: line.quantity })
    const contents = fo.lines.map((l: any) => ({ sku: l.sku, quantity: l.quantity }))
    await ok('POST', `/v1/fulfillments/${fo.id}/pack`, { packages: [{ dimensions: { lengthMm: 300, widthMm: 200, heightMm: 150 }, weightGrams: 1000, contents }] })
    const { shipment } = await ok('POST', `/v1/fulfillments/${fo.id}/ship`, {})
    const at = t.clock.now().toISOString()
    await ok('POST', `/v1/shipments/${shipment.id}/tracking-events`, { status: 'in_transit', occurredAt: at, source: 'carrier' })
    shipments.push(await ok('POST', `/v1/shipments/${shipment.id}/tracking-events`, { status: 'delivered', occurredAt: new Date(Date.parse(at) + 60_000).toISOString(), source: 'carrier' }))
  }
  return shipments
}
