/**
 * Runs `ordo serve` as a child process, so the server and the load generator do not share one
 * core, and waits until it answers /ready.
 */
import { spawn } from 'node:child_process'
import http from 'node:http'
import net from 'node:net'
import { fileURLToPath } from 'node:url'

export const ROOT = fileURLToPath(new URL('..', import.meta.url))

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer()
    s.once('error', reject)
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo
      s.close(() => resolve(port))
    })
  })
}

function get(port: number, path: string): Promise<number> {
  return new Promise((resolve) => {
    const req = http.get({ host: '127.0.0.1', port, path, agent: false }, (res) => {
      res.resume()
      res.on('end', () => resolve(res.statusCode ?? 0))
    })
    req.on('error', () => resolve(0))
    req.setTimeout(1000, () => req.destroy())
  })
}

export interface ServerProcess {
  port: number
  pid: number
  /** Seconds from spawn to the first good /ready (start-up, left out of a profile with --skip). */
  readySeconds: number
  /** Stops the server with SIGTERM (its graceful shutdown; a --cpu-prof profile is written then). */
  stop(): Promise<void>
  output(): string
}

export async function startServer(opts: { databaseUrl: string; env?: Record<string, string>; cpuProfDir?: string }): Promise<ServerProcess> {
  const port = await freePort()
  const spawnedAt = Date.now()
  const nodeArgs = [...(opts.cpuProfDir ? ['--cpu-prof', `--cpu-prof-dir=${opts.cpuProfDir}`] : []), '--import', 'tsx']
  const child = spawn(process.execPath, [...nodeArgs, 'src/cli.ts', 'serve', '--port', String(port), '--log-level', 'warn'], {
    cwd: ROOT,
    env: { ...process.env, ...opts.env, DATABASE_URL: opts.databaseUrl },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let out = ''
  const keep = (d: Buffer) => {
    out = (out + d.toString('utf8')).slice(-20_000)
  }
  child.stdout.on('data', keep)
  child.stderr.on('data', keep)
  let exited: number | null | undefined
  const exit = new Promise<void>((resolve) =>
    child.once('exit', (code, signal) => {
      exited = code ?? (signal ? -1 : null)
      resolve()
    }),
  )

  const deadline = Date.now() + 60_000
  for (;;) {
    if (exited !== undefined) throw new Error(`the server exited (${exited}) before it was ready:\n${out}`)
    if ((await get(port, '/ready')) === 200) break
    if (Date.now() > deadline) {
      child.kill('SIGKILL')
      throw new Error(`the server did not answer /ready within 60 s:\n${out}`)
    }
    await new Promise((r) => setTimeout(r, 100))
  }

  return {
    port,
    pid: child.pid!,
    readySeconds: (Date.now() - spawnedAt) / 1000,
    output: () => out,
    async stop() {
      if (exited !== undefined) return
      child.kill('SIGTERM')
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000)
      await exit
      clearTimeout(timer)
    },
  }
}
