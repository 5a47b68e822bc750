import type { TestApp } from './helpers.js'

/** Coordinates of the fixture warehouses and of a customer in Hamburg. */
export const HAMBURG = { latitude: 53.5511, longitude: 9.9937 }

export const address = (over: Record<string, unknown> = {}) => ({
  name: 'Anna Schmidt',
  line1: 'Mönckebergstraße 7',
  city: 'Hamburg',
  postalCode: '20095',
  country: 'DE',
  ...over,
})

/** Two channels, three warehouses (Berlin, Munich, Hamburg) and a few products without stock. */
export async function seedBasics(t: TestApp) {
  const ok = async (method: string, url: string, body: unknown) => {
    const r = await t.call(method, url, { body })
    if (r.statusCode >= 300) throw new Error(`${method} ${url} → ${r.statusCode} ${r.body}`)
    return r.json()
  }
  await ok('POST', '/v1/channels', { code: 'web', name: 'Web shop', type: 'web' })
  await ok('POST', '/v1/channels', { code: 'marketplace', name: 'Marketplace', type: 'marketplace' })
  const wh = [
    { code: 'BER', city: 'Berlin', postalCode: '10115', latitude: 52.52, longitude: 13.405, priority: 10 },
    { code: 'MUC', city: 'München', postalCode: '80331', latitude: 48.137, longitude: 11.575, priority: 20 },
    { code: 'HAM', city: 'Hamburg', postalCode: '20457', latitude: 53.546, longitude: 9.966, priority: 30 },
  ]
  for (const w of wh) {
    await ok('POST', '/v1/locations', {
      code: w.code,
      name: `Warehouse ${w.city}`,
      type: 'warehouse',
      address: { line1: 'Lagerstraße 1', city: w.city, postalCode: w.postalCode, country: 'DE' },
      latitude: w.latitude,
      longitude: w.longitude,
      priority: w.priority,
    })
    await ok('POST', `/v1/locations/${w.code}/bins`, { code: 'A-01', zone: 'A', pickSequence: 1 })
  }
  const products = [
    { sku: 'TEE-BLK-M', name: 'T-shirt black M', price: 1999, taxCode: 'standard' },
    { sku: 'MUG-WHT', name: 'Mug white', price: 899, taxCode: 'standard' },
    { sku: 'BOOK-OMS', name: 'The OMS handbook', price: 2500, taxCode: 'reduced' },
    { sku: 'SCARCE-1', name: 'Limited print', price: 5000, taxCode: 'standard' },
  ]
  for (const p of products) {
    await ok('POST', '/v1/products', { sku: p.sku, name: p.name, price: { amount: p.price, currency: 'EUR' }, taxCode: p.taxCode, weightGrams: 300, barcodes: [] })
  }
  return { ok }
}

export async function stock(t: TestApp, sku: string, location: string, delta: number) {
  const r = await t.call('POST', '/v1/inventory/adjustments', { body: { sku, location, delta, reason: 'test stock' } })
  if (r.statusCode !== 201) throw new Error(`stock ${sku}@${location} → ${r.statusCode} ${r.body}`)
  return r.json()
}

export async function available(t: TestApp, sku: string, location: string): Promise<number> {
  const r = await t.call('GET', `/v1/inventory?sku=${sku}&location=${location}`)
  return r.json().data[0]?.available ?? 0
}

export const orderBody = (over: Record<string, unknown> = {}) => ({
  channel: 'web',
  customer: { email: 'anna@example.com', name: 'Anna Schmidt', phone: '+49 40 123456' },
  shippingAddress: address(),
  currency: 'EUR',
  lines: [{ sku: 'TEE-BLK-M', quantity: 1 }],
  payment: { status: 'paid', method: 'card', reference: 'ch_1' },
  ...over,
})
