/**
 * The console driven in Chromium as a person would: each step builds on the one before, so
 * add the next steps of the day's work (picklist, scans, pack, ship, tracking, return) at the end.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it, onTestFinished } from 'vitest'
import type { Browser, Page } from 'playwright-core'
import { api, DEMO, launch, newPage, pageErrors, screenshot } from './browser.js'

describe.sequential('the Ordo console', () => {
  let browser: Browser
  let page: Page
  let order: { id: string; number: string; holds: { id: string; code: string }[] }
  let fulfillment: { id: string; number: string; location: string }
  let picklistId: string
  let shipment: { id: string; trackingNumber: string; status: string }

  beforeAll(async () => {
    browser = await launch()
    page = await newPage(browser)
  })
  afterAll(async () => {
    await browser?.close()
  })
  // A script error in the page is a bug, even when the step's checks passed. A failed step leaves
  // a picture of the screen as it was.
  afterEach(async (ctx) => {
    if (ctx.task.result?.state === 'fail') await page.screenshot({ path: `test-results/FAILED-${ctx.task.name.slice(0, 40).replace(/\W+/g, '-')}.png`, fullPage: true }).catch(() => undefined)
    // Close what the failed step left open, so the next step starts from a usable screen.
    if (ctx.task.result?.state === 'fail') await page.keyboard.press('Escape').catch(() => undefined)
    expect(pageErrors(page)).toEqual([])
  })

  it('refuses a wrong password, then signs in and shows the dashboard', async () => {
    await page.goto('/')
    await page.waitForURL('**/sign-in')
    await page.getByLabel('E-mail').fill(DEMO.email)
    await page.getByLabel(/^Password/).fill('not the password')
    await page.getByRole('button', { name: 'Sign in' }).click()
    await page.getByRole('alert').getByText('wrong').waitFor()
    await screenshot(page, '01-sign-in')

    await page.getByLabel(/^Password/).fill(DEMO.password)
    await page.getByRole('button', { name: 'Sign in' }).click()
    await page.getByRole('heading', { name: 'Dashboard' }).waitFor()
    await page.getByText('Orders per day').waitFor()
    // The demo has orders on its last day, so today's count is a number, and the charts drew.
    await expect.poll(async () => page.locator('[data-stat="Open orders"]').textContent(), { timeout: 10_000 }).toMatch(/^\d+$/)
    await page.locator('.recharts-surface').first().waitFor()
    await screenshot(page, '02-dashboard')
  })

  it('finds an order placed through the API and shows why it is held', async () => {
    order = await api('POST', '/v1/orders', {
      channel: 'web',
      externalId: `e2e-${Date.now()}`,
      customer: { email: 'e2e.buyer@example.com', name: 'Erika Mustermann' },
      shippingAddress: { name: 'Erika Mustermann', line1: 'Heidestraße 17', city: 'Köln', postalCode: '51147', country: 'DE' },
      lines: [{ sku: 'AP-TEE-GRY-M', quantity: 2 }],
      // A pending payment puts the order on a payment hold.
      payment: { status: 'pending', method: 'invoice' },
    })
    expect(order.holds.map((h) => h.code)).toContain('payment')

    await page.getByLabel('Search orders').fill(order.number)
    await page.getByLabel('Search orders').press('Enter')
    await page.getByRole('table', { name: 'Orders' }).getByRole('link', { name: order.number }).waitFor()
    expect(await page.getByRole('table', { name: 'Orders' }).locator('tbody tr').count()).toBe(1)
    await screenshot(page, '03-orders')

    await page.getByRole('table', { name: 'Orders' }).getByRole('link', { name: order.number }).click()
    await page.getByRole('heading', { name: order.number }).waitFor()
    await page.locator('[data-hold="payment"]').waitFor()
    await expect.poll(() => page.locator('[data-allocation]').count()).toBeGreaterThan(0)
    await screenshot(page, '04-order-held')
  })

  it('releases the hold: the order is confirmed, and the timeline names who did it', async () => {
    await page.locator('[data-hold="payment"]').getByRole('button', { name: 'Release' }).click()
    await page.getByLabel('Note').fill('Paid by bank transfer')
    await page.getByRole('button', { name: 'Release hold' }).click()
    await page.getByText('Hold released', { exact: true }).waitFor()
    await expect.poll(async () => (await api<{ status: string }>('GET', `/v1/orders/${order.id}`)).status).toBe('confirmed')
    await page.getByRole('heading', { name: order.number }).locator('[data-status="confirmed"]').waitFor()
    await page.getByLabel('Timeline').getByText(`user:${DEMO.email}`).first().waitFor()
    await screenshot(page, '05-order-released')
  })

  it('plans a wave with the order on it and prints nothing yet', async () => {
    await ensureCarrierAndBoxes()
    const fo = (await api<{ data: { id: string; number: string; location: string; held: boolean }[] }>('GET', `/v1/fulfillments?order=${order.id}`)).data[0]
    expect(fo.held).toBe(false)
    fulfillment = fo
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Warehouse' }).click()
    await page.getByRole('heading', { name: 'Picklists' }).waitFor()
    await page.getByLabel(/^Location/).first().click()
    await page.getByRole('option', { name: new RegExp(`^${fo.location} `) }).click()
    await page.getByRole('checkbox', { name: `Pick ${order.number}` }).check()
    await page.getByRole('button', { name: 'Create wave of 1 selected' }).click()
    await page.getByRole('table', { name: 'Walk' }).waitFor()
    await page.getByRole('table', { name: 'Walk' }).getByText('AP-TEE-GRY-M', { exact: false }).first().waitFor()
    picklistId = page.url().split('/').at(-1)!
    await screenshot(page, '06-picklist')
  })

  it('picks by scanning on a phone-sized screen: a wrong scan is refused in red, the right ones finish the walk', async () => {
    await page.setViewportSize({ width: 390, height: 844 })
    onTestFinished(() => page.setViewportSize({ width: 1280, height: 860 }))
    await page.getByRole('main').getByRole('link', { name: 'Scan to pick' }).click()
    const scan = page.getByRole('textbox', { name: 'Scan' })
    await scan.waitFor()
    const line = (await api<{ lines: { barcode: string; quantity: number; bin: string | null }[] }>('GET', `/v1/picklists/${picklistId}`)).lines[0]
    expect(await page.locator('[data-bin]').textContent()).toBe(line.bin ?? '(no bin)')

    await scan.fill('4000000000006')
    await scan.press('Enter')
    await page.locator('[data-scan-result="error"]').getByText('Wrong item', { exact: true }).waitFor()
    // The scan field keeps the focus, so the next scan needs no tap.
    expect(await scan.evaluate((el) => el === document.activeElement)).toBe(true)
    await screenshot(page, '07-scan-wrong-item')

    for (let i = 0; i < line.quantity; i++) {
      await page.keyboard.type(line.barcode, { delay: 5 })
      await page.keyboard.press('Enter')
      await page.locator('[data-scan-result="ok"]').waitFor()
    }
    await page.getByText('Picklist done').waitFor()
    const picked = await api<{ status: string; accuracy: { scans: number; wrongItem: number } }>('GET', `/v1/picklists/${picklistId}`)
    expect(picked).toMatchObject({ status: 'completed', accuracy: { scans: line.quantity + 1, wrongItem: 1 } })
    await screenshot(page, '08-scan-done')
  })

  it('packs with the suggested box and ships with the cheapest service', async () => {
    await page.goto(`/warehouse/pack/${fulfillment.id}`)
    await page.getByRole('button', { name: 'Use suggestion' }).click()
    await page.getByRole('button', { name: 'Pack 1 box(es)' }).click()
    await page.getByRole('table').filter({ hasText: 'BOX-M' }).first().waitFor()
    await page.getByRole('radio', { name: /Parcel/ }).first().waitFor()
    await screenshot(page, '09-pack')
    await page.getByRole('button', { name: 'Buy label and ship' }).click()
    await page.getByText(/^Shipped: SH-/).waitFor()
    const shipments = (await api<{ data: { id: string; trackingNumber: string; status: string }[] }>('GET', `/v1/shipments?order=${order.id}`)).data
    expect(shipments).toHaveLength(1)
    shipment = shipments[0]
    expect(shipment.status).toBe('label_created')
  })

  it("closes the day: the carrier's manifest at the location, printed for the driver", async () => {
    const shipped = await api<{ number: string; carrier: { code: string; name: string } }>('GET', `/v1/shipments/${shipment.id}`)
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Manifests' }).click()
    await page.getByRole('heading', { name: 'Manifests' }).waitFor()
    await page.getByRole('combobox', { name: 'Carrier' }).click()
    await page.getByRole('option', { name: shipped.carrier.name, exact: true }).click()
    await page.getByRole('combobox', { name: 'Location' }).click()
    await page.getByRole('option', { name: new RegExp(`^${fulfillment.location} `) }).click()
    // What closing the day hands over: the label just bought, with any other of the day.
    await page.getByText(/label\(s\) waiting/).getByRole('link', { name: shipped.number }).waitFor()
    await page.getByRole('button', { name: 'Close the day' }).click()
    await page.getByText(/^Manifest MF-/).waitFor()
    const manifest = (await api<{ data: { id: string; number: string; shipments: { id: string }[] }[] }>('GET', `/v1/manifests?carrier=${shipped.carrier.code}&location=${fulfillment.location}`)).data[0]
    expect(manifest.shipments.map((s) => s.id)).toContain(shipment.id)
    expect((await api<{ status: string }>('GET', `/v1/shipments/${shipment.id}`)).status).toBe('awaiting_pickup')
    await page.locator(`[data-manifest="${manifest.number}"]`).waitFor()
    await screenshot(page, '09b-manifests')

    // Printing opens the PDF in a new tab; the browser's session cookie is all it needs.
    const pdf = page.context().waitForEvent('response', (r) => r.url().endsWith(`/v1/manifests/${manifest.id}.pdf`))
    const popup = page.waitForEvent('popup')
    await page.getByRole('link', { name: `Print ${manifest.number}` }).first().click()
    const res = await pdf
    expect(res.status()).toBe(200)
    expect(res.headers()['content-type']).toBe('application/pdf')
    // The tab shows Chromium's PDF viewer; the bytes behind it, fetched with the same cookies, are the PDF.
    expect((await (await page.context().request.get(res.url())).body()).subarray(0, 5).toString()).toBe('%PDF-')
    await (await popup).close()
  })

  it("shows the carrier's tracking on the order", async () => {
    await api('POST', `/v1/shipments/${shipment.id}/tracking-events`, { status: 'in_transit', occurredAt: new Date().toISOString(), location: 'Hub Berlin', source: 'carrier' })
    await page.goto(`/orders/${order.number}`)
    const card = page.getByLabel('Fulfilment and shipments')
    await card.getByText(shipment.trackingNumber).waitFor()
    await card.locator('[data-status="in_transit"]').waitFor()
    await card.getByText('In transit at Hub Berlin').waitFor()
    await screenshot(page, '10-order-tracking')
    await page.goto(`/shipments/${shipment.id}`)
    await page.getByLabel('Tracking').getByText('Hub Berlin').waitFor()
    await screenshot(page, '11-shipment')
  })

  it('takes a return of the delivered order: requested from the order, authorized and received by a person', async () => {
    await api('POST', `/v1/shipments/${shipment.id}/tracking-events`, { status: 'delivered', occurredAt: new Date().toISOString(), location: 'Köln', source: 'driver' })
    // Every return waits for a person here, and comes back to the warehouse that shipped it.
    await api('PUT', '/v1/return-policies', { windowDays: 30, autoAuthorize: false, returnLocation: fulfillment.location })
    await page.goto(`/orders/${order.number}`)
    await page.getByRole('button', { name: 'Request return' }).click()
    const form = page.getByRole('dialog')
    await form.getByLabel('Units of AP-TEE-GRY-M to return').fill('1')
    await form.getByLabel(/^Reason/).click()
    await page.getByRole('option').first().click()
    await form.getByRole('button', { name: 'Request return' }).click()
    await page.getByRole('table', { name: 'Return lines' }).waitFor()
    await page.getByRole('heading').locator('[data-status="requested"]').waitFor()
    const returnId = page.url().split('/').at(-1)!
    await screenshot(page, '12-return-requested')

    await page.getByRole('button', { name: 'Authorize' }).click()
    await page.getByRole('dialog').getByRole('button', { name: 'Authorize' }).click()
    await page.getByRole('heading').locator('[data-status="authorized"]').waitFor()
    await page.getByRole('button', { name: 'Receive' }).click()
    await page.getByRole('dialog').getByRole('button', { name: 'Receive' }).click()
    await page.getByRole('heading').locator('[data-status="received"]').waitFor()
    const received = await api<{ status: string; lines: { receivedQuantity: number }[] }>('GET', `/v1/returns/${returnId}`)
    expect(received).toMatchObject({ status: 'received', lines: [{ receivedQuantity: 1 }] })
    await screenshot(page, '13-return-received')
  })

  it('adjusts stock, and the API sees the new quantity', async () => {
    const before = (await api<{ data: { onHand: number }[] }>('GET', '/v1/inventory?sku=AP-TEE-GRY-M&location=BER')).data[0]?.onHand ?? 0
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Inventory' }).click()
    await page.getByRole('heading', { name: 'Inventory' }).waitFor()
    await page.getByRole('table', { name: 'Stock' }).locator('tbody tr').first().waitFor()
    await screenshot(page, '14-inventory')

    await page.getByRole('button', { name: 'Adjust stock' }).click()
    const form = page.getByRole('dialog', { name: 'Adjust stock' })
    await form.getByLabel(/^SKU/).fill('NO-SUCH-SKU')
    await form.getByLabel(/^Location/).click()
    await page.getByRole('option', { name: /^BER/ }).click()
    await form.getByLabel(/^Units/).fill('5')
    await form.getByLabel(/^Reason/).fill('Found during cycle count')
    await form.getByRole('button', { name: 'Save adjustment' }).click()
    // The server's answer names the field, and the form shows it there.
    await form.getByText('unknown SKU "NO-SUCH-SKU"').waitFor()
    await form.getByLabel(/^SKU/).fill('AP-TEE-GRY-M')
    await form.getByRole('button', { name: 'Save adjustment' }).click()
    await page.getByText('Stock adjusted', { exact: true }).waitFor()
    await expect.poll(async () => (await api<{ data: { onHand: number }[] }>('GET', '/v1/inventory?sku=AP-TEE-GRY-M&location=BER')).data[0].onHand).toBe(before + 5)

    await page.getByRole('tab', { name: 'Ledger' }).click()
    await page.getByRole('table', { name: 'Ledger' }).getByText('Found during cycle count').first().waitFor()
    await screenshot(page, '15-ledger')
  })

  it('shows settings: channels, users, carriers, and the routing policy tried on past orders', async () => {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Settings' }).click()
    await page.getByRole('table', { name: 'Channels' }).getByText('web', { exact: true }).waitFor()
    await screenshot(page, '16-settings-channels')
    await page.getByRole('tab', { name: 'Users' }).click()
    await page.getByRole('table', { name: 'Users' }).getByText(DEMO.email).waitFor()
    await screenshot(page, '17-settings-users')
    await page.getByRole('tab', { name: 'Carriers' }).click()
    await page.getByRole('table', { name: 'Carriers' }).getByText('E2E Post').waitFor()
    await page.getByRole('tab', { name: 'Routing policy' }).click()
    await page.getByRole('button', { name: 'Try on the last 500 orders' }).click()
    await page.getByLabel('Simulation').getByText('Shipped complete').waitFor()
    await screenshot(page, '18-settings-routing')
  })

  it('signs out', async () => {
    await page.getByRole('button', { name: 'Account' }).click()
    await page.getByRole('menuitem', { name: 'Sign out' }).click()
    await page.getByRole('button', { name: 'Sign in' }).waitFor()
    await page.goto('/orders')
    await page.waitForURL('**/sign-in?next=%2Forders')
  })
})

/** The demo data has no carrier or boxes yet: set up one table-rate carrier for Germany and two boxes, as an admin would. */
async function ensureCarrierAndBoxes() {
  const carriers = (await api<{ data: { code: string }[] }>('GET', '/v1/carriers')).data
  if (!carriers.some((c) => c.code === 'e2e-post')) {
    await api('POST', '/v1/carriers', { code: 'e2e-post', name: 'E2E Post', adapter: 'table_rate', trackingPrefix: 'EE', settings: { trackingCountry: 'DE' } })
    await api('POST', '/v1/carriers/e2e-post/services', {
      code: 'parcel',
      name: 'Parcel',
      level: 'standard',
      rateCard: { currency: 'EUR', zones: [{ code: 'DE', match: { by: 'destination', countries: ['DE'] }, weightBreaks: [{ upToGrams: 5000, price: 490 }, { upToGrams: 31500, price: 990 }], transitDays: 2 }] },
    })
  }
  const boxes = (await api<{ data: { code: string }[] }>('GET', '/v1/packaging')).data
  for (const b of [
    { code: 'BOX-S', name: 'Small box', innerLengthMm: 250, innerWidthMm: 175, innerHeightMm: 100, maxWeightGrams: 5000, tareWeightGrams: 120, cost: { amount: 45, currency: 'EUR' } },
    { code: 'BOX-M', name: 'Medium box', innerLengthMm: 400, innerWidthMm: 300, innerHeightMm: 200, maxWeightGrams: 20000, tareWeightGrams: 250, cost: { amount: 80, currency: 'EUR' } },
  ]) {
    if (!boxes.some((x) => x.code === b.code)) await api('POST', '/v1/packaging', b)
  }
}
