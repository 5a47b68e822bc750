import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { chromium, type Browser, type Page } from 'playwright-core'
import { inject } from 'vitest'

/** Debian's Chromium, never a downloaded one. */
export const launch = (): Promise<Browser> =>
  chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  })

export async function newPage(browser: Browser, viewport = { width: 1280, height: 860 }): Promise<Page> {
  const context = await browser.newContext({ baseURL: inject('baseUrl'), viewport, locale: 'en-GB', timezoneId: 'Europe/Berlin' })
  const page = await context.newPage()
  page.setDefaultTimeout(15_000)
  const errors: string[] = []
  page.on('pageerror', (err) => errors.push(err.message))
  pageErrorsOf.set(page, errors)
  return page
}

const pageErrorsOf = new WeakMap<Page, string[]>()
/** Uncaught script errors in the page since it opened (tests expect none). */
export const pageErrors = (page: Page) => pageErrorsOf.get(page) ?? []

const dir = join(import.meta.dirname, '..', 'test-results')
export async function screenshot(page: Page, name: string) {
  mkdirSync(dir, { recursive: true })
  // Wait for the screen's data, so the picture shows it rather than a spinner.
  await page.waitForLoadState('networkidle')
  await page.screenshot({ path: join(dir, `${name}.png`), fullPage: true })
}

/** The API as an integration calls it: with the admin key the demo seed printed. */
export async function api<T = any>(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<T> {
  const res = await fetch(`${inject('baseUrl')}${path}`, {
    method,
    headers: { authorization: `Bearer ${inject('apiKey')}`, ...(body ? { 'content-type': 'application/json' } : {}), ...headers },
    body: body ? JSON.stringify(body) : undefined,
  })
  const json = await res.json()
  if (!res.ok) throw new Error(`${method} ${path} → ${res.status} ${JSON.stringify(json)}`)
  return json as T
}
