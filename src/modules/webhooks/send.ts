import http from 'node:http'
import https from 'node:https'
import { isPrivateAddress, publicOnlyLookup } from './url-policy.js'

export interface SendResult {
  /** The HTTP status, or null when no answer came (refused, reset, timed out). */
  status: number | null
  durationMs: number
  error: string | null
  /** The first KiB of the answer. */
  body: string | null
  /** What a 429/503 asked for in Retry-After (seconds or a date), in ms. */
  retryAfterMs: number | null
}

const BODY_LIMIT = 1024

/**
 * POSTs one webhook. Redirects are not followed (a 3xx is a failure: the endpoint's URL should be
 * updated instead); the whole exchange, connection to last byte, must finish within `timeoutMs`.
 */
export function postWebhook(target: string, headers: Record<string, string>, body: string, o: { timeoutMs: number; allowPrivate: boolean }): Promise<SendResult> {
  const started = performance.now()
  const elapsed = () => Math.round(performance.now() - started)
  return new Promise((resolve) => {
    let settled = false
    let timer: NodeJS.Timeout | undefined
    const finish = (r: Omit<SendResult, 'durationMs'>) => {
      if (settled) return
      settled = true
      clearTimeout(timer)
      resolve({ ...r, durationMs: elapsed() })
    }
    const fail = (error: string) => finish({ status: null, error, body: null, retryAfterMs: null })
    const url = new URL(target)
    const host = url.hostname.replace(/^\[|\]$/g, '')
    // A literal address never goes through the lookup below.
    if (!o.allowPrivate && isPrivateAddress(host)) return fail(`${host} is a private address`)
    const request = (url.protocol === 'https:' ? https : http).request(url, {
      method: 'POST',
      headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) },
      ...(o.allowPrivate ? {} : { lookup: publicOnlyLookup }),
    })
    timer = setTimeout(() => request.destroy(new Error(`no answer within ${o.timeoutMs} ms`)), o.timeoutMs)
    request.on('error', (err) => fail(err.message || String(err)))
    request.on('response', (res) => {
      const chunks: Buffer[] = []
      let size = 0
      res.on('data', (chunk: Buffer) => {
        if (size < BODY_LIMIT) chunks.push(chunk)
        size += chunk.length
      })
      res.on('error', (err) => fail(err.message))
      res.on('end', () => {
        const status = res.statusCode ?? 0
        const text = Buffer.concat(chunks).toString('utf8').slice(0, BODY_LIMIT)
        finish({ status, error: status >= 200 && status < 300 ? null : `HTTP ${status}`, body: text || null, retryAfterMs: retryAfter(res.headers['retry-after']) })
      })
    })
    request.end(body)
  })
}

function retryAfter(value: string | undefined): number | null {
  if (!value) return null
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000
  const at = Date.parse(value)
  return Number.isNaN(at) ? null : Math.max(0, at - Date.now())
}
