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
/** A picture of the whole page; `fullPage: false` for what is in view (a sandboxed frame, such as an e-mail preview, only shows there). */
export async function screenshot(page: Page, name: string, opts: { fullPage?: boolean } = {}) {
  mkdirSync(dir, { recursive: true })
  // Wait for the screen's data, so the picture shows it rather than a spinner. Chromium may never
  // call a page idle once it holds a sandboxed frame (an e-mail preview): then take it as it is.
  await page.waitForLoadState('networkidle', { timeout: 5_000 }).catch(() => undefined)
  await page.screenshot({ path: join(dir, `${name}.png`), fullPage: opts.fullPage ?? true })
}

/** The demo seed's console user (admin). */
export const DEMO = { email: 'demo@ordo.dev', password: 'ordo-demo' }

/** Signs in through the sign-in form and waits for the dashboard. */
export async function signIn(page: Page, who = DEMO) {
  await page.goto('/sign-in')
  await page.getByLabel('E-mail').fill(who.email)
  await page.getByLabel(/^Password/).fill(who.password)
  await page.getByRole('button', { name: 'Sign in' }).click()
  await page.getByRole('heading', { name: 'Dashboard' }).waitFor()
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
