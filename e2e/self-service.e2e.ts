/**
 * The customer's order page driven in Chromium on a phone-sized screen, as a customer would use it:
 * open the signed link from the e-mail, follow the parcel to the door, rate the order, send
 * something back. The order is moved along through the API, as the warehouse and the carrier would.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { inject } from 'vitest'
import type { Browser, Page } from 'playwright-core'
import { deliverOrder } from '../test/delivered-order.js'
import type { TestApp } from '../test/helpers.js'
import { api, launch, newPage, pageErrors, screenshot } from './browser.js'

/** The API over HTTP in the shape the integration helpers take, so deliverOrder drives this server. */
const overHttp = {
  clock: { now: () => new Date() },
  async call(method: string, url: string, opts: { body?: unknown } = {}) {
    const res = await fetch(`${inject('baseUrl')}${url}`, {
      method,
      headers: { authorization: `Bearer ${inject('apiKey')}`, ...(opts.body !== undefined ? { 'content-type': 'application/json' } : {}) },
      body: opts.body !== undefined ? JSON.stringify(opts.body) : undefined,
    })
    const body = await res.text()
    return { statusCode: res.status, body, json: () => JSON.parse(body) }
  },
} as unknown as TestApp

describe.sequential("the customer's order page", () => {
  let browser: Browser
  let page: Page
  const consoleErrors: string[] = []
  let order: { id: string; number: string; lines: { id: string; sku: string; name: string }[] }
  let statusPath: string

  beforeAll(async () => {
    browser = await launch()
    page = await newPage(browser, { width: 390, height: 844 })
    // A style or script the Content-Security-Policy blocks shows up here.
    page.on('console', (m) => {
      if (m.type() === 'error') consoleErrors.push(m.text())
    })
  })
  afterAll(async () => {
    await fetch(`${inject('baseUrl')}/v1/return-policies/web`, { method: 'DELETE', headers: { authorization: `Bearer ${inject('apiKey')}` } })
    await browser?.close()
  })
  afterEach(async (ctx) => {
    if (ctx.task.result?.state === 'fail') await page.screenshot({ path: `test-results/FAILED-customer-${ctx.task.name.slice(0, 40).replace(/\W+/g, '-')}.png`, fullPage: true }).catch(() => undefined)
    expect(pageErrors(page)).toEqual([])
    expect(consoleErrors).toEqual([])
  })

  it('opens the signed link from the e-mail: the order, its progress and what comes next', async () => {
    order = await api('POST', '/v1/orders', {
      channel: 'web',
      externalId: `e2e-customer-${Date.now()}`,
      customer: { email: 'kunde.e2e@example.com', name: 'Lena Kunde' },
      shippingAddress: { name: 'Lena Kunde', line1: 'Venloer Straße 210', city: 'Köln', postalCode: '50823', country: 'DE' },
      lines: [{ sku: 'AP-TEE-GRY-M', quantity: 2 }],
      payment: { status: 'paid', method: 'card', reference: 'ch_e2e' },
    })
    const link = await api<{ url: string }>('GET', `/v1/orders/${order.id}/status-link`)
    statusPath = new URL(link.url).pathname
    const res = await page.goto(statusPath)
    expect(res?.status()).toBe(200)
    expect(res?.headers()['set-cookie']).toBeUndefined()
    await page.getByRole('heading', { name: `Order ${order.number}` }).waitFor()
    await page.getByRole('region', { name: 'What comes next' }).getByText('We are packing your order.').waitFor()
    await page.getByRole('list', { name: 'Timeline' }).getByText('Order confirmed').waitFor()
    await page.getByRole('table', { name: 'Items' }).getByText(order.lines[0].name).waitFor()
    // Nothing to rate before delivery.
    expect(await page.getByRole('button', { name: 'Send feedback' }).count()).toBe(0)
    expect(await page.evaluate(() => document.cookie)).toBe('')
    await screenshot(page, 'customer-01-placed')
  })

  it('follows the parcel to the door with the carrier and its scans', async () => {
    const [shipment] = await deliverOrder(overHttp, order.number)
    const fo = (await api<{ data: { location: string }[] }>('GET', `/v1/fulfillments?order=${order.id}`)).data[0]
    const city = (await api<{ address: { city: string } }>('GET', `/v1/locations/${fo.location}`)).address.city
    await page.reload()
    const timeline = page.getByRole('list', { name: 'Timeline' })
    await timeline.getByText(`Packed in ${city}`).waitFor()
    await timeline.getByText(`Shipped with ${shipment.carrier.name}, tracking ${shipment.trackingNumber}`).waitFor()
    await timeline.getByText('Delivered', { exact: true }).waitFor()
    await page.getByRole('region', { name: 'What comes next' }).getByText('Your order has been delivered. We hope you enjoy it.').waitFor()
    const parcel = page.getByRole('article', { name: `Parcel ${shipment.trackingNumber}` })
    const scans = parcel.getByRole('list', { name: 'Tracking events' })
    expect(await scans.getByRole('listitem').allInnerTexts()).toEqual([expect.stringMatching(/^Delivered/), expect.stringMatching(/^In transit/)])
    await screenshot(page, 'customer-02-delivered')
  })

  it('takes a rating and a comment, and staff see them', async () => {
    const feedback = page.getByRole('region', { name: 'How did we do?' })
    await feedback.getByLabel('4 – Very good').check()
    await feedback.getByLabel(/^Comment/).fill('Soft shirt, quick delivery. The box was a bit large.')
    await feedback.getByRole('button', { name: 'Send feedback' }).click()
    await page.waitForURL('**?feedback=saved#feedback')
    await page.getByRole('status').getByText('Thank you for your feedback!').waitFor()
    expect(await page.getByLabel('4 – Very good').isChecked()).toBe(true)
    await page.getByRole('list', { name: 'Timeline' }).getByText('You rated this order').waitFor()
    const staff = await api<{ rating: number; comment: string; givenBy: string }>('GET', `/v1/orders/${order.id}/feedback`)
    expect(staff).toMatchObject({ rating: 4, comment: 'Soft shirt, quick delivery. The box was a bit large.', givenBy: 'customer:kunde.e2e@example.com' })
    await screenshot(page, 'customer-03-feedback')
  })

  it('requests a return that the policy accepts at once, with a label to print', async () => {
    const fo = (await api<{ data: { location: string }[] }>('GET', `/v1/fulfillments?order=${order.id}`)).data[0]
    await api('PUT', '/v1/return-policies/web', { windowDays: 30, returnLocation: fo.location, returnShippingPaidBy: 'merchant', autoAuthorize: true })
    await page.reload()
    const returns = page.getByRole('region', { name: 'Returns' })
    await returns.getByLabel(`Units of ${order.lines[0].name} to return`).selectOption('1')
    await returns.getByLabel(`Reason for ${order.lines[0].name}`).selectOption({ label: 'Size or fit' })
    await returns.getByLabel('What would you like?').selectOption({ label: 'A refund' })
    await returns.getByLabel(/^Anything we should know/).fill('Too small for me.')
    await screenshot(page, 'customer-04-return-form')
    await returns.getByRole('button', { name: 'Request return' }).click()
    await page.getByRole('status').getByText(/^Return RMA-\d+ is accepted\.$/).waitFor()
    const number = (await page.getByRole('status').locator('strong').innerText()).match(/RMA-\d+/)![0]
    const label = page.getByRole('status').getByRole('link', { name: 'Print your return label (PDF)' })
    const pdf = await page.request.get((await label.getAttribute('href'))!)
    expect([pdf.status(), pdf.headers()['content-type'], (await pdf.body()).subarray(0, 5).toString()]).toEqual([200, 'application/pdf', '%PDF-'])
    const rma = await api<{ status: string; lines: { quantity: number; reason: string; comment: string }[] }>('GET', `/v1/returns/${number}`)
    expect(rma).toMatchObject({ status: 'authorized', lines: [{ quantity: 1, reason: 'size_fit', comment: 'Too small for me.' }] })
    await page.getByRole('article', { name: `Return ${number}` }).getByText('Accepted').waitFor()
    await screenshot(page, 'customer-05-return-accepted')
  })

  it('answers a changed link with a friendly page that shows nothing of the order', async () => {
    const broken = statusPath.slice(0, -3) + (statusPath.endsWith('AAA') ? 'BBB' : 'AAA')
    const res = await page.goto(broken)
    expect(res?.status()).toBe(404)
    // Chromium logs the 404 it was meant to get.
    expect(consoleErrors.splice(0)).toEqual([expect.stringContaining('404')])
    await page.getByRole('heading', { name: 'This link does not work' }).waitFor()
    expect(await page.content()).not.toContain(order.number)
    await screenshot(page, 'customer-06-bad-link')
  })
})
