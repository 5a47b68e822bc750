/**
 * Closed-loop load: N clients, each sending its next request as soon as the last one answered.
 * Requests that complete inside the measuring window count; the warm-up before it does not.
 */
import { readFileSync } from 'node:fs'
import http from 'node:http'
import { performance } from 'node:perf_hooks'

export interface Outcome {
  ok: boolean
  /** What went wrong (status and body, or the error's message) when not ok. */
  detail?: string
  /** The created order, for the sanity check of the first one. */
  order?: { status?: string; fulfillmentStatus?: string }
}

export interface RunResult {
  /** Requests sent, warm-up included. */
  sent: number
  completed: number
  errors: number
  seconds: number
  ordersPerSecond: number
  p50: number
  p99: number
  max: number
  /** CPU time (user + system, all threads) the measured process spent per completed order, in ms. */
  cpuMsPerOrder?: number
  firstError?: string
  firstOrder?: Outcome['order']
}

export interface RunOptions {
  clients: number
  warmupMs: number
  measureMs: number
  /** Sends request number `n` for client `client`. */
  send(n: number, client: number): Promise<Outcome>
  /** Cumulative CPU microseconds of the process doing the work, read at the window's edges. */
  cpuMicros?: () => number | undefined
}

export function percentile(sorted: Float64Array, p: number): number {
  if (!sorted.length) return NaN
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))
  return sorted[i]
}

export async function runClosedLoop(o: RunOptions): Promise<RunResult> {
  const start = performance.now()
  const measureFrom = start + o.warmupMs
  const measureTo = measureFrom + o.measureMs
  let latencies = new Float64Array(1 << 16)
  let completed = 0
  let errors = 0
  let next = 0
  let firstError: string | undefined
  let firstOrder: Outcome['order']
  // Read in the loop, not from timers: the in-process floor runs on microtasks only and would starve them.
  let cpuFrom: number | undefined
  let cpuTo: number | undefined

  const client = async (c: number) => {
    for (;;) {
      const t0 = performance.now()
      if (o.cpuMicros && cpuFrom === undefined && t0 >= measureFrom) cpuFrom = o.cpuMicros() ?? NaN
      if (t0 >= measureTo) {
        if (o.cpuMicros && cpuTo === undefined) cpuTo = o.cpuMicros() ?? NaN
        return
      }
      let out: Outcome
      try {
        out = await o.send(next++, c)
      } catch (err) {
        out = { ok: false, detail: (err as Error).stack ?? String(err) }
      }
      const t1 = performance.now()
      if (!out.ok) {
        errors++
        firstError ??= out.detail
      } else if (!firstOrder && out.order) firstOrder = out.order
      if (t1 >= measureFrom && t1 < measureTo && out.ok) {
        if (completed === latencies.length) {
          const grown = new Float64Array(latencies.length * 2)
          grown.set(latencies)
          latencies = grown
        }
        latencies[completed++] = t1 - t0
      }
    }
  }
  await Promise.all(Array.from({ length: o.clients }, (_, c) => client(c)))
  const sorted = latencies.subarray(0, completed).sort()
  const seconds = o.measureMs / 1000
  return {
    sent: next,
    completed,
    errors,
    seconds,
    ordersPerSecond: completed / seconds,
    p50: percentile(sorted, 50),
    p99: percentile(sorted, 99),
    max: completed ? sorted[completed - 1] : NaN,
    cpuMsPerOrder: cpuFrom !== undefined && cpuTo !== undefined && completed ? (cpuTo - cpuFrom) / 1000 / completed : undefined,
    firstError,
    firstOrder,
  }
}

/**
 * POSTs JSON bodies over one keep-alive agent (node:http: cheaper than fetch for the generator).
 * Request `n` goes to `paths[n % paths.length]` when given, else to `path`; any status but
 * `status` (default 201) is an error.
 */
export function httpSender(opts: { port: number; path: string; paths?: string[]; status?: number; clients: number; keys: string[]; bodies: string[] }) {
  const expected = opts.status ?? 201
  const agent = new http.Agent({ keepAlive: true, maxSockets: opts.clients, maxFreeSockets: opts.clients })
  const payloads = opts.bodies.map((b) => Buffer.from(b))
  const headers = Array.from({ length: opts.clients }, (_, c) => ({
    authorization: `Bearer ${opts.keys[c % opts.keys.length]}`,
    'content-type': 'application/json',
  }))
  const send = (n: number, c: number) =>
    new Promise<Outcome>((resolve, reject) => {
      const payload = payloads[n % payloads.length]
      const req = http.request(
        { agent, host: '127.0.0.1', port: opts.port, method: 'POST', path: opts.paths ? opts.paths[n % opts.paths.length] : opts.path, headers: { ...headers[c], 'content-length': payload.length } },
        (res) => {
          const chunks: Buffer[] = []
          res.on('data', (d: Buffer) => chunks.push(d))
          res.on('end', () => {
            const body = Buffer.concat(chunks).toString('utf8')
            if (res.statusCode !== expected) return resolve({ ok: false, detail: `HTTP ${res.statusCode}: ${body.slice(0, 2000)}` })
            // Parse only until the first order is checked; afterwards the generator skips the cost.
            resolve({ ok: true, order: n < opts.clients * 2 ? JSON.parse(body) : undefined })
          })
          res.on('error', reject)
        },
      )
      req.on('error', reject)
      req.end(payload)
    })
  return { send, close: () => agent.destroy() }
}

/** CPU microseconds (user + system, every thread) of another process, from /proc (Linux); undefined elsewhere. */
export function processCpuMicros(pid: number): () => number | undefined {
  const tick = 1e6 / 100 // USER_HZ is 100 on Linux
  return () => {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
      return (Number(fields[11]) + Number(fields[12])) * tick
    } catch {
      return undefined
    }
  }
}

/** CPU microseconds of this process. */
export const ownCpuMicros = () => {
  const u = process.cpuUsage()
  return u.user + u.system
}
