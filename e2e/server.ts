/**
 * Starts `ordo serve` for the browser tests: a fresh SQLite database with the demo data set, on a
 * free port, serving the built console. Hands the tests its address and an admin API key.
 */
import { spawn, execFileSync } from 'node:child_process'
import { createWriteStream, mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { join } from 'node:path'

const root = join(import.meta.dirname, '..')

const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const s = createServer()
    s.once('error', reject)
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number }
      s.close(() => resolve(port))
    })
  })

export default async function setup({ provide }: { provide: (key: string, value: string) => void }) {
  // Against a server you already run (with the demo data): ORDO_E2E_URL and ORDO_E2E_KEY.
  if (process.env.ORDO_E2E_URL && process.env.ORDO_E2E_KEY) {
    provide('baseUrl', process.env.ORDO_E2E_URL)
    provide('apiKey', process.env.ORDO_E2E_KEY)
    return
  }
  const dir = mkdtempSync(join(root, '.tmp', 'e2e-'))
  mkdirSync(join(root, 'test-results'), { recursive: true })
  const env = { ...process.env, DATABASE_URL: `sqlite:${join(dir, 'ordo.db')}`, LOG_LEVEL: 'warn' }
  // The demo data set, smaller: enough orders for every screen, seeded in seconds. The key is the last line.
  const seeded = execFileSync(process.execPath, ['--import', 'tsx', 'src/cli.ts', 'seed', '--demo', '--orders', '80'], { cwd: root, env, encoding: 'utf8' })
  const apiKey = seeded.trim().split('\n').at(-1)!
  if (!/^ordo_/.test(apiKey)) throw new Error(`the demo seed printed no key:\n${seeded}`)

  const port = await freePort()
  const log = createWriteStream(join(root, 'test-results', 'server.log'))
  const server = spawn(process.execPath, ['--import', 'tsx', 'src/cli.ts', 'serve', '--port', String(port)], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] })
  server.stdout.pipe(log)
  server.stderr.pipe(log)
  const baseUrl = `http://127.0.0.1:${port}`
  const deadline = Date.now() + 60_000
  for (;;) {
    if (server.exitCode !== null) throw new Error(`ordo serve exited with ${server.exitCode}; see test-results/server.log`)
    const ok = await fetch(`${baseUrl}/ready`).then((r) => r.ok, () => false)
    if (ok) break
    if (Date.now() > deadline) throw new Error('ordo serve did not become ready within 60 s')
    await new Promise((r) => setTimeout(r, 200))
  }
  provide('baseUrl', baseUrl)
  provide('apiKey', apiKey)
  return async () => {
    server.kill('SIGTERM')
    await new Promise((r) => server.once('exit', r))
    rmSync(dir, { recursive: true, force: true })
  }
}

declare module 'vitest' {
  export interface ProvidedContext {
    baseUrl: string
    apiKey: string
  }
}
