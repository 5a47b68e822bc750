import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import fastifyStatic from '@fastify/static'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'

/** Where `npm run build` puts the console: web/dist, beside src/ and dist/ alike. */
export const CONSOLE_DIR = fileURLToPath(new URL('../web/dist', import.meta.url))

// Paths the API owns: an unknown one stays a problem+json 404, never the console's page.
const API_PATHS = /^\/(v1|docs|openapi\.json|health|ready)(\/|$|\?)/

// The console loads only its own files; Mantine sets inline styles, the favicon is a data: URI.
const CONSOLE_HEADERS = {
  'content-security-policy': "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; connect-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'same-origin',
}

/**
 * Serves the built console at `/` (hashed assets cached for a year, index.html never), and
 * returns the SPA fallback for the not-found handler: a browser asking for a client route such as
 * /orders/SO-10001 gets index.html. Returns null when the console has not been built.
 */
export async function registerConsole(app: FastifyInstance, dir = CONSOLE_DIR): Promise<((req: FastifyRequest, reply: FastifyReply) => FastifyReply | null) | null> {
  if (!existsSync(join(dir, 'index.html'))) return null
  await app.register(fastifyStatic, {
    root: dir,
    // Files are looked up per request, so a rebuild of the console needs no restart.
    wildcard: true,
    cacheControl: false,
    setHeaders: (res, path) => {
      const asset = path.includes(`${join(dir, 'assets')}`)
      res.setHeader('cache-control', asset ? 'public, max-age=31536000, immutable' : 'no-cache')
      if (!asset) for (const [k, v] of Object.entries(CONSOLE_HEADERS)) res.setHeader(k, v)
    },
  })
  return (req, reply) => {
    const wantsPage = (req.method === 'GET' || req.method === 'HEAD') && !API_PATHS.test(req.url) && !req.url.startsWith('/assets/') && (req.headers.accept ?? '').includes('text/html')
    if (!wantsPage) return null
    return reply.headers({ ...CONSOLE_HEADERS, 'cache-control': 'no-cache' }).sendFile('index.html')
  }
}
